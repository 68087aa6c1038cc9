"""JSON Lines input shared by every stage (outputs: :mod:`vstar_cli.output`).

Input is a file path or ``-`` (stdin), holding JSON Lines or a JSON array (the official
``star_annotations/*.json`` files). Each parsed object becomes a :class:`Record`, a plain
``dict`` that also remembers the input line it came from, so error records can point back
to it. Lines that are not JSON objects become :class:`ErrorRecord` items instead of
exceptions: a stage passes them through and the CLI writes them to ``--errors``. No line,
however broken, raises: see :func:`parse_object`.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
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
