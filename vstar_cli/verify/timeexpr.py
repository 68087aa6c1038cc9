"""A small grammar of time expressions: points and ranges of a video, as fractions of it.

Ranges are read from (best first):

* a start cue and an end cue apart: "starts at 0.21 ... and ends at 0.64", "begins at X and
  concludes at Y", "with a start time of X and an end time of Y", "from the X mark until Y";
* two times joined by a range word: "from 3 to 5 seconds", "between X and Y", "20%-45%",
  "0:12 - 0:31";
* spans in words: "in the first half", "during the last third", "the second quarter".

A unit written once applies to both ends. Values in [0, 1] followed by "seconds" in a record
without a duration are fractions of the video. Numbers followed by a word that is not about
time ("its stability is about 0.4", "0.7 confidence") are not times. Every step is linear in
the text's length: one pass over the numbers, bounded look-arounds.
"""

from __future__ import annotations

import re
from collections import deque

from vstar_cli.verify.numerals import Num, find_numbers

_START_CUE_RE = re.compile(
    r"\b(?:start(?:s|ed|ing)?|begin(?:s|ning)?|began|commenc(?:es?|ed|ing)|onset|kicks?\s+off|initiat(?:es?|ed)|"
    r"appears?|emerges?|from|since|after)\b[^.!?\n\d]{0,40}$"
)
_END_CUE_RE = re.compile(
    r"\b(?:end(?:s|ed|ing)?|conclud(?:es?|ed|ing)|finish(?:es|ed|ing)?|stop(?:s|ped|ping)?|complet(?:es?|ed|ion)|"
    r"terminat(?:es?|ed)|until|till|to|through|lasts?|lasting|ceases?|disappears?|wraps?\s+up|up\s+to"
    r"|(?:over|done|finished|complete|gone)\s+by)\b[^.!?\n\d]{0,40}$"
)
# "at 0.3 the dog starts running": the start cue right after the time.
_START_AFTER_RE = re.compile(r"[^.!?\n\d]{0,30}?\b(?:start(?:s|ed)?|begin(?:s)?|began|commenc(?:es|ed)|kicks?\s+off)\b")
_JOIN_RE = re.compile(
    r"^\s{0,4}(?:(?:s|sec|secs|seconds?|%|percent)\s{0,4})?(?:(?:of\s+the\s+(?:video|clip)\s{0,4})?)?"
    r"(?:-|\u2013|\u2014|~|->|\u2192|=>|to|till|until|through|and|,)\s{0,4}(?:the\s+|about\s+|around\s+|approximately\s+|roughly\s+)?(?:t\s{0,2}=\s{0,2})?$"
)
_SENT_END_RE = re.compile(r"[.!?\n](?:\s|$)")
_BETWEEN_BEFORE_RE = re.compile(
    r"\b(?:between|from|spanning|spans?|covering|range\s+of)\s+(?:the\s+)?(?:about\s+|around\s+)?$"
    r"|\b(?:timestamps?|times|range|interval|segment|window|span)\b[^.!?\n\d]{0,20}$"
)
# Words that may follow a time; any other word right after a number means it counts something else.
_TIME_TAIL_RE = re.compile(
    r"^\s{0,3}(?:[.,;:!?()\]\n\-~\u2192]|=>|$|and\b|to\b|or\b|until\b|till\b|through\b|mark\b|point\b|of\s+the\s+(?:video|clip|way|duration|total|length)\b"
    r"|in(?:to)?\s+the\s+(?:video|clip)\b|into\b|(?:of\s+)?(?:the\s+)?(?:video|clip|way|timeline|duration)\b|when\b|where\b|with\b|as\b|in\b|on\b|at\b|for\b"
    r"|then\b|which\b|while\b|before\b|after\b|respectively\b|normalized\b|\u2013|\u2014"
    r"|(?:the|a|an|it|he|she|they|this|that|his|her|their|its|someone|we|you)\b)",
)
_NOT_TIME_BEFORE_RE = re.compile(
    r"\b(?:stability|confidence|score|probability|accuracy|ratio|rate|speed|height|width|size|iou|certainty|"
    r"likelihood|intensity|brightness|distance|weight|temperature|level)\b[^.!?\n]{0,20}$"
)
_WORD_SPAN_RE = re.compile(
    r"\b(?:first|second|last|final|middle|initial|opening|closing|latter|former)\s+"
    r"(half|third|quarter|fourth|fifth)\b"
)
_ORDER = {"first": 0, "initial": 0, "opening": 0, "former": 0, "second": 1, "middle": None}
_PARTS = {"half": 2, "third": 3, "quarter": 4, "fourth": 4, "fifth": 5}
# "from the start until 7 s", "from 30 s to the end of the video": the video's ends as times.
_EDGE_RE = re.compile(
    r"(?<=\bthe )(?:(start|beginning|outset)|(end|ending))\b(?!\s{0,3}(?:time|point|frame|of\s+(?!(?:the\s+)?(?:video|clip)\b)))"
)
# "in the first 7 seconds", "during the last 20 s": a span counted from an end of the video.
_EDGE_SPAN_RE = re.compile(
    r"\b(first|opening|initial|last|final|closing)\s{1,3}(\d{1,6}(?:\.\d{1,6})?)\s{0,3}(?:seconds?|secs?|s)\b"
)
_WHOLE_RE = re.compile(
    r"\b(?:the\s+)?(?:entire|whole|full)\s+(?:video|clip|duration)\b|\bthroughout\s+the\s+(?:video|clip)\b"
)


def to_fraction(num: Num, duration: float | None) -> float | None:
    """A time mention as a fraction of the video, or ``None`` when it cannot be one.

    >>> to_fraction(Num(12.0, 0, 2, "seconds"), 40.0), to_fraction(Num(0.4, 0, 3, "seconds"), None)
    (0.3, 0.4)
    """
    if num.unit in {"percent", "fraction"}:
        return num.value
    if num.unit == "seconds":
        if duration:
            return num.value / duration
        return num.value if 0.0 <= num.value <= 1.0 else None
    if 0.0 <= num.value <= 1.0:
        return num.value
    if duration and num.unit is None and 1.0 < num.value <= duration * 1.05:
        return num.value / duration  # "[6.2, 14.8]" in a 30 s video: plain numbers past 1 are seconds
    return None


def _unit_scale(span: str) -> float:
    """Seconds per unit of a number span such as "5 minutes" (1 for seconds and mm:ss)."""
    if re.search(r"\bh(?:ours?|rs?)?\b", span):
        return 3600.0
    if re.search(r"\bm(?:in(?:ute)?s?)?\b", span):
        return 60.0
    return 1.0


def _is_time(text: str, n: Num) -> bool:
    if n.unit in {"seconds", "percent"}:
        return True
    if _NOT_TIME_BEFORE_RE.search(text[max(0, n.start - 40) : n.start]):
        return False
    return bool(_TIME_TAIL_RE.match(text[n.end : n.end + 40]))


def _pair(text: str, a: Num, b: Num, duration: float | None) -> tuple[float, float] | None:
    if a.unit is None and b.unit in {"seconds", "percent"}:
        scale = _unit_scale(text[b.start : b.end]) if b.unit == "seconds" else 0.01
        a = Num(a.value * scale, a.start, a.end, b.unit)
    if b.unit is None and a.unit in {"seconds", "percent"} and a.unit == "percent":
        b = Num(b.value * 0.01, b.start, b.end, "percent")
    fa, fb = to_fraction(a, duration), to_fraction(b, duration)
    if fa is None or fb is None or not fa < fb or fa < -0.05 or fb > 1.05:
        return None
    return round(max(0.0, fa), 6), round(min(1.0, fb), 6)


def word_span(text: str, duration: float | None = None) -> tuple[tuple[float, float], tuple[int, int]] | None:
    """The last span of the video named in words ("the first half", "the last third").

    >>> word_span("it happens during the last third of the clip")[0]
    (0.666667, 1.0)
    """
    best = None
    for m in _WORD_SPAN_RE.finditer(text):
        which, part = m.group(0).split()[0], m.group(1)
        n = _PARTS[part]
        if which in {"last", "final", "closing", "latter"}:
            k = n - 1
        elif which == "middle":
            if n % 2 == 0:
                continue
            k = n // 2
        else:
            k = _ORDER[which]
        best = ((round(k / n, 6), round((k + 1) / n, 6)), m.span())
    if best is None and duration:
        for m in _EDGE_SPAN_RE.finditer(text):
            part = min(1.0, float(m.group(2)) / duration)
            first = m.group(1) in {"first", "opening", "initial"}
            best = ((0.0, round(part, 6)) if first else (round(1.0 - part, 6), 1.0), m.span())
    if best is None:
        w = next(iter(deque(_WHOLE_RE.finditer(text), maxlen=1)), None)
        if w is not None:
            return (0.0, 1.0), w.span()
    return best


def find_range(
    text: str, duration: float | None, found: list | None = None
) -> tuple[tuple[float, float], tuple[int, int]] | None:
    """The ``[start, end]`` range the answer states, as fractions, and its character span.

    >>> find_range("it starts at 0.21 s, and after a pause ends at 0.64 s", None)[0]
    (0.21, 0.64)
    >>> find_range("the jump lasts from 3 to 5 seconds. its stability is about 0.4.", 10.0)[0]
    (0.3, 0.5)
    """
    found = found if found is not None else []  # every range read, in order (for the caller to choose)
    nums = [n for n in find_numbers(text, normalized=True) if _is_time(text, n)]
    edges = [Num(0.0 if m.group(1) else 1.0, m.start(), m.end(), "fraction") for m in _EDGE_RE.finditer(text)]
    if edges:
        nums = sorted(nums + edges, key=lambda n: n.start)
    cued: tuple[tuple[float, float], tuple[int, int]] | None = None
    joined: tuple[tuple[float, float], tuple[int, int]] | None = None
    last_start: Num | None = None
    for i, n in enumerate(nums):
        before = text[max(0, n.start - 48) : n.start]
        if i > 0:
            a = nums[i - 1]
            between = text[a.end : n.start]
            if len(between) <= 60 and _JOIN_RE.match(between):
                lead = text[max(0, a.start - 48) : a.start]
                if between.strip(" ,") != "and" or _BETWEEN_BEFORE_RE.search(lead) or _START_CUE_RE.search(lead):
                    p = _pair(text, a, n, duration)
                    if p:
                        joined = (p, (a.start, n.end))
                        found.append(joined)
                        last_start = None
                        continue
        if _END_CUE_RE.search(before):
            # "happens at X and ends at Y": without a start cue, the time just before in the sentence.
            start = last_start
            if start is None and i > 0 and not _SENT_END_RE.search(text, nums[i - 1].end, n.start):
                start = nums[i - 1] if n.start - nums[i - 1].end <= 80 else None
            p = _pair(text, start, n, duration) if start is not None else None
            if p and n.start - start.end <= 400:
                cued = (p, (start.start, n.end))
                found.append(cued)
                last_start = None
                continue
        if _START_CUE_RE.search(before) or _START_AFTER_RE.match(text, n.end, min(len(text), n.end + 48)):
            last_start = n
    best = None
    for cand in (cued, joined):
        if cand is not None and (best is None or cand[1][0] > best[1][0]):
            best = cand
    if best is None:
        return word_span(text, duration) or _start_and_length(text, nums, duration) or _two_points(text, nums, duration)
    return best


# "goes on for about 10 seconds", "lasts 15 s", "a duration of 8 seconds": a length, not a time.
_LENGTH_BEFORE_RE = re.compile(
    r"\b(?:for|lasts?|lasting|lasted|duration\s+of|takes?|took|spans?)\s{1,3}(?:about\s+|around\s+|roughly\s+|approximately\s+|only\s+)?$"
)


def _start_and_length(
    text: str, nums: list[Num], duration: float | None
) -> tuple[tuple[float, float], tuple[int, int]] | None:
    """A start time and a length in seconds ("starts at 10 s and goes on for about 10 s", "lasts
    15 seconds, starting at 5 seconds"): the range from the start to the start plus the length."""
    if not duration:
        return None
    start = length = None
    for n in nums[:64]:
        before = text[max(0, n.start - 40) : n.start]
        if n.unit == "seconds" and _LENGTH_BEFORE_RE.search(before):
            length = length or n
        elif _START_CUE_RE.search(before) or _START_AFTER_RE.match(text, n.end, min(len(text), n.end + 48)):
            start = start or n
    if start is None or length is None or abs(start.start - length.start) > 200:
        return None
    s = to_fraction(start, duration)
    if s is None:
        return None
    e = s + length.value / duration
    if e > 1.05:
        return None
    return (round(max(0.0, s), 6), round(min(1.0, e), 6)), (min(start.start, length.start), max(start.end, length.end))


def _two_points(
    text: str, nums: list[Num], duration: float | None
) -> tuple[tuple[float, float], tuple[int, int]] | None:
    """Two times and nothing else, the later one in the same or the next sentence ("at around
    0.32 ..., and ... at approximately 0.61"): the first is the start, the second the end."""
    times = [n for n in nums if n.unit != "fraction" or n.value not in (0.0, 1.0)]
    if len(times) != 2:
        return None
    a, b = times
    if len(_SENT_END_RE.findall(text, a.end, b.start)) > 1:
        return None
    p = _pair(text, a, b, duration)
    return (p, (a.start, b.end)) if p else None


def extract_range(text: str, duration: float | None) -> tuple[float, float] | None:
    """The last ``[start, end]`` time range the answer states, as fractions of the video.

    >>> extract_range("the jump lasts from 3 to 5 seconds.", 10.0)
    (0.3, 0.5)
    """
    found = find_range(text, duration)
    return None if found is None else found[0]
