"""The finetune stage's options: LoRA, QLoRA or full finetuning on a merge output (run by
:mod:`vstar_cli.training.trainer`, sized by :mod:`vstar_cli.planning`).

Built on ``transformers.Trainer``, so ``accelerate launch`` (DDP, DeepSpeed, FSDP) works
without changing the command. The paper trains from the pretrained checkpoint every cycle,
for one epoch: ``--model`` is that checkpoint and ``--epochs`` defaults to 1.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from vstar_cli import config
from vstar_cli.groups import TuningOptions, VideoOptions
from vstar_cli.model import ModelConfig

log = logging.getLogger("vstar.finetune")


# transformers' schedulers that need no arguments beyond the warmup (no eval loop, no min_lr).
SCHEDULERS = (
    "linear", "cosine", "cosine_with_restarts", "polynomial", "constant", "constant_with_warmup", "inverse_sqrt",
)  # fmt: skip


@dataclass
class FinetuneConfig(ModelConfig, VideoOptions, TuningOptions):
    """Options of ``vstar finetune`` (model options included)."""

    out: str = field(
        default="", metadata={"help": "output directory (adapter or weights, processor, config, loss log)"}
    )
    epochs: float = field(default=1.0, metadata={"help": "passes over the data (the paper: 1)"})
    learning_rate: float | None = field(
        default=None,
        metadata={"help": "peak learning rate (default 2e-4 for (Q)LoRA, 2e-5 for full)", "flags": ("--lr",)},
    )
    batch_size: int = field(default=1, metadata={"help": "examples per device per step"})
    grad_accum: int = field(default=8, metadata={"help": "gradient accumulation steps"})
    warmup_ratio: float = field(default=0.03, metadata={"help": "share of steps with a rising learning rate"})
    weight_decay: float = field(default=0.0, metadata={"help": "AdamW weight decay"})
    lr_scheduler: str = field(default="cosine", metadata={"help": f"{' | '.join(SCHEDULERS)}"})
    seed: int = field(default=0, metadata={"help": "random seed"})
    save_steps: int = field(default=500, metadata={"help": "checkpoint every N optimizer steps"})
    logging_steps: int = field(default=1, metadata={"help": "log the loss every N steps"})
    dataloader_workers: int | None = field(
        default=None, metadata={"help": "video decoding workers (default 0 on CPU, 2 on GPU)"}
    )
    max_steps: int = field(default=-1, metadata={"help": "stop after N steps (overrides epochs when > 0)"})

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.model:
            raise ValueError("--model is required (the pretrained checkpoint to train from)")
        if not self.out:
            raise ValueError("--out is required")
        self.check_tuning("finetune trains from the pretrained checkpoint: --adapter is not used here")
        if self.learning_rate is None:
            self.learning_rate = 2e-5 if self.method == "full" else 2e-4
        self._check_numbers()

    def _check_numbers(self) -> None:
        """Every numeric option within its sane range (a bad value is a usage error, not a traceback)."""
        check = config.check_number
        self.check_video()
        for name in ("batch_size", "grad_accum", "save_steps", "logging_steps"):
            check(name, getattr(self, name), low=1, integer=True)
        check("epochs", self.epochs, low=0, high=10_000, low_open=True)
        check("learning_rate (--lr)", self.learning_rate, low=0, high=1, low_open=True)
        check("warmup_ratio", self.warmup_ratio, low=0, high=1, high_open=True)
        check("weight_decay", self.weight_decay, low=0)
        check("seed", self.seed, low=0, high=2**32 - 1, integer=True)
        check("max_steps", self.max_steps, low=-1, integer=True)
        if self.max_steps == 0:
            raise ValueError("max_steps must be >= 1 (or -1: as many as --epochs take)")
        if self.dataloader_workers is not None:
            check("dataloader_workers", self.dataloader_workers, low=0, high=256, integer=True)
        for name in ("trust_remote_code",):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false")
        if self.lr_scheduler not in SCHEDULERS:
            raise ValueError(f"lr_scheduler must be one of {', '.join(SCHEDULERS)}, not {self.lr_scheduler!r}"[:300])


# What decides a training trajectory: a checkpoint is resumed only by a run that agrees on all of
# them (the number of epochs or steps may grow, so an interrupted or short run can be extended).
TRAJECTORY = (
    "model", "adapter", "method", "quantize", "video_dir", "frames", "fps", "learning_rate", "batch_size",
    "grad_accum", "warmup_ratio", "weight_decay", "lr_scheduler", "seed", "lora_r", "lora_alpha",
    "lora_dropout", "lora_targets", "train_projector", "train_vision",
)  # fmt: skip


def run_fingerprint(cfg: FinetuneConfig, train_file: str | Path) -> str:
    """A short hash of the training data and the settings in ``TRAJECTORY``."""
    import hashlib

    h = hashlib.sha256()
    with open(train_file, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    settings = {k: getattr(cfg, k, None) for k in TRAJECTORY}
    h.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return h.hexdigest()[:12]
