"""The option an answer picks by meaning: a caption in the model's own words against the options.

When no option is named or stated literally (:mod:`vstar_cli.verify.pick`), the answer's
sentences and clauses are compared with each option's own text by the offline embedder. An
option is picked only when its best similarity reaches ``option_similarity`` and leads the
runner-up by ``option_margin``. The guards of literal picks hold: a negated, doubted, asked
or listed clause counts for nothing; options that hold the same events in another order
("A then B" / "B then A") are told apart by the order the answer states them in.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from vstar_cli.verify.align import is_content, key
from vstar_cli.verify.choices import distinct_texts
from vstar_cli.verify.clauses import clauses, units
from vstar_cli.verify.param import Param
from vstar_cli.verify.pick import Pick
from vstar_cli.verify.semantic import doubted, listed
from vstar_cli.verify.text import is_negation, tokenize

OPTION_SIMILARITY = Param(
    "option_similarity",
    0.5,
    "simple with options: cosine similarity for an option stated in other words",
    minimum=-1,
    maximum=1,
)
OPTION_MARGIN = Param(
    "option_margin", 0.06, "simple with options: lead of that option over the runner-up", minimum=0, maximum=2
)


_BE = frozenset({"is", "are", "was", "were", "be", "being", "seems", "appears"})
_DETERMINERS = frozenset({"a", "an", "the", "this", "that", "his", "her", "their", "its", "one", "some", "two"})
_PRONOUNS = frozenset({"he", "she", "it", "they", "someone", "somebody", "we", "you"})


def _said_of(unit: str, option: str) -> str:
    """The option as a sentence about the unit's subject (its opening noun phrase or pronoun).

    >>> _said_of("The little squirrel nibbles on a nut.", "eating food")
    'The little squirrel is eating food'
    >>> _said_of("Eating food.", "eating food")
    'eating food'
    """
    words = unit.split()
    bare = [w.lower().strip(".,;:!?") for w in words[:6]]
    if not bare:
        return option
    if bare[0] in _PRONOUNS:
        n = 1
    elif bare[0] in _DETERMINERS:
        n = 1
        while n < len(bare) and not (bare[n] in _BE or n >= 2 and bare[n].endswith(("s", "ed", "ing"))):
            n += 1
        if n >= len(bare):
            return option
    else:
        return option
    first = option.split()[0].lower() if option.split() else ""
    return f"{' '.join(words[:n])} {'is ' if first.endswith('ing') else ''}{option}"


# A frame around the caption ("The video shows that ...", "In this clip, ...", "From the frames, ...",
# "We can see ..."): it says where the statement comes from, not what happens, and only dilutes it.
_FRAME_RE = re.compile(
    r"^\s{0,3}(?:(?:in|from|throughout|across|according\s+to)\s+(?:the|this|these)\s+"
    r"(?:video|clip|footage|frames?|scene|sequence|images?)\s{0,3},\s{0,3}"
    r"|(?:the|this)\s+(?:video|clip|footage|scene|sequence)\s+(?:clearly\s+)?(?:shows|depicts|features|captures|"
    r"presents|displays|illustrates|contains)\s+(?:that\s+|how\s+)?"
    r"|(?:we|you|one)\s+(?:can\s+)?(?:see|observe|notice)\s+(?:that\s+|how\s+)?"
    r"|it\s+(?:shows|depicts)\s+(?:that\s+)?)",
    re.I,
)
# Negations of a phrase, not of the clause's predicate: "she runs without moving forward" still
# states that she runs; "instead, he cleans the greens" states that he cleans them.
_PHRASE_NEGATORS = frozenset({"without", "instead", "unlike"})


# A statement about the video itself, not what happens in it ("The clip is short and filmed from a
# fixed camera.", "The lighting is natural.", "Overall, a short everyday clip.").
_META_RE = re.compile(
    r"^\s{0,3}(?:overall,?\s{1,3}|in\s+short,?\s{1,3})?(?:(?:the|this|a|an|it\s+is\s+a)\s+)?(?:[a-z-]+\s+){0,3}?"
    r"(?:video|clip|footage|camera|lighting|recording|shot|frames?|image\s+quality|background\s+music)\b"
    r"(?!\s+(?:of|where|in\s+which)\b)",
    re.I,
)


def _unframed(unit: str) -> str:
    """The unit without a frame that only says where it comes from.

    >>> _unframed("From the frames, she jogs on a machine.")
    'she jogs on a machine.'
    >>> _unframed("The video shows that a man kneads dough.")
    'a man kneads dough.'
    """
    for _ in range(2):  # "In this video, we can see ..."
        m = _FRAME_RE.match(unit)
        if m is None or m.end() >= len(unit.rstrip()):
            break
        unit = unit[m.end() :]
    return unit


def _negated(text: str) -> bool:
    """Whether the text's predicate is negated (a negated phrase inside it does not count)."""
    return any(is_negation(t) and t.text not in _PHRASE_NEGATORS for t in tokenize(text))


def _keys(text: str) -> frozenset[str]:
    return frozenset(key(t.text) for t in tokenize(text) if is_content(t))


_PARTS_RE = re.compile(r",\s{0,3}|\s{1,3}and\s{1,3}")


def _order_fit(said: list[str], option: str, embedder: Any) -> float | None:
    """How well the answer's clauses, in their order, carry the option's events in the option's
    order: the best sum of similarities over assignments of events to strictly later clauses
    (``None``: one event only, or fewer clauses than events)."""
    events = clauses(option)
    if len(events) < 2 or len(said) < len(events):
        return None
    sim = embedder.encode(events) @ embedder.encode(said).T
    ne, ns = sim.shape
    neg = float("-inf")
    best = [float(sim[0, j]) for j in range(ns)]  # best[j]: events 0..e placed, event e at clause j
    for e in range(1, ne):
        run, nxt = neg, [neg] * ns
        for j in range(ns):
            nxt[j] = run + float(sim[e, j]) if run > neg else neg
            run = max(run, best[j])
        best = nxt
    total = max(best)
    return None if total == neg else total / ne


# How much of the similarity threshold a lead over the runner-up (beyond the margin) can make up.
_LEAD_CREDIT = 0.08

# Two orders of the same events are told apart when one fits the answer's order better by this much
# (mean similarity per event): below it the answer's clauses do not settle the order.
_ORDER_LEAD = 0.03


def _said(answer: str) -> list[str]:
    """The answer's sentences and clauses that state something about what happens, without doubt
    (remembered for a batch of records: the batched prefetch and the check both read them)."""
    if len(answer) > 20_000:
        return list(_said_uncached(answer))
    return list(_said_cached(answer))


def _said_uncached(answer: str) -> tuple[str, ...]:
    toks = tokenize(answer)
    us = [_unframed(u) for u in units(answer, ordered=False) if u.strip()]
    us = [u for u in us if not _META_RE.match(u)] or us
    return tuple(
        u for u in us if not u.rstrip().endswith("?") and doubted(u) is None and listed(answer, toks, u) is None
    )


_said_cached = lru_cache(maxsize=512)(_said_uncached)


def _order_parts(answer: str) -> list[str]:
    return [_unframed(p) for c in units(answer, ordered=True) for p in _PARTS_RE.split(c) if p.strip()][:64]


def meaning_texts(answer: str, options: list[str]) -> list[str]:
    """Every text :func:`pick_by_meaning` embeds for this answer and these options (for a batched prefetch).

    Each option is said of each clause's own subject ("the squirrel" + "eating food" -> "the
    squirrel is eating food"): a short option phrase embeds far from any full sentence otherwise.

    >>> meaning_texts("The squirrel nibbles a nut.", ["A. eating food", "B. sleeping"])
    ['The squirrel nibbles a nut.', 'The squirrel is eating food', 'The squirrel is sleeping']
    """
    texts = distinct_texts(options)
    said = _said(answer)
    if not said or not any(t.strip() for t in texts):
        return []
    out = said + [_said_of(u, t) for u in said for t in texts]
    keys = [_keys(t) for t in texts]
    ordered = [t for i, t in enumerate(texts) if keys.count(keys[i]) > 1]
    if ordered:  # options with the same events in another order: their events and the answer's parts
        out += _order_parts(answer) + [e for t in ordered for e in clauses(t)]
    return list(dict.fromkeys(out))


def pick_by_meaning(answer: str, options: list[str], embedder: Any, ctx: Any = None) -> tuple[Pick | None, str]:
    """The option the answer states in other words, or ``None``; and why.

    ``embedder`` has ``encode(texts) -> (n, d)`` unit vectors; thresholds come from ``ctx``.
    """
    threshold, margin = OPTION_SIMILARITY.value(ctx), OPTION_MARGIN.value(ctx)
    texts = distinct_texts(options)
    said = _said(answer)
    if not said or not any(t.strip() for t in texts):
        return None, "no option picked (nothing stated without doubt)"
    hyps = [[_said_of(u, t) for t in texts] for u in said]
    vecs = embedder.encode(said)
    hv = embedder.encode([h for row in hyps for h in row]).reshape(len(said), len(texts), -1)
    sim = (hv * vecs[:, None, :]).sum(-1).T
    upol = [_negated(u) for u in said]
    scores = []
    for i, t in enumerate(texts):
        tp = _negated(t)
        ok = [float(sim[i, j]) for j in range(len(said)) if upol[j] == tp]
        scores.append(max(ok) if ok else -1.0)
    order = sorted(range(len(texts)), key=lambda i: -scores[i])
    best = order[0]
    # Options with the same events in another order: the order the answer states decides.
    same = [i for i in order if _keys(texts[i]) == _keys(texts[best])]
    if len(same) > 1:
        parts = _order_parts(answer)
        fit = {i: _order_fit(parts, texts[i], embedder) for i in same}
        ranked = sorted((f, i) for i, f in fit.items() if f is not None)
        if not ranked or (len(ranked) > 1 and ranked[-1][0] - ranked[-2][0] < _ORDER_LEAD):
            return None, "no option picked (options differ in order, which the answer does not settle)"
        best = ranked[-1][1]
        order = [best] + [i for i in order if i not in same]
    runner = max((scores[i] for i in order if i != best), default=-1.0)
    lead = scores[best] - runner
    if lead < margin:
        return None, f"no option picked (two options close in meaning: {scores[best]:.2f} and {runner:.2f})"
    # A clear lead makes up for a little similarity: a caption in its own words embeds lower than a
    # restatement, but far closer to one option than to the others is still a pick.
    need = threshold - min(lead - margin, _LEAD_CREDIT)
    if scores[best] < need:
        return None, f"no option picked (closest in meaning {scores[best]:.2f} < {need:.2f})"
    return Pick(best, f"option stated in other words (similarity {scores[best]:.2f}, next {runner:.2f})", (0, 0)), ""
