"""The 13 official verifier kinds, declared once: check, parameters, gold rendering, gold validation, metrics.

Loaded through the same route as third-party kinds (``vstar_cli.verify.registry.BUILTIN``
names ``vstar_cli.verify.builtin:KINDS`` as a ``--kind-plugin`` would).
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

from vstar_cli.verify import classes, numeric, open_answer, semantic
from vstar_cli.verify.registry import Param, VerifierKind, render_plain
from vstar_cli.verify.verdict import CannotJudge

# --- parameters (each becomes a VerifyConfig field, a YAML key and a flag) ---------------------

CLASS_FUZZ = Param(
    "class_fuzz", 0.85, "simple: similarity ratio for misspelt words (>= 5 letters)", minimum=0, maximum=1
)
FLOAT_TOL = Param("float_tol", 0.1, "float: relative tolerance", minimum=0)
TIMESTAMP_TOL = Param("timestamp_tol", 0.1, "timestamp: absolute tolerance on [0,1]", minimum=0)
RANGE_IOU = Param(
    "range_iou", 0.5, "temporal_range: IoU must exceed this", minimum=0, maximum=1, maximum_exclusive=True
)
BBOX_IOU = Param("bbox_iou", 0.5, "bbox: IoU must exceed this", minimum=0, maximum=1, maximum_exclusive=True)
SENTENCE_THRESHOLD = Param("sentence_threshold", 0.6, "sentence: cosine similarity", minimum=-1, maximum=1)
SENTENCE_SEQUENCE_THRESHOLD = Param(
    "sentence_sequence_threshold",
    0.4,
    "sentence_sequence: cosine similarity per step",
    flag="--sequence-threshold",
    minimum=-1,
    maximum=1,
)
CLASSIFIER_THRESHOLD = Param("classifier_threshold", 0.6, "classifier: cosine similarity", minimum=-1, maximum=1)
CLASSIFIER_SEQUENCE_THRESHOLD = Param(
    "classifier_sequence_threshold", 0.4, "classifier_sequence: cosine similarity per step", minimum=-1, maximum=1
)
OPEN_ANSWER_THRESHOLD = Param(
    "open_answer_threshold",
    0.6,
    "open_answer: cosine similarity when no decision can be read",
    minimum=-1,
    maximum=1,
)
LLM_THRESHOLD = Param("llm_threshold", 0.4, "llm without a judge: cosine similarity per step", minimum=-1, maximum=1)

# --- gold validation: what each kind can read; anything else is "cannot judge" -----------------


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or value is None:
        raise CannotJudge(f"{what} {value!r} is not a number")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise CannotJudge(f"{what} {value!r:.60} is not a number") from None
    except OverflowError:
        raise CannotJudge(f"{what} is a number too large to read ({len(str(value))} digits)") from None
    if not math.isfinite(x):
        raise CannotJudge(f"{what} {value!r} is not a finite number")
    return x


def _numbers(value: Any, n: int, what: str) -> list[float]:
    if not isinstance(value, (list, tuple)) or len(value) != n:
        raise CannotJudge(f"gold {value!r} is not {n} numbers ({what})")
    return [_number(v, f"{what} item") for v in value]


def validate_class(label: Any) -> None:
    """``simple`` kinds read a class name, a number, a yes/no, or a non-empty list of those.

    >>> validate_class("")
    Traceback (most recent call last):
    ...
    vstar_cli.verify.verdict.CannotJudge: gold '' is empty
    """
    if isinstance(label, list):
        if not label:
            raise CannotJudge("gold is an empty list")
        for item in label:
            if isinstance(item, list):
                raise CannotJudge(f"gold list holds a list {item!r}")
            validate_class(item)
        return
    if isinstance(label, bool):
        return
    if isinstance(label, (int, float)):
        _number(label, "gold")
        return
    if not isinstance(label, str):
        raise CannotJudge(f"gold {label!r} is not a class name, number or yes/no")
    if not label.strip():
        raise CannotJudge(f"gold {label!r} is empty")


def validate_float(label: Any) -> None:
    """``float`` reads one finite number (a numeric string too)."""
    _number(label, "gold")


def validate_timestamp(label: Any) -> None:
    """``timestamp`` reads one number in [0, 1] (a fraction of the video).

    >>> validate_timestamp(35)
    Traceback (most recent call last):
    ...
    vstar_cli.verify.verdict.CannotJudge: gold 35 is not a fraction of the video in [0, 1]
    """
    x = _number(label, "gold")
    if not -1e-6 <= x <= 1 + 1e-6:
        raise CannotJudge(f"gold {label!r} is not a fraction of the video in [0, 1]")


def validate_range(label: Any) -> None:
    """``temporal_range`` reads ``[start, end]``: two numbers in [0, 1], start <= end.

    >>> validate_range([0.4])
    Traceback (most recent call last):
    ...
    vstar_cli.verify.verdict.CannotJudge: gold [0.4] is not 2 numbers ([start, end])
    """
    start, end = _numbers(label, 2, "[start, end]")
    if not (-1e-6 <= start <= end <= 1 + 1e-6):
        raise CannotJudge(f"gold {label!r} is not a range 0 <= start <= end <= 1")


def validate_box(label: Any) -> None:
    """``bbox`` reads ``[x_center, y_center, width, height]``, normalized, with a positive size."""
    box = _numbers(label, 4, "[x_center, y_center, width, height]")
    if any(v < -0.01 or v > 1.01 for v in box) or box[2] <= 0 or box[3] <= 0:
        raise CannotJudge(f"gold {label!r} is not a normalized box with positive width and height")


def validate_same(label: Any) -> None:
    """``same_or_not`` reads a yes/no or a same / not-the-same phrase."""
    if not isinstance(label, (bool, str)) or classes._gold_same(label) is None:
        raise CannotJudge(f"cannot read gold {label!r} as same / not the same")


def validate_text(label: Any) -> None:
    """Embedding kinds read a non-empty sentence or a non-empty list of sentences."""
    if isinstance(label, (list, tuple)):
        bad = [x for x in label if not isinstance(x, (str, int, float)) or isinstance(x, bool)]
        if bad:
            raise CannotJudge(f"gold list holds {bad[0]!r}, not a sentence")
    elif not isinstance(label, str):
        raise CannotJudge(f"gold {label!r} is not a sentence or a list of sentences")
    if not any(s.strip() for s in semantic.gold_items(label)):
        raise CannotJudge(f"gold {label!r} has no sentence")


# --- gold rendering for rationalization prompts -----------------------------------------------


def _pct(x: float) -> str:
    return f"{round(float(x) * 100)}%"


def render_range(value: Any, duration: float | None = None) -> str:
    """``[start, end]`` as words, in seconds too when the duration is known.

    >>> render_range([0.2, 0.45], 20.0)
    'from 4.0s to 9.0s (20% to 45% of the video)'
    """
    if not (isinstance(value, (list, tuple)) and len(value) == 2):
        return render_plain(value)
    rel = f"{_pct(value[0])} to {_pct(value[1])} of the video"
    if duration:
        return f"from {value[0] * duration:.1f}s to {value[1] * duration:.1f}s ({rel})"
    return f"from {rel}"


def render_timestamp(value: Any, duration: float | None = None) -> str:
    """A fraction of the video as words (``at 30% of the video``)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return render_plain(value)
    if duration:
        return f"at {value * duration:.1f}s ({_pct(value)} of the video)"
    return f"at {_pct(value)} of the video"


def render_box(value: Any, duration: float | None = None) -> str:
    """A box as ``[0.50, 0.50, 0.20, 0.20]``."""
    try:
        return "[" + ", ".join(f"{float(v):.2f}" for v in value) + "]"
    except (TypeError, ValueError):
        return render_plain(value)


def render_sequence(value: Any, duration: float | None = None) -> str:
    """Ordered steps as ``first a, then b``.

    >>> render_sequence(["jumps", "tucks", "enters the water"])
    'first jumps, then tucks, then enters the water'
    """
    if isinstance(value, (list, tuple)) and len(value) > 1:
        return "first " + ", then ".join(str(v) for v in value)
    return render_plain(value)


# --- the kinds --------------------------------------------------------------------------------

_CHOICE = ("multiple_choice",)


def _semantic(name: str, check, summary: str, params: tuple[Param, ...], render=render_plain) -> VerifierKind:
    return VerifierKind(
        name,
        check,
        summary,
        params=params,
        needs_embedder=True,
        render=render,
        metrics=_CHOICE,
        validate_gold=validate_text,
        texts=partial(semantic.needed_texts, kind=name),
    )


SIMPLE = VerifierKind(
    "simple",
    classes.verify_simple,
    "class name asserted (surface variants ok; negated or hedged fails); numbers exact",
    params=(CLASS_FUZZ,),
    metrics=_CHOICE,
    validate_gold=validate_class,
)
OBJ_IDENTIFY = VerifierKind(
    "obj_identify",
    classes.verify_simple,
    "object named, as 'simple'",
    params=(CLASS_FUZZ,),
    metrics=_CHOICE,
    validate_gold=validate_class,
)
OBJ_COMPARE = VerifierKind(
    "obj_compare",
    classes.verify_simple,
    "compared object named, as 'simple'",
    params=(CLASS_FUZZ,),
    metrics=_CHOICE,
    validate_gold=validate_class,
)
FLOAT = VerifierKind(
    "float",
    numeric.verify_float,
    "asserted number within a relative tolerance of the gold",
    params=(FLOAT_TOL,),
    metrics=("regression",),
    validate_gold=validate_float,
)
TIMESTAMP = VerifierKind(
    "timestamp",
    numeric.verify_timestamp,
    "asserted time within an absolute tolerance of the gold (fractions of the video)",
    params=(TIMESTAMP_TOL,),
    render=render_timestamp,
    validate_gold=validate_timestamp,
)
TEMPORAL_RANGE = VerifierKind(
    "temporal_range",
    numeric.verify_temporal_range,
    "stated [start,end] overlaps the gold range (IoU)",
    params=(RANGE_IOU,),
    render=render_range,
    validate_gold=validate_range,
)
BBOX = VerifierKind(
    "bbox",
    numeric.verify_bbox,
    "last [xc,yc,w,h] box overlaps the gold box (IoU)",
    params=(BBOX_IOU,),
    render=render_box,
    validate_gold=validate_box,
)
SAME_OR_NOT = VerifierKind(
    "same_or_not",
    classes.verify_same_or_not,
    "last same / not-the-same decision matches",
    metrics=_CHOICE,
    validate_gold=validate_same,
)
SENTENCE = _semantic(
    "sentence", semantic.verify_sentence, "each gold sentence stated (embedding similarity)", (SENTENCE_THRESHOLD,)
)
SENTENCE_SEQUENCE = _semantic(
    "sentence_sequence",
    semantic.verify_sentence_sequence,
    "all steps stated in order (similarity per step)",
    (SENTENCE_SEQUENCE_THRESHOLD,),
    render_sequence,
)
CLASSIFIER = _semantic(
    "classifier",
    semantic.verify_classifier,
    "gold class(es) stated by a clause (embedding similarity)",
    (CLASSIFIER_THRESHOLD,),
)
CLASSIFIER_SEQUENCE = _semantic(
    "classifier_sequence",
    semantic.verify_classifier_sequence,
    "classes stated clause by clause in order",
    (CLASSIFIER_SEQUENCE_THRESHOLD,),
    render_sequence,
)
LLM = _semantic(
    "llm",
    semantic.verify_llm,
    "local --judge model says yes; without one the embedding check",
    (LLM_THRESHOLD, SENTENCE_THRESHOLD),
)
OPEN_ANSWER = VerifierKind(
    "open_answer",
    open_answer.verify_open_answer,
    "gold answer to the record's question: same decision, core claim stated, nothing contradicted",
    params=(OPEN_ANSWER_THRESHOLD,),
    needs_embedder=True,
    metrics=_CHOICE,
    validate_gold=open_answer.validate_gold,
    texts=open_answer.needed_texts,
)

KINDS = (
    SIMPLE,
    OBJ_IDENTIFY,
    OBJ_COMPARE,
    FLOAT,
    TIMESTAMP,
    TEMPORAL_RANGE,
    BBOX,
    SAME_OR_NOT,
    SENTENCE,
    SENTENCE_SEQUENCE,
    CLASSIFIER,
    CLASSIFIER_SEQUENCE,
    LLM,
    OPEN_ANSWER,
)
