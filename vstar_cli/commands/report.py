"""``vstar report``: Markdown and PNG summary of a run directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from vstar_cli.commands._common import console, usage_error


def report(
    run_dir: Annotated[Path, typer.Argument(help="Run directory made by recipes/cycle.mk (base/, cycle1/, ...).")],
    ablation: Annotated[
        Optional[Path], typer.Option(help="A second run without rationalization, to set beside.")
    ] = None,
    summary: Annotated[
        Optional[Path], typer.Option(help="Also write a summary JSON (accuracies by cycle, seconds).")
    ] = None,
    started_at: Annotated[
        Optional[float], typer.Option(help="Unix time the run started (for the summary's seconds).")
    ] = None,
) -> None:
    """Per cycle: answers kept from generation vs rationalization, yields per label type, eval metrics.

    Writes RUN_DIR/report.md, report.png and report.json; with --summary also a summary JSON
    and a table on stderr.
    """
    from vstar_cli.report import summarize, write

    for d in (run_dir, ablation):
        if d is not None and not d.is_dir():
            raise usage_error(f"run directory not found: {d}")
    md, png = write(run_dir)
    console.print(f"report: wrote {md} and {png}")
    if summary is not None:
        data, table = summarize(run_dir, ablation, started_at)
        summary.parent.mkdir(parents=True, exist_ok=True)
        summary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        from rich.console import Console

        Console(stderr=True, width=max(console.width, 110), highlight=False).print(table)
        console.print(f"summary: wrote {summary}")
