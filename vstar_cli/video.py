"""Frame sampling: decord by default, PyAV as fallback; only the sampled frames are kept.

decord is the default because it seeks to the sampled frames, while PyAV here decodes every
frame up to the last one sampled: on 30 s of 720p MPEG-4, decord delivered 4x the clips/s
(``bench/decode.py``); PyAV was ahead only on short 480p H.264 clips.

A video with fewer frames than asked is sampled with repeats and flagged ``padded``; an empty,
missing or undecodable one raises :class:`VideoError` with a one-line reason.
"""

from __future__ import annotations

import logging
import math
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy loads with the first decode, not with the CLI
    import numpy as np

log = logging.getLogger("vstar.video")


class VideoError(Exception):
    """A video that cannot be used: missing, empty, corrupt or unreadable."""


@dataclass
class Clip:
    """Sampled frames ``(T, H, W, 3)`` uint8 plus what Qwen2.5/3-VL and SmolVLM2 need to know."""

    frames: np.ndarray
    indices: list[int]
    fps: float
    duration: float
    total_frames: int
    backend: str
    padded: bool = False
    notes: list[str] = field(default_factory=list)

    def metadata(self) -> dict:
        """The sampling metadata as transformers video processors take it."""
        return {
            "total_num_frames": self.total_frames,
            "fps": self.fps,
            "duration": self.duration,
            "frames_indices": list(self.indices),
        }


NAME_MAX = 255  # bytes in one path component on Linux, macOS and Windows file systems


def video_path(video_dir: str | Path, name: object, allow_outside: bool = False) -> str:
    """The file of a record's ``video_path`` under ``video_dir``, refused with :class:`VideoError`
    when it is not a usable name or (unless ``allow_outside``) leads outside ``video_dir``:
    ``..`` components, absolute paths and symlinks that point out of it.

    >>> video_path("videos", "a/b.mp4")
    'videos/a/b.mp4'
    >>> video_path("videos", "../secret.mp4")
    Traceback (most recent call last):
    ...
    vstar_cli.video.VideoError: video path '../secret.mp4' leads outside --video-dir videos (pass --allow-outside-video-dir to allow it)
    """
    if not isinstance(name, str) or not name.strip():
        raise VideoError(f"video path must be a non-empty string, got {str(name)[:80]!r}")
    if "\x00" in name:
        raise VideoError("video path holds a NUL character")
    try:
        parts = [len(c.encode("utf-8")) for c in name.split("/")]
    except UnicodeEncodeError:
        raise VideoError(f"video path {name[:80]!r} is not valid Unicode text") from None
    if max(parts) > NAME_MAX:
        raise VideoError(f"video path has a name over {NAME_MAX} bytes: {name[:80]!r}...")
    path = os.path.join(str(video_dir), name)
    if allow_outside:
        return path
    root = os.path.realpath(video_dir)
    if os.path.isabs(name) or ".." in Path(name).parts or not _inside(os.path.realpath(path), root):
        raise VideoError(
            f"video path {name[:200]!r} leads outside --video-dir {video_dir} (pass --allow-outside-video-dir to allow it)"
        )
    return path


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def sample_indices(
    total: int, native_fps: float, frames: int | None = 8, fps: float | None = None, max_frames: int = 256
) -> list[int]:
    """Frame indices to decode: ``frames`` spread uniformly, or one every ``1/fps`` seconds.

    Each index is the middle of its segment, so a clip's first and last frames (often black
    or a fade) are avoided. Fewer frames than asked repeat indices.

    >>> sample_indices(100, 25.0, frames=4)
    [12, 37, 62, 87]
    >>> sample_indices(2, 25.0, frames=4)
    [0, 0, 1, 1]
    >>> sample_indices(100, 25.0, frames=None, fps=2.0)
    [6, 18, 31, 43, 56, 68, 81, 93]
    """
    if total <= 0:
        return []
    if fps is not None:
        n = max(1, min(max_frames, int(math.floor(total / native_fps * fps)) if native_fps > 0 else 1))
    else:
        n = max(1, int(frames or 8))
    return [min(total - 1, int((i + 0.5) * total / n)) for i in range(n)]


def scaled_size(width: int, height: int, short_side: int | None) -> tuple[int, int]:
    """``(width, height)`` with the shorter side brought down to ``short_side`` (never up).

    >>> scaled_size(320, 240, 60)
    (80, 60)
    >>> scaled_size(64, 48, 60)
    (64, 48)
    """
    if not short_side or min(width, height) <= short_side:
        return width, height
    scale = short_side / min(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _downscale(arr: np.ndarray, short_side: int | None) -> np.ndarray:
    import numpy as np

    h, w = arr.shape[1:3]
    nw, nh = scaled_size(w, h, short_side)
    if (nw, nh) == (w, h):
        return arr
    from PIL import Image

    return np.stack([np.asarray(Image.fromarray(f).resize((nw, nh), Image.BILINEAR)) for f in arr])


def _decord(path: str, frames: int | None, fps: float | None, short_side: int | None = None) -> Clip:
    import decord

    try:
        vr = decord.VideoReader(path, ctx=decord.cpu(0), num_threads=1)
    except Exception as exc:  # decord raises its own DECORDError or RuntimeError
        raise VideoError(f"decord cannot open {path}: {str(exc).splitlines()[0][:200]}") from exc
    total = len(vr)
    native = float(vr.get_avg_fps() or 0.0)
    idx = sample_indices(total, native, frames, fps)
    if not idx:
        raise VideoError(f"video has no frames: {path}")
    try:
        arr = vr.get_batch(idx).asnumpy()
    except Exception as exc:
        raise VideoError(f"decord cannot decode {path}: {str(exc).splitlines()[0][:200]}") from exc
    return Clip(_downscale(arr, short_side), idx, native, total / native if native else 0.0, total, "decord")


def _pyav(path: str, frames: int | None, fps: float | None, short_side: int | None = None) -> Clip:
    import av
    import numpy as np

    try:
        container = av.open(path)
    except Exception as exc:  # av.error.* are many types; all mean "cannot open"
        raise VideoError(f"cannot open video {path}: {str(exc)[:200]}") from exc
    with container:
        if not container.streams.video:
            raise VideoError(f"no video stream in {path}")
        stream = container.streams.video[0]
        out_w, out_h = scaled_size(stream.codec_context.width, stream.codec_context.height, short_side)
        native = float(stream.average_rate or stream.guessed_rate or 0.0)
        total = stream.frames
        if not total:
            # Count frames without keeping them: a second pass decodes only the sampled ones.
            try:
                total = sum(1 for _ in container.decode(stream))
            except Exception as exc:
                raise VideoError(f"cannot decode {path}: {str(exc)[:200]}") from exc
            container.seek(0)
        idx = sample_indices(total, native, frames, fps)
        if not idx:
            raise VideoError(f"video has no frames: {path}")
        wanted = {}
        for k, i in enumerate(idx):
            wanted.setdefault(i, []).append(k)
        out: list[np.ndarray | None] = [None] * len(idx)
        last = None
        try:
            for n, frame in enumerate(container.decode(stream)):
                if n in wanted:
                    arr = frame.to_ndarray(format="rgb24", width=out_w, height=out_h)
                    for k in wanted[n]:
                        out[k] = arr
                    last = arr
                if n >= idx[-1]:
                    break
        except Exception as exc:
            raise VideoError(f"cannot decode {path}: {str(exc)[:200]}") from exc
    if last is None:
        raise VideoError(f"video has no decodable frames: {path}")
    # A container may announce more frames than it holds: repeat the last decoded frame.
    filled = [a if a is not None else last for a in out]
    return Clip(np.stack(filled), idx, native, total / native if native else 0.0, total, "pyav")


def load_clip(
    path: str | Path,
    frames: int | None = 8,
    fps: float | None = None,
    backend: str = "auto",
    short_side: int | None = None,
) -> Clip:
    """Sample frames of ``path`` with decord, falling back to PyAV when decord is missing or fails.

    ``backend`` may force ``"decord"`` or ``"pyav"``. ``short_side`` downscales larger frames
    (keeping the aspect ratio) to what the model's processor will use anyway.
    """
    path = str(path)
    try:
        st = os.stat(path)
    except (OSError, ValueError) as exc:  # missing, name too long, NUL byte, permission denied
        why = "not found" if isinstance(exc, FileNotFoundError) else (getattr(exc, "strerror", None) or str(exc))
        raise VideoError(f"video {why}: {path[:300]}") from None
    if not stat.S_ISREG(st.st_mode):
        raise VideoError(f"video is not a regular file: {path[:300]}")
    if st.st_size == 0:
        raise VideoError(f"video file is empty: {path[:300]}")
    errors = []
    order = ["decord", "pyav"] if backend == "auto" else [backend]
    for name in order:
        try:
            clip = (_decord if name == "decord" else _pyav)(path, frames, fps, short_side)
        except ImportError:
            errors.append(f"{name} is not installed")
            continue
        except VideoError as exc:
            errors.append(str(exc))
            continue
        if len(set(clip.indices)) < len(clip.indices):
            clip.padded = True
            clip.notes.append(f"video has {clip.total_frames} frames; {len(clip.indices)} sampled with repeats")
        return clip
    raise VideoError("; ".join(errors))
