"""How much GPU memory a finetuning run needs: parameter counts on the meta device, tokens per video,
and a per-component estimate of one training step's peak."""

from __future__ import annotations

import math
from typing import Any


def estimate_memory(
    cfg: Any, tokens: int, params: dict[str, int], lora_params: int, hidden: int, layers: int, vocab: int
) -> dict[str, float]:
    """Rough peak GPU memory (GiB) of one training step, by component.

    Weights: 16 B/param trained fully (fp32 master, grads, AdamW), bf16 base for LoRA, ~0.55 B/param
    for nf4 (with double quantization) under QLoRA, whose vision tower and projector stay bf16.
    Activations with gradient checkpointing: one bf16 hidden state per layer boundary plus one
    layer recomputed (~34 values per token and hidden unit), fp32 logits and their gradient.
    """
    gib = 2**30
    lang, vision = params["language"], params["vision"] + params["projector"]
    if cfg.method == "full":
        weights = 16 * lang + 2 * vision
        adapters = 0.0
    elif cfg.method == "lora":
        weights = 2 * (lang + vision)
        adapters = 16 * lora_params
    else:
        weights = 0.55 * lang + 2 * vision + 2 * params["embeddings"]
        adapters = 16 * lora_params
    b = cfg.batch_size
    per_layer = tokens * hidden * 2
    acts = b * (layers * per_layer + 34 * per_layer) if cfg.gradient_checkpointing else b * layers * 34 * per_layer
    logits = b * tokens * vocab * 4 * 2
    overhead = 0.8 * gib  # CUDA context and allocator slack
    total = weights + adapters + acts + logits + overhead
    return {
        k: round(v / gib, 2)
        for k, v in {
            "weights": weights,
            "adapters_and_optimizer": adapters,
            "activations": acts,
            "logits": logits,
            "overhead": overhead,
            "total": total,
        }.items()
    }


def count_params(cfg: Any) -> tuple[dict[str, int], int, int, int, int]:
    """Parameter counts (language / vision / projector / embeddings) and LoRA size, without weights."""
    from accelerate import init_empty_weights
    from transformers import AutoConfig

    from vstar_cli.model import _model_class
    from vstar_cli.training.lora import PROJECTOR_PARTS, VISION_PARTS, language_linear_names

    mcfg = AutoConfig.from_pretrained(cfg.model, trust_remote_code=cfg.trust_remote_code)
    cls = _model_class(cfg.model, cfg.trust_remote_code)
    with init_empty_weights():
        model = cls._from_config(mcfg) if hasattr(cls, "_from_config") else cls.from_config(mcfg)
    counts = {"language": 0, "vision": 0, "projector": 0, "embeddings": 0}
    for name, p in model.named_parameters():
        parts = name.split(".")
        if any(x in parts for x in VISION_PARTS):
            counts["vision"] += p.numel()
        elif any(x in parts for x in PROJECTOR_PARTS):
            counts["projector"] += p.numel()
        else:
            counts["language"] += p.numel()
            if "embed_tokens" in parts or "lm_head" in parts:
                counts["embeddings"] += p.numel()
    counts["language"] -= counts["embeddings"]
    targets = set(cfg.lora_targets or language_linear_names(model))
    lora = 0
    for name, m in model.named_modules():
        parts = name.split(".")
        if (
            parts[-1] in targets
            and hasattr(m, "in_features")
            and not any(x in parts for x in VISION_PARTS + PROJECTOR_PARTS)
        ):
            lora += cfg.lora_r * (m.in_features + m.out_features)
    text = mcfg.get_text_config() if hasattr(mcfg, "get_text_config") else mcfg
    return counts, lora, int(text.hidden_size), int(text.num_hidden_layers), int(text.vocab_size)


def video_tokens(processor, frames: int, height: int, width: int) -> int:
    """Tokens the processor makes of one video of ``frames`` x ``height`` x ``width`` plus a short prompt."""
    import numpy as np

    from vstar_cli.model import chat_text, processor_inputs
    from vstar_cli.video import Clip

    clip = Clip(
        np.zeros((frames, height, width, 3), np.uint8), list(range(frames)), 30.0, frames / 30.0, frames, "dummy"
    )
    batch = processor_inputs(processor, [chat_text(processor, "Question: what happens?", "x " * 200)], [clip])
    return int(batch["input_ids"].shape[1])


def steps_per_epoch(n_examples: int, cfg: Any, world: int = 1) -> int:
    """Optimizer steps in one epoch."""
    return max(1, math.ceil(n_examples / (cfg.batch_size * world) / cfg.grad_accum))
