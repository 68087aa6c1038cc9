"""``vstar verify``: keep the answers that contain the gold labels."""

from __future__ import annotations

import functools
import inspect
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperCommand

from vstar_cli import config
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
from vstar_cli.verify import registry as kinds

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


def _default(p: kinds.Param) -> str:
    return f"{p.default:g}" if isinstance(p.default, float) else str(p.default)


def kinds_help() -> str:
    """The epilog of ``vstar verify --help``: every registered kind with its parameters."""
    from rich.markup import escape

    try:
        reg = kinds.registry()
    except kinds.RegistryError as exc:  # a broken installed plugin must not hide the help
        reg = kinds.builtin()
        broken = f"\n[red]{escape(str(exc))}[/]"
    else:
        broken = ""
    rows = []
    for kind in reg:
        params = ", ".join(f"{p.option} {_default(p)}" for p in kind.params)
        extra = f" [dim]({escape(params)})[/]" if params else ""
        rows.append(f"  [bold]{kind.name}[/]: {escape(kind.summary)}{extra}")
    return (
        "[bold]Verifier kinds[/] (a record's [italic]verifier_type[/]; more with --kind-plugin or the"
        f" '{kinds.ENTRY_POINT_GROUP}' entry point group):\n\n"
        + "\n".join(rows)
        + broken
        + "\nA gold label its kind cannot read is an error record, not a rejection."
        + "\nExit code: 0 when every line was processed, 1 when any error record was written, 2 for usage errors."
    )


class VerifyCommand(TyperCommand):
    """The ``verify`` command, whose epilog (the registered kinds) is built only when help is shown.

    Listing the kinds scans the installed ``vstar.verifiers`` entry points; no other command pays for that.
    """

    @property
    def epilog(self) -> str:
        return kinds_help()

    @epilog.setter
    def epilog(self, value: str | None) -> None:
        pass


def with_kind_params(func):
    """Add one ``--flag`` per parameter the official kinds declare, passed on as ``kind_flags``.

    The flags come from the :class:`~vstar_cli.verify.registry.Param` declarations, so a
    tolerance is written once (name, default, help) and shows up in the config, YAML and CLI.
    """
    sig = inspect.signature(func, eval_str=True)
    added = [
        inspect.Parameter(
            p.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[Optional[p.type], typer.Option(p.option, help=f"{p.help} \\[default: {_default(p)}]")],
        )
        for p in kinds.builtin().params().values()
    ]
    names = [p.name for p in added]
    params = []
    for prm in sig.parameters.values():
        if prm.name == "kind_flags":
            params.extend(added)
        else:
            params.append(prm.replace(kind=inspect.Parameter.KEYWORD_ONLY))

    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> None:
        flags = {n: kwargs.pop(n, None) for n in names}
        return func(**kwargs, kind_flags=flags)

    wrapper.__signature__ = sig.replace(parameters=params)
    return wrapper


def parse_kind_params(items: list[str] | None) -> dict[str, str]:
    """``["my_tol=0.3"]`` -> ``{"my_tol": "0.3"}`` (values are converted by the declaring kind).

    >>> parse_kind_params(["my_tol=0.3"])
    {'my_tol': '0.3'}
    """
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--kind-param takes NAME=VALUE, got {item!r}")
        out[name.strip().replace("-", "_")] = value.strip()
    return out


@with_kind_params
def verify(
    input: Annotated[str, typer.Argument(help="Answered records (JSONL or a JSON array); '-' for stdin.")] = "-",
    output: Annotated[str, typer.Option("-o", "--output", help="Verified records (JSONL); '-' for stdout.")] = "-",
    rejected: Annotated[
        Optional[Path], typer.Option("--rejected", help="Also write records that failed verification here.")
    ] = None,
    errors: Annotated[
        Optional[Path],
        typer.Option("--errors", help="Write records that could not be processed here (line, record, reason)."),
    ] = None,
    only_verified: Annotated[
        bool, typer.Option("--only-verified", help="Drop records that failed verification from the main output.")
    ] = False,
    config_file: Annotated[
        Optional[Path], typer.Option("--config", help="YAML/JSON file of options; flags override it.")
    ] = None,
    kind_flags: dict | None = None,
    kind_plugin: KindPluginOption = None,
    kind_param: Annotated[
        Optional[list[str]],
        typer.Option("--kind-param", help="NAME=VALUE: a parameter of a plugin kind; repeatable."),
    ] = None,
    embedder: Annotated[
        Optional[str], typer.Option(help="Sentence embedder path or id \\[default: bundled all-MiniLM-L6-v2]")
    ] = None,
    embedder_precision: Annotated[Optional[str], typer.Option(help="auto (int8 on CPU) | fp32 | fp16 | int8")] = None,
    judge: Annotated[Optional[str], typer.Option(help="Local causal LM (path or id) that judges 'llm' labels.")] = None,
    device: Annotated[Optional[str], typer.Option(help="Device of the embedder and judge \\[default: cpu]")] = None,
    batch_size: Annotated[Optional[int], typer.Option(help="Records embedded together \\[default: 256]")] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Only errors on stderr.")] = False,
) -> None:
    """Check each answer ([italic]output[/]) against its gold labels; add [italic]verified[/] and [italic]verdict[/].

    A record is verified only if every label in its [italic]label_type[/] is. Example:

        cat answers.jsonl | vstar verify --rejected rej.jsonl > ok.jsonl
    """
    from vstar_cli.stages.verify import VerifyConfig, run

    setup_logging(quiet)
    try:
        params = parse_kind_params(kind_param)
        cfg = config.resolve(
            VerifyConfig,
            config_file,
            **(kind_flags or {}),
            kind_plugins=None,
            embedder=embedder,
            embedder_precision=embedder_precision,
            judge=judge,
            device=device,
            batch_size=batch_size,
        )
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
            for item in stream:
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
