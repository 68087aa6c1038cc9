"""A tunable value of a verifier kind (a tolerance, a threshold), declared once.

A check reads it with :meth:`Param.value` from the context it is given; the declaration is
the only place its name, default, bounds and help are written (the ``VerifyConfig`` field,
the YAML key and the ``vstar verify`` flag are made from it).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any


class RegistryError(ValueError):
    """A kind cannot be registered or found (duplicate or unknown name, broken plugin, bad declaration)."""


@dataclass(frozen=True)
class Param:
    """A tunable value of a kind (a tolerance, a threshold): declared once, it becomes a
    ``VerifyConfig`` field, a YAML key and a ``vstar verify`` flag.

    ``minimum`` is inclusive; ``maximum`` too unless ``maximum_exclusive``.

    >>> Param("bbox_iou", 0.5, "bbox: IoU must exceed this", maximum=1, maximum_exclusive=True).coerce("0.7")
    0.7
    """

    name: str
    default: Any
    help: str
    flag: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    maximum_exclusive: bool = False

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", self.name or ""):
            raise RegistryError(f"parameter name {self.name!r} is not an identifier")

    @property
    def type(self) -> type:
        """The value's type, from the default (``float`` for ints too, so ``0`` and ``0.5`` both read)."""
        if self.default is None:  # an optional setting, given as text (a path, a name)
            return str
        t = type(self.default)
        return float if t is int else t

    @property
    def option(self) -> str:
        """The command-line flag: ``flag``, or ``--`` and the name with dashes."""
        return self.flag or "--" + self.name.replace("_", "-")

    def coerce(self, value: Any) -> Any:
        """``value`` as this parameter's type, checked against its bounds (``ValueError`` otherwise)."""
        t = self.type
        if value is None and self.default is None:
            return None
        if t is float:
            if isinstance(value, bool):
                raise ValueError(f"{self.name} must be a number, got {value!r}")
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"{self.name} must be a number, got {value!r}") from None
            if not math.isfinite(value):
                raise ValueError(f"{self.name} must be a finite number, got {value!r}")
            if self.minimum is not None and value < self.minimum:
                raise ValueError(f"{self.name} must be >= {self.minimum:g}, got {value:g}")
            if self.maximum is not None and (value >= self.maximum if self.maximum_exclusive else value > self.maximum):
                op = "<" if self.maximum_exclusive else "<="
                raise ValueError(f"{self.name} must be {op} {self.maximum:g}, got {value:g}")
            return value
        if t is bool and isinstance(value, str):
            if value.lower() in {"1", "true", "yes", "on"}:
                return True
            if value.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(f"{self.name} must be true or false, got {value!r}")
        if not isinstance(value, t):
            try:
                return t(value)
            except (TypeError, ValueError):
                raise ValueError(f"{self.name} must be a {t.__name__}, got {value!r}") from None
        return value

    def value(self, ctx: Any) -> Any:
        """This parameter's value in a check's context: ``ctx.<name>``, or the declared default
        when a check is called without a context (``ctx=None``, as in doctests).

        >>> TOL = Param("my_tol", 0.1, "tolerance")
        >>> TOL.value(None), TOL.value(type("Ctx", (), {"my_tol": 0.3})())
        (0.1, 0.3)
        """
        if ctx is None:
            return self.default
        return getattr(ctx, self.name, self.default)
