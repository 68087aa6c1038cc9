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
