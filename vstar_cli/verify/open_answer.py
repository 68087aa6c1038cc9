"""``open_answer``: an open-ended answer judged against a gold sentence that answers the record's question.

A gold such as "No, the man does not throw the cup; he puts it on the left side of the table"
holds three parts: a *decision* (here "no"), a *core claim* (the clause that answers the
question) and an *explanation* (the rest). An answer is accepted when

1. its decision agrees with the gold's: the leading yes/no (or, without one, what the answer
   states or denies of the question) for a yes/no question; the number for "how many"; the
   words the question asks for ("a red cup" for "What is he holding?", "from left to right" for
   "Which direction ...?", the person for "Who ...?"), found with the class-label matcher's
   guards (negation, hedges, candidate lists, roles, opposites); for "Why ...?" the reason after
   "because", by meaning; and, when the gold denies something ("She does not sit down at all"),
   a denial of the same predicate;
2. when no such decision can be read, the answer states the core claim by meaning (sentence
   embeddings, with the ``sentence`` kind's polarity and word guards);
3. nothing in it contradicts the gold, core or explanation: a clause that asserts what a gold
   clause denies (or denies what it asserts) about the same predicate, or that shares the gold
   clause's words but swaps one of its guarded words (a colour, a number, a direction, an
   opposite, a man for a woman: "the right side" for "the left side"), or, with the embedder,
   replaces a thing by an unrelated one ("from the table" for "from the floor");
4. with options (the record's ``choices``, or options its question lists) the gold is one of
   them, and the option the answer picks decides, as for ``simple``;
5. it neither declines to answer ("I cannot determine ...") nor states its decision with doubt.

The explanation need not be restated. No entailment model ships its weights in a wheel, so
this is built from the verifier's own components (lemma alignment in order, role and antonym
guards, negation scope, hedges, candidate lists, embeddings as a fallback); the rule path
needs no embedding, which keeps long answers fast.
"""

from __future__ import annotations

import functools
from typing import Any

from vstar_cli.verify.align import is_content, key
from vstar_cli.verify.choices import record_options
from vstar_cli.verify.classes import _gold_option
from vstar_cli.verify.mentions import assert_class, label_words
from vstar_cli.verify.open_contradiction import _guarded, _swapped, contradiction
from vstar_cli.verify.open_reading import (
    _HOW_MANY_RE,
    _PERSONS,
    _REASON_RE,
    _TIMES,
    Answer,
    Gold,
    _denied_at,
    _keys,
    _number_words,
    _question_keys,
    answer_decision,
    read_answer,
    read_gold,
)
from vstar_cli.verify.param import Param
from vstar_cli.verify.pick import chosen
from vstar_cli.verify.semantic import doubted, polarity, word_conflict
from vstar_cli.verify.text import UNCERTAINTY_CUES, hedged, negated_before, normalize, tokenize
from vstar_cli.verify.verdict import Verdict
from vstar_cli.verify.window import bounded

OPEN_ANSWER_THRESHOLD = Param(
    "open_answer_threshold",
    0.6,
    "open_answer: cosine similarity when the answer gives no decision to read",
    minimum=-1,
    maximum=1,
)


@functools.cache
def _person_keys() -> frozenset[str]:
    """The lemma keys of person words (built on first use: the lemmatizer loads then, not at import)."""
    return frozenset(key(w) for w in _PERSONS)


_MAX_CANDIDATES = 6  # answer clauses embedded when the core claim must be found by meaning
_DOUBT_WORDS = frozenset(UNCERTAINTY_CUES | {"probably", "likely", "seemingly", "presumably", "guess"}) - {"either"}


def _doubtful(text: str) -> str | None:
    toks = tokenize(text)
    for i, t in enumerate(toks):
        if t.text in _DOUBT_WORDS:
            return f"the answer states its decision with doubt ({t.text!r})"
        if t.text == "not" and i + 1 < len(toks) and toks[i + 1].text in {"sure", "certain"}:
            return "the answer states its decision with doubt ('not sure')"
    return None


def _number_said(ans: Answer, question: str) -> tuple[float | None, str]:
    """The number the answer gives for "how many": the last one that counts the question's noun."""
    text = normalize(ans.kept)
    nums = _number_words(text)
    if not nums:
        return None, "no number in the answer"
    hm = _HOW_MANY_RE.search(question)
    noun = (hm.group(1) or "") if hm else ""
    nkey = key(noun) if noun else None
    toks = tokenize(text)
    starts = {t.start: i for i, t in enumerate(toks)}
    counting = []
    for value, s, e in nums:
        i = starts.get(s)
        if i is None:
            continue
        j = i + 1
        while j < len(toks) and toks[j].end <= e:
            j += 1
        after = [key(t.text) for t in toks[j : j + 3] if t.is_word]
        if text[s:e] in _TIMES or (nkey and nkey in after) or not nkey:
            counting.append((value, i, j))
    pool = counting or [(v, starts.get(s, 0), starts.get(s, 0) + 1) for v, s, _ in nums]
    for value, i, j in reversed(pool):
        if negated_before(toks, i, window=2):
            continue
        why = hedged(toks, i, j)
        if why:
            return None, why
        return value, "number stated"
    return None, "every number in the answer is denied"


def _states_denial(gold: Gold, ans: Answer) -> bool:
    for utoks in ans.unit_tokens:
        for i, t in enumerate(utoks):
            if (is_content(t) or t.text in _PERSONS) and key(t.text) == gold.denied:
                if _denied_at(utoks, i):
                    return True
    return any(t.text == "nowhere" for toks in ans.unit_tokens for t in toks[:2])


def _by_meaning(ans: Answer, gold: Gold, cfg: Any, qkeys: frozenset[str] = frozenset()) -> Verdict:
    """The core claim stated in other words: an answer clause that shares a word with it, embeds
    close to it (``open_answer_threshold``), has its polarity, and swaps none of its words for
    another of the same kind ("threw" for "folded"), nor states it with doubt."""
    clash = contradiction(gold, ans, getattr(cfg, "embedder", None))
    if clash:  # decided by the rules, before any embedding
        return Verdict(False, None, f"contradicts the gold: {clash}")
    core_toks = tokenize(gold.core)
    # A clause that answers must share a word with the part of the core that answers the question
    # (for a yes/no question, with the core): "He puts it in his pocket" shares only the question's words.
    core_keys = {k for k in _keys(gold.core, core_toks) if gold.who or k not in _person_keys()} - qkeys
    gneg = polarity(gold.core)
    units = list(zip(ans.units, ans.unit_keys, strict=True))
    if gold.reason:  # "she laughs since he drops a cup": the reason given, on its own
        tails = [m.group(1).strip(" .") for u, _ in units if (m := _REASON_RE.search(u))]
        units += [(t, _keys(t)) for t in tails]
    scored, why = [], None
    for i, (unit, ukeys) in enumerate(units):
        overlap = len(core_keys & set(ukeys))
        if not overlap:
            continue
        why = ("negation differs" if polarity(unit) != gneg else None) or doubted(unit)
        if why is None:
            scored.append((-overlap, i))
    if not scored:
        if why:
            return Verdict(False, None, f"the core claim {gold.core!r} is not what the answer says ({why})")
        return Verdict(False, None, f"the core claim {gold.core!r} is not stated")
    cands = [units[i][0] for _, i in sorted(scored)[:_MAX_CANDIDATES]]
    embedder = getattr(cfg, "embedder", None)
    if embedder is None:
        return Verdict(False, None, f"the core claim {gold.core!r} is not stated (no embedder)")
    threshold = float(getattr(cfg, "open_answer_threshold", 0.6))
    vecs = embedder.encode([gold.core] + cands)
    sims = vecs[1:] @ vecs[0]
    best, why = float(sims.max()), None
    for j in sorted(range(len(cands)), key=lambda j: -sims[j]):
        if sims[j] < threshold:
            break
        unit = cands[j]
        swap = _swapped(_keys(gold.core, core_toks), _keys(unit))
        why = (f"{unit!r} says {swap}" if swap else None) or word_conflict(gold.core, unit, embedder)
        if why is None:
            return Verdict(True, unit, f"states the core claim by meaning ({float(sims[j]):.2f} >= {threshold})")
    if why:
        return Verdict(False, None, f"the core claim {gold.core!r} is not what the answer says ({why})")
    return Verdict(
        False, None, f"the core claim {gold.core!r} is not stated (best similarity {best:.2f} < {threshold})"
    )


def _finish(v: Verdict, gold: Gold, ans: Answer, cfg: Any = None) -> Verdict:
    if not v.ok:
        return v
    why = contradiction(gold, ans, getattr(cfg, "embedder", None))
    if why:
        return Verdict(False, v.extracted, f"contradicts the gold: {why}", v.span)
    return v


@bounded
def verify_open_answer(answer: str, label: Any, record: dict, cfg: Any = None) -> Verdict:
    """``open_answer``: the answer gives the gold's decision and states (or entails) its core claim
    without contradicting the gold; the gold's explanation need not be restated.

    >>> q = {"question": "Does the man throw the cup?"}
    >>> gold = "No, the man does not throw the cup; he puts it on the left side of the table."
    >>> verify_open_answer("No, he doesn't.", gold, q).ok
    True
    >>> verify_open_answer("No, he puts it on the right side of the table.", gold, q).ok
    False
    >>> verify_open_answer("I cannot determine whether he throws it.", gold, q).ok
    False
    """
    question = str(record.get("question") or "") if isinstance(record, dict) else ""
    gold = read_gold(label, question)
    ans = read_answer(answer)
    if not ans.kept.strip():
        if ans.declined:
            return Verdict(False, None, "the answer declines to answer")
        return Verdict(False, None, "empty answer")

    options = record_options(record) if isinstance(record, dict) else []
    if options:  # the gold is one of the record's options: the option the answer picks decides
        gi = _gold_option(gold.text, options)
        pick = chosen(ans.kept, options) if gi is not None else None
        if pick is not None:
            ok = pick.index == gi
            return Verdict(ok, options[pick.index], f"{pick.how}: {'the gold option' if ok else 'another option'}")

    if gold.decision is not None:  # a yes/no question
        said, how, clause = answer_decision(ans, question)
        if said is None:
            return _finish(_by_meaning(ans, gold, cfg), gold, ans, cfg)
        word = "yes" if said else "no"
        if said != gold.decision:
            return Verdict(False, word, f"decision differs ({how}: {word})")
        doubt = _doubtful(clause)
        if doubt:
            return Verdict(False, word, doubt)
        return _finish(Verdict(True, word, f"decision matches ({how}: {word})"), gold, ans, cfg)

    if gold.number is not None:  # how many
        value, why = _number_said(ans, question)
        if value is None:
            if why == "no number in the answer":
                return _finish(_by_meaning(ans, gold, cfg), gold, ans, cfg)
            return Verdict(False, None, why)
        ok = abs(value - gold.number) <= 1e-6 * max(1.0, abs(gold.number))
        v = Verdict(ok, value, f"{why}: {value:g} {'equals' if ok else 'differs from'} {gold.number:g}")
        return _finish(v, gold, ans, cfg)

    if gold.denied is not None:  # "She does not sit down at all"
        if _states_denial(gold, ans):
            return _finish(Verdict(True, None, "denies what the gold denies"), gold, ans, cfg)
        return _finish(_by_meaning(ans, gold, cfg), gold, ans, cfg)

    if gold.slot:
        v = assert_class(ans.kept, gold.slot)
        if v.ok:
            return _finish(Verdict(True, v.extracted, f"states {gold.slot!r}", v.span), gold, ans, cfg)
        if v.extracted is not None:
            return Verdict(False, v.extracted, f"{gold.slot!r}: {v.reason}", v.span)
        # The slot's words in other roles ("from right to left" for "from left to right").
        words = [key(t.text) for t in label_words(gold.slot)]
        if len(words) >= 2 and all(_guarded(w) for w in words):
            for unit, utoks in zip(ans.units, ans.unit_tokens, strict=True):
                if set(words) <= {key(t.text) for t in utoks}:
                    return Verdict(False, unit, f"{unit!r} holds the words of {gold.slot!r} in other roles")
    return _finish(_by_meaning(ans, gold, cfg, frozenset(_question_keys(question))), gold, ans, cfg)
