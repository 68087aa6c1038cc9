"""One verifier kind: everything the pipeline needs to know about a ``verifier_type``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vstar_cli.verify.param import Param, RegistryError
from vstar_cli.verify.verdict import Verdict

METRICS = {
    "accuracy": "fraction verified (every kind feeds it)",
    "multiple_choice": "accuracy over records with `choices`, and how many picked an option",
    "regression": "Spearman's rho and relative L2 between the extracted number and the gold",
}
"""What a kind may feed to ``vstar eval``, by name."""

Check = Callable[[str, Any, dict, Any], Verdict]
Render = Callable[[Any, "float | None"], str]


def render_plain(value: Any, duration: float | None = None) -> str:
    """A gold value as plain text: a list as ``a, b``, a float without trailing zeros.

    >>> render_plain(["red", "blue"]), render_plain(2.50)
    ('red, blue', '2.5')
    """
    if isinstance(value, (list, tuple)):
        return ", ".join(render_plain(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class VerifierKind:
    """One verifier kind: everything the pipeline needs to know about a ``verifier_type``.

    - ``check(answer, label, record, ctx) -> Verdict``: the judgement; ``ctx`` exposes the
      parameters as attributes (``ctx.float_tol``), and ``ctx.embedder`` / ``ctx.judge``.
    - ``summary``: one line for ``vstar verify --help``.
    - ``params``: its tolerances and thresholds (see :class:`Param`).
    - ``needs_embedder``: records with it are batched and their ``texts(answer, label)`` embedded together.
    - ``render(gold, duration) -> str``: the gold value as a hint in rationalization prompts.
    - ``metrics``: what it feeds to ``vstar eval`` besides accuracy (names in :data:`METRICS`).
    - ``validate_gold(label)``: raises :class:`CannotJudge` for a gold value the kind cannot read,
      so a broken label is an error record, never a rejected answer.
    """

    name: str
    check: Check
    summary: str = ""
    params: tuple[Param, ...] = ()
    needs_embedder: bool = False
    render: Render = render_plain
    metrics: tuple[str, ...] = ()
    validate_gold: Callable[[Any], None] | None = None
    texts: Callable[[str, Any], list[str]] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*", self.name):
            raise RegistryError(f"verifier kind name {self.name!r} must be letters, digits, '_', '.' or '-'")
        if not callable(self.check):
            raise RegistryError(f"verifier kind {self.name!r}: check is not callable")
        object.__setattr__(self, "params", tuple(self.params))
        object.__setattr__(self, "metrics", tuple(self.metrics))
        unknown = [m for m in self.metrics if m not in METRICS]
        if unknown:
            raise RegistryError(
                f"verifier kind {self.name!r}: unknown metric(s) {', '.join(map(repr, unknown))}"
                f" (known: {', '.join(METRICS)})"
            )

    def judge(self, answer: str, label: Any, record: dict, ctx: Any = None) -> Verdict:
        """Validate the gold label (``CannotJudge`` if unreadable), then check the answer."""
        if self.validate_gold is not None:
            self.validate_gold(label)
        return self.check(answer, label, record, ctx)
