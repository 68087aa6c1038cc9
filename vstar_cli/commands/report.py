"""``vstar report``: Markdown and PNG summary of a run directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vstar_cli.commands._common import console, usage_error


def report(
    run_dir: Annotated[Path, typer.Argument(help="Run directory made by recipes/cycle.mk (base/, cycle1/, ...).")],
) -> None:
    """Per cycle: answers kept from generation vs rationalization, yields per label type, eval metrics.

    Writes RUN_DIR/report.md, report.png and report.json.
    """
    from vstar_cli.report import write

    if not run_dir.is_dir():
        raise usage_error(f"run directory not found: {run_dir}")
    md, png = write(run_dir)
    console.print(f"report: wrote {md} and {png}")
