"""The ``vstar`` command: registers the subcommands and nothing else."""

from __future__ import annotations

import sys

import typer

from vstar_cli import __version__
from vstar_cli.commands import env as env_cmd
from vstar_cli.commands import evaluate as eval_cmd
from vstar_cli.commands import finetune as finetune_cmd
from vstar_cli.commands import generate as generate_cmd
from vstar_cli.commands import grpo as grpo_cmd
from vstar_cli.commands import merge as merge_cmd
from vstar_cli.commands import plan as plan_cmd
from vstar_cli.commands import prepare as prepare_cmd
from vstar_cli.commands import questions as questions_cmd
from vstar_cli.commands import report as report_cmd
from vstar_cli.commands import verify as verify_cmd
from vstar_cli.commands import view as view_cmd
from vstar_cli.commands._common import guarded

app = typer.Typer(
    name="vstar",
    help="Video-STaR self-training: turn labeled videos into verified video instruction data.",
    rich_markup_mode="rich",
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vstar {__version__}")
        raise typer.Exit()


def _quiet_defaults(group) -> dict:
    """``quiet: True`` for every subcommand (nested groups included), as a click default map."""
    out = {}
    for name, cmd in getattr(group, "commands", {}).items():
        out[name] = _quiet_defaults(cmd) if hasattr(cmd, "commands") else {"quiet": True}
    return out


@app.callback()
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Only errors on stderr, libraries' warnings too."),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="Debug logs (and libraries' info)."),
) -> None:
    """Video-STaR self-training: turn labeled videos into verified video instruction data."""
    import sys

    from vstar_cli import timings
    from vstar_cli.logs import GLOBAL_VERBOSITY

    timings.start(timings.command_name(sys.argv, ctx.invoked_subcommand))  # with VSTAR_TIMINGS set
    GLOBAL_VERBOSITY.update(quiet=quiet, verbose=verbose)
    if quiet:  # `vstar -q CMD` means `vstar CMD -q`
        ctx.default_map = {**_quiet_defaults(ctx.command), **(ctx.default_map or {})}


# Each command once, each through `guarded`: an unwritable output is a one-line error, a closed
# stdout ends quietly. `verify`'s help lists the kinds only when it is shown (VerifyCommand).
COMMANDS = (
    ("generate", generate_cmd.make_command("generate"), {}),
    ("plan", plan_cmd.plan, {}),
    ("verify", verify_cmd.verify, {"cls": verify_cmd.VerifyCommand}),
    ("rationalize", generate_cmd.make_command("rationalize"), {}),
    ("merge", merge_cmd.merge, {}),
    ("finetune", finetune_cmd.finetune, {}),
    ("grpo", grpo_cmd.grpo, {}),
    ("eval", eval_cmd.evaluate, {}),
    ("report", report_cmd.report, {}),
    ("questions", questions_cmd.questions, {}),
    ("view", view_cmd.view, {}),
    ("env", env_cmd.env, {}),
)
GROUPS = (("prepare", prepare_cmd.app),)

for _name, _func, _extra in COMMANDS:
    app.command(_name, **_extra)(guarded(_func))
for _name, _group in GROUPS:
    for _cmd in _group.registered_commands:
        _cmd.callback = guarded(_cmd.callback)
    app.add_typer(_group, name=_name)


def close_process_group() -> None:
    """Leave the process group `accelerate launch` made, if there is one, before the interpreter exits.

    Left to interpreter teardown, gloo's worker threads can abort a rank that had finished its work
    ("terminate called without an active exception", pytorch/pytorch#190489). torch is not imported
    for this: without it there is no group.
    """
    dist = sys.modules.get("torch.distributed")
    if dist is None or not dist.is_available() or not dist.is_initialized():
        return
    try:
        dist.destroy_process_group()
    except (RuntimeError, ValueError) as exc:  # the command's work is done: say so, do not fail it
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"warning: could not leave the process group: {reason}", file=sys.stderr)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except SystemExit as exc:
        # Only after a command that ran to its end (0, or 1 for some records rejected): a rank that
        # failed may leave others inside a collective, which tearing the group down would hang.
        if exc.code in (None, 0, 1):
            close_process_group()
        raise
    close_process_group()
