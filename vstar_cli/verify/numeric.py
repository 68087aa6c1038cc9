"""Rule-based checks of numeric labels: ``float``, ``timestamp``, ``temporal_range``, ``bbox``.

Times are normalized to [0, 1] of the video, as labels are. An answer may give them as
fractions ("0.35", "halfway", "a quarter"), percentages ("35% of the way through"), or, when
the record has ``duration``, seconds ("at 12 s", "0:12", "two minutes in").
"""

from __future__ import annotations

import math
import re
from collections import deque
from typing import Any

from vstar_cli.verify.numerals import Num, asserted, find_numbers
from vstar_cli.verify.param import Param
from vstar_cli.verify.text import normalize
from vstar_cli.verify.timeexpr import extract_range, find_range, to_fraction
from vstar_cli.verify.verdict import CannotJudge, Verdict
from vstar_cli.verify.window import bounded

__all__ = ["extract_range", "to_fraction", "verify_bbox", "verify_float", "verify_temporal_range", "verify_timestamp"]

FLOAT_TOL = Param("float_tol", 0.1, "float: relative tolerance", minimum=0)
TIMESTAMP_TOL = Param("timestamp_tol", 0.1, "timestamp: absolute tolerance on [0,1]", minimum=0)
RANGE_IOU = Param(
    "range_iou", 0.5, "temporal_range: IoU must exceed this", minimum=0, maximum=1, maximum_exclusive=True
)
BBOX_IOU = Param("bbox_iou", 0.5, "bbox: IoU must exceed this", minimum=0, maximum=1, maximum_exclusive=True)


def _duration(record: dict) -> float | None:
    d = _as_float(record.get("duration")) if isinstance(record, dict) else None
    return d if d is not None and d > 0 else None


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return v if math.isfinite(v) else None


def _gold(label: Any, what: str = "a number") -> float:
    """The gold value as a finite float, or :class:`CannotJudge`."""
    v = _as_float(label)
    if v is None or abs(v) > 1e15:
        raise CannotJudge(f"gold {label!r:.60} is not {what}")
    return v


def _span(text: str, answer: str, start: int, end: int) -> tuple[int, int] | None:
    return (start, end) if len(text) == len(answer) else None


@bounded
def verify_float(answer: str, label: Any, record: dict, cfg: Any = None) -> Verdict:
    """``float``: the asserted number is within a relative tolerance (default 10%) of the gold.

    >>> verify_float("The judges would give it eighty-two points.", 80.0, {}).ok
    True
    >>> verify_float("Scores range from 40 to 100; I'd say 55.", 80.0, {}).ok
    False
    """
    tol = FLOAT_TOL.value(cfg)
    gold = _gold(label)
    text = normalize(answer)
    # "halfway", "a quarter": positions in time, not amounts (a written fraction such as 1/2 stays).
    nums = [
        n for n in find_numbers(text, normalized=True) if not (n.unit == "fraction" and text[n.start : n.end].isalpha())
    ]
    a = asserted(text, nums)
    if a.num is None:
        return Verdict(False, None, a.reason)
    span = _span(text, answer, a.num.start, a.num.end)
    if a.hedge is not None:
        return Verdict(False, [a.hedge[0].value, a.hedge[1].value], a.reason, span)
    value = a.num.value
    if a.num.scale and (abs(gold) > 1.5 or a.num.scale not in {1.0, 100.0}):
        value = a.num.value * a.num.scale  # "8.5/10", "82.5 out of 100": the score, not a ratio
    elif a.num.unit == "percent" and abs(gold) > 1.5:
        value = a.num.value * 100
    err = abs(value - gold) / abs(gold) if gold != 0 else abs(value)
    ok = err <= tol
    return Verdict(ok, value, f"{a.reason}; relative error {err:.3f} {'<=' if ok else '>'} {tol}", span)


_POSITION_WORDS = (
    (re.compile(r"\b(?:at|in|near|towards?)\s+the\s+(?:very\s+)?(?:beginning|start)\b"), 0.0),
    (re.compile(r"\b(?:at|in|near|towards?)\s+the\s+(?:very\s+)?end\b"), 1.0),
    (re.compile(r"\b(?:in|at|around)\s+the\s+middle\b"), 0.5),
)


def _time_mentions(text: str, duration: float | None, nums: list[Num] | None = None) -> list[tuple[Num, float]]:
    out = []
    for n in find_numbers(text, normalized=True) if nums is None else nums:
        f = to_fraction(n, duration)
        if f is not None and -0.05 <= f <= 1.05:
            out.append((n, f))
    return out


@bounded
def verify_timestamp(answer: str, label: Any, record: dict, cfg: Any = None) -> Verdict:
    """``timestamp``: the asserted time is within an absolute tolerance (default 0.1) of the gold.

    >>> verify_timestamp("It happens about 35% of the way through.", 0.3, {}).ok
    True
    >>> verify_timestamp("The ball drops at 0:12.", 0.3, {"duration": 40}).ok
    True
    """
    tol = TIMESTAMP_TOL.value(cfg)
    gold = _gold(label, "a time in [0, 1]")
    if not -0.01 <= gold <= 1.01:
        raise CannotJudge(f"gold {label!r:.60} is not a time in [0, 1]")
    duration = _duration(record)
    text = normalize(answer)
    all_nums = find_numbers(text, normalized=True)
    mentions = _time_mentions(text, duration, all_nums)
    if not mentions:
        for rx, pos in _POSITION_WORDS:
            hits = list(rx.finditer(text))
            if hits:
                mentions.append((Num(pos, hits[-1].start(), hits[-1].end(), "fraction"), pos))
        mentions.sort(key=lambda m: m[0].start)
    if not mentions:
        hint = " (seconds need the record's 'duration')" if all_nums else ""
        return Verdict(False, None, "no time in the answer" + hint)
    nums = [m[0] for m in mentions]
    question = record.get("question") if isinstance(record, dict) else None
    if len(nums) > 1 and isinstance(question, str):
        # "The glass falls at 00:32 after the cat jumps at 00:10": the time of what is asked.
        k = _asked_index(text, [(n.start, n.end) for n in nums], question)
        if k is not None:
            nums = [nums[k]]
    a = asserted(text, nums)
    span = _span(text, answer, a.num.start, a.num.end) if a.num is not None else None
    if a.hedge is not None:
        return Verdict(False, None, a.reason, span)
    value = dict((id(n), f) for n, f in mentions)[id(a.num)]
    err = abs(value - gold)
    ok = err <= tol
    return Verdict(ok, round(value, 4), f"{a.reason}; error {err:.3f} {'<=' if ok else '>'} {tol}", span)


def iou_1d(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Intersection over union of two intervals.

    >>> iou_1d((0.0, 0.5), (0.25, 0.75))
    0.3333333333333333
    """
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


@bounded
def verify_temporal_range(answer: str, label: Any, record: dict, cfg: Any = None) -> Verdict:
    """``temporal_range``: the stated range overlaps the gold ``[start, end]`` with IoU > 0.5.

    >>> verify_temporal_range("It starts at 20% and ends at 50% of the video.", [0.2, 0.45], {}).ok
    True
    """
    thr = RANGE_IOU.value(cfg)
    if not isinstance(label, (list, tuple)) or len(label) != 2:
        raise CannotJudge(f"gold {label!r:.60} is not a [start, end] pair")
    lo, hi = _as_float(label[0]), _as_float(label[1])
    if lo is None or hi is None or hi < lo or lo < -0.01 or hi > 1.01:
        raise CannotJudge(f"gold {label!r:.60} is not a [start, end] pair of fractions")
    gold = (lo, hi)
    text = normalize(answer)
    every: list = []
    found = find_range(text, _duration(record), every)
    if found is None:
        return Verdict(False, None, "no time range in the answer")
    question = record.get("question") if isinstance(record, dict) else None
    if len(every) > 1 and isinstance(question, str):
        found = _about_question(text, every, question) or found
    rng, (a, b) = found
    iou = iou_1d(rng, gold)
    ok = iou > thr
    return Verdict(ok, list(rng), f"IoU {iou:.3f} {'>' if ok else '<='} {thr}", _span(text, answer, a, b))


def _about_question(text: str, ranges: list, question: str):
    """Of several ranges ("she dances from 36 s to 60 s, then sits from 60 s to 80 s"), the one
    about what the question asks (see :func:`_asked_index`); ``None`` when none stands out."""
    k = _asked_index(text, [span for _, span in ranges], question)
    return None if k is None else ranges[k]


def _asked_index(text: str, spans: list[tuple[int, int]], question: str) -> int | None:
    """Index of the span whose words since the previous span share the most content words with
    the question; ``None`` when no span shares more than all the others."""
    from vstar_cli.verify.align import is_content, key
    from vstar_cli.verify.text import tokenize

    asked = {key(t.text) for t in tokenize(question[:2000]) if is_content(t)}
    scores = []
    prev = 0
    for a, b in spans[:64]:
        lo = max(prev, a - 300)
        words = {key(t.text) for t in tokenize(text[lo:a]) if is_content(t)}
        scores.append(len(words & asked))
        prev = b
    best = max(scores)
    if best == 0 or scores.count(best) > 1:
        return None
    return scores.index(best)


_BOX_NUM = r"([-+]?(?:\d{1,20}(?:\.\d{1,20})?|\.\d{1,20}))"
# Linear: every repetition is bounded, and a number is read one way only.
_BOX_RE = re.compile(
    rf"[\[(][ \t]{{0,8}}{_BOX_NUM}[ \t]{{0,8}},[ \t]{{0,8}}{_BOX_NUM}[ \t]{{0,8}},[ \t]{{0,8}}{_BOX_NUM}[ \t]{{0,8}},[ \t]{{0,8}}{_BOX_NUM}[ \t]{{0,8}}[\])]"
)

# Unbracketed: "0.51, 0.49, 0.21, 0.3" or "x=0.50, y=0.50, w=0.20, h=0.30" (short names before each).
_BOX_ITEM = rf"(?:[a-z_]{{1,12}}[ \t]{{0,3}}[=:][ \t]{{0,3}})?{_BOX_NUM}"
_BOX_SEP = r"[ \t]{0,4}[,;][ \t]{0,4}"
_BARE_BOX_RE = re.compile(
    rf"(?<![\w.,])(?<!, ){_BOX_ITEM}{_BOX_SEP}{_BOX_ITEM}{_BOX_SEP}{_BOX_ITEM}{_BOX_SEP}{_BOX_ITEM}"
    rf"(?!\.?\d|{_BOX_SEP}[-+]?\.?\d)",
    re.I,
)


def box_iou(a: list[float], b: list[float]) -> float:
    """IoU of two ``[x_center, y_center, width, height]`` boxes.

    >>> round(box_iou([0.5, 0.5, 0.2, 0.2], [0.5, 0.5, 0.2, 0.4]), 3)
    0.5
    """

    def corners(x):
        return x[0] - x[2] / 2, x[1] - x[3] / 2, x[0] + x[2] / 2, x[1] + x[3] / 2

    ax0, ay0, ax1, ay1 = corners(a)
    bx0, by0, bx1, by1 = corners(b)
    iw = max(0.0, min(ax1, bx1) - max(ax0, bx0))
    ih = max(0.0, min(ay1, by1) - max(ay0, by0))
    inter = iw * ih
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


@bounded
def verify_bbox(answer: str, label: Any, record: dict, cfg: Any = None) -> Verdict:
    """``bbox``: the last box written as ``[xc, yc, w, h]`` (normalized) has IoU > 0.5 with the gold.

    >>> verify_bbox("The ball is at [0.52, 0.48, 0.2, 0.2].", [0.5, 0.5, 0.2, 0.2], {}).ok
    True
    """
    thr = BBOX_IOU.value(cfg)
    gold = [_as_float(v) for v in label] if isinstance(label, (list, tuple)) and len(label) == 4 else None
    if gold is None or any(v is None or not -0.01 <= v <= 1.01 for v in gold) or gold[2] <= 0 or gold[3] <= 0:
        raise CannotJudge(f"gold {label!r:.60} is not a normalized [x_center, y_center, width, height] box")
    last = next(iter(deque(_BOX_RE.finditer(answer), maxlen=1)), None)
    if last is None:
        last = next(iter(deque(_BARE_BOX_RE.finditer(answer), maxlen=1)), None)
    if last is None:
        return Verdict(False, None, "no [x, y, w, h] box in the answer")
    box = [float(v) for v in last.groups()]
    if any(v < -0.01 or v > 1.01 for v in box) or box[2] <= 0 or box[3] <= 0:
        return Verdict(False, box, "box is not normalized [x_center, y_center, width, height]", last.span())
    iou = box_iou(box, gold)
    ok = iou > thr
    return Verdict(ok, box, f"IoU {iou:.3f} {'>' if ok else '<='} {thr}", last.span())
