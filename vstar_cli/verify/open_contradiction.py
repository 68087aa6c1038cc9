"""Contradictions for ``open_answer``: an answer clause that asserts what a gold clause denies (or
denies what it asserts) about the same predicate, swaps one of its guarded words (a colour, a
number, a direction, an opposite, a man for a woman), puts its direction words in other roles, or,
with the embedder, replaces a thing by an unrelated one.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from typing import Any

from vstar_cli.verify.align import ANTONYMS, COLOURS, is_content, key, part_of_speech, roles
from vstar_cli.verify.open_reading import _PERSONS, Answer, Gold, _denied_at, _keys, _negation_at, _predicate
from vstar_cli.verify.semantic import word_conflict
from vstar_cli.verify.text import Token, hedged, tokenize


# Opposites the class matcher does not list, for details of place ("in front of" / "behind").
@functools.cache
def _more_opposites() -> dict[str, set[str]]:
    """Opposites beyond the aligner's antonyms, by lemma key (built on first use: the lemmatizer's
    tables load then, not with ``vstar verify`` on rule kinds)."""
    table = {"front": {"behind"}, "behind": {"front"}, "inside": {"outside"}, "outside": {"inside"}}
    # Who acts is a guarded detail too: "the woman is holding the cup" is not "the man is".
    for a, b in (("man", "woman"), ("men", "women"), ("boy", "girl"), ("boys", "girls")):
        table.setdefault(key(a), set()).add(key(b))
        table.setdefault(key(b), set()).add(key(a))
    return table


# Words that name the video or a person, not a thing in it ("In the video, ..." is no substitute).
_NOT_THINGS = frozenset("video clip footage scene frame camera shot image".split()) | _PERSONS
_DIFFERS_RE = re.compile(r"^'([a-z]+)' differs from '([a-z]+)'$")
_ROLE_BREAKS = frozenset(".,;:!?()[]\n")


def _guarded(k: str) -> bool:
    return k in COLOURS or k in ANTONYMS or k.isdigit() or k in _more_opposites()


def _opposed(g: str, u: str) -> str | None:
    """Why two guarded words state different things: opposites, other colours, other numbers."""
    if u in ANTONYMS.get(g, ()) or u in _more_opposites().get(g, ()):
        return "opposites"
    if g in COLOURS and u in COLOURS:
        return "colours differ"
    if g.isdigit() and u.isdigit():
        return "numbers differ"
    return None


def _flipped(gclause: str, gtoks: list[Token], unit: str, utoks: list[Token], shared: set[str]) -> str | None:
    """The same predicate with the other polarity ("did not sit down" / "sat on the left")."""
    pred = _predicate(gtoks)
    if pred is None:
        return None
    pkey, gneg = key(gtoks[pred[0]].text), pred[1]
    if pkey not in shared:
        return None
    j = next(i for i, t in enumerate(utoks) if (is_content(t) or t.text in _PERSONS) and key(t.text) == pkey)
    uneg = _denied_at(utoks, j)
    if uneg == gneg or not (gneg or shared - {pkey}) or hedged(utoks, j, j + 1):
        return None
    how = "denies" if uneg else "asserts"
    return f"{unit!r} {how} what the gold {'denies' if gneg else 'states'} ({gclause!r})"


def _swapped(gkeys: list[str], ukeys: list[str]) -> str | None:
    """A guarded word of the gold replaced by its opposite, another colour or another number."""
    gc, uc = Counter(gkeys), Counter(ukeys)
    missing = [k for k in (gc - uc) if _guarded(k)]
    extra = [k for k in (uc - gc) if _guarded(k)]
    for g in missing:
        for u in extra:
            why = _opposed(g, u)
            if why:
                return f"{u!r} where the gold says {g!r} ({why})"
    return None


def _roles_swapped(gtoks: list[Token], utoks: list[Token], shared: set[str]) -> str | None:
    """Shared direction words in other roles ("from right to left" for "from left to right")."""

    def role_of(toks: list[Token]) -> dict[str, str]:
        out: dict[str, str] = {}
        for t, r in zip(toks, roles(toks, _ROLE_BREAKS), strict=True):
            k = key(t.text)
            if r in {"source", "goal"} and k in shared and k in ANTONYMS:
                out.setdefault(k, r)
        return out

    g, u = role_of(gtoks), role_of(utoks)
    for k, r in g.items():
        if k in u and u[k] != r:
            return f"{k!r} as {u[k]} where the gold has it as {r}"
    return None


def _near_any(word: str, others: list[str], embedder: Any, sim: float = 0.5) -> bool:
    """Whether ``word`` is close in meaning to any of ``others`` (word embeddings)."""
    if not others:
        return False
    vecs = embedder.encode([word] + others)
    return float((vecs[1:] @ vecs[0]).max()) >= sim


def contradiction(gold: Gold, ans: Answer, embedder: Any = None) -> str | None:
    """Why a clause of the answer contradicts the gold, if one does.

    A clause contradicts a gold clause when it states the same predicate with the other polarity,
    or when it shares the words of a gold clause (or sentence) but swaps one guarded word.
    """
    golds = [(c, True) for c in gold.clauses] + [(s, False) for s in gold.sentences if s not in gold.clauses]
    for gclause, is_clause in golds:
        gtoks = tokenize(gclause)
        gkeys = _keys(gclause, gtoks)
        gset = set(gkeys)
        gneg = _negation_at(gtoks) is not None
        for i, (unit, ukeys) in enumerate(zip(ans.units, ans.unit_keys, strict=True)):
            shared = gset & set(ukeys)
            if not shared:
                continue
            utoks = ans.tokens(i)
            if is_clause:
                why = _flipped(gclause, gtoks, unit, utoks, shared)
                if why:
                    return why
            plain = len(
                {k for k in shared if k not in COLOURS and not k.isdigit()}
            )  # words besides the swappable values
            if not plain or (_negation_at(utoks) is not None) != gneg:
                continue
            why = (_swapped(gkeys, ukeys) if plain >= 2 else None) or _roles_swapped(gtoks, utoks, shared)
            if why:
                return f"{unit!r} says {why}"
            if embedder is not None and plain >= 3 and is_clause and not gneg:
                # Most of a gold clause's words with one thing replaced by another that is no synonym
                # ("picks it up from the table" / "from the floor"): words that can be nouns, people aside.
                why = word_conflict(gclause, unit, embedder)
                m = _DIFFERS_RE.search(why or "")
                things = m is not None and all(
                    "NOUN" in part_of_speech(w) and w not in _NOT_THINGS and not _guarded(key(w)) for w in m.groups()
                )
                # The replacing word is like none of the gold words the clause leaves out ("lawn" ~ "grass").
                left_out = [t.text for t in gtoks if is_content(t) and key(t.text) not in set(ukeys)]
                if things and not _near_any(m.group(2), left_out, embedder):
                    return f"{unit!r} says something else than {gclause!r} ({why})"
    return None
