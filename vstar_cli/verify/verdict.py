"""The result of checking one label against one answer, and the "cannot judge" signal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class CannotJudge(ValueError):
    """The gold label cannot be read by its verifier kind (a range that is not two numbers, ...).

    A check raises it instead of returning a rejection: the record is an error record, never a
    rejected answer, so it does not reach rationalization.
    """


@dataclass(frozen=True)
class Verdict:
    """Whether a label is verified, what was extracted from the answer, why, and where it was read.

    ``span`` is the ``(start, end)`` character range of ``output`` that was read, when known.

    >>> Verdict(True, "playing guitar", "label asserted", (4, 18)).to_json()["span"]
    [4, 18]
    """

    ok: bool
    extracted: Any
    reason: str
    span: tuple[int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        """The contract's per-label verdict object (``span`` only when known)."""
        out: dict[str, Any] = {"ok": self.ok, "extracted": self.extracted, "reason": self.reason}
        if self.span is not None:
            out["span"] = [int(self.span[0]), int(self.span[1])]
        return out
