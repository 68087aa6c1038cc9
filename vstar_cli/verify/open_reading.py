"""Reading a gold answer and an answer for ``open_answer``: the gold's decision, core claim,
explanation and the words its question asks for; the answer's clauses, refusals and yes/no.

The gold's decision is read as an answer's is (a gold without a leading yes/no may still state or
deny what the question asks), so both readers live here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from vstar_cli.verify import numerals as numbers
from vstar_cli.verify.align import ANTONYMS, COLOURS, LIGHT_VERBS, POLAR, is_content, key, part_of_speech
from vstar_cli.verify.classes import _POLAR_Q_RE, _YES_NO_RE
from vstar_cli.verify.clauses import clauses, sentences
from vstar_cli.verify.mentions import assert_class, label_words
from vstar_cli.verify.text import STOPWORDS, Token, is_negation, negated_before, normalize, tokenize
from vstar_cli.verify.verdict import CannotJudge

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
_HOW_MANY_RE = re.compile(r"\bhow\s+(?:many|much|often)\b(?:\s+([a-z]+))?", re.I)
# Questions whose answer is a reason or a manner: judged by the core claim, not by asked-for words.
_REASON_Q_RE = re.compile(r"^\W*(?:why|how)\b(?!\s+(?:many|much|often)\b)|\bwhat\s+(?:is|was)\s+the\s+reason\b", re.I)
_REASON_RE = re.compile(r"\b(?:because(?:\s+of)?|since|due\s+to|in\s+order\s+to|so\s+that|to)\s+(.{6,})", re.I)
_WHO_RE = re.compile(r"^\W*(?:who|whom|whose)\b|\bwhich\s+(?:person|people|man|woman|boy|girl|child)\b", re.I)
_ASKS_ACTION_RE = re.compile(r"\bwhat\b[^?]{0,80}\b(?:do|does|did|doing)\b", re.I)
_IN_VIDEO_RE = re.compile(r"\s+(?:in|during|throughout|at\s+any\s+point\s+in)\s+(?:the|this)\s+(?:video|clip)\b", re.I)
_TIMES = {"once": 1.0, "twice": 2.0, "thrice": 3.0}
_TIMES_RE = re.compile(r"\b(once|twice|thrice)\b")
_MAX_SLOT_WORDS = 3
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
