"""What every converter shares: the record it writes and the outcomes of one input item.

A converter reads its input as items (a CSV row, a dive, a question) and turns each into
records. An item can instead be skipped on purpose (:class:`Skip`, e.g. another split), fail
(:class:`ItemError`, an error record), or give fewer questions than usual (:class:`Omit`,
e.g. an ambiguous before/after question). A file that is not the dataset's format at all
raises :class:`FormatError` (exit 2, with a message naming what the file looks like).
"""

from __future__ import annotations

import json
import math
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class FormatError(ValueError):
    """The input file is not the format the converter reads (or is another file of the dataset)."""


class ItemError(ValueError):
    """One input item cannot be converted; the message is the error record's reason."""


@dataclass(frozen=True)
class Skip:
    """The whole item is left out on purpose (counted by reason)."""

    reason: str


@dataclass(frozen=True)
class Omit:
    """One question of a converted item is not asked (counted by reason)."""

    reason: str


@dataclass(frozen=True)
class Flag:
    """A converted item with a defect worth knowing (also in the record's ``flags``)."""

    reason: str


def record(qid: str, video: str, question: str, label: dict, kinds: list[str], **extra: Any) -> dict:
    """A labeled record of the contract; ``extra`` fields set to ``None`` are left out.

    >>> record("q1", "v.mp4", "What?", {"action": "run"}, ["simple"], duration=None)["label_type"]
    ['action']
    """
    if len(kinds) != len(label):
        raise ValueError(f"{qid}: {len(label)} labels but {len(kinds)} verifier kinds")
    rec = {
        "question_id": qid,
        "video_path": video,
        "question": question,
        "label": label,
        "label_type": list(label),
        "verifier_type": list(kinds),
    }
    rec.update({k: v for k, v in extra.items() if v is not None})
    return rec


def known_kind(name: str) -> bool:
    """Whether ``name`` is a verifier kind of the verify registry (the one place that asks it)."""
    from vstar_cli.verify.registry import find

    return find(name) is not None


def jsonable(obj: Any) -> Any:
    """``obj`` with numpy values, tuples and non-string keys made JSON-friendly (for error records).

    >>> jsonable({(1, "a"): (2, 3.5, float("nan"))})
    {'1_a': [2, 3.5, 'nan']}
    """
    if isinstance(obj, dict):
        return {
            jsonable(k if isinstance(k, str) else "_".join(map(str, k)) if isinstance(k, tuple) else str(k)): jsonable(
                v
            )
            for k, v in obj.items()
        }
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in obj]
    if hasattr(obj, "tolist"):  # numpy arrays and scalars
        return jsonable(obj.tolist())
    if isinstance(obj, str):
        # Undecodable input bytes (kept as surrogates) are shown as U+FFFD: the errors file is UTF-8.
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in obj) if _has_surrogate(obj) else obj
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)  # NaN is not JSON: the errors file stays readable by any JSON reader
    if obj is None or isinstance(obj, (int, float, bool)):
        return obj
    return str(obj)


def _has_surrogate(s: str) -> bool:
    if s.isascii():
        return False
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_json(path: str | Path) -> Any:
    """A JSON file (or JSON Lines, read as a list) as Python data; a BOM is allowed.

    Raises :class:`FormatError` for anything else.

    Not UTF-8 (a binary file, a Latin-1 export), not JSON, or JSON nested too deeply to read
    all become a one-line :class:`FormatError`, never a traceback.
    """
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        what = "a binary file" if b"\0" in raw[:4096] or raw[:1] == b"\x80" else "not UTF-8 text"
        raise FormatError(f"not JSON: {what} (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        rows = _json_lines(text) if exc.msg == "Extra data" else None
        if rows is not None:
            return rows  # JSON Lines: one object per line, read as the list it stands for
        raise FormatError(f"not JSON ({exc.msg}, line {exc.lineno})") from None
    except RecursionError:
        raise FormatError("JSON nested too deeply to read") from None


def _json_lines(text: str) -> list | None:
    """The objects of a JSON Lines text, or ``None`` when a line is not a JSON object."""
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (ValueError, RecursionError):
            return None
        if not isinstance(row, dict):
            return None
        rows.append(row)
    return rows


def text(value: Any, what: str) -> str:
    """``value`` as a stripped, non-empty string: a string or a plain number; anything else is an :class:`ItemError`.

    >>> text(" dog ", "answer"), text(3, "id")
    ('dog', '3')
    >>> try:
    ...     text(None, "answer")
    ... except ItemError as exc:
    ...     print(exc)
    answer is null, not text
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        kind = "null" if value is None else f"a {type(value).__name__}"
        raise ItemError(f"{what} is {kind}, not text")
    if isinstance(value, float) and not math.isfinite(value):
        raise ItemError(f"{what} is {value}, not text")
    out = str(value).strip()
    if not out:
        raise ItemError(f"{what} is empty")
    return out


def fill(pattern: str, option: str = "--video-pattern", **fields: Any) -> str:
    """``pattern`` filled with ``fields``, each a single path component (no ``/``, ``..``, NUL).

    A value that would climb out of the video folder or name another folder is an
    :class:`ItemError`, as is a pattern naming an unknown field.

    >>> fill("{id}.webm", id="123")
    '123.webm'
    >>> try:
    ...     fill("{id}.webm", id="../x")
    ... except ItemError as exc:
    ...     print(exc)
    --video-pattern: {id} is not a plain file name: '../x'
    """
    try:
        used = {f.split(".")[0].split("[")[0] for _, f, _, _ in string.Formatter().parse(pattern) if f}
    except ValueError as exc:
        raise ItemError(f"{option} {pattern!r} cannot be filled ({exc})") from None
    for name, value in fields.items():
        if name not in used:
            continue  # only the values that go into the path must be plain names
        v = str(value)
        if "/" in v or "\\" in v or "\0" in v or v in {".", ".."}:
            raise ItemError(f"{option}: {{{name}}} is not a plain file name: {v!r}")
    try:
        return pattern.format(**fields)
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        known = ", ".join("{" + k + "}" for k in fields)
        raise ItemError(
            f"{option} {pattern!r} cannot be filled ({type(exc).__name__}: {exc}; known: {known})"
        ) from None


def check_record(rec: dict) -> None:
    """Raise :class:`ItemError` for a record no later stage can use: no question or video, NaN/inf values.

    >>> try:
    ...     check_record(record("q", "v.mp4", "Why?", {"x": float("nan")}, ["float"]))
    ... except ItemError as exc:
    ...     print(exc)
    q: label.x is nan, not a finite number
    """
    for key in ("question_id", "video_path", "question"):
        if not isinstance(rec.get(key), str) or not rec[key].strip():
            raise ItemError(f"{rec.get('question_id')}: empty {key}")
    try:  # the common case, at C speed: finite numbers and valid Unicode only
        json.dumps(rec, allow_nan=False, ensure_ascii=False).encode("utf-8")
        return
    except (ValueError, TypeError) as exc:
        problem = exc  # find and name the field below

    def walk(value: Any, where: str) -> None:
        if isinstance(value, str) and _has_surrogate(value):
            raise ItemError(f"{jsonable(rec['question_id'])}: {where} is not valid Unicode (undecodable bytes?)")
        if isinstance(value, float) and not math.isfinite(value):
            raise ItemError(f"{rec['question_id']}: {where} is {value}, not a finite number")
        if isinstance(value, dict):
            for k, v in value.items():
                walk(k, where or "a key")
                walk(v, f"{where}.{k}" if where else str(k))
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]")

    walk(rec, "")
    raise ItemError(f"{jsonable(rec['question_id'])}: cannot be written as JSON ({problem})")
