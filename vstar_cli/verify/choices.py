"""Which option of a multiple-choice question an answer picks."""

from __future__ import annotations

import re

from vstar_cli.verify.text import normalize

LETTERS = "ABCDEFGHIJ"
_STRIP_PREFIX_RE = re.compile(r"^\s*\(?([a-j])[\).:]\s+", re.I)
_PICK_RES = (
    re.compile(r"\b(?:answer|option|choice)\s*(?:is|would be|:)?\s*\(?([A-J])\b\)?", re.I),
    re.compile(r"^\s*\(?([A-J])[\).:]", re.M),
    re.compile(r"\(([A-J])\)"),
)


def option_text(choice: str) -> str:
    """An option without its letter prefix ("B. a dog" -> "a dog")."""
    return _STRIP_PREFIX_RE.sub("", choice).strip()


def chosen_option(answer: str, choices: list[str]) -> int | None:
    """Index of the option the answer picks (by letter, number or text), or ``None``.

    The last explicit pick wins; an answer that names several option texts and no letter
    picks none.

    >>> chosen_option("The answer is (B).", ["A. a cat", "B. a dog"])
    1
    >>> chosen_option("It is clearly a dog running.", ["a cat", "a dog"])
    1
    """
    n = len(choices)
    picks: list[tuple[int, int]] = []
    for rx in _PICK_RES:
        for m in rx.finditer(answer):
            idx = LETTERS.index(m.group(1).upper())
            if idx < n:
                picks.append((m.start(), idx))
    if picks:
        return max(picks)[1]
    m = re.search(r"\b(?:option|choice|answer)\s*(?:is\s*)?(?:number\s*)?(\d+)\b", answer, re.I)
    if m and 1 <= int(m.group(1)) <= n:
        return int(m.group(1)) - 1
    text = normalize(answer)
    hits = []
    for i, c in enumerate(choices):
        opt = normalize(option_text(c))
        if opt and re.search(r"(?<![a-z0-9])" + re.escape(opt) + r"(?![a-z0-9])", text):
            hits.append(i)
    # An option contained in a longer option ("dog" in "a dog and a cat") is not a pick.
    hits = [
        i
        for i in hits
        if not any(j != i and normalize(option_text(choices[i])) in normalize(option_text(choices[j])) for j in hits)
    ]
    return hits[0] if len(hits) == 1 else None
