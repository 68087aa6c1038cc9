"""The loop that runs one converter over a file: records, error records and the counts of the summary."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from vstar_cli.io import ErrorRecord
from vstar_cli.prepare.base import Flag, ItemError, Omit, Skip, check_record, jsonable, known_kind
from vstar_cli.prepare.converter import Context, Converter


@dataclass
class Counts:
    """Items read = items converted + skipped (by reason) + errors; records written apart."""

    read: int = 0
    converted: int = 0
    written: int = 0
    errors: int = 0
    skipped: Counter = field(default_factory=Counter)
    omitted: Counter = field(default_factory=Counter)
    flagged: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)

    def line(self, name: str, unit: str) -> str:
        """One-line summary for stderr."""
        skipped = sum(self.skipped.values())
        parts = [
            f"prepare {name}: read {self.read} {unit} = {self.converted} converted + {skipped} skipped"
            f" + {self.errors} errors; {self.written} records written"
        ]
        for what, counter in (("skipped", self.skipped), ("questions not asked", self.omitted)):
            if counter:
                parts.append(f"{what}: " + ", ".join(f"{n} {r}" for r, n in counter.most_common()))
        if self.flagged:
            parts.append("flagged: " + ", ".join(f"{n} {r}" for r, n in self.flagged.most_common()))
        return "; ".join(parts)


def _gold(rec: dict) -> int:
    """What makes two records the same question: video and labels (phrasings are drawn, so not the text)."""
    return hash(json.dumps([rec.get("video_path"), rec.get("label"), rec.get("label_type")], sort_keys=True))


def run(conv: Converter, path: Path, ctx: Context, counts: Counts) -> Iterator[dict | ErrorRecord]:
    """Records (and error records) of ``conv`` on ``path``; ``counts`` is kept up to date.

    Raises :class:`FormatError` when the file is not the converter's format. One output never
    holds two questions of one id: an item that repeats an earlier one (same ids, videos and
    labels: a duplicated row) is skipped; one that reuses an id with another video or label is
    an error record.
    """
    seen: dict[str, int] = {}  # question_id -> hash of its video and labels
    for number, item in conv.read(path, ctx):
        counts.read += 1
        out: list[dict] = []
        skip: Skip | None = None
        flags: list[str] = []
        omitted: list[str] = []
        try:
            for x in conv.convert(item, ctx):
                if isinstance(x, Skip):
                    skip = x
                    break
                if isinstance(x, Omit):
                    omitted.append(x.reason)
                elif isinstance(x, Flag):
                    flags.append(x.reason)
                else:
                    bad = [k for k in x.get("verifier_type", []) if not known_kind(k)]
                    if bad:
                        raise ItemError(f"unknown verifier kind {', '.join(bad)}")
                    check_record(x)
                    out.append(x)
            ids = [r["question_id"] for r in out]
            twice = sorted({q for q in ids if ids.count(q) > 1})
            if twice:
                raise ItemError(f"the item gives question_id {', '.join(twice)} twice")
            again = [r for r in out if r["question_id"] in seen]
            if again and skip is None:
                if len(again) == len(out) and all(seen[r["question_id"]] == _gold(r) for r in again):
                    skip = Skip("repeats an earlier item (same id, video and labels)")
                    out = []
                else:
                    names = ", ".join(sorted(r["question_id"] for r in again))
                    raise ItemError(f"duplicate question_id {names}: an earlier item gave it another video or label")
        except (
            ItemError,
            KeyError,
            TypeError,
            ValueError,
            IndexError,
            AttributeError,
            ArithmeticError,
            RecursionError,
        ) as exc:
            counts.errors += 1
            reason = jsonable(str(exc) if isinstance(exc, ItemError) else f"{type(exc).__name__}: {exc}")
            doc = jsonable(item)
            yield (
                ErrorRecord(reason, record=doc, line=number)
                if isinstance(doc, dict)
                else ErrorRecord(reason, raw=repr(doc), line=number)
            )
            continue
        if skip is None and not out:
            # Every question of the item was left out: the item is skipped (with why), not "converted".
            skip = Skip("no question to ask" + (f" ({'; '.join(dict.fromkeys(omitted))})" if omitted else ""))
        if skip is not None:
            counts.skipped[skip.reason] += 1
            continue
        counts.converted += 1
        seen.update((r["question_id"], _gold(r)) for r in out)
        counts.omitted.update(omitted)
        counts.flagged.update(flags)
        for rec in out:
            if flags:
                rec["flags"] = flags
            counts.written += 1
            counts.kinds.update(rec["verifier_type"])
            yield rec


__all__ = ["Counts", "run"]
