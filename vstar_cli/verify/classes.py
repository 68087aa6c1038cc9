"""Rule-based checks of class labels: ``simple``, ``obj_identify``, ``obj_compare``, ``same_or_not``.

A class label is verified when the answer *asserts* it (:mod:`vstar_cli.verify.mentions`); a
number when it is the asserted number; a yes/no by the last decision; with options, by the
option the answer picks (:mod:`vstar_cli.verify.pick`).
"""

from __future__ import annotations

import math
import re
from typing import Any

from vstar_cli.verify import numerals
from vstar_cli.verify.align import ANTONYMS, key
from vstar_cli.verify.choices import distinct_texts, key_index, option_text, record_options, split_option
from vstar_cli.verify.mentions import assert_class, label_words
from vstar_cli.verify.param import Param
from vstar_cli.verify.pick import chosen
from vstar_cli.verify.text import hedged, negated_before, normalize, tokenize
from vstar_cli.verify.verdict import CannotJudge, Verdict
from vstar_cli.verify.window import bounded

CLASS_FUZZ = Param(
    "class_fuzz", 0.85, "simple: similarity ratio for misspelt words (>= 5 letters)", minimum=0, maximum=1
)


# "Yes.", "No, he is not", "Answer: yes", "**No**", "The answer is no": a decision opens a sentence.
_YES_NO_RE = re.compile(
    r"(?:^|[.!?\n:*\"'(]|\banswer\s{1,3}is|\banswer\s{1,3}would\s{1,3}be)[ \t*\"'(]{0,20}(yes|yeah|yep|no|nope|not\s{1,3}really|not\s{1,3}at\s{1,3}all)\b(?!-)",
    re.I,
)


# "In the camera's view, is the man moving left?" -> "the man moving left": what a yes/no question asks.
_POLAR_Q_RE = re.compile(
    r"(?:^|[,:]\s{0,3})(?:is|are|was|were|does|do|did|can|could|has|have|will|would)\s{1,3}([^?\n]{3,300})\?\s*$", re.I
)


# An answer that only wonders ("I cannot tell whether it rises") restates nothing.
_UNDECIDED_RE = re.compile(r"\b(?:whether|unclear|uncertain|unsure|cannot|can't|unable|impossible)\b|\bif\s", re.I)


def _restated(answer: str, question: str) -> bool | None:
    """Yes/no by restatement: the answer states what the question asks (True) or denies it (False)."""
    m = _POLAR_Q_RE.search(question[-400:])
    if m is None or not label_words(m.group(1)) or _UNDECIDED_RE.search(answer[:2000]):
        return None
    asked = m.group(1)
    v = assert_class(answer, asked)
    if v.ok:
        return True
    if v.reason.startswith("the answer negates"):
        return False
    # The opposite stated ("moving away from the camera" for "moving towards the camera",
    # "from right to left" for "from left to right"): every order-bearing word turned over.
    words = asked.split()
    flipped = [sorted(ANTONYMS.get(key(w.lower().strip(".,")), ()) or [w])[0] for w in words]
    if flipped != words and "_" not in " ".join(flipped) and assert_class(answer, " ".join(flipped)).ok:
        return False
    return None


def _assert_bool(answer: str, gold: bool, question: str = "") -> Verdict:
    picks = list(_YES_NO_RE.finditer(answer.strip()))
    if not picks:
        said = _restated(answer, question) if question else None
        if said is None:
            return Verdict(False, None, "no yes/no decision in the answer")
        return Verdict(
            said == gold,
            "yes" if said else "no",
            f"the answer {'states' if said else 'denies'} what the question asks",
        )
    last = picks[-1]
    said = last.group(1).lower() in {"yes", "yeah", "yep"}
    off = len(answer) - len(answer.lstrip())
    span = (last.start(1) + off, last.end(1) + off)
    return Verdict(
        said == gold, "yes" if said else "no", "decision matches" if said == gold else "decision differs", span
    )


def _gold_number(label: Any) -> float:
    try:
        gold = float(label)
    except (TypeError, ValueError, OverflowError) as exc:
        raise CannotJudge(f"gold {label!r:.60} is not a number") from exc
    if not math.isfinite(gold) or abs(gold) > 1e15:
        raise CannotJudge(f"gold {label!r:.60} is not a finite number of reasonable size")
    return gold


def _assert_number(answer: str, gold: float, rel_tol: float = 1e-6) -> Verdict:
    text = normalize(answer)
    a = numerals.asserted(text, numerals.find_numbers(text, normalized=True))
    if a.num is None:
        return Verdict(False, None, a.reason)
    span = (a.num.start, a.num.end) if len(text) == len(answer) else None
    if a.hedge is not None:
        return Verdict(False, [a.hedge[0].value, a.hedge[1].value], a.reason, span)
    value = a.num.value * a.num.scale if a.num.scale else a.num.value
    ok = abs(value - gold) <= rel_tol * max(1.0, abs(gold))
    return Verdict(ok, value, f"{a.reason}; {'equals' if ok else 'differs from'} {gold:g}", span)


def _gold_option(gold: str, options: list[str]) -> int | None:
    """Index of the gold option: by key ("B", "(B)", "2"), by text, or the one option stating it.

    A gold that is also an option's text ("2" among the options "2", "3") is read as text.
    """
    gold_s = gold.strip()
    gkey, gtext = (None, gold_s)
    short = len(gold_s) <= 4 and " " not in gold_s
    if short:
        gkey = gold_s.strip("()[]. :") or None
    else:
        gkey, gtext = split_option(gold_s)
    norm_gold = normalize(gtext).strip(" .")
    for texts in (
        [normalize(option_text(c)).strip(" .") for c in options],
        [normalize(t) for t in distinct_texts(options)],
    ):
        if norm_gold in texts and texts.count(norm_gold) == 1:
            if gkey is None or short or key_index(gkey, len(options)) in (None, texts.index(norm_gold)):
                return texts.index(norm_gold)
    if gkey is not None and (i := key_index(gkey, len(options))) is not None:
        return i
    # A gold class name that exactly one option states ("juggling balls" / "the man is juggling balls").
    stating = [i for i, t in enumerate(distinct_texts(options)) if assert_class(t, gtext).ok]
    return stating[0] if len(stating) == 1 else None


def _assert_choice(answer: str, gold: str, choices: list[str]) -> Verdict | None:
    gold_idx = _gold_option(gold, choices)
    if gold_idx is None:
        return None
    pick = chosen(answer, choices)
    if pick is None:
        return Verdict(False, None, "no option picked")
    ok = pick.index == gold_idx
    return Verdict(
        ok,
        choices[pick.index],
        f"{pick.how}: {'the gold option' if ok else 'another option'}",
        pick.span if pick.span != (0, 0) else None,
    )


@bounded
def verify_simple(answer: str, label: Any, record: dict, cfg: Any = None) -> Verdict:
    """``simple`` / ``obj_identify`` / ``obj_compare``: the answer asserts the gold value.

    Strings are class names matched up to surface variants; numbers must be the asserted
    number; booleans a yes/no; a list needs every item asserted; a string with slashes
    ("paper/notebook") lists alternatives, any of which verifies; with options (the record's
    ``choices``, or options its question lists) a key or option text is matched against the
    picked option. A gold value no kind can read raises :class:`CannotJudge`.

    >>> verify_simple("Yes, they ride bikes.", "riding bike", {}).ok
    True
    >>> verify_simple("B", "a dog", {"question": "What is it? A. a cat B. a dog"}).ok
    True
    """
    fuzz = CLASS_FUZZ.value(cfg)
    question = str(record.get("question") or "") if isinstance(record, dict) else ""
    if isinstance(label, bool):
        return _assert_bool(answer, label, question)
    if isinstance(label, (int, float)):
        gold = _gold_number(label)
        options = record_options(record) if isinstance(record, dict) else []
        if options and (v := _assert_choice(answer, f"{gold:g}", options)) is not None:
            return v
        return _assert_number(answer, gold)
    if isinstance(label, list):
        if not label:
            raise CannotJudge("empty gold list")
        toks = tokenize(answer)
        found = []
        for item in label:
            v = (
                assert_class(answer, str(item), fuzz, toks)
                if isinstance(item, str)
                else verify_simple(answer, item, record, cfg)
            )
            if not v.ok:
                return Verdict(False, found or None, f"{item!r}: {v.reason}", v.span)
            found.append(v.extracted)
        return Verdict(True, found, "every item asserted")
    if label is None or isinstance(label, dict):
        raise CannotJudge(f"gold {label!r:.60} is not a class name, number or yes/no")
    label = str(label)
    if not any(ch.isalnum() for ch in label):
        raise CannotJudge(f"gold {label!r:.60} has no words")
    yes_no = normalize(label).strip(" .!")
    if yes_no in {"yes", "no", "true", "false"}:
        return _assert_bool(answer, yes_no in {"yes", "true"}, question)
    options = record_options(record) if isinstance(record, dict) else []
    if options:
        v = _assert_choice(answer, label, options)
        if v is not None:
            return v
    if re.fullmatch(r"\s*[-+]?\d{1,300}(?:\.\d{1,300})?\s*", label):
        return _assert_number(answer, _gold_number(label))
    if not label_words(label) or len(label) > 2000:
        raise CannotJudge(f"gold {label!r:.60} is not a readable class name")
    verdict = assert_class(answer, label, fuzz)
    alternatives = [a.strip() for a in label.split("/")]
    if verdict.ok or len(alternatives) < 2 or not all(re.search(r"[^\W\d_]", a) for a in alternatives):
        return verdict
    # "paper/notebook" (STAR's class names): any one alternative asserted verifies.
    for alt in alternatives:
        v = assert_class(answer, alt, fuzz)
        if v.ok:
            return v
    return Verdict(False, None, f"none of {' / '.join(alternatives)} asserted")


def gold_same(label: Any) -> bool | None:
    """A ``same_or_not`` gold value as True (the same) / False (not the same), or ``None`` when unreadable.

    >>> gold_same("not the same"), gold_same("identical twins"), gold_same("maybe")
    (False, None, None)
    """
    if isinstance(label, bool):
        return label
    text = normalize(str(label)).strip()
    if text in {"yes", "true", "same", "the same"}:
        return True
    if text in {"no", "false", "different", "not the same", "not same"}:
        return False
    if "not" in text.split() or "different" in text or "n't" in text:
        return False
    if "same" in text:
        return True
    return None


@bounded
def verify_same_or_not(answer: str, label: Any, record: dict, cfg: Any = None) -> Verdict:
    """``same_or_not``: the answer's last decision (same / not the same) matches the gold.

    >>> verify_same_or_not("At first they look alike, but they are not the same.", "not the same", {}).ok
    True
    """
    gold = gold_same(label) if isinstance(label, (bool, str)) else None
    if gold is None:
        raise CannotJudge(f"cannot read gold {label!r:.60} as same / not the same")
    text = normalize(answer)
    # The last word that decides ("same", "identical" / "different", "differ", "distinct"),
    # flipped by a negation before it ("they look different at first, but it is actually the
    # same bag"). "At the same time" decides nothing.
    last = None
    for m in reversed(list(_DECIDE_RE.finditer(text))):
        if m.group(1) and _NOT_DECIDING_RE.match(text, m.end()):
            continue
        last = m
        break
    if last is None:
        return Verdict(False, None, "no same / not-the-same decision in the answer")
    lo = max(0, last.start() - 120)  # the negation and doubt cues sit in the clause around the word
    toks = tokenize(text[lo : last.end() + 80])
    k = next(i for i, t in enumerate(toks) if t.start + lo >= last.start())
    said = bool(last.group(1))
    if negated_before(toks, k):
        said = not said
    extracted = "the same" if said else "not the same"
    span = last.span() if len(text) == len(answer) else None
    why = hedged(toks, k, k + 1)
    if why:
        return Verdict(False, extracted, why, span)
    ok = said == gold
    return Verdict(ok, extracted, "decision matches" if ok else "decision differs", span)


_DECIDE_RE = re.compile(r"\b(?:(same|identical)|different|differ|differs|differing|distinct|another)\b")
_NOT_DECIDING_RE = re.compile(r"\s{1,3}(?:time|moment|way|direction|place)\b")
