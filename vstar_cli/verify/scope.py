"""The part of an answer that is judged: its answer container, when it has one.

Models trained with reinforcement learning reason first and answer last:
``<think>...</think><answer>...</answer>``, ``\\boxed{...}``, or a closing "Final answer: ...".
The reasoning weighs several options on purpose, so only the container is judged:

1. the last ``<answer>...</answer>`` block (``<think>`` blocks never count);
2. else, the last ``\\boxed{...}`` (braces balanced; ``\\text{...}`` wrappers read as their text);
3. else, what follows the last "Final answer:" / "Answer:" declaration that opens a line or a sentence;
4. else, the answer without its ``<think>`` blocks (the whole answer when it has none).

A broken container (an unclosed or nested tag, a ``</answer>`` without its ``<answer>``, an
unclosed ``\\boxed{``) is not judged: the check is rejected with the reason. Everything here is
linear in the answer's length. A verdict's span in the scope is moved back by the scope's
offset, so it points into the original answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TAG_RE = re.compile(r"<\s{0,3}(/?)\s{0,3}(answer|think)\s{0,3}>", re.I)
_BOXED_RE = re.compile(r"\\(?:boxed|fbox)\s{0,3}\{")
_WRAP_RE = re.compile(r"\\(?:text|textbf|mathrm|mathbf|texttt|textit|emph)\s{0,3}\{")
_DECLARED_RE = re.compile(
    r"(?:^|(?<=[\n.!?]))[ \t*#>_\-]{0,12}(?:the\s{1,3})?(?:final\s{1,3})?answer\s{0,3}(?:is\s{0,3})?[*_]{0,4}\s{0,3}[:\uff1a][*_]{0,4}",
    re.I,
)


@dataclass(frozen=True)
class Scope:
    """What to judge: ``text`` (``answer[offset:offset + len(text)]``, ``\\text{}`` wrappers blanked),
    which ``container`` it came from (``None``: the whole answer), and ``error``: why the container is broken."""

    text: str
    container: str | None = None
    error: str | None = None
    offset: int = 0


def _tags(answer: str) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, int, int, int]], str | None]:
    """The ``<think>`` and ``<answer>`` blocks as (tag start, inner start, inner end, tag end), or why they are broken."""
    blocks: dict[str, list[tuple[int, int, int, int]]] = {"think": [], "answer": []}
    open_at: dict[str, tuple[int, int] | None] = {"think": None, "answer": None}
    for m in _TAG_RE.finditer(answer):
        closing, name = bool(m.group(1)), m.group(2).lower()
        opened = open_at[name]
        if not closing:
            if opened is not None:
                return [], [], f"nested <{name}> tags"
            if name == "answer" and open_at["think"] is not None:
                return [], [], "<answer> inside an unclosed <think>"
            open_at[name] = (m.start(), m.end())
        else:
            if opened is None:
                return [], [], f"</{name}> without <{name}>"
            blocks[name].append((opened[0], opened[1], m.start(), m.end()))
            open_at[name] = None
    for name in ("answer", "think"):
        if open_at[name] is not None:
            return [], [], f"unclosed <{name}> tag"
    return blocks["think"], blocks["answer"], None


def _boxed(text: str, lo: int, hi: int) -> tuple[tuple[int, int] | None, str | None]:
    """The inner span of the last ``\\boxed{...}`` in ``text[lo:hi]``, or why it is broken."""
    last = None
    for m in _BOXED_RE.finditer(text, lo, hi):
        if last is not None and m.start() < last[1]:
            continue  # inside the previous box
        depth, j = 1, m.end()
        while j < hi and depth:
            c = text[j]
            depth += 1 if c == "{" else -1 if c == "}" else 0
            j += 1
        if depth:
            return None, "unclosed \\boxed{"
        last = (m.end(), j - 1)
    return last, None


def _unwrap(text: str, lo: int, hi: int) -> str:
    """``\\text{B}`` read as ``B``: the command and its braces blanked (same length)."""
    chars = list(text)
    for m in _WRAP_RE.finditer(text, lo, hi):
        depth, j = 1, m.end()
        while j < hi and depth:
            depth += 1 if text[j] == "{" else -1 if text[j] == "}" else 0
            j += 1
        if depth == 0:
            chars[m.start() : m.end()] = " " * (m.end() - m.start())
            chars[j - 1] = " "
    return "".join(chars)


def answer_scope(answer: str) -> Scope:
    r"""The part of ``answer`` to judge (see the module's docstring).

    >>> s = answer_scope("<think>A or B? Maybe A.</think><answer>B</answer>")
    >>> s.container, s.text, s.offset
    ('<answer> tags', 'B', 39)
    >>> answer_scope("So the answer is \\boxed{\\text{(C)}}.").text.strip()
    '(C)'
    >>> answer_scope("It could be A. Final answer: B").text.strip(), answer_scope("<answer>B").error
    ('B', 'unclosed <answer> tag')
    """
    if not isinstance(answer, str) or ("<" not in answer and "\\" not in answer and ":" not in answer):
        return Scope(answer)
    thinks, answers, broken = _tags(answer)
    if broken:
        return Scope(answer, "answer tags", broken)
    lo, hi, container = 0, len(answer), None
    if answers:
        lo, hi = answers[-1][1], answers[-1][2]
        container = "<answer> tags"
    elif thinks:
        lo = thinks[-1][3]  # what follows the reasoning
        if not answer[lo:].strip():
            return Scope(answer, "<think> tags", "nothing follows </think>")
    box, why = _boxed(answer, lo, hi)
    if why:
        return Scope(answer, "\\boxed{}", why)
    if box is not None:
        (lo, hi), container = box, "\\boxed{}"
    elif container is None:
        decl = None
        for m in _DECLARED_RE.finditer(answer, lo, hi):
            decl = m
        if decl is not None and answer[decl.end() : hi].strip():
            lo, container = decl.end(), "final answer declaration"
    if lo == 0 and hi == len(answer):
        return Scope(answer)
    text = _unwrap(answer, lo, hi)[lo:hi] if container == "\\boxed{}" else answer[lo:hi]
    return Scope(text, container or "<think> tags", None, lo)


def has_container(answer: str) -> bool:
    """Whether the answer holds a well-formed answer container (for ``format_reward``).

    >>> has_container("<think>hm</think><answer>yes</answer>"), has_container("yes"), has_container("<answer>yes")
    (True, False, False)
    """
    s = answer_scope(answer)
    return s.container not in (None, "<think> tags") and s.error is None
