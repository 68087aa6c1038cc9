"""The one loop every stage command runs: read records, run the stage, split what it yields into
output / rejected / errors, count, print the summary line, set the exit code.

A command builds a :class:`Stream`, reads its inputs through it, hands the stage's output to
:meth:`Stream.drive` inside ``with``, and ends with :meth:`Stream.finish`::

    with Stream("verify", output=out, rejected=rej, errors=err, quiet=quiet) as s:
        s.drive(run(s.read([path]), cfg), keep=lambda r: r["verified"])
    s.finish(f"verify: {s.counts.total} records ...")

Contract: records in = records written + records rejected + error records; error records go to
``--errors`` (or stderr), never dropped; any error record makes the exit code 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import typer

from vstar_cli import progress
from vstar_cli.commands._common import ErrorSink, Timer, console, usage_error
from vstar_cli.io import ErrorRecord, InputError, Record, iter_inputs
from vstar_cli.output import JsonlWriter, OutputError


@dataclass
class Counts:
    """What a stream did with its records."""

    kept: int = 0
    rejected: int = 0
    errors: int = 0

    @property
    def total(self) -> int:
        return self.kept + self.rejected + self.errors


class Stream:
    """A stage command's record stream: its outputs, error sink, timer and counts.

    ``direct`` writes the output and errors files in place (kept if the run is killed) and
    ``append`` adds to an existing output (``--resume``), as generate does; otherwise an output
    is written to a temporary file and renamed into place when the stream ends without error.
    """

    def __init__(
        self,
        name: str,
        *,
        output: str | Path | None = "-",
        rejected: str | Path | None = None,
        errors: str | Path | None = None,
        quiet: bool = False,
        direct: bool = False,
        append: bool = False,
        open_error: Callable[[str, Exception], BaseException] | None = None,
    ) -> None:
        self.name, self.quiet = name, quiet
        self._open_error = open_error
        self._paths = (output, rejected, errors)
        self._direct, self._append = direct, append
        self.counts = Counts()
        self.timer = Timer()
        self.sink: ErrorSink | None = None
        self.out: JsonlWriter | None = None
        self.rejected: JsonlWriter | None = None

    def __enter__(self) -> Stream:
        output, rejected, errors = self._paths

        def open_output() -> None:
            self.out = self._open("--output", lambda: JsonlWriter(output, append=self._append, direct=self._direct))

        def open_sink() -> None:
            self.sink = self._open("--errors", lambda: ErrorSink(errors, direct=self._direct))

        # A direct output (generate) is locked before anything else is touched: a second run on the
        # same file stops there. Otherwise the errors file comes first, as the stages always did.
        steps = [open_output, open_sink] if self._direct else [open_sink, open_output]
        try:
            for step in steps:
                step()
            self.rejected = self._open("--rejected", lambda: JsonlWriter(rejected))
        except BaseException:
            for writer in (self.rejected, self.out):
                if writer is not None:
                    writer.__exit__(RuntimeError, None, None)
            if self.sink is not None:
                self.sink.discard()
            raise
        return self

    def _open(self, role: str, make: Callable):
        """Open one output; ``open_error(role, exc)`` turns a failure into the command's own error."""
        try:
            return make()
        except (OutputError, OSError) as exc:
            if self._open_error is None:
                raise
            raise self._open_error(role, exc) from None

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self.sink is not None:
                self.sink.close()
        finally:
            for writer in (self.rejected, self.out):
                if writer is not None:
                    writer.__exit__(exc_type, exc, tb)

    def read(self, inputs: Sequence[str | Path], label: str | None = None) -> Iterator[Record | ErrorRecord]:
        """The records of ``inputs`` in order (``-`` is stdin), advancing the progress bar."""
        return progress.track(iter_inputs(inputs), label or self.name, progress.count_lines(inputs), self.quiet)

    def error(self, err: ErrorRecord) -> None:
        """Send one error record to the sink."""
        assert self.sink is not None, "use the stream inside `with`"
        self.sink.add(err)
        self.counts.errors += 1

    def drive(
        self,
        items: Iterable[dict | ErrorRecord],
        keep: Callable[[dict], bool] | None = None,
        only_kept: bool = False,
        each: Callable[[dict], None] | None = None,
    ) -> Counts:
        """Write what the stage yields: error records to the sink; a record ``keep`` refuses to
        ``--rejected`` (and to the output too, unless ``only_kept``); every other record to the output.

        ``each`` sees every record that is not an error, before it is written. An input that
        cannot be read at all (:class:`InputError`) is a one-line usage error.
        """
        assert self.out is not None and self.rejected is not None, "use the stream inside `with`"
        try:
            for item in items:
                if isinstance(item, ErrorRecord):
                    self.error(item)
                    continue
                if each is not None:
                    each(item)
                if keep is not None and not keep(item):
                    self.counts.rejected += 1
                    self.rejected.write(item)
                    if only_kept:
                        continue
                else:
                    self.counts.kept += 1
                self.out.write(item)
        except InputError as exc:
            raise usage_error(str(exc)) from None
        return self.counts

    def rate(self, per: float = 1.0) -> float:
        """Records (written, rejected and errors) per ``per`` seconds so far."""
        seconds = self.timer.seconds
        return self.counts.total / seconds * per if seconds > 0 else 0.0

    def finish(self, line: str | None = None, failed: bool = False) -> None:
        """Print the summary ``line`` (unless quiet); exit 1 when any record was an error (or ``failed``)."""
        if line and not self.quiet:
            console.print(line, soft_wrap=True)
        if self.counts.errors or failed:
            raise typer.Exit(1)
