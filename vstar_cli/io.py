"""JSON Lines input and output shared by every stage.

Input is a file path or ``-`` (stdin), holding JSON Lines or a JSON array (the official
``star_annotations/*.json`` files). Each parsed object becomes a :class:`Record`, a plain
``dict`` that also remembers the input line it came from, so error records can point back
to it. Lines that are not JSON objects become :class:`ErrorRecord` items instead of
exceptions: a stage passes them through and the CLI writes them to ``--errors``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any


class Record(dict):
    """A JSON object read from the input, with the line number (1-based) it came from.

    >>> r = Record({"a": 1}, lineno=3)
    >>> r["a"], r.lineno
    (1, 3)
    """

    __slots__ = ("lineno",)

    def __init__(self, *args: Any, lineno: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lineno = lineno


@dataclass
class ErrorRecord:
    """Something a stage could not process: a record (or raw line) and the reason."""

    reason: str
    record: dict | None = None
    raw: str | None = None
    line: int | None = None

    def to_json(self) -> dict:
        """The error as written to ``--errors``: line number, record or raw text, reason."""
        line = self.line
        if line is None and isinstance(self.record, Record):
            line = self.record.lineno
        out: dict[str, Any] = {"line": line}
        if self.record is not None:
            out["record"] = self.record
        else:
            out["raw"] = self.raw
        out["reason"] = self.reason
        return out


class InputError(Exception):
    """The input as a whole cannot be read (missing file, a directory): a usage error."""


class OutputError(Exception):
    """An output cannot be written (no space, a directory, another process holds it): a usage error."""


MAX_LINE_BYTES = 64 << 20  # a longer line becomes an error record, read past in chunks
MAX_ARRAY_BYTES = 2 << 30  # a JSON array file is parsed in memory
RAW_SHOWN = 2000  # characters of an unreadable line kept in its error record


def _open_binary(path: str | Path) -> IO[bytes]:
    if str(path) == "-":
        return sys.stdin.buffer
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(f"input is a directory, not a file: {p}")
        return p.open("rb")
    except FileNotFoundError:
        raise InputError(f"input file not found: {p}") from None
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}") from None


def _shown(raw: bytes | str) -> str:
    text = raw.decode("utf-8", errors="backslashreplace") if isinstance(raw, bytes) else raw
    text = _escape_surrogates(text)
    return text if len(text) <= RAW_SHOWN else text[:RAW_SHOWN] + f"... ({len(text)} characters)"


def _escape_surrogates(text: str) -> str:
    return text.encode("utf-8", errors="backslashreplace").decode("utf-8")


def _has_surrogate(obj: Any) -> bool:
    """Whether any string in a parsed JSON value holds a lone surrogate (not encodable as UTF-8)."""
    stack = [obj]
    while stack:
        x = stack.pop()
        if isinstance(x, str):
            try:
                x.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(x, dict):
            stack.extend(x.keys())
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)
    return False


def parse_object(text: str | bytes, lineno: int | None) -> Record | ErrorRecord:
    r"""One JSON text -> a :class:`Record`, or an :class:`ErrorRecord` saying why it cannot be one.

    Never raises: invalid UTF-8, malformed JSON, nesting too deep for the parser, integers over
    Python's digit limit and lone surrogate escapes (which no UTF-8 output could hold) all
    become error records.

    >>> parse_object('{"a": 1}', 1)
    {'a': 1}
    >>> parse_object('{"a": "\\ud800"}', 2).reason
    'a string holds a lone surrogate escape (not valid Unicode text)'
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            return ErrorRecord(f"not UTF-8 text (byte {exc.start})", raw=_shown(text), line=lineno)
    stripped = text.strip().lstrip("\ufeff")
    try:
        obj = _DECODER.decode(stripped)
    except (ValueError, RecursionError) as exc:
        return _json_error(exc, stripped, lineno)
    return _as_record(obj, stripped, lineno)


def _not_json(token: str) -> float:
    raise ValueError(f"{token} is not a JSON number (strict JSON has no NaN or Infinity)")


def _finite(token: str) -> float:
    value = float(token)
    if math.isinf(value):
        raise ValueError(f"number {token[:40]} is too large for a float")
    return value


# Strict JSON: NaN, Infinity and numbers that overflow to infinity are refused (no output could hold them).
_DECODER = json.JSONDecoder(parse_constant=_not_json, parse_float=_finite)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _json_error(exc: Exception, text: str, lineno: int | None) -> ErrorRecord:
    if isinstance(exc, json.JSONDecodeError):
        reason = f"malformed JSON: {exc.msg} at column {exc.colno}"
    elif isinstance(exc, RecursionError):
        reason = "JSON nested too deeply to read"
    else:  # e.g. an integer over Python's 4300-digit limit
        reason = f"unreadable JSON value: {str(exc).splitlines()[0][:200]}"
    return ErrorRecord(reason, raw=_shown(text), line=lineno)


def _as_record(obj: Any, text: str, lineno: int | None) -> Record | ErrorRecord:
    if not isinstance(obj, dict):
        return ErrorRecord("line is JSON but not an object", raw=_shown(text), line=lineno)
    if "\\u" in text and _SURROGATE_ESCAPE.search(text) and _has_surrogate(obj):
        return ErrorRecord(
            "a string holds a lone surrogate escape (not valid Unicode text)", raw=_shown(text), line=lineno
        )
    if text.count("[") + text.count("{") > MAX_DEPTH and not _depth_ok(obj):
        return ErrorRecord(f"JSON nested deeper than {MAX_DEPTH} levels", raw=_shown(text), line=lineno)
    return Record(obj, lineno=lineno)


MAX_DEPTH = 200  # deeper records would overflow the recursion of json.dumps and of the stages


def _depth_ok(obj: Any) -> bool:
    stack = [(obj, 1)]
    while stack:
        x, d = stack.pop()
        if d > MAX_DEPTH:
            return False
        if isinstance(x, dict):
            stack.extend((v, d + 1) for v in x.values() if isinstance(v, (dict, list)))
        elif isinstance(x, list):
            stack.extend((v, d + 1) for v in x if isinstance(v, (dict, list)))
    return True


def _lines(stream: IO[bytes]) -> Iterator[tuple[bytes | None, bytes]]:
    """``(line, head)`` per line; ``line`` is None for a line over :data:`MAX_LINE_BYTES` (read past)."""
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) <= MAX_LINE_BYTES or line.endswith(b"\n"):
            yield line, line
            continue
        head = line[:RAW_SHOWN]
        while line and not line.endswith(b"\n"):
            line = stream.readline(1 << 20)
        yield None, head


def read_records(path: str | Path = "-") -> Iterator[Record | ErrorRecord]:
    """Yield the objects of a JSONL file or JSON-array file, streaming JSONL line by line.

    Every line or array item that is not a readable JSON object is yielded as an
    :class:`ErrorRecord` (see :func:`parse_object`); blank lines are skipped. Raises
    :class:`InputError` only when the input cannot be opened.
    """
    stream = _open_binary(path)
    try:
        first = stream.readline(MAX_LINE_BYTES + 1)
        if first.lstrip().lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"["):
            rest = stream.read(MAX_ARRAY_BYTES)
            yield from _array_items(first + rest, path)
            return
        lines = _lines(_Prefixed(first, stream))
        for lineno, (line, head) in enumerate(lines, start=1):
            if line is None:
                yield ErrorRecord(f"line longer than {MAX_LINE_BYTES} bytes", raw=_shown(head), line=lineno)
                continue
            if not line.strip() or line.strip() == b"\xef\xbb\xbf":
                continue
            yield parse_object(line, lineno)
    finally:
        if str(path) != "-":
            stream.close()


class _Prefixed:
    """A binary stream with some bytes already read put back in front."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self.head, self.stream = head, stream

    def readline(self, limit: int = -1) -> bytes:
        if self.head:
            line, self.head = self.head, b""
            if line.endswith(b"\n") or (limit > 0 and len(line) >= limit):
                return line
            return line + self.stream.readline(limit - len(line) if limit > 0 else -1)
        return self.stream.readline(limit)


def _array_items(data: bytes, path: str | Path) -> Iterator[Record | ErrorRecord]:
    """The items of a JSON array file, one by one; a broken item is an error record and the rest goes on."""
    try:
        text = data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        why = f"not UTF-8 text (byte {exc.start}); the JSON array was not read"
        yield ErrorRecord(why, raw=_shown(data[:RAW_SHOWN]), line=1)
        return
    decoder = _DECODER
    pos = _skip_ws(text, text.index("[") + 1)
    n = 0
    if pos < len(text) and text[pos] == "]":
        pos += 1
    else:
        while True:
            n += 1
            pos = _skip_ws(text, pos)
            try:
                obj, end = decoder.raw_decode(text, pos)
                item = _as_record(obj, text[pos:end], n)
            except (ValueError, RecursionError) as exc:
                end = _value_end(text, pos)
                item = _json_error(exc, text[pos:end], n)
            if isinstance(item, ErrorRecord):
                item.reason = f"item {n} of the JSON array: {item.reason}"
            yield item
            pos = _skip_ws(text, end)
            if pos >= len(text):
                yield ErrorRecord("the JSON array is not closed (file truncated?)", raw=_shown(text[-200:]), line=n + 1)
                return
            pos += 1
            if text[pos - 1] == "]":
                break
            if text[pos - 1] != ",":
                why = f"item {n} of the JSON array is followed by {text[pos - 1]!r}, not ',' or ']'"
                yield ErrorRecord(why + "; the rest was not read", raw=_shown(text[pos - 1 : pos + 200]), line=n)
                return
    trailing = text[pos:].strip()
    if trailing:
        yield ErrorRecord("text after the end of the JSON array", raw=_shown(trailing), line=n + 1)


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _value_end(text: str, pos: int) -> int:
    """Where the JSON value starting at ``pos`` ends: the next ',' or ']' outside strings and brackets."""
    depth = 0
    in_str = False
    i = pos
    n = len(text)
    while i < n:
        c = text[i]
        if in_str:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c in "[{":
            depth += 1
        elif c in "]}":
            if depth == 0:
                return i
            depth -= 1
        elif c == "," and depth == 0:
            return i
        i += 1
    return n


def iter_inputs(paths: Iterable[str | Path]) -> Iterator[Record | ErrorRecord]:
    """Chain :func:`read_records` over several inputs."""
    for p in paths:
        yield from read_records(p)


def flag_duplicate_ids(
    items: Iterable[Record | ErrorRecord], identity: Callable[[Record], str | None] | None = None
) -> Iterator[Record | ErrorRecord]:
    """Pass records through; one whose identity was already seen becomes an error record, since
    ``--resume`` could not tell its answers from the first one's.

    ``identity`` defaults to the ``question_id`` as text (so ``5`` and ``"5"`` are one id);
    records it gives None for pass unchecked (the stage reports them).
    """
    from vstar_cli.records import get_field

    def by_id(rec: Record) -> str | None:
        qid = get_field(rec, "question_id")
        return str(qid) if isinstance(qid, (str, int)) and not isinstance(qid, bool) else None

    identity = identity or by_id
    seen: dict[str, int | None] = {}
    for item in items:
        if isinstance(item, Record):
            key = identity(item)
            if key is not None:
                if key in seen:
                    yield ErrorRecord(
                        f"duplicate question_id {key!r} (first on line {seen[key]}): answers to both could not be "
                        "told apart; give each question its own id",
                        item,
                    )
                    continue
                seen[key] = item.lineno
        yield item


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
        self._lock_fd = os.open(self._target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                f"{p} is being written by another process (refusing to write it at the same time)"
            ) from None
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
            line = json.dumps(_finite_copy(obj), ensure_ascii=False) + "\n"
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: keep it as an escape rather than fail
            line = json.dumps(_finite_copy(obj)) + "\n"
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
        finally:
            self._release()

    def _release(self) -> None:
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)
            self._tmp = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the lock
            self._lock_fd = None

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


def _finite_copy(obj: Any) -> Any:
    """``obj`` with every NaN or infinite float replaced by None (strict JSON)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite_copy(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite_copy(v) for v in obj]
    return obj


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


def done_pairs(path: str | Path, source: str | None = None) -> set[tuple[str, int]]:
    """``(question_id, sample_index)`` pairs already answered in an output file (for ``--resume``)."""
    from vstar_cli.records import get_field

    done: set[tuple[str, int]] = set()
    p = Path(path)
    if not p.exists():
        return done
    for item in read_records(p):
        if isinstance(item, ErrorRecord):
            continue
        if source is not None and item.get("source", source) != source:
            continue
        qid = get_field(item, "question_id")
        index = item.get("sample_index", 0)
        if isinstance(index, str) and index.strip().isdigit():
            index = int(index)
        if isinstance(qid, (str, int)) and type(index) is int and "output" in item:
            done.add((str(qid), index))
    return done
