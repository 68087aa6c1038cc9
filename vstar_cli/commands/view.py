"""``vstar view``: write a static site to look at records, frames and verdicts, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from vstar_cli import config
from vstar_cli.commands._common import console, setup_logging, usage_error
from vstar_cli.io import InputError


def view(
    inputs: Annotated[
        list[str],
        typer.Argument(help="JSONL files of any stage (errors files too), or run folders made by the recipes."),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write the site into (index.html).")],
    video_dir: Annotated[
        Optional[str], typer.Option(help="Directory video paths are relative to, as for generate \\[default: .]")
    ] = None,
    frames: Annotated[
        Optional[int], typer.Option(help="Frames sampled uniformly per video, as for generate \\[default: 8]")
    ] = None,
    fps: Annotated[Optional[float], typer.Option(help="Sample this many frames per second instead.")] = None,
    thumb_height: Annotated[Optional[int], typer.Option(help="Thumbnail height in pixels \\[default: 64]")] = None,
    thumb_format: Annotated[Optional[str], typer.Option(help="webp | jpeg \\[default: webp]")] = None,
    workers: Annotated[
        Optional[int], typer.Option(help="Thumbnail worker processes \\[default: 0 = one per core]")
    ] = None,
    chunk_size: Annotated[Optional[int], typer.Option(help="Records per data chunk \\[default: 200]")] = None,
    cache_dir: Annotated[
        Optional[str], typer.Option(help="Keep thumbnails here between builds \\[default: SITE/thumbs]")
    ] = None,
    thumbnails: Annotated[
        Optional[bool], typer.Option("--thumbnails/--no-thumbnails", help="Make frame strips \\[default: on]")
    ] = None,
    title: Annotated[Optional[str], typer.Option(help="Page title.")] = None,
    config_file: Annotated[
        Optional[Path], typer.Option("--config", help="YAML/JSON file of options; flags override it.")
    ] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Only errors on stderr.")] = False,
) -> None:
    """Build a site that shows each record's frames, question, answer (the verifier's reading
    highlighted) and verdicts, with filters, search and counts. Open SITE/index.html in a browser;
    it needs no server and makes no network request. Example:

        vstar view runs/demo/vstar --video-dir runs/demo/data/videos -o runs/demo/view
    """
    from vstar_cli.view.build import SiteError, ViewConfig, build

    setup_logging(quiet)
    try:
        cfg = config.resolve(
            ViewConfig,
            config_file,
            video_dir=video_dir,
            frames=frames,
            fps=fps,
            thumb_height=thumb_height,
            thumb_format=thumb_format,
            workers=workers,
            chunk_size=chunk_size,
            cache_dir=cache_dir,
            thumbnails=thumbnails,
            title=title,
        )
    except config.ConfigError as exc:
        raise usage_error(str(exc)) from None
    if "-" in inputs:
        raise usage_error("vstar view reads files or run folders, not stdin")
    try:
        summary = build(inputs, output, cfg)
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
