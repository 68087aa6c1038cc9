"""Class-name kinds: ``simple``, ``obj_identify``, ``obj_compare`` (a class name, number or yes/no asserted)."""

from __future__ import annotations

from typing import Any

from vstar_cli.verify import classes
from vstar_cli.verify.kind import VerifierKind
from vstar_cli.verify.kinds._gold import number
from vstar_cli.verify.verdict import CannotJudge


def validate_class(label: Any) -> None:
    """``simple`` kinds read a class name, a number, a yes/no, or a non-empty list of those.

    >>> validate_class("")
    Traceback (most recent call last):
    ...
    vstar_cli.verify.verdict.CannotJudge: gold '' is empty
    """
    if isinstance(label, list):
        if not label:
            raise CannotJudge("gold is an empty list")
        for item in label:
            if isinstance(item, list):
                raise CannotJudge(f"gold list holds a list {item!r}")
            validate_class(item)
        return
    if isinstance(label, bool):
        return
    if isinstance(label, (int, float)):
        number(label, "gold")
        return
    if not isinstance(label, str):
        raise CannotJudge(f"gold {label!r} is not a class name, number or yes/no")
    if not label.strip():
        raise CannotJudge(f"gold {label!r} is empty")


SIMPLE = VerifierKind(
    "simple",
    classes.verify_simple,
    "class name asserted (surface variants ok; negated or hedged fails); numbers exact",
    params=(classes.CLASS_FUZZ,),
    metrics=("multiple_choice",),
    validate_gold=validate_class,
)
OBJ_IDENTIFY = VerifierKind(
    "obj_identify",
    classes.verify_simple,
    "object named, as 'simple'",
    params=(classes.CLASS_FUZZ,),
    metrics=("multiple_choice",),
    validate_gold=validate_class,
)
OBJ_COMPARE = VerifierKind(
    "obj_compare",
    classes.verify_simple,
    "compared object named, as 'simple'",
    params=(classes.CLASS_FUZZ,),
    metrics=("multiple_choice",),
    validate_gold=validate_class,
)
