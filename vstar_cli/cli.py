"""The ``vstar`` command: registers the subcommands and nothing else."""

from __future__ import annotations

import typer

from vstar_cli import __version__
from vstar_cli.commands import evaluate as eval_cmd
from vstar_cli.commands import finetune as finetune_cmd
from vstar_cli.commands import generate as generate_cmd
from vstar_cli.commands import merge as merge_cmd
from vstar_cli.commands import prepare as prepare_cmd
from vstar_cli.commands import questions as questions_cmd
from vstar_cli.commands import report as report_cmd
from vstar_cli.commands import verify as verify_cmd
from vstar_cli.commands._common import guarded

app = typer.Typer(
    name="vstar",
    help="Video-STaR self-training: turn labeled videos into verified video instruction data.",
    rich_markup_mode="rich",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vstar {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Video-STaR self-training: turn labeled videos into verified video instruction data."""


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


def main() -> None:
    """Console-script entry point."""
    app()
