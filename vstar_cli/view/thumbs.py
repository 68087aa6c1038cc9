"""Frame strips for the viewer: the frames ``generate`` samples, as one small image per video.

A strip is keyed by the video's absolute path, modification time and size, the sampling
(``--frames`` or ``--fps``) and the thumbnail height, so a rebuild reuses every strip whose
video did not change. Strips are made in worker processes; a missing or undecodable video
gives a reason instead of an image, never an exception.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

# Bump when the strip's layout changes, so older cached strips are not reused.
STRIP_VERSION = 1


@dataclass(frozen=True)
class Sampling:
    """How frames are picked (as ``generate`` does) and how large a thumbnail is."""

    frames: int | None = 8
    fps: float | None = None
    height: int = 64
    fmt: str = "webp"
    backend: str = "auto"  # the decoder: not part of the cache key (every decoder gives the same frames)

    def describe(self) -> str:
        """The sampling as text (part of the cache key)."""
        how = f"fps={self.fps:g}" if self.fps else f"frames={self.frames}"
        return f"v{STRIP_VERSION};{how};h={self.height};{self.fmt}"


@dataclass(frozen=True)
class Strip:
    """What came of one video: the strip's file name, or the reason there is none."""

    key: str
    file: str | None = None
    frames: int = 0
    width: int = 0
    height: int = 0
    error: str | None = None

    def to_json(self) -> dict:
        """The strip as the page reads it."""
        if self.file is None:
            return {"error": self.error or "no frames"}
        return {"file": self.file, "n": self.frames, "w": self.width, "h": self.height}


def strip_key(path: str, sampling: Sampling) -> tuple[str, str | None]:
    """``(key, error)``: a hash of path, mtime, size and sampling; ``error`` when the file cannot be read.

    >>> strip_key("/no/such/video.mp4", Sampling())[1]
    'video not found: /no/such/video.mp4'
    """
    full = os.path.abspath(path)
    name = full.encode("utf-8", "surrogatepass")  # any string hashes, even one no file system takes
    try:
        st = os.stat(full)
    except (OSError, ValueError):  # ValueError: a NUL byte or a lone surrogate in the path
        shown = path if _plain(path) else ascii(path)
        return hashlib.sha1(b"missing:" + name).hexdigest()[:20], f"video not found: {shown}"
    raw = name + f"\0{st.st_mtime_ns}\0{st.st_size}\0{sampling.describe()}".encode()
    return hashlib.sha1(raw).hexdigest()[:20], None


def _plain(path: str) -> bool:
    return "\0" not in path and not any("\ud800" <= ch <= "\udfff" for ch in path)


def make_strip(path: str, key: str, sampling: Sampling, out_dir: str) -> Strip:
    """Sample ``path`` like ``generate`` and write its frames side by side as ``out_dir/KEY.EXT``.

    Runs in a worker process; every failure becomes ``Strip.error``.
    """
    import numpy as np
    from PIL import Image

    from vstar_cli.video import VideoError, load_clip

    name = f"{key}.{sampling.fmt}"
    target = Path(out_dir) / name
    try:
        clip = load_clip(
            path,
            frames=None if sampling.fps else sampling.frames,
            fps=sampling.fps,
            backend=sampling.backend,
            short_side=None,
        )
    except VideoError as exc:
        return Strip(key, error=str(exc).splitlines()[0][:300])
    except Exception as exc:  # a decoder crashing on a hostile file is still only this video's problem
        return Strip(key, error=f"cannot decode {path}: {type(exc).__name__}: {str(exc)[:200]}")
    frames = clip.frames
    h, w = frames.shape[1:3]
    th = min(sampling.height, h)
    tw = max(1, round(w * th / h))
    tiles = [np.asarray(Image.fromarray(f).resize((tw, th), Image.BILINEAR)) for f in frames]
    strip = Image.fromarray(np.concatenate(tiles, axis=1))
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    try:
        if sampling.fmt == "webp":
            strip.save(tmp, "WEBP", quality=70, method=4)
        else:
            strip.save(tmp, "JPEG", quality=75)
        os.replace(tmp, target)
        # The sidecar is written last: a strip without one is an interrupted build, made again.
        meta = {"n": len(tiles), "w": tw, "h": th}
        Path(out_dir, f"{key}.json").write_text(json.dumps(meta), encoding="utf-8")
    except OSError as exc:
        return Strip(key, error=f"cannot write thumbnail: {exc}")
    return Strip(key, name, len(tiles), tw, th)


class StripMaker:
    """Makes the strips of distinct videos in worker processes, reusing cached ones.

    ``cache_dir`` holds strips across builds; each strip is linked (or copied) into ``site_dir``.
    """

    def __init__(self, sampling: Sampling, site_dir: Path, cache_dir: Path, workers: int) -> None:
        self.sampling = sampling
        self.site_dir = site_dir
        self.cache_dir = cache_dir
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None
        self._jobs: dict[str, Future | Strip] = {}
        self._paths: dict[str, str] = {}
        self.cached = 0
        self.built = 0
        site_dir.mkdir(parents=True, exist_ok=True)
        cache_dir.mkdir(parents=True, exist_ok=True)

    def add(self, path: str, refused: str | None = None) -> str:
        """Queue the strip of ``path`` (once per distinct video); returns its key.

        ``refused``: why the video may not be opened (outside --video-dir); its strip is that error.
        """
        known = self._paths.get(path)
        if known is not None:
            return known
        key, error = strip_key(path, self.sampling)
        error = refused or error
        self._paths[path] = key
        if key in self._jobs:
            return key
        name = f"{key}.{self.sampling.fmt}"
        if error is not None:
            self._jobs[key] = Strip(key, error=error)
        elif (self.cache_dir / name).is_file() and (cached := self._cached(key, name)) is not None:
            self.cached += 1
            self._jobs[key] = cached
        else:
            if self._pool is None:
                import multiprocessing

                # spawn: the parent may hold threads (rich, torch) that fork would copy half-way.
                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
            self._jobs[key] = self._pool.submit(make_strip, path, key, self.sampling, str(self.cache_dir))
        return key

    def _cached(self, key: str, name: str) -> Strip | None:
        try:
            meta = json.loads((self.cache_dir / f"{key}.json").read_text(encoding="utf-8"))
            return Strip(key, name, int(meta["n"]), int(meta["w"]), int(meta["h"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def finish(self) -> dict[str, Strip]:
        """Wait for every strip, place it in the site, and return them by key."""
        out: dict[str, Strip] = {}
        try:
            for key, job in self._jobs.items():
                strip = job.result() if isinstance(job, Future) else job
                if isinstance(job, Future) and strip.file:
                    self.built += 1
                if strip.file:
                    _place(self.cache_dir / strip.file, self.site_dir / strip.file)
                out[key] = strip
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
        return out

    def close(self) -> None:
        """Stop the workers (after an error)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _place(src: Path, dst: Path) -> None:
    if src.resolve() == dst.resolve() or dst.exists():
        return
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)
