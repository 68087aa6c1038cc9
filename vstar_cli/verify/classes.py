"""Rule-based checks of class labels: ``simple``, ``obj_identify``, ``obj_compare``, ``same_or_not``.

A class label is verified when the answer *asserts* it: some surface form of the label
occurs, and its last occurrence is neither negated ("not playing guitar", "rather than
guitar") nor offered as one option among several ("guitar, violin or drums").
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

from vstar_cli.verify import numbers
from vstar_cli.verify.choices import LETTERS, chosen_option, option_text
from vstar_cli.verify.text import (
    SENTENCE_BREAKS,
    STOPWORDS,
    Token,
    hedged,
    negated_after,
    negated_before,
    normalize,
    tokenize,
)
from vstar_cli.verify.verdict import Verdict


def label_words(label: str) -> list[Token]:
    """The words of a class name that must appear: no parenthetical, no stopwords.

    >>> [t.text for t in label_words("passing American football (in game)")]
    ['passing', 'american', 'football']
    """
    toks = tokenize(label)
    depth, kept = 0, []
    for t in toks:
        if t.text in "([":
            depth += 1
        elif t.text in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and t.is_word:
            kept.append(t)
    content = [t for t in kept if t.text not in STOPWORDS]
    return content or kept


def _word_match(lw: Token, answer: list[Token], j: int, fuzz: float) -> int:
    """How many answer tokens starting at ``j`` spell label word ``lw`` (0 when none)."""
    a = answer[j]
    if not a.is_word:
        return 0
    if a.stem == lw.stem or a.text == lw.text:
        return 1
    if len(lw.text) >= 5 and len(a.text) >= 4 and SequenceMatcher(None, lw.text, a.text).ratio() >= fuzz:
        return 1
    # "skate boarding" for "skateboarding"
    if j + 1 < len(answer) and answer[j + 1].is_word:
        joined = a.text + answer[j + 1].text
        if joined == lw.text or (len(joined) >= 5 and _stem_eq(joined, lw)):
            return 2
    return 0


def _stem_eq(word: str, lw: Token) -> bool:
    from vstar_cli.verify.text import stem

    return stem(word) == lw.stem


def find_mentions(answer: list[Token], label: str, fuzz: float = 0.85) -> list[tuple[int, int]]:
    """Token spans ``(start, end)`` of the answer where all label words occur close together.

    Words may come in any order, with a few words between them ("plays an old guitar"), but
    never across a sentence boundary.

    >>> find_mentions(tokenize("Then he plays the guitar."), "playing guitar")
    [(2, 5)]
    """
    words = label_words(label)
    if not words:
        return []
    max_len = 2 * len(words) + 2
    hits: list[list[tuple[int, int]]] = []
    for lw in words:
        row = []
        for j in range(len(answer)):
            n = _word_match(lw, answer, j, fuzz)
            if n:
                row.append((j, j + n))
        if not row:
            return []
        hits.append(row)
    starts = sorted({j for row in hits for j, _ in row})
    spans: list[tuple[int, int]] = []
    for s in starts:
        end, ok = s, True
        for row in hits:
            cand = [(j, e) for j, e in row if s <= j < s + max_len]
            if not cand:
                ok = False
                break
            end = max(end, cand[0][1])
        if not ok or end - s > max_len:
            continue
        if any(t.text in SENTENCE_BREAKS for t in answer[s:end]):
            continue
        if spans and spans[-1][1] >= end:
            spans[-1] = (s, end)  # a tighter window for the same mention
        elif not spans or s >= spans[-1][1]:
            spans.append((s, end))
    return spans


def assert_class(answer: str, label: str, fuzz: float = 0.85, tokens: list[Token] | None = None) -> Verdict:
    """Verify that ``answer`` asserts class ``label``.

    >>> assert_class("The man plays the guitar on stage.", "playing guitar").ok
    True
    >>> assert_class("He is not playing guitar, he plays piano.", "playing guitar").ok
    False
    >>> assert_class("He could be playing guitar, violin or drums.", "playing guitar").ok
    False
    """
    toks = tokens if tokens is not None else tokenize(answer)
    spans = find_mentions(toks, label, fuzz)
    if not spans:
        return Verdict(False, None, f"label {label!r} not found in the answer")
    s, e = spans[-1]
    norm = normalize(answer)
    mention = norm[toks[s].start : toks[e - 1].end]
    if negated_before(toks, s) or negated_after(toks, e):
        return Verdict(False, mention, f"the answer negates {mention!r}")
    why = hedged(toks, s, e)
    if why:
        return Verdict(False, mention, why)
    return Verdict(True, mention, "label asserted")


_YES_NO_RE = re.compile(r"(?:^|[.!?\n]\s*)(yes|no)\b", re.I)


def _assert_bool(answer: str, gold: bool) -> Verdict:
    picks = _YES_NO_RE.findall(answer.strip())
    if not picks:
        return Verdict(False, None, "no yes/no decision in the answer")
    said = picks[-1].lower() == "yes"
    return Verdict(said == gold, "yes" if said else "no", "decision matches" if said == gold else "decision differs")


def _assert_number(answer: str, gold: float, rel_tol: float = 1e-6) -> Verdict:
    text = normalize(answer)
    a = numbers.asserted(text, numbers.find_numbers(text, normalized=True))
    if a.num is None:
        return Verdict(False, None, a.reason)
    if a.hedge is not None:
        return Verdict(False, [a.hedge[0].value, a.hedge[1].value], a.reason)
    ok = abs(a.num.value - gold) <= rel_tol * max(1.0, abs(gold))
    return Verdict(ok, a.num.value, f"{a.reason}; {'equals' if ok else 'differs from'} {gold:g}")


def _assert_choice(answer: str, gold: str, choices: list[str]) -> Verdict | None:
    gold_s = gold.strip()
    if len(gold_s) == 1 and gold_s.upper() in LETTERS[: len(choices)]:
        gold_idx = LETTERS.index(gold_s.upper())
    else:
        texts = [normalize(option_text(c)) for c in choices]
        norm_gold = normalize(option_text(gold_s))
        if norm_gold not in texts:
            return None
        gold_idx = texts.index(norm_gold)
    idx = chosen_option(answer, choices)
    if idx is None:
        return Verdict(False, None, "no option picked")
    ok = idx == gold_idx
    return Verdict(ok, choices[idx], "picked the gold option" if ok else "picked another option")


def verify_simple(answer: str, label: Any, record: dict, cfg: Any = None) -> Verdict:
    """``simple`` / ``obj_identify`` / ``obj_compare``: the answer asserts the gold value.

    Strings are class names matched up to surface variants; numbers must be the asserted
    number; booleans a yes/no; a list needs every item asserted; a string with slashes
    ("paper/notebook") lists alternatives, any of which verifies; with ``choices`` in the
    record a letter or option text is matched against the picked option.

    >>> verify_simple("Yes, they ride bikes.", "riding bike", {}).ok
    True
    """
    fuzz = getattr(cfg, "class_fuzz", 0.85)
    if isinstance(label, bool):
        return _assert_bool(answer, label)
    if isinstance(label, (int, float)):
        return _assert_number(answer, float(label))
    if isinstance(label, list):
        if not label:
            return Verdict(False, None, "empty gold list")
        toks = tokenize(answer)
        found = []
        for item in label:
            v = (
                assert_class(answer, str(item), fuzz, toks)
                if isinstance(item, str)
                else verify_simple(answer, item, record, cfg)
            )
            if not v.ok:
                return Verdict(False, found or None, f"{item!r}: {v.reason}")
            found.append(v.extracted)
        return Verdict(True, found, "every item asserted")
    label = str(label)
    choices = record.get("choices")
    if isinstance(choices, list) and choices:
        v = _assert_choice(answer, label, [str(c) for c in choices])
        if v is not None:
            return v
    if re.fullmatch(r"\s*[-+]?\d+(?:\.\d+)?\s*", label):
        return _assert_number(answer, float(label))
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


_SAME_RE = re.compile(
    r"\b(?:(?P<neg1>isn't|aren't|wasn't|weren't|not)\s+(?:exactly\s+|quite\s+)?(?:the\s+)?same\b"
    r"|(?:the\s+)?same\s+(?:object|person|item|one|thing|individual|animal)\b"
    r"|(?:is|are|was|were|be|seem|seems|appear|appears)\s+(?:to\s+be\s+)?(?:exactly\s+)?(?:the\s+)?same\b"
    r"|identical\b"
    r"|(?P<neg2>different|distinct)\b)"
)


def _gold_same(label: Any) -> bool | None:
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


def verify_same_or_not(answer: str, label: Any, record: dict, cfg: Any = None) -> Verdict:
    """``same_or_not``: the answer's last decision (same / not the same) matches the gold.

    >>> verify_same_or_not("At first they look alike, but they are not the same.", "not the same", {}).ok
    True
    """
    gold = _gold_same(label)
    if gold is None:
        return Verdict(False, None, f"cannot read gold {label!r} as same / not the same")
    text = normalize(answer)
    decisions = [m for m in _SAME_RE.finditer(text)]
    if not decisions:
        return Verdict(False, None, "no same / not-the-same decision in the answer")
    last = decisions[-1]
    said = not (last.group("neg1") or last.group("neg2"))
    extracted = "the same" if said else "not the same"
    ok = said == gold
    return Verdict(ok, extracted, "decision matches" if ok else "decision differs")
