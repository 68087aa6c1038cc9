"""What a plan needs to know about a model, read from its configuration on the meta device.

A model is a local directory, a preset name (:mod:`.presets`) or a transformers
``model_type`` whose default configuration transformers ships (``qwen2_vl``,
``llava_onevision``...). The model is built with ``accelerate.init_empty_weights`` so its
parameters are counted exactly without allocating them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from vstar_cli.planning.presets import PRESETS


@dataclass
class Architecture:
    """Sizes and parameter counts of one model, by part.

    ``quantizable`` are the language model's linear weights (what bitsandbytes quantizes: not
    the vision tower, the projector or ``lm_head``); ``lora_per_rank`` is the adapter size at
    rank 1 over the language model's linear layers (LoRA's default targets in vstar).
    """

    name: str
    model_type: str
    source: str
    hidden: int
    layers: int
    heads: int
    kv_heads: int
    head_dim: int
    intermediate: int
    vocab: int
    params: dict[str, int]
    quantizable: int
    lora_per_rank: int
    lora_inputs: int  # summed input widths of the LoRA-adapted linears of one layer
    largest_linear: int
    vision: dict = field(default_factory=dict)
    processor_path: str | None = None

    @property
    def total(self) -> int:
        """All parameters (tied embeddings counted once)."""
        return sum(self.params.values())


def load_config(model: str, trust_remote_code: bool = False):
    """``(config, source)`` of a local directory, a preset or a ``model_type`` name.

    Raises ``ValueError`` naming what is known when ``model`` is none of them.
    """
    from transformers import AutoConfig
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING

    if Path(model).is_dir():
        return AutoConfig.from_pretrained(model, trust_remote_code=trust_remote_code), f"local {model}"
    if model in PRESETS:
        from vstar_cli.planning.presets import preset_config

        return preset_config(model), f"preset {model} ({PRESETS[model].source})"
    if model in CONFIG_MAPPING:
        return AutoConfig.for_model(model), f"transformers' default {model} configuration"
    raise ValueError(
        f"{model!r} is not a local model directory, a preset ({', '.join(PRESETS)}) "
        "or a transformers model_type (e.g. qwen2_vl, qwen2_5_vl, llava_onevision, llava_next_video, video_llava)"
    )


def _model_class(config):
    import transformers
    from transformers import AutoModelForImageTextToText

    try:
        AutoModelForImageTextToText._model_mapping[type(config)]
        return AutoModelForImageTextToText
    except KeyError:
        pass
    for arch in getattr(config, "architectures", None) or []:
        cls = getattr(transformers, arch, None)
        if cls is not None:
            return cls
    raise ValueError(f"{type(config).__name__} is not an image/video-text-to-text model known to transformers")


def meta_model(config):
    """The model of ``config`` with its parameters on the meta device (no memory), weights tied."""
    from accelerate import init_empty_weights

    cls = _model_class(config)
    with init_empty_weights():
        model = cls.from_config(config) if hasattr(cls, "from_config") else cls._from_config(config)
    model.tie_weights()  # from_config leaves tying to from_pretrained; counts must see it
    return model


def describe(model: str, trust_remote_code: bool = False) -> Architecture:
    """The :class:`Architecture` of ``model`` (see :func:`load_config` for what it may be)."""
    import torch

    from vstar_cli.training.lora import PROJECTOR_PARTS, VISION_PARTS

    config, source = load_config(model, trust_remote_code)
    net = meta_model(config)
    counts = {"language": 0, "embeddings": 0, "lm_head": 0, "vision": 0, "projector": 0}
    for name, p in net.named_parameters():
        parts = name.split(".")
        if any(x in parts for x in PROJECTOR_PARTS):
            counts["projector"] += p.numel()
        elif any(x in parts for x in VISION_PARTS):
            counts["vision"] += p.numel()
        elif "embed_tokens" in parts:
            counts["embeddings"] += p.numel()
        elif "lm_head" in parts:
            counts["lm_head"] += p.numel()
        else:
            counts["language"] += p.numel()
    quantizable = lora = largest = 0
    layer_inputs: dict[str, int] = {}
    for name, m in net.named_modules():
        parts = name.split(".")
        if not isinstance(m, torch.nn.Linear) or any(x in parts for x in VISION_PARTS + PROJECTOR_PARTS):
            continue
        if parts[-1] == "lm_head":
            continue
        quantizable += m.weight.numel()
        largest = max(largest, m.weight.numel())
        lora += m.in_features + m.out_features
        layer_inputs.setdefault(parts[-1], m.in_features)
    text = config.get_text_config() if hasattr(config, "get_text_config") else config
    heads = int(text.num_attention_heads)
    head_dim = int(getattr(text, "head_dim", None) or text.hidden_size // heads)
    return Architecture(
        name=model,
        model_type=str(config.model_type),
        source=source,
        hidden=int(text.hidden_size),
        layers=int(text.num_hidden_layers),
        heads=heads,
        kv_heads=int(getattr(text, "num_key_value_heads", None) or heads),
        head_dim=head_dim,
        intermediate=int(getattr(text, "intermediate_size", 4 * text.hidden_size)),
        vocab=int(text.vocab_size),
        params=counts,
        quantizable=quantizable,
        lora_per_rank=lora,
        lora_inputs=sum(layer_inputs.values()),
        largest_linear=largest,
        vision=_vision_facts(config),
        processor_path=model if Path(model).is_dir() else None,
    )


def _vision_facts(config) -> dict:
    """What decides visual tokens per frame: patch and merge sizes, fixed image size, pooling."""
    vc = getattr(config, "vision_config", None)
    get = (lambda k, d=None: getattr(vc, k, d)) if vc is not None else (lambda k, d=None: d)
    facts = {
        "patch_size": get("patch_size"),
        "image_size": get("image_size"),
        "spatial_merge_size": get("spatial_merge_size"),
        "temporal_patch_size": get("temporal_patch_size"),
        "hidden": get("embed_dim") or get("hidden_size"),
        "depth": get("depth") or get("num_hidden_layers"),
        "heads": get("num_heads") or get("num_attention_heads"),
        "intermediate": get("intermediate_size") or (get("embed_dim") or 0) * (get("mlp_ratio") or 4),
    }
    for key in ("spatial_pool_stride", "scale_factor", "downsample_ratio"):
        value = getattr(config, key, None)
        if value is not None:
            facts[key] = value
    return facts
