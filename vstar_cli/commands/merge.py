"""``vstar merge``: verified answers (and auxiliary data) -> one instruction-tuning file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

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
from vstar_cli.io import ErrorRecord, InputError, JsonlWriter, iter_inputs

COLUMNS = ["kept", "duplicate", "unverified", "over max per question", "balanced out"]
HEADERS = ["kept", "duplicates", "unverified", "over max", "balanced"]


def print_summary(stats, errors: int, seconds: float) -> None:
    """The stderr table: kept / duplicates / unverified per source and label type."""
    from rich.table import Table

    table = Table(title="vstar merge", title_justify="left")
    table.add_column("source", no_wrap=True)
    table.add_column("label type", no_wrap=True)
    for h in HEADERS:
        table.add_column(h, justify="right", no_wrap=True)
    totals = dict.fromkeys(COLUMNS, 0)
    for (source, ltype), counts in sorted(stats.rows.items()):
        table.add_row(source, ltype, *(str(counts.get(c, 0)) for c in COLUMNS))
        for c in COLUMNS:
            totals[c] += counts.get(c, 0)
    table.add_row("[bold]total[/]", "", *(f"[bold]{totals[c]}[/]" for c in COLUMNS))
    from rich.console import Console

    # A table wraps its headers in a narrow (or non-terminal, 80-column) console: give it room.
    Console(stderr=True, width=max(console.width, 120), highlight=False).print(table)
    console.print(f"merge: {totals['kept']} examples written, [red]{errors} errors[/] ({seconds:.1f}s)")


def _llamafactory_hint(output: str, cfg, video_dir: str | None, quiet: bool) -> None:
    """Write the dataset_info.json entry beside the output and say how to point LLaMA-Factory at it."""
    from vstar_cli.training.llamafactory import write_dataset_info

    try:
        written = write_dataset_info(output, cfg.format, cfg.video_tag, video_dir)
    except (OSError, ValueError) as exc:
        console.print(f"[yellow]warning:[/] no LLaMA-Factory entry written: {exc}", soft_wrap=True)
        return
    if quiet:
        return
    if written is None:
        console.print("LLaMA-Factory does not read content parts: add --video-tag for a file it reads as is.")
        return
    info, name = written
    media = str(Path(video_dir).resolve()) if video_dir else "the --video-dir the videos were generated from"
    console.print(
        f"LLaMA-Factory: dataset_dir: {info.parent.resolve()}  dataset: {name}  media_dir: {media}", soft_wrap=True
    )


def merge(
    inputs: Annotated[
        Optional[list[str]], typer.Argument(help="Verified generate/rationalize output, auxiliary data; '-' for stdin.")
    ] = None,
    output: Annotated[str, typer.Option("-o", "--output", help="Training set (JSONL); '-' for stdout.")] = "-",
    format: Annotated[
        Optional[str], typer.Option("--format", "-f", help="llava (default) | sharegpt | messages.")
    ] = None,
    keep_unverified: Annotated[
        Optional[bool], typer.Option("--keep-unverified", help="Keep records not marked verified.")
    ] = None,
    max_per_question: Annotated[
        Optional[int], typer.Option(help="Keep the first K distinct answers per question.")
    ] = None,
    balance: Annotated[
        Optional[bool], typer.Option("--balance", help="Cap every label type at the smallest type's count.")
    ] = None,
    shuffle: Annotated[
        Optional[bool], typer.Option("--shuffle/--no-shuffle", help="Seeded shuffle (on by default).")
    ] = None,
    seed: Annotated[Optional[int], typer.Option(help="Seed of the shuffle and conversions \\[default: 0].")] = None,
    direct: Annotated[
        Optional[bool], typer.Option("--direct", help="Add a direct-answer variant per question.")
    ] = None,
    multiple_choice: Annotated[
        Optional[bool], typer.Option("--multiple-choice", help="Add a multiple-choice variant per question.")
    ] = None,
    num_choices: Annotated[
        Optional[int], typer.Option(help="Options of the multiple-choice variant \\[default: 4].")
    ] = None,
    video_tag: Annotated[
        Optional[bool],
        typer.Option(
            "--video-tag", help="messages format: string contents with <video> tags (LLaMA-Factory reads it)."
        ),
    ] = None,
    video_dir: Annotated[
        Optional[str],
        typer.Option("--video-dir", help="Where the videos lie (only printed, as LLaMA-Factory's media_dir)."),
    ] = None,
    errors: Annotated[
        Optional[Path], typer.Option("--errors", help="Write records that could not be processed here.")
    ] = None,
    config_file: Annotated[
        Optional[Path], typer.Option("--config", help="YAML/JSON file of options; flags override it.")
    ] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Only errors on stderr.")] = False,
) -> None:
    """Turn verified answers into instruction-tuning data: filter, dedupe, convert, shuffle.

    Keeps records with [italic]verified: true[/] (records already in conversations/messages form
    pass as auxiliary data), drops repeated answers to the same question, and writes LLaVA
    [italic]conversations[/], ShareGPT [italic]messages + videos[/], or chat-template [italic]messages[/].
    Variants added by --direct / --multiple-choice carry [italic]vstar.variant[/]. Example:

        vstar merge ver.jsonl rat.jsonl -o sft.jsonl
    """
    from vstar_cli.stages.merge import MergeConfig, Stats, balance_caps, label_pool, run, shuffled

    setup_logging(quiet)
    inputs = inputs or ["-"]
    try:
        cfg = config.resolve(
            MergeConfig,
            config_file,
            format=format,
            keep_unverified=keep_unverified,
            max_per_question=max_per_question,
            balance=balance,
            shuffle=shuffle,
            seed=seed,
            direct=direct,
            multiple_choice=multiple_choice,
            num_choices=num_choices,
            video_tag=video_tag,
        )
    except config.ConfigError as exc:
        raise usage_error(str(exc)) from None
    for p in inputs:
        check_input(p)
    check_outputs(inputs, {"-o": output, "--errors": errors})
    rereadable = "-" not in inputs
    if cfg.balance and not rereadable:
        raise usage_error("--balance reads the inputs twice: give files, not stdin")

    timer = Timer()
    stats = Stats()
    sink = ErrorSink(errors)
    try:
        caps = balance_caps(iter_inputs(inputs), cfg) if cfg.balance else None
        pool = label_pool(iter_inputs(inputs), cfg) if cfg.multiple_choice and rereadable else None

        def examples():
            for item in run(iter_inputs(inputs), cfg, stats, pool=pool, caps=caps):
                if isinstance(item, ErrorRecord):
                    sink.add(item)
                else:
                    yield item

        stream = shuffled(examples(), cfg.seed) if cfg.shuffle else examples()
        with JsonlWriter(output) as out:
            for ex in stream:
                out.write(ex)
    except InputError as exc:
        raise usage_error(str(exc)) from None
    finally:
        sink.close()
    if not quiet:
        print_summary(stats, sink.count, timer.seconds)
    if output != "-":
        _llamafactory_hint(output, cfg, video_dir, quiet)
    if sink.count:
        raise typer.Exit(1)
