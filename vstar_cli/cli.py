"""The ``vstar`` command: registers the subcommands and nothing else."""

from __future__ import annotations

import typer

from vstar_cli import __version__
from vstar_cli.commands import env as env_cmd
from vstar_cli.commands import evaluate as eval_cmd
from vstar_cli.commands import finetune as finetune_cmd
from vstar_cli.commands import generate as generate_cmd
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
    from vstar_cli.logs import GLOBAL_VERBOSITY

    GLOBAL_VERBOSITY.update(quiet=quiet, verbose=verbose)
    if quiet:  # `vstar -q CMD` means `vstar CMD -q`
        ctx.default_map = {**_quiet_defaults(ctx.command), **(ctx.default_map or {})}


app.command("generate")(generate_cmd.make_command("generate"))
app.command("verify", cls=verify_cmd.VerifyCommand)(verify_cmd.verify)
app.command("rationalize")(generate_cmd.make_command("rationalize"))
app.command("merge")(merge_cmd.merge)
app.command("finetune")(finetune_cmd.finetune)
app.command("eval")(eval_cmd.evaluate)
app.add_typer(prepare_cmd.app, name="prepare")
app.command("report")(report_cmd.report)
app.command("questions")(questions_cmd.questions)
app.command("view")(view_cmd.view)
app.command("env")(env_cmd.env)
# guarded: an unwritable output is a one-line error, a closed stdout ends quietly.
app.command("generate")(guarded(generate_cmd.make_command("generate")))
app.command("verify", epilog=verify_cmd.kinds_help())(guarded(verify_cmd.verify))
app.command("rationalize")(guarded(generate_cmd.make_command("rationalize")))
app.command("merge")(guarded(merge_cmd.merge))
app.command("finetune")(guarded(finetune_cmd.finetune))
app.command("eval")(guarded(eval_cmd.evaluate))
app.add_typer(prepare_cmd.app, name="prepare")
app.command("report")(guarded(report_cmd.report))
app.command("questions")(guarded(questions_cmd.questions))
app.command("plan")(guarded(plan_cmd.plan))


def main() -> None:
    """Console-script entry point."""
    app()
