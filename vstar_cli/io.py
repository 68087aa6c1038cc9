"""JSON Lines input and output shared by every stage.

Input is a file path or ``-`` (stdin), holding JSON Lines or a JSON array (the official
``star_annotations/*.json`` files). Each parsed object becomes a :class:`Record`, a plain
``dict`` that also remembers the input line it came from, so error records can point back
to it. Lines that are not JSON objects become :class:`ErrorRecord` items instead of
exceptions: a stage passes them through and the CLI writes them to ``--errors``.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable, Iterator
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
    """The input as a whole cannot be read (missing file, not JSON at all): a usage error."""


def _open_text(path: str | Path) -> IO[str]:
    if str(path) == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    p = Path(path)
    if not p.exists():
        raise InputError(f"input file not found: {p}")
    if p.is_dir():
        raise InputError(f"input is a directory, not a file: {p}")
    try:
        return p.open("r", encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror}") from exc


def _first_char(stream: IO[str]) -> tuple[str, str]:
    """Read leading whitespace plus the first meaningful character; returns (consumed, char)."""
    consumed = []
    while True:
        ch = stream.read(1)
        if not ch:
            return "".join(consumed), ""
        consumed.append(ch)
        if not ch.isspace() and ch != "\ufeff":
            return "".join(consumed), ch


def read_records(path: str | Path = "-") -> Iterator[Record | ErrorRecord]:
    """Yield the objects of a JSONL file or JSON-array file, streaming JSONL line by line.

    Malformed lines and non-object items are yielded as :class:`ErrorRecord`; blank lines
    are skipped. Raises :class:`InputError` only when the input cannot be opened or a JSON
    array file is not valid JSON as a whole.
    """
    stream = _open_text(path)
    try:
        head, ch = _first_char(stream)
        if ch == "[":
            text = head + stream.read()
            try:
                items = json.loads(text.lstrip("\ufeff"))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}: not a valid JSON array ({exc.msg}, line {exc.lineno})") from exc
            for i, item in enumerate(items, start=1):
                if isinstance(item, dict):
                    yield Record(item, lineno=i)
                else:
                    yield ErrorRecord(f"item {i} of the JSON array is not an object", raw=json.dumps(item), line=i)
            return
        first_line = head + stream.readline() if ch else head
        lines = _chain_first(first_line, stream)
        for lineno, line in enumerate(lines, start=1):
            stripped = line.strip().lstrip("\ufeff")
            if not stripped:
                continue
            try:
                obj = json.loads(stripped)
            except json.JSONDecodeError as exc:
                yield ErrorRecord(f"malformed JSON: {exc.msg} at column {exc.colno}", raw=stripped, line=lineno)
                continue
            if not isinstance(obj, dict):
                yield ErrorRecord("line is JSON but not an object", raw=stripped, line=lineno)
                continue
            yield Record(obj, lineno=lineno)
    finally:
        if str(path) == "-":
            # Detach instead of closing: closing the wrapper would close the process's stdin.
            stream.detach()
        else:
            stream.close()


def _chain_first(first: str, stream: IO[str]) -> Iterator[str]:
    if first:
        yield first
    yield from stream


def iter_inputs(paths: Iterable[str | Path]) -> Iterator[Record | ErrorRecord]:
    """Chain :func:`read_records` over several inputs."""
    for p in paths:
        yield from read_records(p)


@dataclass
class JsonlWriter:
    """Writes one JSON object per line and flushes each, so downstream pipes stream."""

    path: str | Path | None = "-"
    append: bool = False
    _fh: IO[str] | None = field(default=None, init=False, repr=False)
    count: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if self.path is None:
            return
        if str(self.path) == "-":
            self._fh = sys.stdout
        else:
            p = Path(self.path)
            if p.parent and not p.parent.exists():
                p.parent.mkdir(parents=True, exist_ok=True)
            self._fh = p.open("a" if self.append else "w", encoding="utf-8")

    def write(self, obj: dict) -> None:
        """Write and flush one object (no-op for a writer opened with ``path=None``)."""
        if self._fh is None:
            return
        self._fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        self._fh.flush()
        self.count += 1

    def close(self) -> None:
        """Close the file (stdout is left open)."""
        if self._fh is not None and self._fh is not sys.stdout:
            self._fh.close()
        self._fh = None

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
        if qid is not None and "output" in item:
            done.add((str(qid), int(item.get("sample_index", 0))))
    return done
