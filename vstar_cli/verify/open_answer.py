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

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from vstar_cli.verify import numerals as numbers
from vstar_cli.verify.align import ANTONYMS, COLOURS, LIGHT_VERBS, POLAR, is_content, key, part_of_speech, roles
from vstar_cli.verify.choices import record_options
from vstar_cli.verify.classes import _POLAR_Q_RE, _YES_NO_RE, _gold_option
from vstar_cli.verify.clauses import clauses, sentences
from vstar_cli.verify.mentions import assert_class, label_words
from vstar_cli.verify.param import Param
from vstar_cli.verify.pick import chosen
from vstar_cli.verify.semantic import doubted, polarity, word_conflict
from vstar_cli.verify.text import (
    STOPWORDS,
    UNCERTAINTY_CUES,
    Token,
    hedged,
    is_negation,
    negated_before,
    normalize,
    tokenize,
)
from vstar_cli.verify.verdict import CannotJudge, Verdict
from vstar_cli.verify.window import bounded

OPEN_ANSWER_THRESHOLD = Param(
    "open_answer_threshold",
    0.6,
    "open_answer: cosine similarity when the answer gives no decision to read",
    minimum=-1,
    maximum=1,
)

# ------------------------------------------------------------------ reading the gold

# "No, ...", "Yes." -- but "No one sits down" is a sentence, not a "no" and its rest.
_LEAD_RE = re.compile(
    r"^\s*\**\s*(yes|no)\b(?!\s+(?:one|other|longer|more|person|people|body|matter|doubt)\b)[\s,.;:!*\u2014-]*", re.I
)
_CORE_SPLIT_RE = re.compile(
    r"\s*;\s*|\s*:\s+|,?\s+(?:while|whereas|because|since|although|though|after|before|instead|so\s+that)\s+"
    r"|,\s+(?=(?:and\s+)?(?:then|which|where|when|as|passing|leaving|after|so|this|it|he|she|they)\b)",
    re.I,
)
_PERSONS = frozenset("man woman men women boy girl person people child kid lady guy he she they".split())
_PERSON_KEYS = frozenset(key(w) for w in _PERSONS)
_HOW_MANY_RE = re.compile(r"\bhow\s+(?:many|much|often)\b(?:\s+([a-z]+))?", re.I)
# Questions whose answer is a reason or a manner: judged by the core claim, not by asked-for words.
_REASON_Q_RE = re.compile(r"^\W*(?:why|how)\b(?!\s+(?:many|much|often)\b)|\bwhat\s+(?:is|was)\s+the\s+reason\b", re.I)
_REASON_RE = re.compile(r"\b(?:because(?:\s+of)?|since|due\s+to|in\s+order\s+to|so\s+that|to)\s+(.{6,})", re.I)
_WHO_RE = re.compile(r"^\W*(?:who|whom|whose)\b|\bwhich\s+(?:person|people|man|woman|boy|girl|child)\b", re.I)
_ASKS_ACTION_RE = re.compile(r"\bwhat\b[^?]{0,80}\b(?:do|does|did|doing)\b", re.I)
_IN_VIDEO_RE = re.compile(r"\s+(?:in|during|throughout|at\s+any\s+point\s+in)\s+(?:the|this)\s+(?:video|clip)\b", re.I)
_TIMES = {"once": 1.0, "twice": 2.0, "thrice": 3.0}
_TIMES_RE = re.compile(r"\b(once|twice|thrice)\b")
# Opposites the class matcher does not list, for details of place ("in front of" / "behind").
_MORE_OPPOSITES = {"front": {"behind"}, "behind": {"front"}, "inside": {"outside"}, "outside": {"inside"}}
# Who acts is a guarded detail too: "the woman is holding the cup" is not "the man is".
for _a, _b in (("man", "woman"), ("men", "women"), ("boy", "girl"), ("boys", "girls")):
    _MORE_OPPOSITES.setdefault(key(_a), set()).add(key(_b))
    _MORE_OPPOSITES.setdefault(key(_b), set()).add(key(_a))
# Words that name the video or a person, not a thing in it ("In the video, ..." is no substitute).
_NOT_THINGS = frozenset("video clip footage scene frame camera shot image".split()) | _PERSONS
_DIFFERS_RE = re.compile(r"^'([a-z]+)' differs from '([a-z]+)'$")
_MAX_SLOT_WORDS = 3
_MAX_CANDIDATES = 6  # answer clauses embedded when the core claim must be found by meaning
_ROLE_BREAKS = frozenset(".,;:!?()[]\n")
_DETERMINERS = frozenset("the a an this that these those his her their its my your our some".split())
# A slot ends where another phrase starts ("from right to left *across* the frame").
_PHRASE_STARTS = frozenset(
    """across along through past at near beside with by over under behind inside outside of for in on during
    while after before around above below onto into towards toward away""".split()
)


@dataclass
class Gold:
    """A gold answer read against its question."""

    text: str
    decision: bool | None  # yes / no, for a yes/no question
    core: str  # the clause that answers the question
    clauses: list[str] = field(default_factory=list)  # core and explanation, as clauses
    number: float | None = None  # for "how many"
    slot: str | None = None  # the words the question asks for
    denied: str | None = None  # key of the predicate a negated core denies ("sit")
    sentences: list[str] = field(default_factory=list)  # the gold's sentences, yes/no left out
    reason: bool = False  # a "why" / "how" question: the core is the reason given
    who: bool = False  # a "who" question: the person is what is asked


def gold_text(label: Any) -> str:
    """The gold answer as one text: a sentence, or a list of sentences joined."""
    if isinstance(label, (list, tuple)):
        if not label or not all(isinstance(x, str) for x in label):
            raise CannotJudge(f"gold {label!r:.60} is not a sentence or a list of sentences")
        label = " ".join(x.strip() for x in label)
    if not isinstance(label, str):
        raise CannotJudge(f"gold {label!r:.60} is not a sentence")
    if not any(ch.isalpha() for ch in label):
        raise CannotJudge(f"gold {label!r:.60} has no words")
    if len(label) > 20000:
        raise CannotJudge("gold is longer than 20,000 characters")
    return label.strip()


def validate_gold(label: Any) -> None:
    """``open_answer`` reads a sentence (or a list of sentences); anything else is "cannot judge"."""
    gold_text(label)


def needed_texts(answer: str, label: Any) -> list[str]:
    """What a fallback will embed of the gold (its sentences), for batched prefetch."""
    try:
        text = gold_text(label)
    except CannotJudge:
        return []
    m = _LEAD_RE.match(text)
    body = text[m.end() :] if m else text
    return [_split_core(body)[0]] if body.strip() else []


def _split_core(body: str) -> list[str]:
    """The first sentence's clauses, then the other sentences' clauses (the core comes first)."""
    out: list[str] = []
    for s in sentences(body) or [body]:
        for part in _CORE_SPLIT_RE.split(s):
            part = part.strip(" ,.;:")
            if part and any(ch.isalpha() for ch in part):
                out.append(part)
    return out or [body.strip()]


def _keys(text: str, toks: list[Token] | None = None) -> list[str]:
    toks = toks if toks is not None else tokenize(text)
    return [key(t.text) for t in toks if is_content(t) or t.text in _PERSONS]


def _question_keys(question: str) -> set[str]:
    toks = tokenize(question)
    return {key(t.text) for t in toks if is_content(t) or t.text in _PERSONS}


def _is_polar(question: str) -> bool:
    last = question.strip().split("\n")[-1]
    return bool(_POLAR_Q_RE.search(last[-400:]))


_NOT_DENIAL = frozenset({"instead", "unlike", "without"})


def _negation_at(toks: list[Token]) -> int | None:
    for i, t in enumerate(toks):
        if (
            is_negation(t)
            and t.text not in _NOT_DENIAL
            and not (i + 1 < len(toks) and toks[i + 1].text in {"only", "just", "doubt", "merely"})
        ):
            return i
    return None


def _predicate(toks: list[Token]) -> tuple[int, bool] | None:
    """The clause's predicate token and whether it is negated ("does not *sit* down")."""
    neg = _negation_at(toks)
    if neg is not None:
        for j in range(neg + 1, min(len(toks), neg + 5)):
            t = toks[j]
            if t.is_word and is_content(t) and t.text not in _PERSONS and key(t.text) not in LIGHT_VERBS:
                if "VERB" in part_of_speech(t.text) or t.text.endswith("ing"):
                    return j, True
        return None
    for j, t in enumerate(toks):
        if not t.is_word or not is_content(t) or t.text in _PERSONS or t.text in POLAR:
            continue
        if j > 0 and (toks[j - 1].text in _DETERMINERS or toks[j - 1].text in COLOURS):
            continue  # "the *train* moves": a noun after a determiner is the subject or object
        if "VERB" in part_of_speech(t.text) and key(t.text) not in {key(w) for w in LIGHT_VERBS}:
            return j, False
    return None


def _denied_at(toks: list[Token], j: int) -> bool:
    """Whether the word at ``j`` is denied: a negation shortly before it in its clause ("never sits")."""
    if negated_before(toks, j, window=6):
        return True
    return any(t.text in {"never", "nowhere"} for t in toks[max(0, j - 6) : j])


def _number_words(text: str) -> list[tuple[float, int, int]]:
    """Numbers of a normalized text as (value, start, end), "once" / "twice" included."""
    out = [(n.value, n.start, n.end) for n in numbers.find_numbers(text, normalized=True)]
    out += [(_TIMES[m.group(1)], m.start(), m.end()) for m in _TIMES_RE.finditer(text)]
    return sorted(out, key=lambda x: x[1])


def read_gold(label: Any, question: str) -> Gold:
    """Split a gold answer into decision, core claim and explanation, as the question asks."""
    text = gold_text(label)
    m = _LEAD_RE.match(text)
    decision = None
    body = text
    if m:
        decision = m.group(1).lower() == "yes"
        body = text[m.end() :]
    parts = _split_core(body) if body.strip() else [text]
    reason = bool(_REASON_Q_RE.search(question or ""))
    if reason:  # "Why ...?": the reason is the core; the first sentence is kept whole
        first = re.split(r"\s*;\s*", (sentences(body) or [body])[0])[0].strip(" .")
        why = _REASON_RE.search(first)
        parts = [why.group(1) if why else first] + [p for p in parts if p not in first]
    core = parts[0]
    g = Gold(text, decision, core, parts, sentences=[x.strip(" .") for x in sentences(body)], reason=reason)
    ctoks = tokenize(core)
    pred = _predicate(ctoks)
    if pred is not None and pred[1]:
        g.denied = key(ctoks[pred[0]].text)
    polar = _is_polar(question) if question else False
    if polar and g.decision is None:
        g.decision = answer_decision(read_answer(core), question)[0]
    hm = _HOW_MANY_RE.search(question or "")
    if hm:
        nums = _number_words(normalize(core))
        if nums:
            g.number = nums[0][0]
    if not polar and not reason and g.decision is None and g.number is None and g.denied is None:
        qkeys = _question_keys(question or "")
        skip = pred[0] if pred is not None and not _ASKS_ACTION_RE.search(question or "") else None
        g.who = bool(_WHO_RE.search(question or ""))
        g.slot = _slot(core, ctoks, qkeys, skip, g.who)
    return g


def _slot(core: str, toks: list[Token], qkeys: set[str], skip: int | None = None, who: bool = False) -> str | None:
    """The words of the core the question asks for: its longest run of content words the question
    does not hold (at most two; a role word before them kept: "from left to right")."""
    runs: list[tuple[int, int, int]] = []  # (content words, start token, end token)
    start, count, last = None, 0, None
    norm = normalize(core)

    def close() -> None:
        if start is not None and count:
            runs.append((count, start, last + 1))

    for i, t in enumerate(toks):
        if not t.is_word:
            close()
            start, count, last = None, 0, None
            continue
        content = is_content(t) or t.text in _PERSONS
        person = t.text in _PERSONS and not who  # "Who ...?" asks for the person
        if content and (key(t.text) in qkeys or person or key(t.text) in LIGHT_VERBS or i == skip):
            close()
            start, count, last = None, 0, None
            continue
        if count and (t.text in _PHRASE_STARTS and t.text not in {"to"} or count >= _MAX_SLOT_WORDS):
            close()
            start, count, last = None, 0, None
            continue
        if content:
            if start is None:
                start = i
                if i > 0 and toks[i - 1].text in {"from", "to", "towards", "toward", "into", "onto", "on", "in"}:
                    start = i - 1
            count += 1
            last = i
    close()
    if not runs:
        return None
    best = runs[0] if who else max(runs, key=lambda r: (r[0], -r[1]))
    s, e = best[1], best[2]
    phrase = norm[toks[s].start : toks[e - 1].end]
    return phrase if label_words(phrase) else None


# ------------------------------------------------------------------ reading the answer

_REFUSAL_RE = re.compile(
    r"\b(?:cannot|can\s*not|can't|unable\s+to|not\s+able\s+to|impossible\s+to|not\s+possible\s+to|hard\s+to|"
    r"difficult\s+to|no\s+way\s+to)\s+(?:\w+\s+){0,2}?(?:determine|tell|say|answer|know|confirm|identify|judge|"
    r"infer|be\s+(?:certain|sure))\b"
    r"|\bnot\s+(?:enough|sufficient)\s+(?:\w+\s+)?information\b|\b(?:does\s+not|doesn't)\s+(?:provide|give|contain)"
    r"\s+(?:enough|sufficient)\b|\b(?:is|remains)\s+(?:unclear|not\s+clear|uncertain)\b|\bsorry\b",
    re.I,
)
_DOUBT_WORDS = frozenset(UNCERTAINTY_CUES | {"probably", "likely", "seemingly", "presumably", "guess"}) - {"either"}


def declines(sentence: str) -> bool:
    """Whether a sentence declines to answer ("I cannot determine ...", "not enough information")."""
    return bool(_REFUSAL_RE.search(sentence))


@dataclass
class Answer:
    """An answer cut into the sentences that answer (refusals left out) and their clauses."""

    text: str
    kept: str
    declined: list[str]
    units: list[str]
    unit_keys: list[list[str]]
    _tokens: dict[int, list[Token]] = field(default_factory=dict)

    def tokens(self, i: int) -> list[Token]:
        """The tokens of unit ``i`` (made on first use: most units are only compared by their keys)."""
        if i not in self._tokens:
            self._tokens[i] = tokenize(self.units[i])
        return self._tokens[i]

    @property
    def unit_tokens(self) -> list[list[Token]]:
        return [self.tokens(i) for i in range(len(self.units))]


def read_answer(answer: str) -> Answer:
    sents = sentences(answer)
    declined = [s for s in sents if declines(s)]
    kept = answer
    for s in declined:  # cut out verbatim ("Next to the chair." keeps its "Next")
        kept = kept.replace(s, " ")
    if declined and kept.strip() and declines(kept):
        kept = " ".join(s for s in sents if not declines(s))
    units = [_LEAD_RE.sub("", u, count=1) for u in clauses(kept) if not u.rstrip().endswith("?")]
    units = [u for u in units if any(ch.isalnum() for ch in u)]
    return Answer(answer, kept, declined, units, [_fast_keys(u) for u in units])


_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def _fast_keys(text: str) -> list[str]:
    """:func:`_keys` without making tokens (the same words, the same keys)."""
    return [key(w) for w in _WORD_RE.findall(normalize(text)) if w not in STOPWORDS or w in POLAR or w in _PERSONS]


def _doubtful(text: str) -> str | None:
    toks = tokenize(text)
    for i, t in enumerate(toks):
        if t.text in _DOUBT_WORDS:
            return f"the answer states its decision with doubt ({t.text!r})"
        if t.text == "not" and i + 1 < len(toks) and toks[i + 1].text in {"sure", "certain"}:
            return "the answer states its decision with doubt ('not sure')"
    return None


def answer_decision(ans: Answer, question: str) -> tuple[bool | None, str, str]:
    """The answer's yes/no: its leading yes/no, else what it states or denies of the question.

    Returns (decision, how, the clause it was read from).
    """
    m = _YES_NO_RE.search(ans.kept[:4000])
    if m is not None:
        said = m.group(1).lower() in {"yes", "yeah", "yep"}
        rest = ans.kept[m.start(1) :]
        clause = re.split(r"[.;!?\n]", rest, maxsplit=1)[0]
        return said, "leading yes/no", clause
    m = _POLAR_Q_RE.search(question.strip()[-400:]) if question else None
    if m is None or not label_words(m.group(1)):
        return None, "", ""
    asked = _IN_VIDEO_RE.sub("", m.group(1)) or m.group(1)
    # "It moves away" answers "Is the car moving ...?": without its subject the phrase is tried on
    # clauses that name no other person or thing first (a pronoun, or no subject at all).
    sm = _SUBJECT_RE.match(asked)
    bare = sm.group(1) if sm and label_words(sm.group(1)) else None
    for phrase, flip in ((asked, False), (bare, False), (asked, True), (bare, True)):
        if phrase is None:
            continue
        needs_pronoun = phrase is bare
        if flip:
            words = phrase.split()
            turned = [sorted(ANTONYMS.get(key(w.lower().strip(".,")), ()) or [w])[0] for w in words]
            if turned == words or "_" in " ".join(turned):
                continue
            phrase = " ".join(turned)
        for unit, utoks in zip(ans.units, ans.unit_tokens, strict=True):
            if needs_pronoun and not _pronoun_subject(utoks):
                continue
            v = assert_class(unit, phrase, tokens=utoks)
            if v.ok:
                if flip:
                    return False, "states the opposite of what the question asks", unit
                s, e = _span_tokens(utoks, v.span)
                denied = any(is_negation(t) and t.text not in _NOT_DENIAL for t in utoks[s:e])
                return not denied, "restates the question", unit
            if v.reason.startswith("the answer negates") and not flip:
                return False, "denies what the question asks", unit
    return None, "", ""


_SUBJECT_RE = re.compile(r"^(?:the|a|an|this|that|these|those)\s+[\w']+\s+(.+)$", re.I)
_PRONOUNS = frozenset("he she it they him her them his its their".split())


def _pronoun_subject(toks: list[Token]) -> bool:
    """Whether a clause opens with a pronoun or a verb (no other subject named before its first verb)."""
    words = [t.text for t in toks if t.is_word][:3]
    return bool(words) and (
        words[0] in _PRONOUNS or "VERB" in part_of_speech(words[0]) and words[0] not in _DETERMINERS
    )


def _span_tokens(toks: list[Token], span: tuple[int, int] | None) -> tuple[int, int]:
    if span is None:
        return 0, len(toks)
    inside = [i for i, t in enumerate(toks) if t.start >= span[0] and t.end <= span[1]]
    return (inside[0], inside[-1] + 1) if inside else (0, len(toks))


# ------------------------------------------------------------------ contradiction


def _guarded(k: str) -> bool:
    return k in COLOURS or k in ANTONYMS or k.isdigit() or k in _MORE_OPPOSITES


def _opposed(g: str, u: str) -> str | None:
    """Why two guarded words state different things: opposites, other colours, other numbers."""
    if u in ANTONYMS.get(g, ()) or u in _MORE_OPPOSITES.get(g, ()):
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


# ------------------------------------------------------------------ the check


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
    core_keys = {k for k in _keys(gold.core, core_toks) if gold.who or k not in _PERSON_KEYS} - qkeys
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
