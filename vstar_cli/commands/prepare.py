"""``vstar prepare``: public annotation formats -> labeled records of the contract."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from vstar_cli import config, progress
from vstar_cli.commands._common import (
    Timer,
    _silence_stdout,
    check_outputs,
    console,
    guarded,
    setup_logging,
    usage_error,
)
from vstar_cli.commands.stream import Stream
from vstar_cli.demo.synthetic import SyntheticConfig
from vstar_cli.demo.tiny_models import TinyModelConfig
from vstar_cli.options import ConfigOption, QuietOption, config_options
from vstar_cli.output import OutputError


class ConverterGroup(TyperGroup):
    """``vstar prepare``: one command per converter, built-in ones made at import, plugins on demand.

    The plugin entry points are scanned only for a name that is not built-in or for the full
    list (``vstar prepare --help``), so ``vstar --help`` and ``vstar prepare kinetics700`` never scan them.
    """

    def get_command(self, ctx, cmd_name):
        cmd = super().get_command(ctx, cmd_name)
        if cmd is not None:
            return cmd
        from vstar_cli.prepare.registry import REGISTRY

        try:
            conv = REGISTRY.get(cmd_name)
        except KeyError:
            return None
        return self._add(conv)

    def list_commands(self, ctx):
        from vstar_cli.prepare.registry import REGISTRY

        for name in REGISTRY.names():
            if name not in self.commands:
                self._add(REGISTRY.get(name))
        return super().list_commands(ctx)

    def _add(self, conv):
        one = typer.Typer(rich_markup_mode="rich")
        one.command(conv.name, short_help=conv.summary.split(". ")[0])(guarded(make_command(conv)))
        cmd = typer.main.get_command(one)
        self.add_command(cmd, conv.name)
        return cmd


app = typer.Typer(
    cls=ConverterGroup,
    help="Turn public dataset annotations into labeled records (several phrasings per task, seeded).",
    rich_markup_mode="rich",
    no_args_is_help=True,
)


def _load_plugins(values: Optional[list[str]]) -> Optional[list[str]]:
    """Register the ``--converter-plugin`` modules before the converter's name is looked up (a bad one: exit 2)."""
    from vstar_cli.prepare.registry import REGISTRY, PluginError

    for spec in values or []:
        try:
            REGISTRY.load(spec)
        except PluginError as exc:
            raise usage_error(str(exc)) from None
    return values


@app.callback()
def _group(
    converter_plugin: Annotated[
        Optional[list[str]],
        typer.Option(
            "--converter-plugin",
            metavar="MODULE[:ATTR]",
            help="Load extra converters from MODULE or MODULE:ATTRIBUTE (a Converter, a list, or a module "
            "defining CONVERTER); repeatable; put it before the converter's name.",
            is_eager=True,
            callback=_load_plugins,
        ),
    ] = None,
) -> None:
    """Turn public dataset annotations into labeled records (several phrasings per task, seeded)."""


def _stdin_copy(name: str) -> Path:
    """Standard input copied into a temporary file (converters read files: JSON, CSV or pickles)."""
    import shutil
    import sys
    import tempfile

    fh = tempfile.NamedTemporaryFile(prefix=f"vstar-prepare-{name}-", suffix=".stdin", delete=False)
    with fh:
        shutil.copyfileobj(sys.stdin.buffer, fh)
    return Path(fh.name)


def _format_message(name: str, shown: str, path: Path, exc: Exception) -> str:
    from vstar_cli.prepare.detect import looks_like

    message = f"{name}: {shown}: {exc}"
    guess = looks_like(path)
    if guess and f"prepare {name}`" not in guess and guess.split(" (")[0] not in message:
        message += f"; it looks like {guess}"
    return message


def run_converter(conv, file: Path, output: str, errors: Optional[Path], config_file, flags: dict, quiet: bool) -> None:
    """Run converter ``conv`` on ``file`` with the command's flags; exit code per the contract.

    0: records written and no error record; 1: any error record, or nothing written;
    2: usage errors and files that are not the converter's format (nothing is written then:
    an existing output file is left as it was). ``-`` reads standard input.
    """
    from vstar_cli.logs import GLOBAL_VERBOSITY

    name = conv.name
    quiet = (
        quiet or GLOBAL_VERBOSITY["quiet"]
    )  # `vstar -q prepare PLUGIN`: a plugin's command is not in -q's default map
    setup_logging(quiet)
    stdin = str(file) == "-"
    if not stdin:
        if not file.exists():
            raise usage_error(f"{name}: input not found: {file}")
        if file.is_dir():
            raise usage_error(f"{name}: input is a directory, not a file: {file}")
    try:
        cfg = config.resolve(conv.config, config_file, "prepare", **flags)
    except config.ConfigError as exc:
        raise usage_error(str(exc)) from None
    # Every file the command reads: the input, a question bank, option files (--mapping, --split, ...).
    reads = {"the input": None if stdin else file}
    reads |= {
        f"--{f.name.replace('_', '-')}": v
        for f in dataclasses.fields(cfg)
        if isinstance(v := getattr(cfg, f.name), Path) and v.is_file()
    }
    check_outputs(reads, {"--output": output, "--errors": errors})
    if errors is not None and str(errors) == "-" and str(output) == "-":
        raise usage_error(f"{name}: --errors - and records both on stdout would mix; give -o FILE or --errors FILE")
    path = _stdin_copy(name) if stdin else file
    try:
        _convert(conv, path, "<stdin>" if stdin else file.name, output, errors, quiet, cfg)
    finally:
        if stdin:
            path.unlink(missing_ok=True)


def _convert(conv, file: Path, shown: str, output, errors, quiet: bool, cfg) -> None:
    import csv
    import pickle
    from types import SimpleNamespace

    from vstar_cli.prepare.base import FormatError
    from vstar_cli.prepare.converter import Context
    from vstar_cli.prepare.phrasing import Phraser, load_bank
    from vstar_cli.prepare.runner import Counts, run
    from vstar_cli.prepare.safe_pickle import UnsafePickleError

    name = conv.name
    bank = cfg.questions
    try:
        phraser = Phraser(
            cfg.seed,
            load_bank(bank) if bank else None,
            "templates" if bank is None else cfg.questions_mode,
            conv.phrasings,
        )
    except (ValueError, KeyError) as exc:
        raise usage_error(str(exc)) from None
    ctx = Context(SimpleNamespace(**cfg.opts()), phraser)
    counts = Counts()
    unreadable = (
        OSError,
        ValueError,
        RecursionError,
        EOFError,
        csv.Error,
        pickle.UnpicklingError,
        MemoryError,
        # A file whose structure the reader did not expect (a split pickle of numbers, say).
        LookupError,
        TypeError,
        AttributeError,
    )
    items = run(conv, file, ctx, counts)
    try:
        # The file's format is checked before the first item: a file of another format (or
        # one that cannot be read) leaves an existing output and errors file untouched.
        first = next(items, None)
    except (FormatError, UnsafePickleError) as exc:
        raise usage_error(_format_message(name, shown, file, exc)) from None
    except unreadable as exc:
        raise usage_error(_format_message(name, shown, file, f"cannot read: {type(exc).__name__}: {exc}")) from None

    def open_error(role: str, exc: Exception) -> BaseException:
        if isinstance(exc, OutputError):
            return usage_error(f"{name}: cannot write {role}: {exc}")
        path = errors if role == "--errors" else output
        return usage_error(f"{name}: cannot write {role} {path}: {exc.strerror or exc}")

    s = Stream(f"prepare {name}", output=output, errors=errors, quiet=quiet, open_error=open_error)
    try:
        with s:
            # the first item was read above; the bar counts from there
            rest = itertools.chain([first] if first is not None else [], items)
            s.drive(progress.track(rest, f"prepare {name}", None, quiet))
    except (FormatError, UnsafePickleError) as exc:
        raise usage_error(_format_message(name, shown, file, exc)) from None
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(0) from None
    except OutputError as exc:
        raise usage_error(f"{name}: {exc}") from None
    except unreadable as exc:
        raise usage_error(f"{name}: {shown}: stopped: {type(exc).__name__}: {exc}") from None
    for note in ctx.notes:
        console.print(f"[yellow]warning[/] {name}: {note}", soft_wrap=True)
    if not quiet or counts.errors or not counts.written:
        console.print(f"{counts.line(name, conv.unit)} ({s.timer.seconds:.1f}s)", soft_wrap=True)
    if not counts.errors and not counts.written:
        console.print(f"[bold red]error:[/] {name}: nothing written from {shown}", soft_wrap=True)
    s.finish(failed=bool(counts.errors) or not counts.written)


def make_command(conv):
    """The ``vstar prepare NAME`` command of a converter: its config's fields as flags, plus input and outputs."""
    import inspect

    def kw(name: str, annotation, default=None) -> inspect.Parameter:
        return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)

    file = typer.Argument(..., help=conv.input_help + " '-' reads standard input.", metavar="FILE")
    params = [
        inspect.Parameter("file", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=file, annotation=Path),
        kw("output", str, typer.Option("-", "-o", "--output", help="Labeled records (JSONL); '-' for stdout.")),
        kw("errors", Optional[Path], typer.Option(None, "--errors", help="Write the items that could not be converted here (line, item, reason).")),
        kw("flags", Optional[dict]),
        kw("config_file", ConfigOption),
        kw("quiet", QuietOption, False),
    ]  # fmt: skip

    def command(**values) -> None:
        run_converter(
            conv,
            values["file"],
            values["output"],
            values["errors"],
            values["config_file"],
            values["flags"] or {},
            values["quiet"],
        )

    command.__signature__ = inspect.Signature(params)
    command.__name__ = f"prepare_{conv.name.replace('-', '_')}"
    command.__doc__ = (
        f"{conv.summary}\n\nReads: {conv.files}. Verifier kinds: {', '.join(conv.kinds)}.\n\n"
        "Exit code: 0 when records were written and no item failed, 1 when any error record was written "
        "or nothing was written, 2 for usage errors and files of another format."
    )
    return config_options(conv.config)(command)


def _register_builtins() -> None:
    from vstar_cli.prepare.registry import REGISTRY

    for name in REGISTRY.builtin_names():
        app.command(name, help=None, short_help=REGISTRY.get(name).summary.split(". ")[0])(
            make_command(REGISTRY.get(name))
        )


_register_builtins()


@app.command("synthetic")
@config_options(SyntheticConfig)
def synthetic_cmd(
    out: Annotated[Path, typer.Option("--out", help="Directory for videos/, train.jsonl, test.jsonl, captions.jsonl.")],
    flags: dict | None = None,
    quiet: QuietOption = False,
) -> None:
    """Rendered clips of moving squares with labels of six kinds: the embedded default dataset.

    Labels: motion ([italic]simple[/]), count ([italic]float[/]), visible span ([italic]temporal_range[/]),
    marker ([italic]bbox[/]), event order ([italic]sentence_sequence[/]) and score ([italic]float[/], never
    stated by the base model's data, as FineDiving's scores); held-out questions are phrased differently
    from training ones, and captions differently from both.
    """
    from vstar_cli.demo.synthetic import build

    setup_logging(quiet)
    cfg = _resolve(SyntheticConfig, flags)
    timer = Timer()
    counts = build(out, **dataclasses.asdict(cfg))
    if not quiet:
        console.print(
            f"prepare synthetic: {counts['train']} train and {counts['test']} test questions, "
            f"{counts['captions']} captions in {out} ({timer.seconds:.1f}s)"
        )


@app.command("tiny-model")
@config_options(TinyModelConfig)
def tiny_model_cmd(
    out: Annotated[Path, typer.Option("--out", help="Model directory to write (save_pretrained).")],
    data: Annotated[
        Optional[Path], typer.Option(help="A `prepare synthetic` directory: the tokenizer is trained on its text.")
    ] = None,
    flags: dict | None = None,
    quiet: QuietOption = False,
) -> None:
    """A tiny random-weight video LVLM of a real architecture, with a tokenizer trained here."""
    from vstar_cli.demo.tiny_models import build, synthetic_corpus

    setup_logging(quiet)
    cfg = _resolve(TinyModelConfig, flags)
    try:
        texts = synthetic_corpus(data) if data is not None else []
    except FileNotFoundError as exc:
        raise usage_error(f"{exc.filename} not found (run vstar prepare synthetic first)") from None
    path = build(cfg.arch, out, corpus=texts, **cfg.builder_args())
    if not quiet:
        console.print(f"prepare tiny-model: {cfg.arch} ({cfg.hidden} wide, {cfg.layers} layers) written to {path}")


def _resolve(cls, flags: dict | None):
    try:
        return config.resolve(cls, **(flags or {}))
    except config.ConfigError as exc:
        raise usage_error(str(exc)) from None
