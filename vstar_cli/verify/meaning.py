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
from typing import Any

from vstar_cli.verify.align import is_content, key
from vstar_cli.verify.choices import distinct_texts
from vstar_cli.verify.clauses import clauses, units
from vstar_cli.verify.param import Param
from vstar_cli.verify.pick import Pick
from vstar_cli.verify.semantic import doubted, listed, polarity
from vstar_cli.verify.text import tokenize

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


def _keys(text: str) -> frozenset[str]:
    return frozenset(key(t.text) for t in tokenize(text) if is_content(t))


_PARTS_RE = re.compile(r",\s{0,3}|\s{1,3}and\s{1,3}")


def _order_ok(answer: str, option: str, embedder: Any) -> bool | None:
    """Whether the answer states the option's events in the option's order (``None``: one event only)."""
    events = clauses(option)
    said = [p for c in units(answer, ordered=True) for p in _PARTS_RE.split(c) if p.strip()][:64]
    if len(events) < 2 or len(said) < 2:
        return None
    sim = embedder.encode(events) @ embedder.encode(said).T
    where = [int(row.argmax()) for row in sim]
    return all(a < b for a, b in zip(where, where[1:], strict=False))


def pick_by_meaning(answer: str, options: list[str], embedder: Any, ctx: Any = None) -> tuple[Pick | None, str]:
    """The option the answer states in other words, or ``None``; and why.

    ``embedder`` has ``encode(texts) -> (n, d)`` unit vectors; thresholds come from ``ctx``.
    """
    threshold, margin = OPTION_SIMILARITY.value(ctx), OPTION_MARGIN.value(ctx)
    texts = distinct_texts(options)
    toks = tokenize(answer)
    us = [u for u in units(answer, ordered=False) if u.strip()]
    said = [u for u in us if not u.rstrip().endswith("?") and doubted(u) is None and listed(answer, toks, u) is None]
    if not said or not any(t.strip() for t in texts):
        return None, "no option picked (nothing stated without doubt)"
    # Each option said of the clause's own subject ("the squirrel" + "eating food" -> "the squirrel is
    # eating food"): a short option phrase embeds far from any full sentence otherwise.
    hyps = [[_said_of(u, t) for t in texts] for u in said]
    vecs = embedder.encode(said)
    hv = embedder.encode([h for row in hyps for h in row]).reshape(len(said), len(texts), -1)
    sim = (hv * vecs[:, None, :]).sum(-1).T
    upol = [polarity(u) for u in said]
    scores = []
    for i, t in enumerate(texts):
        tp = polarity(t)
        ok = [float(sim[i, j]) for j in range(len(said)) if upol[j] == tp]
        scores.append(max(ok) if ok else -1.0)
    order = sorted(range(len(texts)), key=lambda i: -scores[i])
    best = order[0]
    # Options with the same events in another order: the order the answer states decides.
    same = [i for i in order if _keys(texts[i]) == _keys(texts[best])]
    if len(same) > 1:
        fits = [i for i in same if _order_ok(answer, texts[i], embedder)]
        if len(fits) != 1:
            return None, "no option picked (options differ in order, which the answer does not settle)"
        best = fits[0]
        order = [best] + [i for i in order if i not in same]
    runner = max((scores[i] for i in order if i != best), default=-1.0)
    if scores[best] < threshold:
        return None, f"no option picked (closest in meaning {scores[best]:.2f} < {threshold})"
    if scores[best] - runner < margin:
        return None, f"no option picked (two options close in meaning: {scores[best]:.2f} and {runner:.2f})"
    return Pick(best, f"option stated in other words (similarity {scores[best]:.2f}, next {runner:.2f})", (0, 0)), ""
