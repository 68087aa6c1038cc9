"""Writing JSONL outputs safely (reading them back for ``--resume`` is :func:`vstar_cli.io.done_pairs`).

A regular-file output is written to a temporary file and renamed into place, under an
exclusive lock, so a crash leaves the previous output and two runs never interleave lines;
appends (``--resume``) and in-place writes (``generate``) take the same lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import math
import os
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any


class OutputError(Exception):
    """An output cannot be written (no space, a directory, another process holds it): a usage error."""


def _is_regular_target(path: Path) -> bool:
    """Whether an output path is (or will be) a regular file that may be replaced by a rename."""
    real = os.path.realpath(path)
    if real.startswith(("/dev/", "/proc/")):
        return False
    try:
        st = os.stat(real)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode)


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name the same file (same inode if both exist, else the same resolved path).

    Special files (``/dev/null``, terminals, pipes) never count as the same: writing several
    outputs there is harmless.

    >>> same_file("out/a.jsonl", "out/./a.jsonl"), same_file("/dev/null", "/dev/null")
    (True, False)
    """
    if str(a) == "-" or str(b) == "-":
        return False
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)
    if not (stat.S_ISREG(sa.st_mode) and stat.S_ISREG(sb.st_mode)):
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


@dataclass
class JsonlWriter:
    """Writes one JSON object per line and flushes each, so downstream pipes stream.

    A regular-file output is written to a temporary file beside it and renamed into place on
    close, so it never shows half a run and never destroys a file still being read. While a
    writer is open it holds an exclusive lock on the output (``fcntl.flock``), so a second run
    writing the same file stops with :class:`OutputError` instead of tearing lines.
    ``append=True`` (for ``--resume``) appends to the file itself under that lock;
    ``direct=True`` writes the file in place (truncated once the lock is held), for outputs
    that must survive a kill (``generate``). Special files (``/dev/null``, pipes,
    ``/dev/fd/N``) are written directly.
    """

    path: str | Path | None = "-"
    append: bool = False
    direct: bool = False
    _fh: IO[str] | None = field(default=None, init=False, repr=False)
    _lock_fd: int | None = field(default=None, init=False, repr=False)
    _tmp: str | None = field(default=None, init=False, repr=False)
    _target: str | None = field(default=None, init=False, repr=False)
    _created: bool = field(default=False, init=False, repr=False)  # the target did not exist: this writer made it
    count: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if self.path is None:
            return
        if str(self.path) == "-":
            self._fh = sys.stdout
            return
        p = Path(self.path)
        try:
            self._open(p)
        except OutputError:
            self._release()
            raise
        except OSError as exc:
            self._release()
            raise OutputError(f"cannot write {p}: {exc.strerror or exc}") from None

    def _open(self, p: Path) -> None:
        if p.is_dir():
            raise OutputError(f"cannot write {p}: it is a directory")
        if not _is_regular_target(p):
            self._fh = open(p, "a" if self.append else "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
            return
        if not p.parent.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
        self._target = os.path.realpath(p)
        try:
            self._lock_fd = os.open(self._target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o666)
            created = True
        except FileExistsError:
            self._lock_fd = os.open(self._target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)
            created = False
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                f"{p} is being written by another process (refusing to write it at the same time)"
            ) from None
        except OSError as exc:
            # A file system without locks (some network mounts): write unlocked rather than not at all.
            if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                raise
        # Only a writer holding the lock removes the file it made, when it fails (_remove_created).
        self._created = created and not (self.append or self.direct)
        if self.append or self.direct:
            if self.direct and not self.append:
                os.ftruncate(self._lock_fd, 0)
            self._fh = os.fdopen(os.dup(self._lock_fd), "a", encoding="utf-8")
            return
        fd, self._tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=os.path.dirname(self._target))
        mode = os.stat(self._target).st_mode & 0o7777 if os.path.getsize(self._target) else 0o666 & ~_umask()
        os.fchmod(fd, mode)
        self._fh = os.fdopen(fd, "w", encoding="utf-8")

    def write(self, obj: dict) -> None:
        """Write and flush one object (no-op for a writer opened with ``path=None``)."""
        if self._fh is None:
            return
        try:
            line = json.dumps(obj, ensure_ascii=False, allow_nan=False) + "\n"
        except ValueError:  # NaN or infinity computed by a stage: strict JSON has none, write null
            line = json.dumps(json_safe(obj), ensure_ascii=False) + "\n"
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: keep it as an escape rather than fail
            line = json.dumps(json_safe(obj)) + "\n"
        try:
            self._fh.write(line)
            self._fh.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"cannot write {self._name()}: {exc.strerror or exc}") from None
        self.count += 1

    def _name(self) -> str:
        return "stdout" if str(self.path) == "-" else str(self.path)

    def close(self) -> None:
        """Close the file (stdout is left open); a temporary file is renamed over the output."""
        fh, self._fh = self._fh, None
        try:
            if fh is not None and fh is not sys.stdout:
                try:
                    fh.close()
                except OSError as exc:
                    raise OutputError(f"cannot write {self._name()}: {exc.strerror or exc}") from None
            if self._tmp is not None and fh is not None:
                os.replace(self._tmp, self._target)
                self._tmp = None
                self._created = False  # the file made for the lock is replaced: the output is in place
        finally:
            self._release()

    def _release(self) -> None:
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)
            self._tmp = None
        self._remove_created()
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the lock
            self._lock_fd = None

    def _remove_created(self) -> None:
        """A failed run leaves no output where there was none: remove the empty file this writer
        created to hold its lock (still the same file, still empty)."""
        if not self._created or self._lock_fd is None or self._target is None:
            return
        self._created = False
        with contextlib.suppress(OSError):
            held, now = os.fstat(self._lock_fd), os.stat(self._target)
            if (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino) and held.st_size == 0:
                os.unlink(self._target)

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is not None and self._tmp is not None:
            # A failed run leaves the previous output as it was, not a partial replacement.
            fh, self._fh = self._fh, None
            with contextlib.suppress(OSError):
                fh.close()
            self._release()
            return
        self.close()


def json_safe(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by None (JSON has no NaN).

    >>> json_safe({"a": [1.0, float("nan")], "b": float("inf")})
    {'a': [1.0, None], 'b': None}
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def repair_tail(path: str | Path) -> int:
    """Cut a torn last line (a write killed midway) off a JSONL file; returns bytes removed."""
    p = Path(path)
    if not p.exists() or p.stat().st_size == 0:
        return 0
    with p.open("rb+") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        pos = size
        chunk = 1 << 16
        tail = b""
        while pos > 0:
            step = min(chunk, pos)
            pos -= step
            fh.seek(pos)
            tail = fh.read(step) + tail
            if b"\n" in tail[:-1] or pos == 0:
                break
        keep = size
        if not tail.endswith(b"\n"):
            cut = tail.rfind(b"\n")
            keep = pos + cut + 1 if cut >= 0 else 0
        else:
            last = tail.rstrip(b"\n").rsplit(b"\n", 1)[-1]
            try:
                json.loads(last)
            except ValueError:
                keep = size - len(last) - 1
        if keep < size:
            fh.truncate(keep)
        return size - keep
