"""Converters as registered objects, and the loop that runs one over a file.

A :class:`Converter` names a dataset, its options, its phrasings and the verifier kinds it
emits; :data:`REGISTRY` holds the built-in ones and those that other packages publish
under the ``vstar.converters`` entry point group (an entry point names a ``Converter``).
``vstar prepare NAME FILE`` is built from the registry, so a new dataset is one module in
``vstar_cli/prepare/converters/`` plus its test.
"""

from __future__ import annotations

import importlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from vstar_cli.io import ErrorRecord
from vstar_cli.prepare.base import Flag, FormatError, ItemError, Omit, Skip, check_record, jsonable, known_kind
from vstar_cli.prepare.phrasing import Phraser

log = logging.getLogger("vstar.prepare")

BUILTIN = ("kinetics", "finediving", "star", "ssv2", "tempcompass", "msvd_qa", "moma")
ENTRY_POINT_GROUP = "vstar.converters"


@dataclass(frozen=True)
class Option:
    """A converter option: becomes ``--name`` (underscores as dashes) of its command."""

    name: str
    type: type
    default: Any
    help: str
    is_path: bool = False  # checked to exist before the run
    choices: tuple[str, ...] = ()  # accepted values (a usage error otherwise)


@dataclass
class Context:
    """What a converter's ``read`` and ``convert`` see: options, phraser, notes for stderr."""

    opts: SimpleNamespace
    phraser: Phraser
    notes: list[str] = field(default_factory=list)
    shared: dict = field(default_factory=dict)

    def note(self, message: str) -> None:
        """A warning for the summary on stderr (each message once)."""
        if message not in self.notes:
            self.notes.append(message)


@dataclass(frozen=True)
class Converter:
    """A dataset converter.

    ``read(path, ctx)`` yields ``(number, item)`` pairs and raises :class:`FormatError` for a
    file of another format; ``convert(item, ctx)`` yields records, :class:`Skip`,
    :class:`Omit` or :class:`Flag`, and raises :class:`ItemError` for an item it cannot convert.
    """

    name: str
    summary: str
    input_help: str
    files: str
    kinds: tuple[str, ...]
    read: Callable[[Path, Context], Iterable[tuple[int, Any]]]
    convert: Callable[[Any, Context], Iterable[Any]]
    options: tuple[Option, ...] = ()
    phrasings: Mapping[str, Sequence[str]] = field(default_factory=dict)
    video_pattern: str = "{video_id}.mp4"
    video_fields: str = "{video_id}"
    unit: str = "items"

    def __post_init__(self) -> None:
        unknown = [k for k in self.kinds if not known_kind(k)]
        if unknown:
            raise ValueError(f"converter {self.name!r} emits unknown verifier kinds: {', '.join(unknown)}")
        names = [o.name for o in self.options]
        if len(names) != len(set(names)):
            raise ValueError(f"converter {self.name!r} declares an option twice")


class Registry:
    """Converters by name; refuses a second converter of the same name."""

    def __init__(self) -> None:
        self._items: dict[str, Converter] = {}
        self._loaded = False

    def register(self, conv: Converter) -> Converter:
        """Add ``conv``; a name already taken is an error."""
        if not isinstance(conv, Converter):
            raise TypeError(f"not a Converter: {conv!r}")
        if conv.name in self._items:
            raise ValueError(f"a converter named {conv.name!r} is already registered")
        self._items[conv.name] = conv
        return conv

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for mod in BUILTIN:
            self.register(importlib.import_module(f"vstar_cli.prepare.converters.{mod}").CONVERTER)
        from importlib.metadata import entry_points

        for ep in entry_points(group=ENTRY_POINT_GROUP):
            try:
                self.register(ep.load())
            except Exception as exc:  # a broken plugin must not take the built-ins down
                log.warning("converter entry point %s not loaded: %s", ep.name, exc)

    def get(self, name: str) -> Converter:
        """The converter called ``name``; unknown names list the known ones."""
        self._load()
        if name not in self._items:
            raise KeyError(f"unknown converter {name!r} (known: {', '.join(self._items)})")
        return self._items[name]

    def names(self) -> list[str]:
        """Registered names, built-ins first."""
        self._load()
        return list(self._items)


REGISTRY = Registry()


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


__all__ = ["Context", "Converter", "Counts", "FormatError", "Option", "REGISTRY", "Registry", "run"]
