"""The paper's prompts, user templates, and gold labels rendered as readable hints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vstar_cli.records import as_list, get_field

GENERATE_TEMPLATE = "Question: {question}\nCan you explain step-by-step how one can arrive at this conclusion?"
RATIONALIZE_TEMPLATE = (
    "Question: {question}\nAnswer: {label}.\nCan you explain step-by-step how one can arrive at this conclusion?"
)


def load_template(path: str | Path | None, default: str) -> str:
    """A template from a file (``{question}``, ``{label}`` and any record field), or the default."""
    if path is None:
        return default
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"prompt template not found: {p}")
    text = p.read_text(encoding="utf-8").strip("\n")
    if "{question}" not in text:
        raise ValueError(f"prompt template {p} has no {{question}} placeholder")
    return text


def render_value(value: Any, kind: str, duration: float | None = None) -> str:
    """One gold value as a human would say it, by its verifier kind's ``render`` (plain text for an unknown kind).

    >>> render_value([0.2, 0.45], "temporal_range", 20.0)
    'from 4.0s to 9.0s (20% to 45% of the video)'
    >>> render_value(["jumps", "tucks", "enters the water"], "sentence_sequence")
    'first jumps, then tucks, then enters the water'
    """
    from vstar_cli.verify import registry

    try:
        found = registry.find(kind) if isinstance(kind, str) else None
    except registry.RegistryError:  # a broken installed plugin: the official kinds still render
        found = registry.builtin().get(kind) if kind in registry.builtin() else None
    if found is not None:
        try:
            return found.render(value, duration)
        except (TypeError, ValueError, ArithmeticError):  # an odd gold or duration: say it plainly
            pass
    return registry.render_plain(value)


def render_label(record: dict) -> str:
    """The record's checked labels as one readable hint ("key: value; ..." when several).

    >>> render_label({"label": {"action_class": "playing guitar"}, "label_type": ["action_class"], "verifier_type": ["simple"]})
    'playing guitar'
    """
    label = record.get("label")
    label = label if isinstance(label, dict) else {}
    types = as_list(record.get("label_type")) or list(label)
    kinds = as_list(record.get("verifier_type")) or ["simple"] * len(types)
    duration = record.get("duration")
    # Only string label types name a label (a list or object there names nothing, and cannot be a key).
    parts = [
        (t, render_value(label[t], k, duration))
        for t, k in zip(types, kinds, strict=False)
        if isinstance(t, str) and t in label
    ]
    if len(parts) == 1:
        return parts[0][1]
    return "; ".join(f"{t.replace('_', ' ')}: {v}" for t, v in parts)


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        raise ValueError(f"prompt template uses {{{key}}}, which the record does not have")


def build_prompt(template: str, record: dict, with_label: bool) -> str:
    """Fill a template from the record (``question``, ``label`` rendered, other fields as is)."""
    fields = _Fields({k: v for k, v in record.items() if isinstance(v, (str, int, float))})
    question = get_field(record, "question", "")
    choices = record.get("choices")
    if isinstance(choices, list) and choices and not all(str(c) in question for c in choices):
        question = question + "\n" + "\n".join(str(c) for c in choices)
    fields["question"] = question
    if with_label or "{label}" in template:
        fields["label"] = render_label(record)
    return template.format_map(fields)
