"""The part of a very long answer the checks read: its head and its tail.

Degenerate model output (a phrase repeated for pages, runs of whitespace or digits) can be
100,000 characters long. Every check reads at most :data:`MAX_CHARS` of it: the first
:data:`HEAD` characters (where a bare answer or an opening option key stands) and the rest
from the end (where conclusions stand), joined by a line break. Parsing is linear in the
length, so a check costs at most a bounded amount per label; spans are mapped back to the
full answer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from vstar_cli.verify.verdict import Verdict

MAX_CHARS = 12_000
HEAD = 3_000


def clip(answer: str) -> tuple[str, Callable[[tuple[int, int] | None], tuple[int, int] | None]]:
    """The text to read and a function mapping its spans back to ``answer``.

    >>> text, back = clip("x" * 20000)
    >>> len(text), back((HEAD + 1, HEAD + 3))
    (12000, (11001, 11003))
    """
    if len(answer) <= MAX_CHARS:
        return answer, lambda span: span
    tail_len = MAX_CHARS - HEAD - 1
    tail_start = len(answer) - tail_len
    text = answer[:HEAD] + "\n" + answer[tail_start:]

    def back(span: tuple[int, int] | None) -> tuple[int, int] | None:
        if span is None:
            return None

        def one(p: int) -> int:
            return p if p <= HEAD else p - HEAD - 1 + tail_start

        return one(span[0]), one(span[1])

    return text, back


def bounded(check: Callable[..., Verdict]) -> Callable[..., Verdict]:
    """Wrap a check ``(answer, label, record, ctx) -> Verdict`` so it reads :func:`clip` of the answer."""

    @functools.wraps(check)
    def wrapper(answer: str, label: Any, record: dict, cfg: Any = None) -> Verdict:
        if not isinstance(answer, str) or len(answer) <= MAX_CHARS:
            return check(answer, label, record, cfg)
        text, back = clip(answer)
        v = check(text, label, record, cfg)
        return replace(v, span=back(v.span)) if v.span is not None else v

    return wrapper
