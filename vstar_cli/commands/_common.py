"""What every command shares: stderr console, logging, usage errors, error sink, summary."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import typer
from rich.console import Console

from vstar_cli.io import ErrorRecord, JsonlWriter

console = Console(stderr=True, highlight=False)
MAX_ERRORS_SHOWN = 20


def setup_logging(quiet: bool = False) -> None:
    """Send library log messages to stderr through rich."""
    from rich.logging import RichHandler

    root = logging.getLogger("vstar")
    root.handlers[:] = [RichHandler(console=console, show_time=False, show_path=False)]
    root.setLevel(logging.ERROR if quiet else logging.INFO)
    root.propagate = False


def usage_error(message: str) -> typer.Exit:
    """Print a one-line usage error and return the exit (code 2) to raise."""
    console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    return typer.Exit(2)


@dataclass
class ErrorSink:
    """Writes error records to ``--errors``; without it, reports each on stderr. Never drops one."""

    path: Path | None
    count: int = 0
    _writer: JsonlWriter | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.path is not None:
            self._writer = JsonlWriter(self.path)

    def add(self, err: ErrorRecord) -> None:
        """Record one error."""
        self.count += 1
        doc = err.to_json()
        if self._writer is not None:
            self._writer.write(doc)
        elif self.count <= MAX_ERRORS_SHOWN:
            console.print(f"[red]error[/] line {doc['line']}: {err.reason}", soft_wrap=True)
        elif self.count == MAX_ERRORS_SHOWN + 1:
            console.print("[red]error[/] ... more errors not shown (use --errors FILE to keep them all)")

    def close(self) -> None:
        """Close the errors file."""
        if self._writer is not None:
            self._writer.close()


@dataclass
class Timer:
    """Wall time since creation."""

    start: float = field(default_factory=time.perf_counter)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.start
