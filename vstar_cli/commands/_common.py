"""What every command shares: stderr console, logging, usage errors, error sink, summary."""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import typer
from rich.console import Console

from vstar_cli import logs
from vstar_cli.io import ErrorRecord, InputError
from vstar_cli.output import JsonlWriter, OutputError, same_file

console = Console(stderr=True, highlight=False)
MAX_ERRORS_SHOWN = 20


def setup_logging(quiet: bool = False, verbose: bool = False) -> None:
    """Log to stderr: errors only with ``quiet`` (libraries silenced too), debug with ``verbose``."""
    logs.setup_logging(console, quiet, verbose)


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


def check_input(path: str | Path | None, what: str = "input file") -> None:
    """Refuse (exit 2) an input that does not exist or is a directory; ``-``, pipes and
    ``/dev/fd/N`` (a shell's ``<(...)``) are accepted."""
    if path is None or str(path) == "-":
        return
    p = Path(path)
    if not p.exists():
        raise usage_error(f"{what} not found: {p}")
    if p.is_dir():
        raise usage_error(f"{what} is a directory, not a file: {p}")


def check_outputs(
    inputs: Iterable[str | Path | None] | dict[str, str | Path | None], outputs: dict[str, str | Path | None]
) -> None:
    """Refuse (exit 2) an output that is an input or another output of the same run, or a directory.

    ``inputs`` may name each input's role (``{"the input": p, "--questions": q}``) for the message.
    Paths are compared by inode when they exist and by resolved path otherwise, so
    ``./x.jsonl``, a symlink to it and a hard link all count as the same file.
    """
    roles = inputs.items() if isinstance(inputs, dict) else (("an input", i) for i in inputs)
    read = [(role, i) for role, i in roles if i is not None and str(i) != "-"]
    named = [(opt, p) for opt, p in outputs.items() if p is not None and str(p) != "-"]
    for opt, p in named:
        if Path(p).is_dir():
            raise usage_error(f"{opt} {p} is a directory, not a file")
        for role, i in read:
            if same_file(p, i):
                raise usage_error(f"{opt} {p} is also {role}: writing it would destroy what is being read")
    for k, (opt, p) in enumerate(named):
        for opt2, p2 in named[k + 1 :]:
            if same_file(p, p2):
                raise usage_error(f"{opt} and {opt2} are the same file ({p}): give each its own path")


def stdin_is(path: str | Path) -> bool:
    """Whether standard input is redirected from the regular file ``path`` (``< path``)."""
    import stat

    try:
        si, sp = os.fstat(sys.stdin.fileno()), os.stat(path)
    except (OSError, ValueError, AttributeError):  # no such file, or a test runner's stdin
        return False
    return stat.S_ISREG(si.st_mode) and (si.st_dev, si.st_ino) == (sp.st_dev, sp.st_ino)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # a test runner's stdout has no descriptor
        pass


def guarded(command: Callable) -> Callable:
    """Wrap a command: output and input failures become a one-line error (exit 2), and a
    closed stdout (``vstar verify f | head -1``) ends the command quietly."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (OutputError, InputError) as exc:
            raise usage_error(str(exc)) from None
        except BrokenPipeError:
            _silence_stdout()
            raise typer.Exit(0) from None

    return run


@dataclass
class ErrorSink:
    """Writes error records to ``--errors``; without it, reports each on stderr. Never drops one."""

    path: Path | None
    count: int = 0
    direct: bool = False  # write the file in place (kept if the run is killed), as generate does
    _writer: JsonlWriter | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.path is not None:
            self._writer = JsonlWriter(self.path, direct=self.direct)

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

    def discard(self) -> None:
        """Close without replacing an existing errors file (the run failed before it began)."""
        if self._writer is not None:
            self._writer.__exit__(RuntimeError, None, None)


@dataclass
class Timer:
    """Wall time since creation."""

    start: float = field(default_factory=time.perf_counter)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.start
