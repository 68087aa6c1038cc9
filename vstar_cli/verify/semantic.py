"""Embedding-based checks: ``sentence``, ``sentence_sequence``, ``classifier``,
``classifier_sequence``, and ``llm`` (a local judge model, or the embedding check without one).

The answer is cut into units (:mod:`vstar_cli.verify.clauses`: sentences, and clauses at ";",
"then", "after that", ...) and embedded (:mod:`vstar_cli.verify.embedder`). A
gold sentence is matched by a unit whose cosine similarity reaches the kind's threshold and
whose polarity agrees with it: "he is not jumping" does not match "he jumps", though the two
embed close together. Sequences must be matched in order.
"""

from __future__ import annotations

import logging
from typing import Any

from vstar_cli.verify.align import ANTONYMS, LIGHT_VERBS, ROLE_WORDS, conflict, is_content, key, lemma, part_of_speech
from vstar_cli.verify.clauses import MAX_WORDS, gold_items, sentences, units
from vstar_cli.verify.embedder import Embedder
from vstar_cli.verify.mentions import assert_class, enumerated
from vstar_cli.verify.numerals import UNITS
from vstar_cli.verify.param import Param
from vstar_cli.verify.text import doubt as hedge_doubt
from vstar_cli.verify.text import is_negation, normalize, tokenize
from vstar_cli.verify.verdict import CannotJudge, Verdict
from vstar_cli.verify.window import bounded, clip

# --- parameters (each becomes a VerifyConfig field, a YAML key and a flag) ---------------------

SENTENCE_THRESHOLD = Param("sentence_threshold", 0.6, "sentence: cosine similarity", minimum=-1, maximum=1)
SENTENCE_SEQUENCE_THRESHOLD = Param(
    "sentence_sequence_threshold",
    0.4,
    "sentence_sequence: cosine similarity per step",
    flag="--sequence-threshold",
    minimum=-1,
    maximum=1,
)
CLASSIFIER_THRESHOLD = Param("classifier_threshold", 0.6, "classifier: cosine similarity", minimum=-1, maximum=1)
CLASSIFIER_SEQUENCE_THRESHOLD = Param(
    "classifier_sequence_threshold", 0.4, "classifier_sequence: cosine similarity per step", minimum=-1, maximum=1
)
LLM_THRESHOLD = Param("llm_threshold", 0.4, "llm without a judge: cosine similarity per step", minimum=-1, maximum=1)

NUMBER_WORDS = {**UNITS["ones"], **UNITS["tens"]}
# Stopwords for class names, but who acts matters in a sentence ("a man" is not "a woman").
_PERSON_NOUNS = frozenset({"man", "woman", "men", "women", "person", "people"})

_SEX = {"man": "m", "men": "m", "woman": "f", "women": "f"}

log = logging.getLogger("vstar.verify")


def doubted(unit: str) -> str | None:
    """Why a unit is stated with doubt ("it might be X", "it is unclear what ..."), if it is."""
    toks = tokenize(unit)
    return hedge_doubt(toks, 0, len(toks), 0, len(toks))


def listed(answer: str, toks: list, unit: str) -> str | None:
    """Why a unit is one candidate of a list the answer gives ("a man dribbling a basketball,
    dunking a basketball, and passing a basketball"), if it is."""
    span = _locate(answer, unit)
    if span is None or len(normalize(answer)) != len(answer):
        return None
    inside = [k for k, t in enumerate(toks) if t.start >= span[0] and t.end <= span[1]]
    if not inside:
        return None
    s, e = inside[0], inside[-1] + 1
    if e - s > 12:
        return None  # a long unit is a statement, not a list item
    keys = [key(t.text) for t in toks]
    return enumerated(toks, s, e, e - s, keys, toks[s].text)


def polarity(text: str) -> bool:
    """True when the text is negated ("he does not jump")."""
    return any(is_negation(t) for t in tokenize(text))


def _content_keys(text: str) -> tuple[list[str], list[str]]:
    """Content words of a text as comparison keys (number words as digits), and the words."""
    keys, words = [], []
    for t in tokenize(text)[: 4 * MAX_WORDS]:
        if not (is_content(t) or t.text in _PERSON_NOUNS) or t.text in ROLE_WORDS:
            continue
        w = t.text
        if w in NUMBER_WORDS:
            keys.append(str(NUMBER_WORDS[w]))
        elif lemma(w) not in LIGHT_VERBS:
            keys.append(key(w))
        else:
            continue
        words.append(w)
    return keys, words


def word_conflict(gold: str, unit: str, embedder: Embedder | None, synonym_sim: float = 0.65) -> str | None:
    """Why a unit that embeds close to a gold sentence still states something else, if it does.

    When the unit lacks a gold content word (at most half of them), each such word is aligned,
    in order, with the unit words in its place; a substitute that is an opposite, another
    colour, direction or number, or a word of the same part of speech that is not a synonym
    (same lemma group, or word embeddings at least ``synonym_sim`` alike) makes a different
    statement: "threw the blanket" is not "folded the blanket".

    >>> word_conflict("he folds the blanket", "he throws the blanket", None)
    "'fold' differs from 'throw'"
    >>> word_conflict("he takes the towel", "he took a towel", None) is None
    True
    """
    # An order-bearing word of the gold ("towards", "up", "faster") whose opposite the unit says
    # instead ("away", "down", "slower"): even role words count here.
    gpol = {key(t.text) for t in tokenize(gold)[: 4 * MAX_WORDS] if key(t.text) in ANTONYMS}
    upol = {key(t.text) for t in tokenize(unit)[: 4 * MAX_WORDS] if key(t.text) in ANTONYMS}
    for g in sorted(gpol - upol):
        opp = sorted(ANTONYMS[g] & (upol - gpol))
        if opp:
            return f"{g!r} vs {opp[0]!r}: opposites"
    (gk, gw), (uk, uw) = _content_keys(gold), _content_keys(unit)
    if len(gk) == 1 and len(uk) == 1:
        # One word against one word ("Forward" / "Back"): a guarded class must agree.
        why = conflict(gk[0], uk[0])
        return f"{lemma(gw[0])!r} vs {lemma(uw[0])!r}: {why}" if why else None
    if len(gk) < 2 or not uk:
        return None
    # "a man" is not "a woman" (a pronoun or "person" stands in for either).
    gsex, usex = {_SEX.get(w) for w in gw} - {None}, {_SEX.get(w) for w in uw} - {None}
    if len(gsex) == 1 and len(usex) == 1 and gsex != usex:
        return f"{next(w for w in gw if w in _SEX)!r} vs {next(w for w in uw if w in _SEX)!r}: another person"
    uset, gset = set(uk), set(gk)
    # A person named in the gold but a pronoun in the unit ("the man" / "he") is not a missing word.
    missing = sum(1 for g, w in zip(gk, gw, strict=True) if g not in uset and w not in _PERSON_NOUNS)
    # A word or two differ: when more are missing the unit is a paraphrase, which the embedding judges.
    if missing == 0 or missing > max(1, len(gk) // 2):
        return None
    # In-order positions of the gold words the unit holds.
    pos: list[int | None] = []
    p = -1
    for g in gk:
        nxt = next((j for j in range(p + 1, len(uk)) if uk[j] == g), None)
        if nxt is None and g in uset:
            nxt = uk.index(g)
        pos.append(nxt)
        if nxt is not None and nxt > p:
            p = nxt
    for i, g in enumerate(gk):
        if pos[i] is not None or gw[i] in _PERSON_NOUNS and not any(w in _PERSON_NOUNS for w in uw):
            continue
        lo = next((pos[k] for k in range(i - 1, -1, -1) if pos[k] is not None), -1)
        hi = next((pos[k] for k in range(i + 1, len(gk)) if pos[k] is not None), len(uk))
        if hi <= lo:
            continue
        span = [(u, w) for u, w in zip(uk[lo + 1 : hi], uw[lo + 1 : hi], strict=True) if u not in gset]
        gword = lemma(gw[i])
        for u, w in span:
            why = conflict(g, u)
            if why:
                return f"{gword!r} vs {lemma(w)!r}: {why}"
        # Only a word of the same part of speech stands in for a gold word.
        gpos = part_of_speech(gw[i])
        gap = [(u, lemma(w)) for u, w in span if part_of_speech(w) & gpos]
        if not gap:
            continue
        if g.isdigit() or any(u.isdigit() for u, _ in gap):
            return f"{gword!r} differs from {gap[0][1]!r}"
        if embedder is not None:
            vecs = embedder.encode([gword] + [w for _, w in gap])
            if float((vecs[1:] @ vecs[0]).max()) >= synonym_sim:
                continue
        return f"{gword!r} differs from {gap[0][1]!r}"
    return None


def needed_texts(answer: str, label: Any, kind: str) -> list[str]:
    """Every text a semantic check of this answer will embed (for batched prefetch)."""
    try:
        golds = gold_items(label)
    except CannotJudge:
        golds = []
    return units(clip(answer)[0], ordered=kind.endswith("sequence") or kind == "llm") + golds


def _questions(answer: str, us: list[str]) -> list[bool]:
    """Which units only ask ("He jumps? No, ..."): units of a sentence that ends with "?"."""
    qs = [s for s in sentences(answer) if s.rstrip().endswith("?")]
    if not qs:
        return [False] * len(us)
    return [u.rstrip().endswith("?") or any(u in q for q in qs) for u in us]


def _locate(answer: str, unit: str) -> tuple[int, int] | None:
    """Where a unit's text (whitespace collapsed) starts and ends in the answer, when found verbatim."""
    words = unit.split()
    if not words:
        return None
    a = answer.find(words[0])
    if a < 0:
        return None
    b = answer.find(words[-1], a)
    return (a, b + len(words[-1])) if b >= 0 else None


def _cover(spans: list[tuple[int, int] | None]) -> tuple[int, int] | None:
    known = [s for s in spans if s is not None]
    return (min(s[0] for s in known), max(s[1] for s in known)) if known else None


def match_unordered(answer: str, golds: list[str], embedder: Embedder, threshold: float) -> Verdict:
    """Every gold sentence is matched by some unit of the answer with the same polarity."""
    us = units(answer, ordered=False)
    sim = embedder.encode(golds) @ embedder.encode(us).T
    upol = [polarity(u) for u in us]
    asked = _questions(answer, us)
    toks = tokenize(answer)
    inner_of: dict[int, list[int]] = {}
    found: list[str] = []
    spans: list[tuple[int, int] | None] = []
    for i, g in enumerate(golds):
        gp = polarity(g)
        best_j, clash = None, None
        for j in sorted(range(len(us)), key=lambda j: -sim[i, j]):
            if sim[i, j] < threshold:
                break
            if upol[j] != gp or asked[j]:
                continue
            why = word_conflict(g, us[j], embedder) or doubted(us[j]) or listed(answer, toks, us[j])
            # A sentence whose clause closest to the gold is one item of a list names candidates.
            if j not in inner_of:  # computed once per unit, not per gold sentence
                inner_of[j] = [k for k in range(len(us)) if k != j and len(us[k]) < len(us[j]) and us[k] in us[j]]
            inner = inner_of[j]
            if not why and inner:
                why = listed(answer, toks, us[max(inner, key=lambda k: sim[i, k])])
            if why:
                clash = clash or (us[j], why)
                continue
            best_j = j
            break
        if best_j is None and clash is None:
            # Embeddings miss light paraphrases of short labels ("rides his bicycle" for "riding a
            # bike"): the label's content words aligned in order, with the rule checks' guards
            # (negation, doubt, lists, roles, opposites), state it too.
            v = assert_class(answer, g)
            if v.ok and polarity(str(v.extracted)) == polarity(g):  # "the boy does not throw ..."
                found.append(str(v.extracted))
                spans.append(v.span)
                continue
        if best_j is None:
            closest = max(range(len(us)), key=lambda j: sim[i, j])
            why = f"{g!r} not stated (best similarity {float(sim[i, closest]):.2f} < {threshold})"
            if clash is not None:
                why = f"{g!r} is not what {clash[0]!r} says ({clash[1]})"
            elif sim[i, closest] >= threshold and upol[closest] != gp:
                why = f"{g!r} is contradicted by {us[closest]!r} (negation)"
            return Verdict(False, found or None, why, _locate(answer, us[closest]))
        found.append(us[best_j])
        spans.append(_locate(answer, us[best_j]))
    return Verdict(
        True, found if len(found) > 1 else found[0], f"every gold sentence matched (>= {threshold})", _cover(spans)
    )


def match_ordered(answer: str, golds: list[str], embedder: Embedder, threshold: float, margin: float = 0.05) -> Verdict:
    """Gold steps are matched by answer clauses in the same order (a clause may hold consecutive steps).

    A clause matches a step only when that step is (nearly) the closest gold step to it, so
    "the red ball falls" cannot stand in for "the blue ball falls" when both are steps.
    """
    us = units(answer, ordered=True)
    sim = embedder.encode(golds) @ embedder.encode(us).T
    upol = [polarity(u) for u in us]
    gpol = [polarity(g) for g in golds]
    asked = _questions(answer, us)
    best_step = sim.max(axis=0)
    pos, found = 0, []
    rule: dict[tuple[int, int], bool] = {}

    def stated(i: int, j: int) -> bool:
        if (i, j) not in rule:
            rule[(i, j)] = assert_class(us[j], golds[i]).ok and doubted(us[j]) is None
        return rule[(i, j)]

    def eligible(i: int, j: int) -> bool:
        if upol[j] == gpol[i] and not asked[j] and stated(i, j):
            return True  # the step's words, aligned in order ("a forward takeoff" for "Forward")
        s = sim[i, j]
        return bool(
            s >= threshold
            and upol[j] == gpol[i]
            and not asked[j]
            and (s >= best_step[j] - margin or s >= 0.8)
            and word_conflict(golds[i], us[j], embedder) is None
            and doubted(us[j]) is None
        )

    for i, g in enumerate(golds):
        chosen = next((j for j in range(pos, len(us)) if eligible(i, j)), None)
        if chosen is None:
            anywhere = [j for j in range(len(us)) if eligible(i, j)]
            if anywhere:
                return Verdict(False, found or None, f"step {i + 1} {g!r} is out of order")
            return Verdict(False, found or None, f"step {i + 1} {g!r} is missing")
        found.append(us[chosen])
        pos = chosen
    spans = [_locate(answer, u) for u in found]
    return Verdict(True, found, f"all {len(golds)} steps matched in order (>= {threshold})", _cover(spans))


@bounded
def verify_sentence(answer: str, label: Any, record: dict, cfg: Any) -> Verdict:
    """``sentence``: each gold sentence is stated somewhere in the answer (embedding similarity, default 0.6)."""
    return match_unordered(answer, gold_items(label), cfg.embedder, SENTENCE_THRESHOLD.value(cfg))


@bounded
def verify_sentence_sequence(answer: str, label: Any, record: dict, cfg: Any) -> Verdict:
    """``sentence_sequence``: every gold step is stated, in order (similarity default 0.5)."""
    return match_ordered(answer, gold_items(label), cfg.embedder, SENTENCE_SEQUENCE_THRESHOLD.value(cfg))


@bounded
def verify_classifier(answer: str, label: Any, record: dict, cfg: Any) -> Verdict:
    """``classifier``: each gold class description is stated by some clause (similarity default 0.6)."""
    return match_unordered(answer, gold_items(label), cfg.embedder, CLASSIFIER_THRESHOLD.value(cfg))


@bounded
def verify_classifier_sequence(answer: str, label: Any, record: dict, cfg: Any) -> Verdict:
    """``classifier_sequence``: the gold classes are stated clause by clause, in order (default 0.5)."""
    return match_ordered(answer, gold_items(label), cfg.embedder, CLASSIFIER_SEQUENCE_THRESHOLD.value(cfg))


@bounded
def verify_llm(answer: str, label: Any, record: dict, cfg: Any) -> Verdict:
    """``llm``: a local judge model decides (``--judge``); without one, the ordered embedding check."""
    judge = cfg.judge
    golds = gold_items(label)
    if judge is None:
        if len(golds) > 1:
            v = match_ordered(answer, golds, cfg.embedder, LLM_THRESHOLD.value(cfg))
        else:
            v = match_unordered(answer, golds, cfg.embedder, SENTENCE_THRESHOLD.value(cfg))
        return Verdict(v.ok, v.extracted, v.reason + " [no --judge: embedding check]")
    ok, words = judge(answer, " -> ".join(golds))
    return Verdict(ok, words, f"judge said {words!r}")
