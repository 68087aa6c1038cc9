"""Rule-based checks of numeric labels: ``float``, ``timestamp``, ``temporal_range``, ``bbox``.

Times are normalized to [0, 1] of the video, as labels are. An answer may give them as
fractions ("0.35", "halfway", "a quarter"), percentages ("35% of the way through"), or, when
the record has ``duration``, seconds ("at 12 s", "0:12", "two minutes in").
"""

from __future__ import annotations

import re
from typing import Any

from vstar_cli.verify.numbers import Num, asserted, find_numbers
from vstar_cli.verify.text import normalize
from vstar_cli.verify.verdict import Verdict


def _as_float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def verify_float(answer: str, label: Any, record: dict, cfg: Any = None) -> Verdict:
    """``float``: the asserted number is within a relative tolerance (default 10%) of the gold.

    >>> verify_float("The judges would give it eighty-two points.", 80.0, {}).ok
    True
    >>> verify_float("Scores range from 40 to 100; I'd say 55.", 80.0, {}).ok
    False
    """
    tol = getattr(cfg, "float_tol", 0.1)
    gold = _as_float(label)
    if gold is None:
        return Verdict(False, None, f"gold {label!r} is not a number")
    text = normalize(answer)
    # "halfway", "a quarter": positions in time, not amounts (a written fraction such as 1/2 stays).
    nums = [
        n for n in find_numbers(text, normalized=True) if not (n.unit == "fraction" and text[n.start : n.end].isalpha())
    ]
    a = asserted(text, nums)
    if a.num is None:
        return Verdict(False, None, a.reason)
    if a.hedge is not None:
        return Verdict(False, [a.hedge[0].value, a.hedge[1].value], a.reason)
    value = a.num.value * 100 if a.num.unit == "percent" and abs(gold) > 1.5 else a.num.value
    err = abs(value - gold) / abs(gold) if gold != 0 else abs(value)
    ok = err <= tol
    return Verdict(ok, value, f"{a.reason}; relative error {err:.3f} {'<=' if ok else '>'} {tol}")


def to_fraction(num: Num, duration: float | None) -> float | None:
    """A time mention as a fraction of the video, or ``None`` when it cannot be one.

    >>> to_fraction(Num(12.0, 0, 2, "seconds"), 40.0)
    0.3
    """
    if num.unit == "percent":
        return num.value
    if num.unit == "fraction":
        return num.value
    if num.unit == "seconds":
        return num.value / duration if duration else None
    if 0.0 <= num.value <= 1.0:
        return num.value
    return None


_POSITION_WORDS = (
    (re.compile(r"\b(?:at|in|near|towards?)\s+the\s+(?:very\s+)?(?:beginning|start)\b"), 0.0),
    (re.compile(r"\b(?:at|in|near|towards?)\s+the\s+(?:very\s+)?end\b"), 1.0),
    (re.compile(r"\b(?:in|at|around)\s+the\s+middle\b"), 0.5),
)


def _time_mentions(text: str, duration: float | None) -> list[tuple[Num, float]]:
    out = []
    for n in find_numbers(text, normalized=True):
        f = to_fraction(n, duration)
        if f is not None and -0.05 <= f <= 1.05:
            out.append((n, f))
    return out


def verify_timestamp(answer: str, label: Any, record: dict, cfg: Any = None) -> Verdict:
    """``timestamp``: the asserted time is within an absolute tolerance (default 0.1) of the gold.

    >>> verify_timestamp("It happens about 35% of the way through.", 0.3, {}).ok
    True
    >>> verify_timestamp("The ball drops at 0:12.", 0.3, {"duration": 40}).ok
    True
    """
    tol = getattr(cfg, "timestamp_tol", 0.1)
    gold = _as_float(label)
    if gold is None:
        return Verdict(False, None, f"gold {label!r} is not a number")
    duration = _as_float(record.get("duration"))
    text = normalize(answer)
    mentions = _time_mentions(text, duration)
    if not mentions:
        for rx, pos in _POSITION_WORDS:
            hits = list(rx.finditer(text))
            if hits:
                mentions.append((Num(pos, hits[-1].start(), hits[-1].end(), "fraction"), pos))
        mentions.sort(key=lambda m: m[0].start)
    if not mentions:
        hint = " (seconds need the record's 'duration')" if find_numbers(text, normalized=True) else ""
        return Verdict(False, None, "no time in the answer" + hint)
    nums = [m[0] for m in mentions]
    a = asserted(text, nums)
    if a.hedge is not None:
        return Verdict(False, None, a.reason)
    value = dict((id(n), f) for n, f in mentions)[id(a.num)]
    err = abs(value - gold)
    ok = err <= tol
    return Verdict(ok, round(value, 4), f"{a.reason}; error {err:.3f} {'<=' if ok else '>'} {tol}")


_PAIR_BETWEEN_RE = re.compile(
    r"^\s*(?:(?:s|seconds?|secs?|%|percent)\s*)?(?:-|\u2013|\u2014|to|till|until|through|and|,)\s*(?:the\s+)?$"
)


def _unit_scale(span: str) -> float:
    """Seconds per unit of a number span such as "5 minutes" (1 for seconds and mm:ss)."""
    if re.search(r"\bh(?:ours?|rs?)?\b", span):
        return 3600.0
    if re.search(r"\bm(?:in(?:ute)?s?)?\b", span):
        return 60.0
    return 1.0


def extract_range(text: str, duration: float | None) -> tuple[float, float] | None:
    """The last ``[start, end]`` time range the answer states, as fractions of the video.

    A unit written once applies to both ends ("from 3 to 5 seconds", "20-40%").

    >>> extract_range(normalize("The jump lasts from 3 to 5 seconds."), 10.0)
    (0.3, 0.5)
    """
    nums = find_numbers(text, normalized=True)
    best = None
    for a, b in zip(nums, nums[1:], strict=False):
        between = text[a.end : b.start]
        if not _PAIR_BETWEEN_RE.match(between) and not re.search(r"\b(?:end|ends|until|finish|stops?)\b", between):
            continue
        if re.search(r"[.!?\n]", between):
            continue
        ua, ub = a.unit, b.unit
        if ua is None and ub in {"seconds", "percent"}:
            scale = _unit_scale(text[b.start : b.end]) if ub == "seconds" else 0.01
            a = Num(a.value * scale, a.start, a.end, ub)
        fa, fb = to_fraction(a, duration), to_fraction(b, duration)
        if fa is None or fb is None or not (fa < fb) or fa < -0.05 or fb > 1.05:
            continue
        best = (round(fa, 6), round(fb, 6))
    return best


def iou_1d(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Intersection over union of two intervals.

    >>> iou_1d((0.0, 0.5), (0.25, 0.75))
    0.3333333333333333
    """
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def verify_temporal_range(answer: str, label: Any, record: dict, cfg: Any = None) -> Verdict:
    """``temporal_range``: the stated range overlaps the gold ``[start, end]`` with IoU > 0.5.

    >>> verify_temporal_range("It starts at 20% and ends at 50% of the video.", [0.2, 0.45], {}).ok
    True
    """
    thr = getattr(cfg, "range_iou", 0.5)
    try:
        gold = (float(label[0]), float(label[1]))
    except (TypeError, ValueError, IndexError, KeyError):
        return Verdict(False, None, f"gold {label!r} is not a [start, end] pair")
    text = normalize(answer)
    rng = extract_range(text, _as_float(record.get("duration")))
    if rng is None:
        return Verdict(False, None, "no time range in the answer")
    iou = iou_1d(rng, gold)
    ok = iou > thr
    return Verdict(ok, list(rng), f"IoU {iou:.3f} {'>' if ok else '<='} {thr}")


_BOX_RE = re.compile(
    r"[\[(]\s*([-+]?\d*\.?\d+)\s*,\s*([-+]?\d*\.?\d+)\s*,\s*([-+]?\d*\.?\d+)\s*,\s*([-+]?\d*\.?\d+)\s*[\])]"
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


def verify_bbox(answer: str, label: Any, record: dict, cfg: Any = None) -> Verdict:
    """``bbox``: the last box written as ``[xc, yc, w, h]`` (normalized) has IoU > 0.5 with the gold.

    >>> verify_bbox("The ball is at [0.52, 0.48, 0.2, 0.2].", [0.5, 0.5, 0.2, 0.2], {}).ok
    True
    """
    thr = getattr(cfg, "bbox_iou", 0.5)
    try:
        gold = [float(v) for v in label]
        assert len(gold) == 4
    except (TypeError, ValueError, AssertionError):
        return Verdict(False, None, f"gold {label!r} is not [x_center, y_center, width, height]")
    boxes = [[float(v) for v in m.groups()] for m in _BOX_RE.finditer(answer)]
    if not boxes:
        return Verdict(False, None, "no [x, y, w, h] box in the answer")
    box = boxes[-1]
    if any(v < -0.01 or v > 1.01 for v in box) or box[2] <= 0 or box[3] <= 0:
        return Verdict(False, box, "box is not normalized [x_center, y_center, width, height]")
    iou = box_iou(box, gold)
    ok = iou > thr
    return Verdict(ok, box, f"IoU {iou:.3f} {'>' if ok else '<='} {thr}")
