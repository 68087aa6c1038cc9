"""``vstar verify``: keep the answers that contain the gold labels."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperCommand

from vstar_cli import config
from vstar_cli.commands._common import check_input, check_outputs, setup_logging, usage_error
from vstar_cli.commands.stream import Stream
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


def _list_kinds(value: bool) -> None:
    if value:
        from rich.console import Console

        Console(highlight=False, soft_wrap=True).print(kinds_help(scan=True))
        raise typer.Exit()


def load_kind_plugins(specs: list[str] | None) -> None:
    """Register ``--kind-plugin`` kinds for the run, or exit with a one-line usage error."""
    try:
        kinds.load_plugins(specs or [])
    except kinds.RegistryError as exc:
        raise usage_error(str(exc)) from None


class VerifyCommand(TyperCommand):
    """The ``verify`` command, whose epilog (the registered kinds) is built only when help is shown.

    Help lists the built-in kinds and those of ``--kind-plugin`` (``vstar verify --kind-plugin
    my_kinds:PARITY --help``) without reading the installed entry points; ``--list-kinds`` reads them.
    """

    @property
    def epilog(self) -> str:
        return kinds_help(scan=False)

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
    list_kinds: Annotated[
        bool,
        typer.Option(
            "--list-kinds",
            callback=_list_kinds,
            is_eager=True,
            help="List every verifier kind, installed plugins' included, and exit.",
        ),
    ] = False,
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
    s = Stream("verify", output=output, rejected=rejected, errors=errors, quiet=quiet)
    try:
        stream = run(s.read([input]), cfg)  # loads the plugin kinds now: a bad one is a usage error
    except ValueError as exc:
        raise usage_error(str(exc)) from None
    with s:
        s.drive(stream, keep=lambda rec: rec["verified"], only_kept=only_verified)
    c = s.counts
    s.finish(
        f"verify: {c.total} records: [green]{c.kept} verified[/], [yellow]{c.rejected} rejected[/], "
        f"[red]{c.errors} errors[/] ({s.timer.seconds:.1f}s, {s.rate():.0f} records/s)"
    )
