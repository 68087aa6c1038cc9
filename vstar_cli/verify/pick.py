"""Which option of a multiple-choice question an answer picks.

An answer picks an option by its key ("B", "(C)", "Answer: b", "Option 2", "Caption B", "the
second one") or by its text: written out, stated in its own words (negation, doubt and
concession guarded as for class names), its events stated in order, or its own words used.
All patterns here are linear: bounded repetitions and no nested quantifiers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vstar_cli.verify.align import is_content, key
from vstar_cli.verify.choices import OPTION_NOUNS, distinct_texts, key_index, split_option
from vstar_cli.verify.clauses import clauses
from vstar_cli.verify.mentions import assert_class, conceded
from vstar_cli.verify.text import hedged, negated_after, negated_before, normalize, tokenize


@dataclass(frozen=True)
class Pick:
    """The option an answer picks: its index, how it was read, and where."""

    index: int
    how: str
    span: tuple[int, int]


_KEY = r"[\(\[]?([A-Ja-j]|\d{1,2})[\)\]]?"
# "the answer is (B)", "Answer: b", "correct option: 2", "I choose C", "best caption is B".
_MARKED_RE = re.compile(
    r"\b(?:answer|option|choice|caption|sentence|pick|choose|select|go\s+with)\b[^.\n:]{0,40}?"
    rf"(?:\bis\b|:|=|\s[-\u2013]|\b(?:would|should|must|will|could|might)\s+be\b|\bchoose\b|\bpick\b|\bselect\b)"
    rf"\s{{0,3}}(?:{OPTION_NOUNS}\s{{0,2}})?{_KEY}(?![\w'])",
    re.I,
)
# "I'd pick (b)", "I choose option 2", "going with C".
_VERB_KEY_RE = re.compile(
    rf"\b(?:pick|choose|select|go(?:ing)?\s+with|opt\s+for)\s{{1,3}}(?:(?:the\s+)?{OPTION_NOUNS}\s{{0,2}})?{_KEY}(?![\w'])",
    re.I,
)
# "(C) is correct", "B is the right answer", "A would be the best choice".
_KEY_IS_RE = re.compile(
    r"(?:^|(?<=[\s(\[]))\(?([A-J]|\d{1,2})\)?\s{1,3}(?:is|would\s+be|seems|appears)\s{1,3}(?:to\s+be\s+)?(?:the\s+)?"
    r"(?:most\s+|best\s+)?(?:correct|right|accurate|appropriate|suitable|best|answer)\b"
)
_NOUN_KEY_RE = re.compile(rf"\b{OPTION_NOUNS}\s{{0,3}}\(?([A-J]|[a-j](?=[\s).,:;!?]|$)|\d{{1,2}})\)?(?![\w'])", re.I)
_LEAD_RE = re.compile(r"^\W{0,6}?\(?([A-Ja-j]|\d{1,2})(?:\)|\.|:|\]|\s*$|\s+[-\u2013]\s)", re.M)
_ORDINAL_RE = re.compile(
    r"\b(?:the\s+)?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|1st|2nd|3rd|4th|5th)"
    rf"\s+(?:one|{OPTION_NOUNS})\b",
    re.I,
)
_DENY_AFTER_RE = re.compile(r"^[^.\n]{0,12}\b(?:is|are|seems?)\s+(?:not|incorrect|wrong|false|unlikely)\b|^\s*n't\b")
_DENY_BEFORE_RE = re.compile(r"\b(?:not|rule\s+out|eliminate|exclude|than|unlike|except)\s{1,3}$")


_WORD_AFTER_RE = re.compile(r"[ \t]{1,4}([A-Za-z]+)")
# Words that follow an option key in a sentence ("A because ...", "B is correct").
_AFTER_KEY = frozenset(
    """because since as is was seems would should which for and or but here there fits matches best too also
    instead only then""".split()
)


def _article(text: str, m: re.Match) -> bool:
    """A one-letter key followed by a word is the article "a" or the pronoun "I" ("Caption B: A person ...").

    Lowercase "a"/"i" followed by any word, and "A"/"I" followed by a word that does not
    usually follow a key, are read as words, not keys.
    """
    k = m.group(1)
    if len(k) != 1:
        return False
    w = _WORD_AFTER_RE.match(text, m.end(1))
    if w is None:
        return False
    if k.islower():
        return True
    return k in "AI" and w.group(1).lower() not in _AFTER_KEY


def _denied(text: str, start: int, end: int) -> bool:
    return bool(_DENY_AFTER_RE.search(text[end : end + 40]) or _DENY_BEFORE_RE.search(text[max(0, start - 20) : start]))


def chosen(answer: str, options: list[str]) -> Pick | None:
    """The option the answer picks, or ``None``.

    Order of evidence: an explicit "answer is X" (the last one); the answer opening with a
    key; keys named with a noun ("Option 2", "Caption B") or ordinals ("the second one") when
    they name one option; otherwise the one option whose text the answer states.

    >>> chosen("B.", ["A. a cat", "B. a dog"]).index
    1
    >>> chosen("I think the second one fits best.", ["a cat", "a dog"]).index
    1
    >>> chosen("Option A is wrong; the answer is b", ["a cat", "a dog"]).index
    1
    >>> chosen("It is clearly a dog running.", ["a cat", "a dog"]).index
    1
    """
    n = len(options)
    if n == 0:
        return None
    text = answer if len(answer) <= 200_000 else answer[-200_000:]
    text = text.replace("*", " ").replace("`", " ")  # markdown emphasis: "**B**" (same length, spans hold)
    marked = [
        Pick(i, "explicit pick", m.span(1))
        for rx in (_MARKED_RE, _VERB_KEY_RE, _KEY_IS_RE)
        for m in rx.finditer(text)
        if (i := key_index(m.group(1), n)) is not None
        and not _article(text, m)
        and not _denied(text, m.start(), m.end())
    ]
    if marked:
        return max(marked, key=lambda p: p.span)
    # A digit opening an answer is usually a numbered step ("1. The video shows ..."): a key
    # only when the options are numbered or at most a few words follow it.
    numbered = any(split_option(o)[0] is not None and split_option(o)[0].isdigit() for o in options)

    def lead_key(m: re.Match | None) -> int | None:
        if m is None or (m.group(1).isdigit() and not numbered and len(text[m.end() : m.end() + 200].split()) > 4):
            return None
        return key_index(m.group(1), n)

    lead = _LEAD_RE.match(text)
    if (i := lead_key(lead)) is not None:
        return Pick(i, "answer opens with the option key", lead.span(1))
    named: dict[int, Pick] = {}
    for m in _NOUN_KEY_RE.finditer(text):
        i = key_index(m.group(1), n)
        # Right after its noun a capital letter is the key ("Sentence A better captures ..."), not an article.
        article = _article(text, m) and not m.group(1).isupper()
        if i is not None and not article and not _denied(text, m.start(), m.end()):
            named[i] = Pick(i, "option named", m.span(1))
    for m in _ORDINAL_RE.finditer(text):
        i = key_index(m.group(1), n)
        if i is not None and not _denied(text, m.start(), m.end()):
            named[i] = Pick(i, "option named by its place", m.span(1))
    if len(named) == 1:
        return next(iter(named.values()))
    if len(text) == 0:
        return None
    if not named:
        line = _LEAD_RE.search(text)
        if (i := lead_key(line)) is not None and len(_LEAD_RE.findall(text)) == 1:
            return Pick(i, "a line opens with the option key", line.span(1))
    return _by_text(text, options)


def _by_text(answer: str, options: list[str]) -> Pick | None:
    norm = normalize(answer)
    raw = distinct_texts(options)
    texts = [normalize(t) for t in raw]
    hits: list[tuple[int, tuple[int, int] | None]] = []
    exact: set[int] = set()
    for i, opt in enumerate(texts):
        opt = opt.strip().rstrip(".")
        if not opt:
            continue
        pos = norm.rfind(opt)  # the option written out word for word
        ok = pos >= 0 and (pos == 0 or not norm[pos - 1].isalnum())
        ok = ok and (pos + len(opt) == len(norm) or not norm[pos + len(opt)].isalnum())
        if ok and _guarded(norm, pos, pos + len(opt)) is None:
            hits.append((i, (pos, pos + len(opt)) if len(norm) == len(answer) else None))
            exact.add(i)
            continue
        if ok:
            continue  # written out but negated, doubted or conceded ("the video is not in slow motion")
        v = assert_class(answer, raw[i])
        if v.ok:
            hits.append((i, v.span))
    # An option contained in a longer option ("dog" in "a dog and a cat") is not a pick.
    hits = [(i, s) for i, s in hits if not any(j != i and texts[i] in texts[j] for j, _ in hits)]
    if len(hits) > 1:
        # An option written out word for word beats options whose words merely occur.
        verbatim = [(i, s) for i, s in hits if i in exact]
        hits = verbatim if len(verbatim) == 1 else hits
    if len(hits) == 1:
        i, span = hits[0]
        return Pick(i, "option text stated", span or (0, 0))
    if not hits:
        return _by_events(answer, raw) or _by_distinct_words(answer, raw)
    return None


_ORDER_WORDS_RE = re.compile(r"\b(?:first|firstly|then|next|finally|lastly|afterwards|later|subsequently)\b", re.I)


def _by_events(answer: str, texts: list[str]) -> Pick | None:
    """The one option of several events ("first X, then Y") whose events the answer states in
    the same order, clause by clause ("X and after that Y", "Y after X").

    Each event is checked like a class name (content words aligned in order, negation and
    doubt guarded); order words themselves ("first", "then") are not required.
    """
    said = [_ORDER_WORDS_RE.sub(" ", c) for c in clauses(answer)]
    if len(said) < 2:
        return None
    picks = []
    for i, t in enumerate(texts):
        events = [_ORDER_WORDS_RE.sub(" ", c) for c in clauses(t)]
        if len(events) < 2:
            continue
        pos = 0
        for ev in events:
            j = next((k for k in range(pos, len(said)) if assert_class(said[k], ev).ok), None)
            if j is None:
                break
            pos = j + 1
        else:
            picks.append(i)
    return Pick(picks[0], "the option's events stated in order", (0, 0)) if len(picks) == 1 else None


def _by_distinct_words(answer: str, texts: list[str]) -> Pick | None:
    """The one option whose own words (those no other option has) the answer uses ("She is
    ironing." for "ironing a shirt" among "folding a towel", "washing dishes").

    Only for options that differ in most of their content words: options that share them
    ("opens the fridge, then drinks milk" / "drinks milk, then opens the fridge") differ in
    order, which single words cannot tell. A negated or doubted word picks nothing, and words
    of two options pick nothing.
    """
    keys = [{key(t.text) for t in tokenize(o) if is_content(t)} for o in texts]
    own = [k - set().union(*(keys[j] for j in range(len(keys)) if j != i)) for i, k in enumerate(keys)]
    toks = tokenize(answer)
    found: dict[int, list[int]] = {}
    for p, t in enumerate(toks):
        if not is_content(t):
            continue
        k = key(t.text)
        for i, o in enumerate(own):
            if k in o:
                found.setdefault(i, []).append(p)
    if len(found) != 1:
        return None
    i, where = next(iter(found.items()))
    if not keys[i] or 2 * len(own[i]) < len(keys[i]):
        return None
    if 2 * len({key(toks[p].text) for p in where}) < len(own[i]) and len(own[i]) > 2:
        return None
    for p in where:
        if negated_before(toks, p) or negated_after(toks, p + 1) or hedged(toks, p, p + 1):
            return None
    norm = normalize(answer)
    span = (toks[where[0]].start, toks[where[-1]].end) if len(norm) == len(answer) else (0, 0)
    return Pick(i, "the option's own words stated", span)


def _guarded(norm: str, start: int, end: int) -> str | None:
    """Why an option written out at ``norm[start:end]`` is not asserted (negated, doubted, conceded), if so."""
    lo = max(0, start - 400)
    toks = tokenize(norm[lo : min(len(norm), end + 400)])
    inside = [k for k, t in enumerate(toks) if t.start >= start - lo and t.end <= end - lo]
    if not inside:
        return None
    s, e = inside[0], inside[-1] + 1
    if negated_before(toks, s) or negated_after(toks, e):
        return "negated"
    return hedged(toks, s, e) or conceded(toks, s, e)


def chosen_option(answer: str, choices: list[str]) -> int | None:
    """Index of the option the answer picks (by key, number, ordinal or text), or ``None``.

    >>> chosen_option("The answer is (B).", ["A. a cat", "B. a dog"])
    1
    >>> chosen_option("It is clearly a dog running.", ["a cat", "a dog"])
    1
    """
    pick = chosen(answer, choices)
    return None if pick is None else pick.index
