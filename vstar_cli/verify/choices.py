"""Which option of a multiple-choice question an answer picks (see :mod:`vstar_cli.verify.options`)."""

from __future__ import annotations

from vstar_cli.verify.options import LETTERS, chosen, option_text

__all__ = ["LETTERS", "chosen_option", "option_text"]


def chosen_option(answer: str, choices: list[str]) -> int | None:
    """Index of the option the answer picks (by key, number, ordinal or text), or ``None``.

    >>> chosen_option("The answer is (B).", ["A. a cat", "B. a dog"])
    1
    >>> chosen_option("It is clearly a dog running.", ["a cat", "a dog"])
    1
    """
    pick = chosen(answer, choices)
    return None if pick is None else pick.index
