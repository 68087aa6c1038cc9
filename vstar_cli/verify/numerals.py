"""Numbers as answers write them: digits, words, percentages, fractions, seconds and mm:ss.

:func:`find_numbers` lists every number mention with its span and unit; :func:`asserted`
picks the one the answer commits to, so that listing many numbers cannot pass a check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vstar_cli.verify.text import normalize

UNITS = {
    "ones": {
        "zero": 0,
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "thirteen": 13,
        "fourteen": 14,
        "fifteen": 15,
        "sixteen": 16,
        "seventeen": 17,
        "eighteen": 18,
        "nineteen": 19,
    },
    "tens": {
        "twenty": 20,
        "thirty": 30,
        "forty": 40,
        "fifty": 50,
        "sixty": 60,
        "seventy": 70,
        "eighty": 80,
        "ninety": 90,
    },
    "scales": {"hundred": 100, "thousand": 1000},
}
FRACTION_WORDS = {
    "halfway": 0.5,
    "midway": 0.5,
    "half": 0.5,
    "quarter": 0.25,
    "quarters": 0.25,
    "third": 1 / 3,
    "thirds": 1 / 3,
}
_NUMBER_WORDS = set(UNITS["ones"]) | set(UNITS["tens"]) | set(UNITS["scales"])

_DIGITS = r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+"
_CLOCK_RE = re.compile(r"(?<![\d:.])(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.(\d+))?(?![\d:])")
_NUM_RE = re.compile(
    rf"(?<![\w.])(?P<sign>[-+\u2212])?(?P<num>{_DIGITS})(?:\s*/\s*(?P<den>\d+))?(?![\d/]|\.\d|(?:st|nd|rd|th)\b)"
    r"(?P<pct>\s*(?:%|percent\b|per\s+cent\b))?"
)
_UNIT_RE = re.compile(r"(?:\s{0,4}|-)(?P<unit>seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h)\b")
_WORD_RE = re.compile(r"[a-z]+")
_OUT_OF_RE = re.compile(
    r"[ \t]{1,4}out[ \t]{1,4}of[ \t]{1,4}(?:a[ \t]{1,4}(?:maximum|max|possible)[ \t]{1,4}(?:of[ \t]{1,4})?)?(\d+(?:\.\d+)?)(?![\d.])"
)
_ENUMERATOR_RE = re.compile(r"(?:^|\n|[.!?])\s*$|(?:step|point|option|item|no\.|number|#)\s*$")


@dataclass(frozen=True)
class Num:
    """A number mention: its value, span in the normalized text, and unit.

    ``unit`` is ``None`` (a plain number), ``"percent"``, ``"seconds"`` (already converted
    from minutes, hours or mm:ss), or ``"fraction"`` (halfway, a quarter, 1/3). ``scale`` is
    the maximum of a score written as a fraction ("8.5/10", "8.5 out of 10": value 0.85,
    scale 10), so that ``value * scale`` is the score.
    """

    value: float
    start: int
    end: int
    unit: str | None = None
    scale: float | None = None


def _unit_seconds(unit: str) -> float:
    if unit.startswith(("h",)):
        return 3600.0
    if unit.startswith("m"):
        return 60.0
    return 1.0


def _word_numbers(text: str) -> list[Num]:
    out: list[Num] = []
    words = list(_WORD_RE.finditer(text))
    i = 0
    while i < len(words):
        w = words[i].group()
        if w in FRACTION_WORDS:
            value = FRACTION_WORDS[w]
            start = words[i].start()
            prev = words[i - 1].group() if i else ""
            if w in {"quarters", "thirds", "quarter", "third"} and prev in UNITS["ones"]:
                value *= UNITS["ones"][prev]
                start = words[i - 1].start()
                if out and out[-1].start == start:
                    out.pop()
            elif w in {"third", "quarter"} and prev not in {"a", "one"}:
                i += 1  # "third" alone is an ordinal ("the third step")
                continue
            out.append(Num(value, start, words[i].end(), "fraction"))
            i += 1
            continue
        if w not in _NUMBER_WORDS:
            i += 1
            continue
        start = words[i].start()
        total, current, j, end = 0, 0, i, words[i].end()
        while j < len(words):
            wj = words[j].group()
            if wj in UNITS["ones"]:
                current += UNITS["ones"][wj]
            elif wj in UNITS["tens"]:
                current += UNITS["tens"][wj]
            elif wj == "hundred":
                current = max(current, 1) * 100
            elif wj == "thousand":
                total += max(current, 1) * 1000
                current = 0
            elif wj == "and" and j + 1 < len(words) and words[j + 1].group() in _NUMBER_WORDS and current >= 100:
                j += 1
                continue
            else:
                break
            end = words[j].end()
            j += 1
        value = float(total + current)
        # "seven point five"
        if j + 1 < len(words) and words[j].group() == "point" and words[j + 1].group() in UNITS["ones"]:
            digits = []
            k = j + 1
            while k < len(words) and words[k].group() in UNITS["ones"] and UNITS["ones"][words[k].group()] < 10:
                digits.append(str(UNITS["ones"][words[k].group()]))
                end = words[k].end()
                k += 1
            value = float(f"{int(value)}.{''.join(digits)}")
            j = k
        out.append(Num(value, start, end, None))
        i = max(j, i + 1)
    return out


def _with_suffix(text: str, num: Num) -> Num:
    """Attach a following percent sign or time unit to a plain number."""
    if num.unit is not None:
        return num
    rest = text[num.end : num.end + 40]  # a bounded look: the scan stays linear
    m = _PCT_AFTER_RE.match(rest)
    if m:
        return Num(num.value / 100.0, num.start, num.end + m.end(), "percent")
    m = _UNIT_RE.match(rest)
    if m:
        return Num(num.value * _unit_seconds(m.group("unit")), num.start, num.end + m.end(), "seconds")
    return num


_PCT_AFTER_RE = re.compile(r"\s{0,4}(?:%|percent\b|per\s+cent\b)")
_LETTER_AFTER_RE = re.compile(r"\s{0,8}[a-z]")
_ONE_AFTER = re.compile(r"\s*(?:of|who|that|which|another|by|is|was|another|'s)\b")
_ONE_BEFORE = re.compile(r"(?:\b(?:the|this|that|each|any|no|every|which|another|a)\s*)$")


def _pronoun_one(text: str, n: Num) -> bool:
    """ "one of them", "the one who", "this one": *one* as a pronoun, not the number 1."""
    return bool(
        _ONE_AFTER.match(text[n.end : n.end + 20])
        or _ONE_BEFORE.search(text[max(0, n.start - 12) : n.start])
        or not _LETTER_AFTER_RE.match(text, n.end, n.end + 10)
    )


def find_numbers(text: str, *, normalized: bool = False) -> list[Num]:
    """Every number mention in ``text``, in order, with units resolved.

    List enumerators ("1.", "Step 2:") are skipped; "3 minutes" and "1:05" become seconds.

    >>> [(n.value, n.unit) for n in find_numbers("Eighty-two points, at 35% of the way, at 1:05")]
    [(82.0, None), (0.35, 'percent'), (65.0, 'seconds')]
    """
    t = text if normalized else normalize(text)
    found: list[Num] = []
    taken: list[tuple[int, int]] = []
    for m in _CLOCK_RE.finditer(t):
        a, b, c, frac = m.groups()
        secs = int(a) * 3600 + int(b) * 60 + int(c) if c else int(a) * 60 + int(b)
        if frac:
            secs += float("0." + frac)
        found.append(Num(float(secs), m.start(), m.end(), "seconds"))
        taken.append((m.start(), m.end()))
    taken_starts: set[int] = set()
    if taken:
        # Blank the clock times out (same length, so offsets hold): nothing else reads them again.
        pieces, prev = [], 0
        for a, b in taken:
            pieces.append(t[prev:a])
            pieces.append(" " * (b - a))
            prev = b
        pieces.append(t[prev:])
        t_nums = "".join(pieces)
    else:
        t_nums = t
    for m in _NUM_RE.finditer(t_nums):
        if m.start() in taken_starts:
            continue
        before = t[max(0, m.start() - 12) : m.start()]
        after = t[m.end("num") : m.end("num") + 2] if not m.group("den") else ""
        if _ENUMERATOR_RE.search(before) and (
            after.startswith((".", ")", ":")) or before.rstrip().endswith(("step", "option", "#"))
        ):
            continue
        value = float(m.group("num").replace(",", ""))
        start = m.start()
        if m.group("sign") and start > 0 and t[start - 1] not in " \t\n([=:,":
            start += 1  # "20%-45%": a dash between numbers, not a minus sign
        elif m.group("sign") in {"-", "\u2212"}:
            value = -value
        if m.group("den"):
            den = float(m.group("den"))
            if den == 0:
                continue
            found.append(_with_suffix(t, Num(value / den, start, m.end(), "fraction", den)))
            continue
        out_of = _OUT_OF_RE.match(t, m.end("num"))
        if out_of and not m.group("pct"):
            den = float(out_of.group(1).replace(",", ""))
            if den > 0:
                found.append(Num(value / den, start, out_of.end(), "fraction", den))
                taken_starts.add(out_of.start(1))
                continue
        if m.group("pct"):
            found.append(Num(value / 100.0, start, m.end(), "percent"))
            continue
        found.append(_with_suffix(t, Num(value, start, m.end("num"), None)))
    for n in _word_numbers(t):
        n = _with_suffix(t, n)
        if n.unit is None and t[n.start : n.end] == "one" and _pronoun_one(t, n):
            continue
        found.append(n)
    found.sort(key=lambda n: n.start)
    return _compound_durations(t, found)


_JOIN_DURATION_RE = re.compile(r"\s{0,3}(?:,|and)?\s{0,3}$")
_HOUR_RE = re.compile(r"[\d\s]h(?:ours?|rs?)?$")
_MINUTE_RE = re.compile(r"[\d\s]m(?:in(?:ute)?s?)?$")


def _duration_rank(span: str) -> int:
    """3 for a number in hours, 2 in minutes, 1 otherwise (seconds, or a clock time)."""
    return 3 if _HOUR_RE.search(span) else 2 if _MINUTE_RE.search(span) else 1


def _compound_durations(t: str, nums: list[Num]) -> list[Num]:
    """ "1 minute 12 seconds", "2 h, 5 min": a duration in a larger unit followed by one in a
    smaller unit is one time (their sum). One pass over the numbers."""
    out: list[Num] = []
    for n in nums:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.unit == "seconds"
            and n.unit == "seconds"
            and n.start - prev.end <= 8
            and _JOIN_DURATION_RE.match(t[prev.end : n.start])
            and _duration_rank(t[prev.start : prev.end]) > _duration_rank(t[n.start : n.end]) > 0
        ):
            out[-1] = Num(prev.value + n.value, prev.start, n.end, "seconds")
            continue
        out.append(n)
    return out


_MARKER_RE = re.compile(
    r"final answer|the answer is|answer\s*:|answer would be|therefore|thus|hence|in conclusion|"
    r"overall|to conclude|in summary|i would (?:estimate|say|give|rate|predict)|estimated?|"
    r"(?:score|rating|result|value|count|total|number)\s{0,3}(?:is|of|would be|=|:)|"
    r"(?:it|this|that) (?:is|was|would be)|=|\bso\b"
)
_SENT_BREAK_RE = re.compile(r"[.!?\n]")
_RANGE_BETWEEN_RE = re.compile(r"^\s*(?:-|\u2013|\u2014|to|and|or|till|until|through)\s*$")


@dataclass(frozen=True)
class Assertion:
    """The number an answer commits to, or why there is none."""

    num: Num | None
    reason: str
    hedge: tuple[Num, Num] | None = None


def asserted(text: str, nums: list[Num]) -> Assertion:
    """Pick the number the answer asserts.

    Rules, in order: the first number after the last conclusion marker ("so", "therefore",
    "the score is", "=") that has one; else the only distinct value; else the last number.
    A pick that is one end of a range ("between 70 and 90", "80-85") is reported as a hedge.

    >>> t = normalize("Dives score 60 or 95 usually. This one I would say is 82.5.")
    >>> asserted(t, find_numbers(t, normalized=True)).num.value
    82.5
    """
    if not nums:
        return Assertion(None, "no number in the answer")
    from bisect import bisect_left

    pick: Num | None = None
    starts = [n.start for n in nums]
    breaks = [m.start() for m in _SENT_BREAK_RE.finditer(text)]
    for m in reversed(list(_MARKER_RE.finditer(text))):
        k = bisect_left(starts, m.end())
        if k < len(nums):
            b = bisect_left(breaks, m.end())
            if b >= len(breaks) or breaks[b] >= nums[k].start:
                pick = nums[k]
                how = f"asserted after '{m.group().strip()}'"
                break
    if pick is None:
        values = {round(n.value, 9) for n in nums}
        if len(values) == 1:
            pick, how = nums[-1], "only number in the answer"
        else:
            pick, how = nums[-1], "last number in the answer"
    idx = nums.index(pick)
    for a, b in ((idx - 1, idx), (idx, idx + 1)):
        if 0 <= a and b < len(nums):
            between = text[nums[a].end : nums[b].start]
            prefix = text[max(0, nums[a].start - 8) : nums[a].start]
            if _RANGE_BETWEEN_RE.match(between) and (between.strip() != "and" or "between" in prefix):
                return Assertion(pick, "answer gives a range, not a value", hedge=(nums[a], nums[b]))
    return Assertion(pick, how)
