"""What the viewer reads: JSONL files of any stage, or a run folder made by the recipes.

A run folder (``recipes/cycle.mk``) holds ``cycleN/`` directories; each gives its verified
answers (``ver.jsonl``, else ``gen.jsonl``), its verified rationalizations (``ratver.jsonl``,
else ``rat.jsonl``) and any ``*errors*.jsonl`` file. A folder of such runs (``runs/demo``)
gives every run inside it. Each record is reduced to the facets the page filters on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from vstar_cli.io import ErrorRecord, read_records
from vstar_cli.records import as_list, get_field

_CYCLE = re.compile(r"cycle(\d+)")
ERROR_KEYS = {"line", "record", "raw", "reason"}


@dataclass
class Source:
    """One input file and where it sits: its run (if any) and cycle."""

    path: Path
    cycle: str = "-"
    run: str | None = None


@dataclass
class Inputs:
    """The files to show, and the report plots of the run folders among the inputs."""

    sources: list[Source] = field(default_factory=list)
    plots: list[tuple[str, Path]] = field(default_factory=list)
    runs: list[Path] = field(default_factory=list)


def _cycle_dirs(run: Path) -> list[Path]:
    dirs = [p for p in run.iterdir() if p.is_dir() and _CYCLE.fullmatch(p.name)]
    return sorted(dirs, key=lambda p: int(p.name[5:]))


def _run_files(cdir: Path) -> list[Path]:
    files = []
    for preferred, fallback in (("ver.jsonl", "gen.jsonl"), ("ratver.jsonl", "rat.jsonl")):
        for name in (preferred, fallback):
            if (cdir / name).is_file():
                files.append(cdir / name)
                break
    files += sorted(p for p in cdir.glob("*errors*.jsonl") if p.is_file())
    return files


def _run_names(runs: list[Path]) -> dict[Path, str]:
    """Short distinct names: the folder's name, with its parent's when two share one."""
    names: dict[Path, str] = {}
    for run in runs:
        name = run.name
        if sum(1 for r in runs if r.name == name) > 1:
            name = f"{run.parent.name}/{run.name}"
        while name in names.values():
            name += "'"
        names[run] = name
    return names


def _runs_below(folder: Path, depth: int = 3) -> list[Path]:
    """The run folders at or below ``folder`` (``runs/demo/seed0/vstar`` under ``runs/demo``), ``depth`` levels at most.

    A run folder's own subfolders are not searched; symbolic links are not followed.
    """
    if _cycle_dirs(folder):
        return [folder]
    if depth == 0:
        return []
    found: list[Path] = []
    for d in sorted(folder.iterdir()):
        if d.is_dir() and not d.is_symlink():
            found += _runs_below(d, depth - 1)
    return found


def discover(paths: list[str | Path]) -> Inputs:
    """Expand files and run folders into the sources to read.

    Raises ``ValueError`` with a one-line reason for a path that is neither.
    """
    found = Inputs()
    runs: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_file():
            m = _CYCLE.fullmatch(p.parent.name)
            found.sources.append(Source(p, m.group(1) if m else "-"))
            continue
        if not p.is_dir():
            raise ValueError(f"input not found: {p}")
        inner = _runs_below(p)
        if not inner:
            raise ValueError(f"{p} is neither a JSONL file nor a run folder (no cycleN/ directories in it or below)")
        runs += [r for r in inner if r.resolve() not in {x.resolve() for x in runs}]
    # Several runs (a run and its ablation, say): a cycle is named by its run too.
    named = _run_names(runs) if len(runs) > 1 else {}
    for run in runs:
        name = named.get(run)
        found.runs.append(run)
        for cdir in _cycle_dirs(run):
            cycle = cdir.name[5:] if name is None else f"{name}/{cdir.name[5:]}"
            found.sources += [Source(f, cycle, name) for f in _run_files(cdir)]
        png = run / "report.png"
        if png.is_file():
            found.plots.append((f"{name} report" if name else "report", png))
    return found


def is_error_doc(doc: dict) -> bool:
    """Whether a JSON object is an ``--errors`` line (``line``, ``record`` or ``raw``, ``reason``).

    >>> is_error_doc({"line": 3, "raw": "{oops", "reason": "malformed JSON"})
    True
    >>> is_error_doc({"question": "q", "reason": "x"})
    False
    """
    return "reason" in doc and ("record" in doc or "raw" in doc) and set(doc) <= ERROR_KEYS


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


@lru_cache(maxsize=1 << 16)
def reason_group(reason: str) -> str:
    """A reason with its quoted values and numbers blanked, so like reasons group together.

    >>> reason_group("label 'dog' not found in the answer")
    "label '…' not found in the answer"
    >>> reason_group("IoU 0.312 <= 0.5")
    'IoU # <= #'
    """
    text = _QUOTED.sub("'…'", str(reason))
    text = _NUMBER.sub("#", text)
    text = " ".join(text.split())
    return text[:80] + ("…" if len(text) > 80 else "")


@dataclass
class Entry:
    """One record as the page shows it: the record, where it came from, and its facets."""

    record: dict
    file: int
    line: int | None
    cycle: str
    status: str
    labels: tuple[str, ...]
    kinds: tuple[str, ...]
    source: str
    reason: str
    error: str | None = None
    raw: str | None = None
    input_line: int | None = None


def _verdict_reason(rec: dict) -> str:
    verdict = rec.get("verdict")
    if not isinstance(verdict, dict) or not verdict:
        return "-"
    items = [v for v in verdict.values() if isinstance(v, dict)]
    failing = [v for v in items if not v.get("ok")]
    pick = (failing or items or [{}])[0]
    return reason_group(str(pick["reason"])) if pick.get("reason") is not None else "-"


def _status(rec: dict) -> str:
    if "verified" in rec:
        return "verified" if rec.get("verified") is True else "rejected"
    return "unverified" if "output" in rec else "unanswered"


def _str_tuple(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in as_list(value) if v is not None)


def entries(src: Source, file_index: int) -> Iterator[Entry]:
    """The records of one source, each with its facets; unreadable lines become error entries."""
    for item in read_records(src.path):
        if isinstance(item, ErrorRecord):
            yield Entry({}, file_index, item.line, src.cycle, "error", (), (), "-", reason_group(item.reason),
                        error=item.reason, raw=item.raw)  # fmt: skip
            continue
        line = item.lineno
        if is_error_doc(item):
            inner = item.get("record") if isinstance(item.get("record"), dict) else {}
            reason = str(item.get("reason"))
            yield Entry(
                dict(inner),
                file_index,
                line,
                src.cycle,
                "error",
                _str_tuple(inner.get("label_type")),
                _str_tuple(inner.get("verifier_type")),
                str(inner.get("source") or "-"),
                reason_group(reason),
                error=reason,
                raw=item.get("raw") if isinstance(item.get("raw"), str) else None,
                input_line=item.get("line") if isinstance(item.get("line"), int) else None,
            )
            continue
        rec = dict(item)
        yield Entry(
            rec,
            file_index,
            line,
            src.cycle,
            _status(rec),
            _str_tuple(rec.get("label_type")),
            _str_tuple(rec.get("verifier_type")),
            str(rec.get("source") or "-"),
            _verdict_reason(rec),
        )


def video_of(rec: dict) -> str | None:
    """The record's video path (``video_path`` or its alias ``video``), if it is a string."""
    v = get_field(rec, "video_path")
    return v if isinstance(v, str) and v else None
