"""Folding a trained LoRA adapter into its base weights."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vstar_cli.model import ModelConfig


def merge_adapter(cfg: Any, dest: Path | None = None) -> Path:
    """Fold the trained adapter into the base weights: a standalone model directory ``OUT/merged``."""
    from peft import PeftModel

    from vstar_cli.model import load_model, load_processor

    dest = dest or Path(cfg.out) / "merged"
    base_cfg = ModelConfig(
        model=cfg.model,
        quantize="none",
        device="cpu",
        dtype=cfg.dtype if cfg.dtype != "auto" else "float32",
        trust_remote_code=cfg.trust_remote_code,
    )
    base = load_model(base_cfg, for_training=True)  # never 4-bit: merged weights must be real weights
    merged = PeftModel.from_pretrained(base, cfg.out).merge_and_unload()
    merged.save_pretrained(str(dest))
    load_processor(ModelConfig(model=cfg.out)).save_pretrained(str(dest))
    return dest
