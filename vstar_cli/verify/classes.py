"""Rule-based checks of class labels: ``simple``, ``obj_identify``, ``obj_compare``, ``same_or_not``.

A class label is verified when the answer *asserts* it: its content words occur close
together (as lemmas, so "took the towel" states "takes a towel"), in the roles the label gives
them ("from right to left" is not "from left to right"), with no opposite word in between
("zooming out" is not "zooming in"); and the last such mention is neither negated ("not
playing guitar"), nor offered as one option among several ("guitar, violin or drums", a list of
candidates), nor conceded ("it may look like X, but it is Y").
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from difflib import SequenceMatcher
from typing import Any

from vstar_cli.verify import numbers
from vstar_cli.verify.align import (
    ANTONYMS,
    DIRECTIONS,
    LIGHT_VERBS,
    ROLE_WORDS,
    is_content,
    is_verb_form,
    key,
    lemma,
    roles,
)
from vstar_cli.verify.options import chosen, distinct_texts, key_index, option_text, record_options, split_option
from vstar_cli.verify.text import (
    CLAUSE_BREAKS,
    SENTENCE_BREAKS,
    Token,
    clause_start,
    hedged,
    negated_after,
    negated_before,
    normalize,
    sentence_bounds,
    tokenize,
)
from vstar_cli.verify.verdict import CannotJudge, Verdict
from vstar_cli.verify.window import bounded

_BREAKS = frozenset(CLAUSE_BREAKS) - {"while"}


def label_words(label: str) -> list[Token]:
    """The words of a class name that must appear: no parenthetical, no stopwords (polar words stay).

    >>> [t.text for t in label_words("passing American football (in game)")]
    ['passing', 'american', 'football']
    >>> [t.text for t in label_words("zooming in")]
    ['zooming', 'in']
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
    content = [
        t
        for t in kept
        if (is_content(t) or t.text in _COUNT_WORDS) and (t.text not in ROLE_WORDS or t.text in DIRECTIONS)
    ]
    return content or kept


def _label_roles(label: str) -> dict[int, str | None]:
    toks = [t for t in tokenize(label) if t.text not in "()[]"]
    rs = roles(toks, _BREAKS)
    return {t.start: r for t, r in zip(toks, rs, strict=True)}


# Counts are content in a label ("shooting one missile" is not "shooting two missiles").
_COUNT_WORDS = frozenset({"one"})
_REVERSING_PREFIXES = frozenset({"counter", "anti", "non", "un"})


class _Index:
    """Positions of each word key in the answer, for matching labels in linear time."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.keys = [key(t.text) if t.is_word else t.text for t in tokens]
        self.pos: dict[str, list[int]] = {}
        for i, k in enumerate(self.keys):
            self.pos.setdefault(k, []).append(i)
        self._roles: list[str | None] | None = None
        self._fuzzy: dict[str, list[int]] = {}

    @property
    def roles(self) -> list[str | None]:
        if self._roles is None:
            self._roles = roles(self.tokens, _BREAKS)
        return self._roles

    def positions(self, lw: Token, fuzz: float) -> list[tuple[int, int]]:
        """``(start, end)`` token spans that spell label word ``lw``, in order."""
        k = key(lw.text)
        spans = [(j, j + 1) for j in self.pos.get(k, ())]
        stem_k = self.pos.get(lw.stem, ()) if lw.stem != k else ()
        spans += [(j, j + 1) for j in stem_k]
        if len(lw.text) >= 5 and lw.text not in self._fuzzy:
            # Misspellings ("guiter") and split compounds ("skate boarding"), once per distinct word.
            hits = []
            for w, js in self.pos.items():
                if w != k and len(w) >= 4 and w[0] == lw.text[0] and abs(len(w) - len(lw.text)) <= 2:
                    forms = {self.tokens[js[0]].text}
                    if any(SequenceMatcher(None, lw.text, f).ratio() >= fuzz for f in forms):
                        hits.extend(js)
            self._fuzzy[lw.text] = hits
        spans += [(j, j + 1) for j in self._fuzzy.get(lw.text, ())]
        if len(lw.text) >= 6:
            head = [j for w, js in self.pos.items() if lw.text.startswith(w) and len(w) >= 3 for j in js]
            for j in head:
                if j + 1 < len(self.tokens):
                    joined = self.tokens[j].text + self.tokens[j + 1].text
                    if joined == lw.text or (len(joined) >= 5 and key(joined) == k):
                        spans.append((j, j + 2))
        return sorted(set(spans))


def find_mentions(
    answer: list[Token], label: str, fuzz: float = 0.85, index: _Index | None = None, last_only: bool = False
) -> list[tuple[int, int]]:
    """Token spans ``(start, end)`` of the answer where all label words occur close together.

    Words may come in any order unless the label gives them roles, with a few words between
    them ("plays an old guitar"), but never across a sentence boundary. Label words that are
    light verbs ("showing", "starts") may be left out when others remain. With ``last_only``
    the search runs backwards and stops at the last mention.

    >>> find_mentions(tokenize("Then he plays the guitar."), "playing guitar")
    [(2, 5)]
    >>> find_mentions(tokenize("It moves from left to right."), "moving from right to left")
    []
    """
    words = label_words(label)
    if not words:
        return []
    idx = index or _Index(answer)
    # Light verbs may be dropped ("showing a serious expression" ~ "looks serious") when two
    # other content words remain; "making salad" still needs "making".
    heavy = [w for w in words if lemma(w.text) not in LIGHT_VERBS]
    required = heavy if len(heavy) >= 2 else words
    rows = []
    for lw in required:
        row = idx.positions(lw, fuzz)
        if not row:
            return []
        rows.append(row)
    lroles = _label_roles(label)
    wroles = [lroles.get(w.start) for w in required]
    role_set = {r for r in wroles if r}
    label_keys = {key(w.text) for w in words}
    opposites = {a for k in label_keys for a in ANTONYMS.get(k, ())} - label_keys
    # Role phrases carry modifiers ("from the right side of the frame to the left"): a little more room.
    max_len = 2 * len(required) + 3 + 2 * len(role_set)
    starts = rows[min(range(len(rows)), key=lambda i: len(rows[i]))]
    spans: list[tuple[int, int]] = []
    for anchor, _ in reversed(starts) if last_only else starts:
        lo = max(0, anchor - max_len)
        picked = []
        for row, want in zip(rows, wroles, strict=True):
            i0 = bisect_left(row, (lo, -1))
            best = None
            while i0 < len(row) and row[i0][0] <= anchor + max_len:
                j, e = row[i0]
                got = idx.roles[j]
                # "right to left" leaves the source unmarked: a missing "from" is not another role.
                if (
                    not role_set
                    or got == want
                    or (want is None and got not in role_set)
                    or (want == "source" and got is None)
                ):
                    if best is None or abs(j - anchor) < abs(best[0] - anchor):
                        best = (j, e)
                i0 += 1
                if i0 - bisect_left(row, (lo, -1)) > 4 * max_len:
                    break
            if best is None:
                break
            picked.append(best)
        if len(picked) != len(rows):
            continue
        s = min(j for j, _ in picked)
        e = max(e for _, e in picked)
        if e - s > max_len or any(t.text in SENTENCE_BREAKS for t in answer[s:e]):
            continue
        if opposites and any(idx.keys[j] in opposites for j in range(s, min(e + 1, len(answer)))):
            continue
        # "counter-clockwise", "anti-clockwise", "non-stop": a prefix that reverses the word.
        if any(j > 0 and answer[j - 1].text in _REVERSING_PREFIXES for j, _ in picked):
            continue
        if last_only:
            return [(s, e)]
        if spans and spans[-1][0] <= s < spans[-1][1]:
            if e - s < spans[-1][1] - spans[-1][0]:
                spans[-1] = (s, e)
            continue
        if not spans or s >= spans[-1][1]:
            spans.append((s, e))
    return spans


_LIST_SEPS = frozenset({",", "and", "or", "/", "nor", ";"})
_APPEARANCE = frozenset(
    """may might could seem seems seemed look looks looked appear appears appeared resemble resembles resembled
    initially mistaken""".split()
)
_CONTRAST = frozenset("""but however yet although though whereas actually instead""".split())
_BULLET_RE = re.compile(r"^[ \t]{0,8}(?:[-*\u2022]|\(?\d{1,2}[.)]|\(?[a-j][.)])[ \t]")


def _items(tokens: list[Token], lo: int, hi: int) -> list[tuple[int, int]]:
    """Token ranges of the items a sentence lists, split at commas, 'and', 'or' and '/'."""
    out, start = [], lo
    for j in range(lo, hi):
        if tokens[j].text in _LIST_SEPS:
            if j > start:
                out.append((start, j))
            start = j + 1
    if hi > start:
        out.append((start, hi))
    return out


_HARD_BREAKS = frozenset(".!?\n")
# Words that introduce a list as candidates ("possible answers are X and Y").
_CANDIDATE_CUES = frozenset(
    """possible possibly candidate candidates options alternatives choices guesses either potential both""".split()
)


def _list_bounds(tokens: list[Token], i: int, reach: int = 200) -> tuple[int, int]:
    """Sentence bounds for list detection: ";" separates items, not sentences (at most ``reach`` tokens away)."""
    s = i
    while s > 0 and i - s < reach and tokens[s - 1].text not in _HARD_BREAKS:
        s -= 1
    e = i
    while e < len(tokens) and e - i < reach and tokens[e].text not in _HARD_BREAKS:
        e += 1
    return s, e


def enumerated(tokens: list[Token], s: int, e: int, n_label: int, keys: list[str], label_head: str = "") -> str | None:
    """Why a mention is one candidate in a list of several, if it is.

    A list is three or more short parallel items ("running, swimming and cycling"), or two or
    more after a colon ("Possible actions: X, Y"). Items that open with a finite verb ("he
    picks it up, tunes it and plays it") narrate a sequence and are not a list of candidates.

    >>> toks = tokenize("She is running, swimming and cycling.")
    >>> enumerated(toks, 4, 5, 1, [t.text for t in toks]) is not None
    True
    """
    head = tokens[s].text
    if label_head.endswith("ing") and head != label_head and head.endswith(("s", "ed")):
        return None  # "she dives in, swims two lengths and climbs out" narrates; candidates are named alike
    ss, se = _list_bounds(tokens, s)
    colon = ss
    for j in range(s - 1, max(ss, s - 40) - 1, -1):
        if tokens[j].text == ":":
            colon = j + 1
            break
    items = _items(tokens, colon, se)
    both = any(tokens[j].text == "both" for j in range(max(ss, s - 6), s))
    where = next((k for k, (a, b) in enumerate(items) if a <= s < b), None)
    if where is None:
        return None
    if both and e > items[where][1]:
        return None  # the label itself joins the items ("both dancing and singing" for "dancing and singing")
    limit = max(4, n_label + 3)
    chain = [items[where]]
    lead = None  # the first item may carry the sentence's opening ("she is running")
    k = where - 1
    while k >= 0:
        a, b = items[k]
        chain.insert(0, (max(a, b - limit), b))
        if b - a > limit:
            lead = chain[0]
            break
        k -= 1
    k = where + 1
    while k < len(items) and items[k][1] - items[k][0] <= limit:
        chain.append(items[k])
        k += 1
    distinct = {" ".join(keys[a:b]) for a, b in chain if b > a}
    after_colon = colon > ss or any(tokens[j].text in _CANDIDATE_CUES for j in range(ss, s))
    need = 2 if after_colon else 3
    if len(distinct) < need:
        return None
    others = [(a, b) for a, b in chain if not (a <= s < b) and (a, b) != lead]
    if others and sum(is_verb_form(tokens[a].text) for a, _ in others) * 2 >= len(others) and not after_colon:
        return None
    return f"the answer lists {len(distinct)} candidates"


def conceded(tokens: list[Token], s: int, e: int) -> str | None:
    """Why a mention is only what something looks like ("may look like X, but it is Y"), if it is."""
    ss, se = sentence_bounds(tokens, s)
    cs = clause_start(tokens, s)
    appearance = any(tokens[j].text in _APPEARANCE for j in range(max(ss, cs - 1, s - 12), s))
    if not appearance:
        return None
    before = any(tokens[j].text in {"although", "though", "while"} for j in range(max(ss, s - 12), s))
    after = False
    for j in range(e, min(len(tokens), e + 12)):  # a contrast may follow after ";" or ","
        if tokens[j].text in {".", "!", "?", "\n"}:
            break
        if tokens[j].text in _CONTRAST:
            after = True
            break
    if before or after:
        return "the answer concedes the label only to reject it"
    return None


def _bullet_list(text: str, pos: int) -> bool:
    """Whether the line at character ``pos`` is one of several short bullet lines."""
    ls = text.rfind("\n", 0, pos) + 1
    le = text.find("\n", pos)
    le = len(text) if le < 0 else le
    if not _BULLET_RE.match(text[ls : min(le, ls + 16)]) or le - ls > 80:
        return False
    sib = 0
    for a, b in ((max(0, ls - 200), ls), (le, min(len(text), le + 200))):
        for line in text[a:b].split("\n"):
            if _BULLET_RE.match(line[:16]) and len(line) <= 80:
                sib += 1
    return sib >= 2


def _char_span(answer: str, norm: str, toks: list[Token], s: int, e: int) -> tuple[int, int] | None:
    return (toks[s].start, toks[e - 1].end) if len(norm) == len(answer) else None


def assert_class(answer: str, label: str, fuzz: float = 0.85, tokens: list[Token] | None = None) -> Verdict:
    """Verify that ``answer`` asserts class ``label``.

    >>> assert_class("The man plays the guitar on stage.", "playing guitar").ok
    True
    >>> assert_class("He is not playing guitar, he plays piano.", "playing guitar").ok
    False
    >>> assert_class("He could be playing guitar, violin or drums.", "playing guitar").ok
    False
    >>> assert_class("He takes a towel from the rack.", "Took the towel.").ok
    True
    >>> assert_class("The camera is zooming out.", "zooming in").ok
    False
    """
    toks = tokens if tokens is not None else tokenize(answer)
    idx = _Index(toks)
    spans = find_mentions(toks, label, fuzz, idx, last_only=True)
    if not spans:
        return Verdict(False, None, f"label {label!r} not found in the answer")
    s, e = spans[-1]
    norm = normalize(answer)
    mention = norm[toks[s].start : toks[e - 1].end]
    span = _char_span(answer, norm, toks, s, e)
    if negated_before(toks, s) or negated_after(toks, e):
        return Verdict(False, mention, f"the answer negates {mention!r}", span)
    lws = label_words(label)
    se = sentence_bounds(toks, s)[1]
    asked = se < len(toks) and toks[se].text == "?"
    why = (
        ("the answer only asks whether it is so" if asked else None)
        or hedged(toks, s, e)
        or conceded(toks, s, e)
        or enumerated(toks, s, e, len(lws), idx.keys, lws[0].text if lws else "")
        or ("the answer lists candidates line by line" if _bullet_list(norm, toks[s].start) else None)
    )
    if why:
        return Verdict(False, mention, why, span)
    return Verdict(True, mention, "label asserted", span)


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
    a = numbers.asserted(text, numbers.find_numbers(text, normalized=True))
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
    fuzz = getattr(cfg, "class_fuzz", 0.85)
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


@bounded
def verify_same_or_not(answer: str, label: Any, record: dict, cfg: Any = None) -> Verdict:
    """``same_or_not``: the answer's last decision (same / not the same) matches the gold.

    >>> verify_same_or_not("At first they look alike, but they are not the same.", "not the same", {}).ok
    True
    """
    gold = _gold_same(label) if isinstance(label, (bool, str)) else None
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
