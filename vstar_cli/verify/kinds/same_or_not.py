"""The ``same_or_not`` kind: the answer's last same / not-the-same decision."""

from __future__ import annotations

from typing import Any

from vstar_cli.verify import classes
from vstar_cli.verify.kind import VerifierKind
from vstar_cli.verify.verdict import CannotJudge


def validate_same(label: Any) -> None:
    """``same_or_not`` reads a yes/no or a same / not-the-same phrase."""
    if not isinstance(label, (bool, str)) or classes.gold_same(label) is None:
        raise CannotJudge(f"cannot read gold {label!r} as same / not the same")


SAME_OR_NOT = VerifierKind(
    "same_or_not",
    classes.verify_same_or_not,
    "last same / not-the-same decision matches",
    metrics=("multiple_choice",),
    validate_gold=validate_same,
)
