"""A progress bar on stderr for the record streams of the commands: records done, rate, ETA.

On only when stderr is a terminal and the command is not ``-q``. ``VSTAR_PROGRESS=1`` forces it
on (``0`` off) whatever stderr is, for tests and for logs that want it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
COUNT_LIMIT = 2 << 30  # bigger inputs are not pre-counted: the bar shows records and rate, no ETA


def enabled(quiet: bool) -> bool:
    """Whether to show progress: never with ``quiet``; ``VSTAR_PROGRESS`` decides, else whether stderr is a terminal."""
    if quiet:
        return False
    forced = os.environ.get("VSTAR_PROGRESS", "").strip().lower()
    if forced in {"1", "true", "yes", "on"}:
        return True
    if forced in {"0", "false", "no", "off"}:
        return False
    return sys.stderr.isatty()


def count_lines(paths: Iterable[str | Path]) -> int | None:
    """Lines of the input files (one record each in JSONL); ``None`` for stdin, JSON arrays or huge files.

    Reads in 1 MiB blocks, so counting costs a small fraction of the stage itself.
    """
    if not enabled(False):  # no bar, no count: a stage does not read its input twice for nothing
        return None
    total = 0
    for p in paths:
        if str(p) == "-":
            return None
        try:
            st = os.stat(p)
            # Only regular files are read ahead: a pipe (<(cat f), /dev/stdin) would lose what was counted.
            if not stat.S_ISREG(st.st_mode) or st.st_size > COUNT_LIMIT:
                return None
            with open(p, "rb") as fh:
                head = fh.read(1).lstrip()
                if head == b"[":  # a JSON array: its records are not lines
                    return None
                fh.seek(0)
                last = b"\n"
                for block in iter(lambda: fh.read(1 << 20), b""):
                    total += block.count(b"\n")
                    last = block[-1:]
                total += last != b"\n"
        except OSError:
            return None
    return total


@contextlib.contextmanager
def bar(label: str, total: int | None = None, quiet: bool = False, unit: str = "records"):
    """A context holding ``advance(n=1)``; a no-op when progress is off. Writes to stderr only."""
    if not enabled(quiet):
        yield lambda n=1: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True, force_terminal=True if os.environ.get("VSTAR_PROGRESS") else None)
    columns = [TextColumn(f"{label}"), BarColumn(), MofNCompleteColumn()] if total else [TextColumn(f"{label}")]
    if not total:
        columns.append(TextColumn("{task.completed} " + unit))
    columns += [TextColumn("{task.fields[rate]}"), TimeElapsedColumn()]
    if total:
        columns += [TextColumn("ETA"), TimeRemainingColumn()]
    progress = Progress(*columns, console=console, transient=False)
    task = progress.add_task(label, total=total, rate="")
    with progress:

        def advance(n: int = 1) -> None:
            speed = progress.tasks[0].speed
            progress.update(task, advance=n, rate=f"{speed:.1f} {unit}/s" if speed else "")

        yield advance


def track(items: Iterable[T], label: str, total: int | None = None, quiet: bool = False) -> Iterator[T]:
    """Yield ``items`` unchanged, advancing a stderr progress bar by one per item."""
    with bar(label, total, quiet) as advance:
        for item in items:
            yield item
            advance()


@contextlib.contextmanager
def steps_bar(label: str, total: int, quiet: bool = False):
    """Optimizer steps with the last loss; yields ``update(step, max_steps, loss)``, or ``None`` when progress is off."""
    if not enabled(quiet):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True, force_terminal=True if os.environ.get("VSTAR_PROGRESS") else None)
    columns = [TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn("loss {task.fields[loss]}")]
    progress = Progress(*columns, TextColumn("ETA"), TimeRemainingColumn(), console=console)
    task = progress.add_task(label, total=total, loss="-")
    with progress:

        def update(step: int, max_steps: int, loss: float) -> None:
            progress.update(task, completed=step, total=max_steps or total, loss=f"{loss:.4f}")

        yield update
