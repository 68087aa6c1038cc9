"""Embedding kinds: ``sentence``, ``sentence_sequence``, ``classifier``, ``classifier_sequence``, ``llm``.

Their records are batched so that the texts of many records are embedded together.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from vstar_cli.verify import semantic
from vstar_cli.verify.clauses import gold_items
from vstar_cli.verify.kind import Check, Render, VerifierKind, render_plain
from vstar_cli.verify.param import Param
from vstar_cli.verify.verdict import CannotJudge


def validate_text(label: Any) -> None:
    """Embedding kinds read a non-empty sentence or a non-empty list of sentences."""
    if isinstance(label, (list, tuple)):
        bad = [x for x in label if not isinstance(x, (str, int, float)) or isinstance(x, bool)]
        if bad:
            raise CannotJudge(f"gold list holds {bad[0]!r}, not a sentence")
    elif not isinstance(label, str):
        raise CannotJudge(f"gold {label!r} is not a sentence or a list of sentences")
    if not any(s.strip() for s in gold_items(label)):
        raise CannotJudge(f"gold {label!r} has no sentence")


def render_sequence(value: Any, duration: float | None = None) -> str:
    """Ordered steps as ``first a, then b``.

    >>> render_sequence(["jumps", "tucks", "enters the water"])
    'first jumps, then tucks, then enters the water'
    """
    if isinstance(value, (list, tuple)) and len(value) > 1:
        return "first " + ", then ".join(str(v) for v in value)
    return render_plain(value)


def _semantic(
    name: str, check: Check, summary: str, params: tuple[Param, ...], render: Render = render_plain
) -> VerifierKind:
    return VerifierKind(
        name,
        check,
        summary,
        params=params,
        needs_embedder=True,
        render=render,
        metrics=("multiple_choice",),
        validate_gold=validate_text,
        texts=partial(semantic.needed_texts, kind=name),
    )


SENTENCE = _semantic(
    "sentence",
    semantic.verify_sentence,
    "each gold sentence stated (embedding similarity)",
    (semantic.SENTENCE_THRESHOLD,),
)
SENTENCE_SEQUENCE = _semantic(
    "sentence_sequence",
    semantic.verify_sentence_sequence,
    "all steps stated in order (similarity per step)",
    (semantic.SENTENCE_SEQUENCE_THRESHOLD,),
    render_sequence,
)
CLASSIFIER = _semantic(
    "classifier",
    semantic.verify_classifier,
    "gold class(es) stated by a clause (embedding similarity)",
    (semantic.CLASSIFIER_THRESHOLD,),
)
CLASSIFIER_SEQUENCE = _semantic(
    "classifier_sequence",
    semantic.verify_classifier_sequence,
    "classes stated clause by clause in order",
    (semantic.CLASSIFIER_SEQUENCE_THRESHOLD,),
    render_sequence,
)
LLM = _semantic(
    "llm",
    semantic.verify_llm,
    "local --judge model says yes; without one the embedding check",
    (semantic.LLM_THRESHOLD, semantic.SENTENCE_THRESHOLD),
)
