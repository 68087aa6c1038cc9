"""What a file seems to be, for the message of a format error ("it looks like ...").

This module reads the head of a file once (a pickle, JSON, JSON Lines or text) into a
:class:`Head`; each converter's ``detect(head)`` says whether it is one of its dataset's files.
Only what belongs to no converter is named here: empty, binary or non-UTF-8 files, vstar's own
records, and pickles or JSON Lines no converter knows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Head:
    """The start of a file as a converter's ``detect`` sees it.

    ``form`` is ``"pickle"`` (``data``: the unpickled object), ``"json"`` (``data``: the parsed
    JSON; the first rows of a JSON Lines file are given as a list) or ``"text"`` (``line``: the
    first line, ``columns``: its comma-separated cells, lower-cased).
    """

    form: str
    data: Any = None
    line: str = ""

    @property
    def columns(self) -> set[str]:
        """The first line's comma-separated cells, stripped and lower-cased (a CSV header)."""
        return {c.strip().lower() for c in self.line.split(",")} if self.form == "text" else set()

    @property
    def mapping(self) -> dict | None:
        """The JSON object, when the file is one."""
        return self.data if self.form == "json" and isinstance(self.data, dict) else None

    @property
    def rows(self) -> list[dict] | None:
        """The first 20 items of a JSON list whose first 20 items are all objects (else ``None``)."""
        data = self.data
        if self.form != "json" or not isinstance(data, list) or not data:
            return None
        head = data[:20]
        return head if all(isinstance(x, dict) for x in head) else None

    @property
    def keys(self) -> set[str]:
        """The keys of :attr:`rows` taken together (empty when there are no rows)."""
        rows = self.rows
        return set().union(*(x.keys() for x in rows)) if rows else set()


def _json_kind(head: Head, detectors) -> str | None:
    found = _first(head, detectors)
    if found:
        return found
    if {"label_type", "verifier_type"} <= head.keys or {"output", "verdict"} & head.keys:
        return "vstar records (already prepared): give them to generate / verify, not prepare"
    return None


def _detectors() -> list:
    from vstar_cli.prepare.registry import REGISTRY

    # Only the converters loaded so far: naming a file never scans the plugin entry points.
    convs = [REGISTRY.get(n) for n in REGISTRY.loaded_names()]
    return [c.detect for c in convs if c.detect is not None]


def looks_like(path: str | Path) -> str | None:
    """What a file seems to be, for a format error's message (``None``: nothing known).

    Reads at most the first 64 MiB; never raises.
    """
    try:
        p = Path(path)
        with open(p, "rb") as fh:
            head = fh.read(64 << 20)
    except OSError:
        return None
    if not head.strip():
        return "an empty file"
    detectors = _detectors()
    if head[:1] == b"\x80":
        try:
            from vstar_cli.prepare.safe_pickle import load as load_pickle

            obj = load_pickle(p)
        except Exception:  # any unpickling failure: a pickle we cannot name
            return "a Python pickle"
        return _first(Head("pickle", obj), detectors) or "a Python pickle"
    try:
        txt = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if b"\0" in head[:4096]:
            return "a binary file"
        if exc.start < len(head) - 4:
            return "text that is not UTF-8 (re-save it as UTF-8)"
        txt = head[: exc.start].decode("utf-8-sig", "replace")
    first = txt.lstrip()[:1]
    if first in "[{":
        try:
            return _json_kind(Head("json", json.loads(txt)), detectors)
        except (ValueError, RecursionError):
            if first == "{" and "\n{" in txt.strip():
                try:
                    rows = [json.loads(x) for x in txt.strip().splitlines()[:20] if x.strip()]
                except (ValueError, RecursionError):
                    rows = []
                kind = (
                    _json_kind(Head("json", rows), detectors)
                    if rows and all(isinstance(r, dict) for r in rows)
                    else None
                )
                return f"a JSON Lines file of {kind}" if kind else "a JSON Lines file (one object per line)"
            return None
    line = txt.splitlines()[0] if txt else ""
    return _first(Head("text", line=line), detectors)


def _first(head: Head, detectors) -> str | None:
    for detect in detectors:
        try:
            found = detect(head)
        except Exception:  # a detector's bug must not hide the format error it decorates
            continue
        if found:
            return found
    return None


__all__ = ["Head", "looks_like"]
