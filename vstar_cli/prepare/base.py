"""What every converter shares: the record it writes and the outcomes of one input item.

A converter reads its input as items (a CSV row, a dive, a question) and turns each into
records. An item can instead be skipped on purpose (:class:`Skip`, e.g. another split), fail
(:class:`ItemError`, an error record), or give fewer questions than usual (:class:`Omit`,
e.g. an ambiguous before/after question). A file that is not the dataset's format at all
raises :class:`FormatError` (exit 2, with a message naming what the file looks like).
"""

from __future__ import annotations

from dataclasses import dataclass
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

    >>> jsonable({(1, "a"): (2, 3.5)})
    {'1_a': [2, 3.5]}
    """
    if isinstance(obj, dict):
        return {
            (k if isinstance(k, str) else "_".join(map(str, k)) if isinstance(k, tuple) else str(k)): jsonable(v)
            for k, v in obj.items()
        }
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in obj]
    if hasattr(obj, "tolist"):  # numpy arrays and scalars
        return jsonable(obj.tolist())
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    return str(obj)
