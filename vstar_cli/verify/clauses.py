"""Cutting text into the units the semantic checks compare: an answer into sentences and clauses
(in the order their events happen), a gold label into its sentences.

Splitting is linear: whitespace runs collapse first, and at most :data:`MAX_UNITS` units of
:data:`MAX_WORDS` words each are kept.
"""

from __future__ import annotations

import re
from typing import Any

from vstar_cli.verify.verdict import CannotJudge

MAX_UNITS = 64
MAX_WORDS = 200  # the embedder reads 256 word pieces; longer units are cut
_SENT_SPLIT_RE = re.compile(r"(?<=[.!?])\s+|\n+")
_CLAUSE_SPLIT_RE = re.compile(
    # Arrows ("Forward -> 2.5 Soms.Pike -> Entry"), a heading colon ("Sub-actions: ..."), and a
    # comma before a capital or a digit (a list of class names: "Forward, 2.5 Soms.Pike, Entry").
    r"\s*(?:->|=>|\u2192)\s*|:\s+|,\s+(?=(?-i:[A-Z0-9]))|"
    r"\s*;\s*|,\s*(?:and\s+)?then\s+|\s+and\s+then\s+|\s+then\s+|,?\s+after\s+that,?\s+|,?\s+afterwards,?\s+"
    r"|,?\s+followed\s+by\s+|,\s*(?:next|finally|lastly|subsequently),?\s+|,\s+and\s+|,\s+(?=[a-z]+(?:s|ed|ing)\b)|,?\s+before\s+(?!that\b|this\b|it\b)|\s+and\s+(?=(?:then\s+)?[a-z]+(?:es|ed|ing|ks|ps|ts|ns|ws)\b)",
    re.I,
)
_AFTER_RE = re.compile(r"^(.{3,}?)\s+after\s+(?!that\b|which\b|this\b)(.{3,})$", re.I)
_BEFORE_THAT_RE = re.compile(r"^(?:before\s+(?:that|this)|prior\s+to\s+(?:that|this)|earlier),?\s+", re.I)
_LIST_MARK_RE = re.compile(
    r"^\s*(?:[-*\u2022]|\(?\d+[.)](?!\d)|step\s+\d+\s*[:.)-]?|first(?:ly)?,?|second(?:ly)?,?|next,?|then,?|finally,?|lastly,?)\s*",
    re.I,
)


def sentences(text: str) -> list[str]:
    """The answer's sentences, list markers stripped.

    >>> sentences("1. He jumps.\\n2. He twists! Done")
    ['He jumps.', 'He twists!', 'Done']
    """
    out = []
    for s in _SENT_SPLIT_RE.split(text):
        if len(out) >= MAX_UNITS:
            break
        s = " ".join(s.split()[:MAX_WORDS])  # whitespace runs collapse: the splitters stay linear
        s = _LIST_MARK_RE.sub("", s).strip()
        if s and any(ch.isalnum() for ch in s):
            out.append(s)
    return out[:MAX_UNITS]


def clauses(text: str) -> list[str]:
    """The answer's clauses in the order their events happen ("A after B" gives B, A).

    >>> clauses("He jumps, then he twists; he enters the water after he tucks.")
    ['He jumps', 'he twists', 'he tucks.', 'he enters the water']
    >>> clauses("He enters the water. Before that, he jumps.")
    ['he jumps.', 'He enters the water.']
    """
    groups: list[list[str]] = []
    for sent in sentences(text):
        b = _BEFORE_THAT_RE.match(sent)
        body = sent[b.end() :] if b else sent
        group: list[str] = []
        for part in _CLAUSE_SPLIT_RE.split(body):
            part = _LIST_MARK_RE.sub("", part.strip()).strip(" ,")
            if not part or not any(ch.isalnum() for ch in part):
                continue
            m = _AFTER_RE.match(part)
            group.extend([m.group(2).strip(), m.group(1).strip()] if m else [part])
        if b and groups:
            groups.insert(len(groups) - 1, group)  # "Before that, ..." happened earlier
        else:
            groups.append(group)
    out = [c for g in groups for c in g]
    return out[:MAX_UNITS]


def units(text: str, ordered: bool) -> list[str]:
    """Units to compare gold sentences with: clauses for sequences; sentences and clauses otherwise."""
    if ordered:
        return clauses(text) or [text.strip()]
    seen: dict[str, None] = {}
    for u in sentences(text) + clauses(text):
        seen.setdefault(u, None)
    return list(seen)[: 2 * MAX_UNITS] or [text.strip()]


def gold_items(label: Any) -> list[str]:
    """Gold sentences: a list as is, a string with "->" as a sequence, else one sentence.

    A gold value with no words (empty, ``"->"``, a number, ``null``) raises :class:`CannotJudge`.

    >>> gold_items("he jumps -> he lands")
    ['he jumps', 'he lands']
    """
    if isinstance(label, (list, tuple)):
        items = [x.strip() for x in label if isinstance(x, str) and x.strip()]
        if len(items) != len(label):
            raise CannotJudge(f"gold {label!r:.60} holds items that are not sentences")
    elif isinstance(label, str):
        items = [p.strip() for p in label.split("->")] if "->" in label else [label.strip()]
        items = [p for p in items if p]
    else:
        raise CannotJudge(f"gold {label!r:.60} is not a sentence or a list of sentences")
    if not items or not all(any(ch.isalpha() for ch in p) for p in items):
        raise CannotJudge(f"gold {label!r:.60} has no sentence to compare with")
    if sum(len(p) for p in items) > 20000:
        raise CannotJudge("gold sentences are longer than 20,000 characters")
    return items
