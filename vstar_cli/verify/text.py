"""Text normalization, tokens with stems, and the negation / hedging cues verifiers share."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.,;:!?()\[\]\n/]")
CLAUSE_BREAKS = frozenset(".,;:!?()[]\n") | {"but", "however", "although", "though", "whereas", "while", "yet"}
SENTENCE_BREAKS = frozenset(".;!?\n")

STOPWORDS = frozenset(
    """a an the of in on at to into onto from with by for and or is are was were be been being
    it its this that these those his her their them they he she someone somebody person people
    man woman some any one using use uses used while as""".split()
    # Placeholders of templated class names ("pushing something from left to right"): any object fills them.
    + "something somewhere anything".split()
)

NEGATION_CUES = frozenset("""not no never neither nor without cannot instead unlike nothing none nobody""".split())
# Multi-word cues are matched as token sequences ending right before the mention.
NEGATION_PHRASES = (("rather", "than"), ("other", "than"), ("as", "opposed", "to"), ("instead", "of"))
# "not only X" and "no doubt X" affirm X.
NEGATION_EXCEPTIONS = (("not", "only"), ("not", "just"), ("no", "doubt"), ("not", "merely"))
# A negation that takes a whole clause as its object ("it is not the case that X", "it isn't true that
# X"): it governs every word of X up to the clause's end, however far from the cue.
SENTENTIAL_NEGATION = (("the", "case", "that"), ("true", "that"))
SENTENTIAL_DENIAL = (("false", "that"), ("untrue", "that"), ("wrong", "that"))
POST_NEGATION = frozenset("""not incorrect unlikely wrong excluded ruled impossible false""".split())

UNCERTAINTY_CUES = frozenset(
    """could might may possibly perhaps maybe either unclear uncertain unsure ambiguous
    potentially""".split()
)
UNCERTAINTY_PHRASES = (("not", "sure"), ("hard", "to", "tell"), ("difficult", "to", "tell"), ("one", "of"))
# "or" that does not offer an alternative.
OR_EXCEPTIONS = frozenset("""not so more less""".split())
_PHRASE_HEADS = frozenset(p[0] for p in UNCERTAINTY_PHRASES)
# Words that open a contrasting part of a sentence ("X, but it could also be Y").
CONTRAST_CUES = frozenset("""but however yet although though whereas""".split())
# Appearance verbs: "it might look like X" concedes X (handled by the caller), it does not hedge.
_APPEARANCE_VERBS = frozenset("""look looks resemble resembles seem seems appear appears""".split())


_PREFIX_RE = re.compile(r"\b(counter|anti|non)-([a-z]{1,40})")


def normalize(text: str) -> str:
    """Lowercase, unify unicode and apostrophes, and turn ``_``/``-``/``/`` between words into spaces.

    >>> normalize("Playing_Guitar (in-game)")
    'playing guitar (in game)'
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    # "counter-clockwise" -> "counterclockwise " (same length): a reversing prefix stays on its word.
    text = _PREFIX_RE.sub(lambda m: m.group(1) + m.group(2) + " ", text)
    text = re.sub(r"(?<=[a-z])[-/](?=[a-z])", " ", text)
    return text.replace("_", " ")


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball (Porter 2) stem, so plays/playing/played and rides/riding compare equal.

    >>> stem("playing") == stem("plays") and stem("riding") == stem("rides")
    True
    """
    if "'" in word:
        word = word.split("'")[0] if not word.endswith("n't") else word
    return _stemmer().stemWord(word)


@dataclass(frozen=True)
class Token:
    """A word (or punctuation mark) of a text, with its stem and character span."""

    text: str
    stem: str
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()


def tokenize(text: str) -> list[Token]:
    """Tokens of the normalized text; punctuation that ends clauses is kept as its own token.

    >>> [t.stem for t in tokenize("He plays guitars.")]
    ['he', 'play', 'guitar', '.']
    """
    norm = normalize(text)
    return [Token(m.group(), stem(m.group()), m.start(), m.end()) for m in _TOKEN_RE.finditer(norm)]


def is_negation(tok: Token) -> bool:
    """True for a single-token negation cue (``not``, ``never``, ``isn't``...)."""
    return tok.text in NEGATION_CUES or tok.text.endswith("n't")


def clause_start(tokens: list[Token], i: int, reach: int = 120) -> int:
    """Index of the first token of the clause holding token ``i`` (at most ``reach`` tokens back)."""
    j = i
    while j > 0 and i - j < reach and tokens[j - 1].text not in CLAUSE_BREAKS:
        j -= 1
    return j


def clause_end(tokens: list[Token], i: int, reach: int = 120) -> int:
    """Index one past the last token of the clause holding token ``i`` (at most ``reach`` on)."""
    j = i
    while j < len(tokens) and j - i < reach and tokens[j].text not in CLAUSE_BREAKS:
        j += 1
    return j


def sentence_bounds(tokens: list[Token], i: int, reach: int = 120) -> tuple[int, int]:
    """``(start, end)`` token indices of the sentence holding token ``i``.

    A sentence reaches at most ``reach`` tokens either side of ``i``: a run-on "sentence" of
    thousands of words is judged near the mention, and the scan stays bounded.
    """
    s = i
    while s > 0 and i - s < reach and tokens[s - 1].text not in SENTENCE_BREAKS:
        s -= 1
    e = i
    while e < len(tokens) and e - i < reach and tokens[e].text not in SENTENCE_BREAKS:
        e += 1
    return s, e


def _seq_at(tokens: list[Token], j: int, seq: tuple[str, ...]) -> bool:
    return j >= 0 and j + len(seq) <= len(tokens) and all(tokens[j + k].text == w for k, w in enumerate(seq))


def negated_before(tokens: list[Token], start: int, window: int = 5) -> bool:
    """Whether a negation cue governs a mention starting at token ``start``.

    Looks back at most ``window`` tokens, never past the start of the clause.

    >>> toks = tokenize("he is not playing guitar")
    >>> negated_before(toks, 3)
    True
    """
    if _sentential_negation(tokens, start):
        return True
    lo = max(clause_start(tokens, start), start - window)
    for j in range(start - 1, lo - 1, -1):
        tok = tokens[j]
        if any(_seq_at(tokens, j, exc) for exc in NEGATION_EXCEPTIONS):
            continue
        if is_negation(tok):
            return True
        for phrase in NEGATION_PHRASES:
            if _seq_at(tokens, j - len(phrase) + 1, phrase) and j - len(phrase) + 1 >= lo:
                return True
    return False


def _sentential_negation(tokens: list[Token], start: int, reach: int = 60) -> bool:
    """Whether token ``start`` stands in a clause that a clause-taking negation opens ("It is not the
    case that he cuts bread", "It's not true that ...", "It is false that ...").

    >>> _sentential_negation(tokenize("It is not the case that a man slowly cuts the bread"), 10)
    True
    >>> _sentential_negation(tokenize("It is the case that a man cuts bread"), 8)
    False
    """
    j = start - 1
    lo = max(0, start - reach)
    while j >= lo and tokens[j].text not in SENTENCE_BREAKS and tokens[j].text not in CONTRAST_CUES:
        if tokens[j].text == "that":
            for seq in SENTENTIAL_NEGATION:
                k = j - len(seq) + 1
                if _seq_at(tokens, k, seq) and k >= 1 and is_negation(tokens[k - 1]):
                    return True
            for seq in SENTENTIAL_DENIAL:
                if _seq_at(tokens, j - len(seq) + 1, seq):
                    return True
        j -= 1
    return False


def negated_after(tokens: list[Token], end: int, window: int = 4) -> bool:
    """Whether the clause right after a mention denies it ("X is ruled out", "X isn't it")."""
    hi = min(clause_end(tokens, end), end + window)
    following = tokens[end:hi]
    if not following or following[0].text not in {"is", "are", "was", "were", "seems", "appears", "can", "would"}:
        return False
    return any(t.text in POST_NEGATION or t.text.endswith("n't") for t in following)


def hedged(tokens: list[Token], start: int, end: int) -> str | None:
    """Why a mention spanning ``tokens[start:end]`` is offered as one of several options, if it is.

    A mention is hedged when its sentence offers alternatives ("X or Y", "either X or Y")
    next to it, or when an uncertainty cue ("could", "might", "possibly", ...) introduces a
    list it is part of.

    >>> toks = tokenize("He could be playing guitar, violin or drums.")
    >>> hedged(toks, 3, 5) is not None
    True
    """
    s, e = sentence_bounds(tokens, start, reach=40)
    lo, hi = max(s, start - 6), min(e, end + 6)
    for j in range(lo, hi):
        w = tokens[j].text
        if w == "or" and (j + 1 >= e or tokens[j + 1].text not in OR_EXCEPTIONS):
            return "answer offers alternatives ('or')"
        if w == "either":
            return "answer offers alternatives ('either')"
    why = doubt(tokens, start, end, s, e)
    if why:
        return why
    uncertain = any(tokens[j].text in UNCERTAINTY_CUES for j in range(s, e)) or any(
        _seq_at(tokens, j, p) for j in range(s, e) if tokens[j].text in _PHRASE_HEADS for p in UNCERTAINTY_PHRASES
    )
    if uncertain:
        separators = sum(1 for t in tokens[lo:hi] if t.text in {",", "and", "/"})
        if separators >= 2:
            return "answer lists several candidates under uncertainty"
    return None


def doubt(tokens: list[Token], start: int, end: int, s: int, e: int) -> str | None:
    """Why a mention is stated with doubt, if it is: an uncertainty cue in its own part of the
    sentence ("it may be X"), or in a contrasting part after it ("X, but it could also be Y",
    "X, but I am not sure"). A doubt in a part before the mention ("it might look like Y, but it
    is X") qualifies that part only.
    """
    a = start
    while a > s and tokens[a - 1].text not in CONTRAST_CUES:
        a -= 1
    b = end
    while b < e and tokens[b].text not in CONTRAST_CUES:
        b += 1
    parts = [(a, b)]
    if b < e:  # the contrasting part that follows
        c = b + 1
        while c < e and tokens[c].text not in CONTRAST_CUES:
            c += 1
        parts.append((b + 1, c))
    for lo, hi in parts:
        for j in range(lo, hi):
            w = tokens[j].text
            if w in UNCERTAINTY_CUES and w != "either":
                if j + 1 < hi and tokens[j + 1].text in _APPEARANCE_VERBS:
                    continue  # "may look like": an appearance, judged as a concession
                if j + 2 < hi and tokens[j + 1].text in {"be", "have"} and tokens[j + 2].text in _APPEARANCE_VERBS:
                    continue
                return f"the answer states it with uncertainty ({w!r})"
            if w in _PHRASE_HEADS and any(_seq_at(tokens, j, p) for p in UNCERTAINTY_PHRASES if p != ("one", "of")):
                return "the answer states it with uncertainty"
    return None
