"""What every command shares: stderr console, logging, usage errors, error sink, summary."""

from __future__ import annotations

import logging
import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import typer
from rich.console import Console

from vstar_cli.io import ErrorRecord, JsonlWriter

console = Console(stderr=True, highlight=False)
MAX_ERRORS_SHOWN = 20


# Loggers of the libraries vstar drives; -q silences them, -v lets their info through.
LIBRARY_LOGGERS = (
    "transformers",
    "bitsandbytes",
    "accelerate",
    "peft",
    "torch",
    "datasets",
    "trl",
    "sentence_transformers",
)
LIBRARY_ENV = {
    "TRANSFORMERS_VERBOSITY": {True: "error", False: "info"},
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": {True: "1"},
}
# `vstar -q COMMAND` / `vstar -v COMMAND` (set by the root callback) apply to every command.
GLOBAL_VERBOSITY = {"quiet": False, "verbose": False}
_saved_env: dict[str, str | None] = {}


def setup_logging(quiet: bool = False, verbose: bool = False) -> None:
    """Send log messages to stderr through rich: errors only with ``quiet``, debug with ``verbose``.

    ``quiet`` also silences the libraries (transformers, bitsandbytes, accelerate, ...): their
    loggers and Python warnings; ``verbose`` shows their info messages.
    """
    from rich.logging import RichHandler

    quiet = quiet or GLOBAL_VERBOSITY["quiet"]
    verbose = (verbose or GLOBAL_VERBOSITY["verbose"]) and not quiet
    root = logging.getLogger("vstar")
    root.handlers[:] = [RichHandler(console=console, show_time=verbose, show_path=verbose)]
    root.setLevel(logging.DEBUG if verbose else logging.ERROR if quiet else logging.INFO)
    root.propagate = False
    _library_verbosity(quiet, verbose)
    root.debug("debug logging on; command line: %s", " ".join(sys.argv))


def _library_verbosity(quiet: bool, verbose: bool) -> None:
    mode = True if quiet else False if verbose else None
    for key, values in LIBRARY_ENV.items():
        if key not in _saved_env:
            _saved_env[key] = os.environ.get(key)
        value = values.get(mode) if mode is not None else None
        if value is not None:
            os.environ[key] = value  # read by transformers when it is imported later
        elif _saved_env[key] is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = _saved_env[key]
    level = logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(level)
    if "transformers" in sys.modules:  # already imported: its env variable was read already
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity(level)
    if quiet:
        warnings.filterwarnings("ignore")


def looks_like_path(name: str) -> bool:
    """Whether a ``--model`` value names a local path rather than a hub id (``org/name`` or ``name``).

    >>> [looks_like_path(x) for x in ("./ckpt", "/models/q", "~/m", "a/b/c", "Qwen/Qwen2-VL-2B", "gpt2")]
    [True, True, True, True, False, False]
    """
    return name.startswith((".", "/", "~")) or "\\" in name or name.count("/") > 1 or name.endswith("/")


def check_sources(model: str | None = None, video_dir: str | None = None, adapter: str | None = None) -> None:
    """Usage errors for a local model, adapter or --video-dir that does not exist, before any model loads."""
    for what, name in (("model", model), ("adapter", adapter)):
        if name and looks_like_path(name) and not Path(name).expanduser().exists():
            raise usage_error(f"{what} not found: {name} (no such local directory)")
    if video_dir is not None and not Path(video_dir).expanduser().is_dir():
        raise usage_error(f"--video-dir not found: {video_dir} (no such directory)")


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
