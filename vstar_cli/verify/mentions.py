"""Mentions and assertion: where an answer states a class name, and whether it asserts it.

A class label is asserted when its content words occur close together (as lemmas, so "took the
towel" states "takes a towel"), in the roles the label gives them ("from right to left" is not
"from left to right"), with no opposite word in between ("zooming out" is not "zooming in"); and
the last such mention is neither negated ("not playing guitar"), nor offered as one option
among several ("guitar, violin or drums", a list of candidates), nor conceded ("it may look
like X, but it is Y"). The class checks, option picks and semantic checks all build on it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from difflib import SequenceMatcher

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
from vstar_cli.verify.verdict import Verdict

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
