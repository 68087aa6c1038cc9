"""Where a run's time goes: each ``vstar`` process's seconds, with model loading counted apart.

With ``VSTAR_TIMINGS`` set to a file, every ``vstar`` process appends one JSON line to it when
it exits: its command (``generate``, ``prepare synthetic``, ...), its seconds since the
process started, and the seconds spent in named sections:

- ``startup``: from the process's start to the command's first line (the interpreter, and
  importing vstar and its command-line libraries);
- ``model_load``: loading a model and its processor, the first ``import transformers`` and
  ``import torch`` included;
- ``embedder_load``: loading the verifier's sentence embedder, its imports included.

:func:`by_stage` adds the lines up per command. Processes that run side by side each count
their own seconds, so the sums are process seconds, not wall time.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ENV = "VSTAR_TIMINGS"
PARTS = ("startup", "model_load", "embedder_load")

_IMPORTED = time.time()
_sections: dict[str, float] = {}
_active: set[str] = set()
_started: list[float] = []


def process_start() -> float:
    """The Unix time this process started (from ``/proc`` on Linux; else when this module was imported)."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return time.time() - uptime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return _IMPORTED


@contextmanager
def section(name: str) -> Iterator[None]:
    """Count the time inside as ``name`` (a section inside one of the same name counts once)."""
    if name in _active:
        yield
        return
    _active.add(name)
    t0 = time.perf_counter()
    try:
        yield
    finally:
        _active.discard(name)
        _sections[name] = _sections.get(name, 0.0) + time.perf_counter() - t0


def timed(name: str) -> Callable:
    """A decorator: every call of the function counts as section ``name``."""

    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            with section(name):
                return fn(*args, **kwargs)

        return inner

    return wrap


def start(command: str) -> None:
    """Note that ``command`` began; with ``VSTAR_TIMINGS`` set, its line is appended at exit (once per process)."""
    path = os.environ.get(ENV)
    if not path or _started:
        return
    began = process_start()
    _started.append(began)
    _sections["startup"] = max(0.0, time.time() - began)
    atexit.register(_write, path, command, began)


def _write(path: str, command: str, began: float) -> None:
    line = {
        "command": command,
        "seconds": round(time.time() - began, 3),
        **{k: round(v, 3) for k, v in sorted(_sections.items())},
        "pid": os.getpid(),
    }
    try:
        # One write of one short line in append mode: lines of processes running side by side do not mix.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (json.dumps(line) + "\n").encode("utf-8"))
        finally:
            os.close(fd)
    except OSError as exc:
        print(f"warning: cannot write timings to {path}: {exc}", file=sys.stderr)


def command_name(argv: list[str], invoked: str | None) -> str:
    """The command a ``vstar`` process runs: ``invoked``, with its subcommand for ``prepare``.

    >>> command_name(["vstar", "-q", "prepare", "synthetic", "--out", "d"], "prepare")
    'prepare synthetic'
    >>> command_name(["vstar", "verify", "a.jsonl"], "verify")
    'verify'
    """
    if invoked is None:
        return "-"
    words = [a for a in argv[1:] if not a.startswith("-")]
    if invoked == "prepare" and invoked in words and words.index(invoked) + 1 < len(words):
        return f"{invoked} {words[words.index(invoked) + 1]}"
    return invoked


def _is_timing(d: Any) -> bool:
    return (
        isinstance(d, dict)
        and isinstance(d.get("command"), str)
        and isinstance(d.get("seconds"), (int, float))
        and not isinstance(d.get("seconds"), bool)
    )


def read(path: str | Path) -> list[dict]:
    """The timing lines of a file (absent file: none). Lines that are not timing records (not
    JSON, no command, no number of seconds) are skipped with one warning that counts them."""
    import logging

    from vstar_cli.io import read_records

    if not Path(path).is_file():
        return []
    records = list(read_records(path))
    lines = [d for d in records if _is_timing(d)]
    if len(lines) < len(records):
        logging.getLogger("vstar.timings").warning(
            "timings: %d of %d lines of %s are not timing records; skipped",
            len(records) - len(lines),
            len(records),
            path,
        )
    return lines


def by_stage(lines: list[dict]) -> dict[str, dict]:
    """Per command: processes, seconds and each part's seconds (summed over processes), biggest first.

    >>> by_stage([{"command": "eval", "seconds": 10, "model_load": 2}, {"command": "eval", "seconds": 6}])
    {'eval': {'processes': 2, 'seconds': 16.0, 'startup': 0.0, 'model_load': 2.0, 'embedder_load': 0.0}}
    """
    out: dict[str, dict] = {}
    for line in lines:
        row = out.setdefault(line["command"], {"processes": 0, "seconds": 0.0, **{p: 0.0 for p in PARTS}})
        row["processes"] += 1
        for key in ("seconds", *PARTS):
            value = line.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                row[key] += float(value)
    for row in out.values():
        for key in ("seconds", *PARTS):
            row[key] = round(row[key], 1)
    return dict(sorted(out.items(), key=lambda kv: -kv[1]["seconds"]))
