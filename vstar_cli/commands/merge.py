"""``vstar merge``: verified answers (and auxiliary data) -> one instruction-tuning file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from vstar_cli import config
from vstar_cli.commands._common import (
    check_input,
    check_outputs,
    console,
    setup_logging,
    usage_error,
)
from vstar_cli.commands.stream import Stream
from vstar_cli.io import InputError, iter_inputs
from vstar_cli.options import ConfigOption, ErrorsOption, QuietOption, config_options
from vstar_cli.reporting import tables
from vstar_cli.stages.merge import MergeConfig


def print_summary(stats, errors: int, seconds: float) -> None:
    """The stderr table: kept / duplicates / unverified per source and label type."""
    table, totals = tables.merge_table(stats)
    tables.wide_console(120).print(table)  # a narrow (or non-terminal) console would wrap the headers
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


@config_options(MergeConfig)
def merge(
    inputs: Annotated[
        Optional[list[str]], typer.Argument(help="Verified generate/rationalize output, auxiliary data; '-' for stdin.")
    ] = None,
    output: Annotated[str, typer.Option("-o", "--output", help="Training set (JSONL); '-' for stdout.")] = "-",
    flags: dict | None = None,
    errors: ErrorsOption = None,
    config_file: ConfigOption = None,
    quiet: QuietOption = False,
) -> None:
    """Turn verified answers into instruction-tuning data: filter, dedupe, convert, shuffle.

    Keeps records with [italic]verified: true[/] (records already in conversations/messages form
    pass as auxiliary data), drops repeated answers to the same question, and writes LLaVA
    [italic]conversations[/], ShareGPT [italic]messages + videos[/], or chat-template [italic]messages[/].
    Variants added by --direct / --multiple-choice carry [italic]vstar.variant[/]. Example:

        vstar merge ver.jsonl rat.jsonl -o sft.jsonl
    """
    from vstar_cli.stages.merge import Stats, balance_caps, label_pool, run, shuffled

    setup_logging(quiet)
    inputs = inputs or ["-"]
    try:
        cfg = config.resolve(MergeConfig, config_file, "merge", **(flags or {}))
    except config.ConfigError as exc:
        raise usage_error(str(exc)) from None
    for p in inputs:
        check_input(p)
    check_outputs(inputs, {"-o": output, "--errors": errors})
    rereadable = "-" not in inputs
    if cfg.balance and not rereadable:
        raise usage_error("--balance reads the inputs twice: give files, not stdin")

    stats = Stats()
    with Stream("merge", output=output, errors=errors, quiet=quiet) as s:
        try:
            caps = balance_caps(iter_inputs(inputs), cfg) if cfg.balance else None
            pool = label_pool(iter_inputs(inputs), cfg) if cfg.multiple_choice and rereadable else None
        except InputError as exc:
            raise usage_error(str(exc)) from None
        examples = run(s.read(inputs), cfg, stats, pool=pool, caps=caps)
        s.drive(shuffled(examples, cfg.seed) if cfg.shuffle else examples)
    if not quiet:
        print_summary(stats, s.counts.errors, s.timer.seconds)
    if output != "-":
        _llamafactory_hint(output, cfg, cfg.video_dir, quiet)
    s.finish()
