"""Option groups that several stage configs compose, each option declared (and checked) once.

A config that reads videos derives from :class:`VideoOptions` and calls :meth:`VideoOptions.check_video`
in its ``__post_init__``; the flags, YAML keys, ``VSTAR_*`` variables and help come from these fields
(:mod:`vstar_cli.options`). The model group is :class:`vstar_cli.model.ModelConfig` (its ``max_pixels``
is the processor's per-frame pixel budget).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vstar_cli import config

VIDEO_BACKENDS = ("auto", "decord", "pyav")


@dataclass
class VideoOptions:
    """Where the videos are and how their frames are sampled (generate, rationalize, eval, finetune, view)."""

    video_dir: str = field(default=".", metadata={"help": "directory video paths are relative to"})
    allow_outside_video_dir: bool = field(
        default=False, metadata={"help": "let video paths lead outside video_dir (.., absolute, symlinks)"}
    )
    frames: int = field(default=8, metadata={"help": "frames sampled uniformly per video"})
    fps: float | None = field(default=None, metadata={"help": "sample this many frames per second instead"})
    video_backend: str = field(default="auto", metadata={"help": "auto (decord, then PyAV) | decord | pyav"})

    def check_video(self) -> None:
        """Refuse (``ValueError``) a video option no decoder could use."""
        if not isinstance(self.video_dir, str) or not self.video_dir:
            raise ValueError("video_dir must be a directory path")
        if not isinstance(self.allow_outside_video_dir, bool):
            raise ValueError("allow_outside_video_dir must be true or false")
        config.check_number("frames", self.frames, low=1, high=4096, integer=True)
        if self.fps is not None:
            config.check_number("fps", self.fps, low=0, high=1000, low_open=True)
        if self.video_backend not in VIDEO_BACKENDS:
            raise ValueError(
                f"video_backend must be one of {', '.join(VIDEO_BACKENDS)}, not {self.video_backend!r}"[:200]
            )


METHODS = ("lora", "qlora", "full")


def _comma_list(text: str) -> list[str] | None:
    return [t.strip() for t in text.split(",") if t.strip()] or None


@dataclass
class TuningOptions:
    """How a model is trained: the method and its LoRA settings (finetune and grpo).

    Composed with the model group (:class:`vstar_cli.model.ModelConfig`), whose ``quantize`` the
    method sets (``qlora`` is 4-bit) and whose ``adapter`` a training run does not take.
    """

    method: str = field(default="lora", metadata={"help": "lora | qlora | full"})
    lora_r: int = field(default=64, metadata={"help": "LoRA rank"})
    lora_alpha: int = field(default=16, metadata={"help": "LoRA alpha"})
    lora_dropout: float = field(default=0.05, metadata={"help": "LoRA dropout"})
    lora_targets: list[str] | None = field(
        default=None,
        metadata={
            "help": "comma-separated leaf names of layers to adapt (default: every linear layer of the language model)",
            "parse": _comma_list,
        },
    )
    train_projector: bool = field(default=False, metadata={"help": "also train the vision-language projector"})
    train_vision: bool = field(
        default=False,
        metadata={"help": "full training also trains the vision tower (frozen by default, as in the paper)"},
    )
    gradient_checkpointing: bool = field(default=True, metadata={"help": "trade compute for memory"})

    def check_tuning(self, adapter_use: str) -> None:
        """Refuse (``ValueError``) a method or LoRA setting that cannot train; ``qlora`` sets 4-bit.

        ``adapter_use`` says why ``--adapter`` is refused by this stage.
        """
        if self.method not in METHODS:
            raise ValueError("method must be lora, qlora or full")
        if self.method == "qlora":
            self.quantize = "4bit"
        elif self.quantize != "none":
            raise ValueError("--quantize applies to --method qlora only (it quantizes to 4-bit)")
        if self.adapter:
            raise ValueError(adapter_use)
        if self.train_vision and self.method != "full":
            raise ValueError("--train-vision applies to --method full (LoRA adapts the language model)")
        config.check_number("lora_r", self.lora_r, low=1, integer=True)
        config.check_number("lora_alpha", self.lora_alpha, low=0, low_open=True)
        config.check_number("lora_dropout", self.lora_dropout, low=0, high=1, high_open=True)
        if self.lora_targets is not None and (
            not isinstance(self.lora_targets, list)
            or not self.lora_targets
            or not all(isinstance(t, str) and t for t in self.lora_targets)
        ):
            raise ValueError("lora_targets must be a list of layer names")
        for name in ("train_projector", "train_vision", "gradient_checkpointing"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false")
