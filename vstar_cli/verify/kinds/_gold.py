"""Reading gold values shared by the built-in kind modules (not a kind module: its name starts with ``_``)."""

from __future__ import annotations

import math
from typing import Any

from vstar_cli.verify.verdict import CannotJudge


def number(value: Any, what: str) -> float:
    if isinstance(value, bool) or value is None:
        raise CannotJudge(f"{what} {value!r} is not a number")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise CannotJudge(f"{what} {value!r:.60} is not a number") from None
    except OverflowError:
        raise CannotJudge(f"{what} is a number too large to read ({len(str(value))} digits)") from None
    if not math.isfinite(x):
        raise CannotJudge(f"{what} {value!r} is not a finite number")
    return x


def numbers(value: Any, n: int, what: str) -> list[float]:
    if not isinstance(value, (list, tuple)) or len(value) != n:
        raise CannotJudge(f"gold {value!r} is not {n} numbers ({what})")
    return [number(v, f"{what} item") for v in value]
