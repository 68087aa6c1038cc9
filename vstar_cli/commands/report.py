"""``vstar report``: Markdown and PNG summary of run directories, and the summary over seeds."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Optional

import typer

from vstar_cli.commands._common import console, usage_error


def _seed_values(runs: int, seeds: str | None, seed: list[str] | None) -> list:
    """The seed of each run, in order: ``--seeds "0 1 2"`` or ``--seed`` repeated; 0..n-1 by default."""
    if seeds is not None and seed:
        raise usage_error('give the seeds either as --seeds "0 1 2" or as --seed repeated, not both')
    values = [s for s in re.split(r"[\s,]+", seeds.strip()) if s] if seeds is not None else list(seed or [])
    if not values:
        return list(range(runs))
    if len(values) != runs:
        raise usage_error(f"{len(values)} seeds for {runs} run directories: give one seed per run, in order")
    if len(set(values)) != len(values):
        raise usage_error(f"repeated seed in {' '.join(values)}: each run needs its own seed")
    return [int(v) if re.fullmatch(r"-?\d+", v) else v for v in values]


def report(
    run_dirs: Annotated[
        list[Path],
        typer.Argument(help="Run directories made by recipes/cycle.mk (base/, cycle1/, ...), one per seed."),
    ],
    ablation: Annotated[
        Optional[list[Path]],
        typer.Option(
            help="A run without rationalization, to set beside; repeat once per run directory, in the same order."
        ),
    ] = None,
    seeds: Annotated[
        Optional[str], typer.Option("--seeds", help='Seed of each run, in order, e.g. "0 1 2" (default 0..n-1).')
    ] = None,
    seed: Annotated[Optional[list[str]], typer.Option("--seed", help="Seed of each run, repeated in order.")] = None,
    summary: Annotated[
        Optional[Path],
        typer.Option(
            help="Also write a summary JSON over the runs (means and 95% intervals) and summary.md beside it."
        ),
    ] = None,
    started_at: Annotated[
        Optional[float], typer.Option(help="Unix time the run started (for the summary's seconds).")
    ] = None,
    timings: Annotated[
        Optional[Path],
        typer.Option(
            help="A VSTAR_TIMINGS file: the summary's seconds_by_stage (process seconds per command, "
            "startup and model and embedder loading apart)."
        ),
    ] = None,
    online: Annotated[
        Optional[list[Path]],
        typer.Option(
            help="A vstar grpo run in the cycle layout (recipes/demo-grpo.mk), one per run directory: "
            "the summary adds it beside the cycles, by wall time."
        ),
    ] = None,
) -> None:
    """Per cycle: answers kept from generation vs rationalization, yields per label type, eval metrics.

    Writes report.md, report.png and report.json into each run directory; with --summary also
    a summary JSON over the runs (one per seed: mean accuracy per cycle and label type, with
    95% intervals across seeds and held-out questions), a Markdown copy of its tables, and the
    tables on stderr.
    """
    ablations = list(ablation or [])
    onlines = list(online or [])
    if onlines and (len(onlines) != len(run_dirs) or summary is None):
        raise usage_error(
            f"{len(onlines)} --online for {len(run_dirs)} run directories: give one per run, with --summary"
        )
    if ablations and len(ablations) != len(run_dirs):
        raise usage_error(
            f"{len(ablations)} --ablation for {len(run_dirs)} run directories: "
            "give none, or one per run (--ablation A --ablation B ...), in the same order"
        )
    for d in [*run_dirs, *ablations, *onlines]:
        if not d.is_dir():
            raise usage_error(f"run directory not found: {d}")
    if len(set(map(Path.resolve, run_dirs))) != len(run_dirs):
        raise usage_error("the same run directory is given twice")
    seed_values = _seed_values(len(run_dirs), seeds, seed)
    if timings is not None and (summary is None or not timings.is_file()):
        raise usage_error("--timings needs --summary" if summary is None else f"timings file not found: {timings}")
    if summary is not None and summary.is_dir():
        raise usage_error(f"--summary is a directory: {summary}")

    from vstar_cli.reporting.report import summary_markdown, summary_rich, write

    for run in run_dirs:
        md, png = write(run)
        console.print(f"report: wrote {md} and {png}")
    if summary is not None:
        from rich.console import Console

        from vstar_cli.reporting.seeds import summarize

        data = summarize(run_dirs, ablations, seed_values, started_at, timings)
        md = summary_markdown(data)
        if onlines:
            from vstar_cli.reporting import online as online_arm

            data["online"] = online_arm.compare(run_dirs, onlines, seed_values)
            md += "\n" + online_arm.markdown(data["online"])
        md_path = summary.with_suffix(".md") if summary.suffix != ".md" else summary.with_name(summary.name + ".md")
        try:
            summary.parent.mkdir(parents=True, exist_ok=True)
            summary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
            md_path.write_text(md, encoding="utf-8")
        except OSError as exc:
            raise usage_error(f"cannot write the summary: {exc}") from None
        Console(stderr=True, width=max(console.width, 110), highlight=False).print(summary_rich(data))
        console.print(f"summary: wrote {summary} and {md_path}")
