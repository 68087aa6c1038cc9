"""Where LoRA goes: the language model's linear layers, never the vision tower."""

from __future__ import annotations

import re

VISION_PARTS = ("visual", "vision_tower", "vision_model", "image_tower", "video_tower")
PROJECTOR_PARTS = ("multi_modal_projector", "mm_projector", "merger", "connector")


def _is_linear(module) -> bool:
    import torch

    if isinstance(module, torch.nn.Linear):
        return True
    try:
        import bitsandbytes as bnb

        return isinstance(module, (bnb.nn.Linear4bit, bnb.nn.Linear8bitLt))
    except ImportError:
        return False


def language_linear_names(model) -> list[str]:
    """Leaf names (``q_proj``, ``down_proj``...) of linear layers in the language model."""
    names = set()
    for name, module in model.named_modules():
        parts = name.split(".")
        if not _is_linear(module) or any(p in VISION_PARTS + PROJECTOR_PARTS for p in parts) or parts[-1] == "lm_head":
            continue
        names.add(parts[-1])
    return sorted(names)


def target_regex(model, targets: list[str] | None = None) -> str:
    """A PEFT ``target_modules`` regex: the given (or all) leaf names, outside vision and projector.

    >>> import re
    >>> rx = re.compile(r"^(?!.*(?:visual|vision_tower|vision_model|image_tower|video_tower|multi_modal_projector|mm_projector|merger|connector)\\.).*\\.(?:q_proj|v_proj)$")
    >>> bool(rx.match("model.language_model.layers.0.self_attn.q_proj")), bool(rx.match("model.vision_tower.layers.0.q_proj"))
    (True, False)
    """
    leaves = targets or language_linear_names(model)
    if not leaves:
        raise ValueError("no linear layers found in the language model")
    excluded = "|".join(VISION_PARTS + PROJECTOR_PARTS)
    return rf"^(?!.*(?:{excluded})\.).*\.(?:{'|'.join(re.escape(x) for x in leaves)})$"


def projector_names(model) -> list[str]:
    """Top-level names of the vision-language projector modules (for ``--train-projector``)."""
    found = []
    for name, _ in model.named_modules():
        leaf = name.split(".")[-1]
        if leaf in PROJECTOR_PARTS and not any(name.startswith(f + ".") for f in found):
            found.append(name)
    return found
