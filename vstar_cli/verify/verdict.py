"""The result of checking one label against one answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Verdict:
    """Whether a label is verified, what was extracted from the answer, and why.

    >>> Verdict(True, "playing guitar", "label asserted").to_json()["ok"]
    True
    """

    ok: bool
    extracted: Any
    reason: str

    def to_json(self) -> dict[str, Any]:
        """The contract's per-label verdict object."""
        return {"ok": self.ok, "extracted": self.extracted, "reason": self.reason}
