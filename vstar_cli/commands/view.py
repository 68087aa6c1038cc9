"""``vstar view``: write a static site to look at records, frames and verdicts, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vstar_cli import config, progress
from vstar_cli.commands._common import console, setup_logging, usage_error
from vstar_cli.io import InputError
from vstar_cli.options import ConfigOption, QuietOption, config_options
from vstar_cli.view.build import ViewConfig


@config_options(ViewConfig)
def view(
    inputs: Annotated[
        list[str],
        typer.Argument(help="JSONL files of any stage (errors files too), or run folders made by the recipes."),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write the site into (index.html).")],
    flags: dict | None = None,
    config_file: ConfigOption = None,
    quiet: QuietOption = False,
) -> None:
    """Build a site that shows each record's frames, question, answer (the verifier's reading
    highlighted) and verdicts, with filters, search and counts. Open SITE/index.html in a browser;
    it needs no server and makes no network request. Example:

        vstar view runs/demo/vstar --video-dir runs/demo/data/videos -o runs/demo/view
    """
    from vstar_cli.view.build import SiteError, build

    setup_logging(quiet)
    try:
        cfg = config.resolve(ViewConfig, config_file, "view", **(flags or {}))
    except config.ConfigError as exc:
        raise usage_error(str(exc)) from None
    if "-" in inputs:
        raise usage_error("vstar view reads files or run folders, not stdin")
    try:
        with progress.bar("view", None, quiet) as advance:
            summary = build(inputs, output, cfg, advance)
    except (SiteError, ValueError, InputError) as exc:
        raise usage_error(str(exc)) from None
    except OSError as exc:
        raise usage_error(f"cannot write the site: {exc}") from None
    except RecursionError:
        # The JSON reader gives up on a line nested thousands deep; the whole file is unusable then.
        raise usage_error("an input line is JSON nested too deeply to read; remove it and build again") from None
    if not quiet:
        by = ", ".join(f"{n} {s}" for s, n in summary.status.most_common())
        rate = summary.records / summary.seconds if summary.seconds > 0 else 0.0
        console.print(
            f"view: {summary.records} records from {summary.files} file(s) ({by}); "
            f"{summary.videos} videos: {summary.strips_built} strips built, {summary.strips_cached} cached, "
            f"[red]{summary.strips_failed} without frames[/] ({summary.seconds:.1f}s, {rate:.0f} records/s)",
            soft_wrap=True,
        )
        for note in summary.notes:
            console.print(f"[yellow]note:[/] {note}", soft_wrap=True)
    console.print(f"view: open {summary.index.resolve()}", soft_wrap=True)
