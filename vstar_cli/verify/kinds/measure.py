"""Measured kinds: ``float``, ``timestamp``, ``temporal_range``, ``bbox`` (times as fractions of the video)."""

from __future__ import annotations

from typing import Any

from vstar_cli.verify import numeric
from vstar_cli.verify.kind import VerifierKind, render_plain
from vstar_cli.verify.kinds._gold import number, numbers
from vstar_cli.verify.verdict import CannotJudge


def validate_float(label: Any) -> None:
    """``float`` reads one finite number (a numeric string too)."""
    number(label, "gold")


def validate_timestamp(label: Any) -> None:
    """``timestamp`` reads one number in [0, 1] (a fraction of the video).

    >>> validate_timestamp(35)
    Traceback (most recent call last):
    ...
    vstar_cli.verify.verdict.CannotJudge: gold 35 is not a fraction of the video in [0, 1]
    """
    x = number(label, "gold")
    if not -1e-6 <= x <= 1 + 1e-6:
        raise CannotJudge(f"gold {label!r} is not a fraction of the video in [0, 1]")


def validate_range(label: Any) -> None:
    """``temporal_range`` reads ``[start, end]``: two numbers in [0, 1], start <= end.

    >>> validate_range([0.4])
    Traceback (most recent call last):
    ...
    vstar_cli.verify.verdict.CannotJudge: gold [0.4] is not 2 numbers ([start, end])
    """
    start, end = numbers(label, 2, "[start, end]")
    if not (-1e-6 <= start <= end <= 1 + 1e-6):
        raise CannotJudge(f"gold {label!r} is not a range 0 <= start <= end <= 1")


def validate_box(label: Any) -> None:
    """``bbox`` reads ``[x_center, y_center, width, height]``, normalized, with a positive size."""
    box = numbers(label, 4, "[x_center, y_center, width, height]")
    if any(v < -0.01 or v > 1.01 for v in box) or box[2] <= 0 or box[3] <= 0:
        raise CannotJudge(f"gold {label!r} is not a normalized box with positive width and height")


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


FLOAT = VerifierKind(
    "float",
    numeric.verify_float,
    "asserted number within a relative tolerance of the gold",
    params=(numeric.FLOAT_TOL,),
    metrics=("regression",),
    validate_gold=validate_float,
)
TIMESTAMP = VerifierKind(
    "timestamp",
    numeric.verify_timestamp,
    "asserted time within an absolute tolerance of the gold (fractions of the video)",
    params=(numeric.TIMESTAMP_TOL,),
    render=render_timestamp,
    validate_gold=validate_timestamp,
)
TEMPORAL_RANGE = VerifierKind(
    "temporal_range",
    numeric.verify_temporal_range,
    "stated [start,end] overlaps the gold range (IoU)",
    params=(numeric.RANGE_IOU,),
    render=render_range,
    validate_gold=validate_range,
)
BBOX = VerifierKind(
    "bbox",
    numeric.verify_bbox,
    "last [xc,yc,w,h] box overlaps the gold box (IoU)",
    params=(numeric.BBOX_IOU,),
    render=render_box,
    validate_gold=validate_box,
)
