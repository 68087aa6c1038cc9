"""``vstar verify``: keep the answers that contain the gold labels."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperCommand

from vstar_cli import config, progress
from vstar_cli.commands._common import (
    ErrorSink,
    Timer,
    check_input,
    check_outputs,
    console,
    setup_logging,
    usage_error,
)
from vstar_cli.io import ErrorRecord, InputError, JsonlWriter, read_records
from vstar_cli.options import ConfigOption, ErrorsOption, QuietOption, config_options
from vstar_cli.stages.verify import VerifyConfig
from vstar_cli.verify import registry as kinds
from vstar_cli.verify.catalog import kinds_help

KindPluginOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--kind-plugin",
        help="Load extra verifier kinds from module:attribute (a VerifierKind, a list, or a module); repeatable.",
    ),
]


def load_kind_plugins(specs: list[str] | None) -> None:
    """Register ``--kind-plugin`` kinds for the run, or exit with a one-line usage error."""
    try:
        kinds.load_plugins(specs or [])
    except kinds.RegistryError as exc:
        raise usage_error(str(exc)) from None


class VerifyCommand(TyperCommand):
    """The ``verify`` command, whose epilog (the registered kinds) is built only when help is shown.

    Listing the kinds scans the installed ``vstar.verifiers`` entry points; no other command pays
    for that. ``vstar verify --kind-plugin my_kinds:PARITY --help`` lists the plugin's kinds too.
    """

    @property
    def epilog(self) -> str:
        return kinds_help()

    @epilog.setter
    def epilog(self, value: str | None) -> None:
        pass

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        # Help is eager: it prints before --kind-plugin is processed, so the plugins load here first.
        if any(a in ("--help", "-h") for a in args):
            load_kind_plugins(_kind_plugin_args(args))
        return super().parse_args(ctx, args)


def _kind_plugin_args(args: list[str]) -> list[str]:
    """The values of ``--kind-plugin X`` / ``--kind-plugin=X`` in raw arguments.

    >>> _kind_plugin_args(["-", "--kind-plugin", "a:B", "--kind-plugin=c"])
    ['a:B', 'c']
    """
    out = []
    for i, a in enumerate(args):
        if a == "--kind-plugin" and i + 1 < len(args):
            out.append(args[i + 1])
        elif a.startswith("--kind-plugin="):
            out.append(a.split("=", 1)[1])
    return out


@config_options(VerifyConfig)
def verify(
    input: Annotated[str, typer.Argument(help="Answered records (JSONL or a JSON array); '-' for stdin.")] = "-",
    output: Annotated[str, typer.Option("-o", "--output", help="Verified records (JSONL); '-' for stdout.")] = "-",
    rejected: Annotated[
        Optional[Path], typer.Option("--rejected", help="Also write records that failed verification here.")
    ] = None,
    errors: ErrorsOption = None,
    only_verified: Annotated[
        bool, typer.Option("--only-verified", help="Drop records that failed verification from the main output.")
    ] = False,
    config_file: ConfigOption = None,
    flags: dict | None = None,
    kind_plugin: KindPluginOption = None,
    kind_param: Annotated[
        Optional[list[str]],
        typer.Option("--kind-param", help="NAME=VALUE: a parameter of a plugin kind; repeatable."),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Check each answer ([italic]output[/]) against its gold labels; add [italic]verified[/] and [italic]verdict[/].

    A record is verified only if every label in its [italic]label_type[/] is. Example:

        cat answers.jsonl | vstar verify --rejected rej.jsonl > ok.jsonl
    """
    from vstar_cli.stages.verify import parse_kind_params, run

    setup_logging(quiet)
    try:
        params = parse_kind_params(kind_param)
        cfg = config.resolve(VerifyConfig, config_file, "verify", **(flags or {}))
        # --kind-plugin / --kind-param add to what the config file names.
        cfg.kind_plugins = list(dict.fromkeys([*cfg.kind_plugins, *(kind_plugin or [])]))
        cfg.kind_params = {**cfg.kind_params, **params}
    except (config.ConfigError, ValueError) as exc:
        raise usage_error(str(exc)) from None
    check_input(input)
    check_outputs([input], {"-o": output, "--rejected": rejected, "--errors": errors})
    try:
        stream = run(read_records(input), cfg)  # loads the plugin kinds now: a bad one is a usage error
    except ValueError as exc:
        raise usage_error(str(exc)) from None

    timer = Timer()
    n_ok = n_rej = 0
    sink = ErrorSink(errors)
    try:
        with JsonlWriter(output) as out, JsonlWriter(rejected) as rej:
            for item in progress.track(stream, "verify", progress.count_lines([input]), quiet):
                if isinstance(item, ErrorRecord):
                    sink.add(item)
                    continue
                if item["verified"]:
                    n_ok += 1
                else:
                    n_rej += 1
                    rej.write(item)
                    if only_verified:
                        continue
                out.write(item)
    except InputError as exc:
        raise usage_error(str(exc)) from None
    finally:
        sink.close()
    total = n_ok + n_rej + sink.count
    if not quiet:
        rate = total / timer.seconds if timer.seconds > 0 else 0.0
        console.print(
            f"verify: {total} records: [green]{n_ok} verified[/], [yellow]{n_rej} rejected[/], "
            f"[red]{sink.count} errors[/] ({timer.seconds:.1f}s, {rate:.0f} records/s)"
        )
    if sink.count:
        raise typer.Exit(1)
