"""Field names of the record contract, official aliases, and label-level validation."""

from __future__ import annotations

from typing import Any

ALIASES: dict[str, tuple[str, ...]] = {
    "question_id": ("question_id", "id"),
    "video_path": ("video_path", "video"),
}


def get_field(record: dict, name: str, default: Any = None) -> Any:
    """Read a contract field, accepting its official alias (``id``, ``video``).

    >>> get_field({"id": "q1"}, "question_id")
    'q1'
    """
    for key in ALIASES.get(name, (name,)):
        if key in record and record[key] is not None:
            return record[key]
    return default


def as_list(value: Any) -> list:
    """A value that may be given as a single item or a list, as a list."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def label_pairs(record: dict, known_kinds: set[str]) -> list[tuple[str, str]]:
    """The record's ``(label_type, verifier_type)`` pairs, validated.

    Raises ``ValueError`` with a one-line reason when the record's labels cannot be checked:
    missing ``label``, a length mismatch, an unknown verifier kind, or a label key absent
    from ``label``.

    >>> label_pairs({"label": {"a": "x"}, "label_type": ["a"], "verifier_type": ["simple"]}, {"simple"})
    [('a', 'simple')]
    """
    label = record.get("label")
    if not isinstance(label, dict):
        raise ValueError("missing field 'label' (an object of label name -> gold value)")
    types = as_list(record.get("label_type"))
    kinds = as_list(record.get("verifier_type"))
    if not types:
        raise ValueError("missing field 'label_type' (the label keys to check)")
    if not kinds:
        raise ValueError("missing field 'verifier_type' (how each label is checked)")
    if len(types) != len(kinds):
        raise ValueError(f"label_type has {len(types)} entries but verifier_type has {len(kinds)}")
    pairs = []
    for lt, vk in zip(types, kinds, strict=True):
        if not isinstance(lt, str) or not isinstance(vk, str):
            raise ValueError("label_type and verifier_type entries must be strings")
        if vk not in known_kinds:
            raise ValueError(f"unknown verifier kind {vk!r} (known: {', '.join(sorted(known_kinds))})")
        if lt not in label:
            raise ValueError(f"label_type {lt!r} is not a key of 'label'")
        pairs.append((lt, vk))
    return pairs
