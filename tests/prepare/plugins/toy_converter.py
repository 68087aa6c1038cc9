"""A converter that lives only in the tests: lines of ``video<TAB>answer`` after a ``#toy`` header.

It is the whole of what a new dataset takes: read, convert, detect, options and its example.
"""

from __future__ import annotations

from pathlib import Path

from vstar_cli.prepare.base import FormatError, ItemError, record
from vstar_cli.prepare.converter import Context, Converter, Option


def read(path: Path, ctx: Context):
    """The lines after the ``#toy`` header."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != "#toy":
        raise FormatError("not a toy file (no #toy header)")
    yield from ((n, line) for n, line in enumerate(lines, start=1) if n > 1 and line.strip())


def convert(line: str, ctx: Context):
    """One ``simple`` question per line."""
    video, sep, answer = line.partition("\t")
    if not sep or not answer.strip():
        raise ItemError("no answer after the tab")
    yield record(
        f"{ctx.opts.prefix}_{video}",
        ctx.opts.video_pattern.format(video=video),
        ctx.phraser("toy question"),
        {"answer": answer.strip()},
        ["simple"],
    )


def detect(head) -> str | None:
    """A text file starting with ``#toy``."""
    return "a toy file (`vstar prepare toy-lines`)" if head.form == "text" and head.line.strip() == "#toy" else None


def example(folder: Path) -> list[str]:
    """Two toy questions."""
    path = folder / "toy.txt"
    path.write_text("#toy\nv1\tred\nv2\tblue\n", encoding="utf-8")
    return [str(path)]


CONVERTER = Converter(
    name="toy-lines",
    summary="Toy questions from a #toy text file (a test-only plugin).",
    input_help="A #toy text file: one video<TAB>answer per line.",
    files="`toy.txt`",
    kinds=("simple",),
    read=read,
    convert=convert,
    options=(Option("prefix", str, "toy", "Question id prefix."),),
    phrasings={"toy question": ["What colour is it?", "Which colour do you see?"]},
    video_pattern="{video}.mp4",
    video_fields="{video}",
    unit="lines",
    detect=detect,
    example=example,
)
