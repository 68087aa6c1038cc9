"""``vstar verify``: keep the answers that contain the gold labels."""

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
from vstar_cli.io import ErrorRecord, InputError, JsonlWriter, read_records
from vstar_cli.verify.registry import KINDS


def kinds_help() -> str:
    """The epilog of ``vstar verify --help``: every kind with its tolerance."""
    from rich.markup import escape

    rows = "\n".join(f"  [bold]{name}[/]: {escape(kind.summary)}" for name, kind in KINDS.items())
    return (
        "[bold]Verifier kinds[/] (a record's [italic]verifier_type[/]):\n\n"
        + rows
        + "\nExit code: 0 when every line was processed, 1 when any error record was written, 2 for usage errors."
    )


def verify(
    input: Annotated[str, typer.Argument(help="Answered records (JSONL or a JSON array); '-' for stdin.")] = "-",
    output: Annotated[str, typer.Option("-o", "--output", help="Verified records (JSONL); '-' for stdout.")] = "-",
    rejected: Annotated[
        Optional[Path], typer.Option("--rejected", help="Also write records that failed verification here.")
    ] = None,
    errors: Annotated[
        Optional[Path],
        typer.Option("--errors", help="Write records that could not be processed here (line, record, reason)."),
    ] = None,
    only_verified: Annotated[
        bool, typer.Option("--only-verified", help="Drop records that failed verification from the main output.")
    ] = False,
    config_file: Annotated[
        Optional[Path], typer.Option("--config", help="YAML/JSON file of options; flags override it.")
    ] = None,
    float_tol: Annotated[Optional[float], typer.Option(help="float: relative tolerance \\[default: 0.1]")] = None,
    timestamp_tol: Annotated[
        Optional[float], typer.Option(help="timestamp: absolute tolerance on [0,1] \\[default: 0.1]")
    ] = None,
    range_iou: Annotated[Optional[float], typer.Option(help="temporal_range: IoU must exceed \\[default: 0.5]")] = None,
    bbox_iou: Annotated[Optional[float], typer.Option(help="bbox: IoU must exceed \\[default: 0.5]")] = None,
    sentence_threshold: Annotated[
        Optional[float], typer.Option(help="sentence: cosine similarity \\[default: 0.6]")
    ] = None,
    sequence_threshold: Annotated[
        Optional[float], typer.Option(help="sentence_sequence: similarity per step \\[default: 0.4]")
    ] = None,
    classifier_threshold: Annotated[
        Optional[float], typer.Option(help="classifier: cosine similarity \\[default: 0.6]")
    ] = None,
    embedder: Annotated[
        Optional[str], typer.Option(help="Sentence embedder path or id \\[default: bundled all-MiniLM-L6-v2]")
    ] = None,
    embedder_precision: Annotated[Optional[str], typer.Option(help="auto (int8 on CPU) | fp32 | fp16 | int8")] = None,
    judge: Annotated[Optional[str], typer.Option(help="Local causal LM (path or id) that judges 'llm' labels.")] = None,
    device: Annotated[Optional[str], typer.Option(help="Device of the embedder and judge \\[default: cpu]")] = None,
    batch_size: Annotated[Optional[int], typer.Option(help="Records embedded together \\[default: 256]")] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Only errors on stderr.")] = False,
) -> None:
    """Check each answer ([italic]output[/]) against its gold labels; add [italic]verified[/] and [italic]verdict[/].

    A record is verified only if every label in its [italic]label_type[/] is. Example:

        cat answers.jsonl | vstar verify --rejected rej.jsonl > ok.jsonl
    """
    from vstar_cli.stages.verify import VerifyConfig, run

    setup_logging(quiet)
    try:
        cfg = config.resolve(
            VerifyConfig,
            config_file,
            float_tol=float_tol,
            timestamp_tol=timestamp_tol,
            range_iou=range_iou,
            bbox_iou=bbox_iou,
            sentence_threshold=sentence_threshold,
            sentence_sequence_threshold=sequence_threshold,
            classifier_threshold=classifier_threshold,
            embedder=embedder,
            embedder_precision=embedder_precision,
            judge=judge,
            device=device,
            batch_size=batch_size,
        )
    except config.ConfigError as exc:
        raise usage_error(str(exc)) from None
    check_input(input)
    check_outputs([input], {"-o": output, "--rejected": rejected, "--errors": errors})

    timer = Timer()
    n_ok = n_rej = 0
    sink = ErrorSink(errors)
    try:
        with JsonlWriter(output) as out, JsonlWriter(rejected) as rej:
            for item in run(read_records(input), cfg):
                if isinstance(item, ErrorRecord):
                    sink.add(item)
                    continue
                if item["verified"]:
                    n_ok += 1
                else:
                    n_rej += 1
                    rej.write(item)
                    if only_verified:
                        continue
                out.write(item)
    except InputError as exc:
        raise usage_error(str(exc)) from None
    finally:
        sink.close()
    total = n_ok + n_rej + sink.count
    if not quiet:
        rate = total / timer.seconds if timer.seconds > 0 else 0.0
        console.print(
            f"verify: {total} records: [green]{n_ok} verified[/], [yellow]{n_rej} rejected[/], "
            f"[red]{sink.count} errors[/] ({timer.seconds:.1f}s, {rate:.0f} records/s)"
        )
    if sink.count:
        raise typer.Exit(1)
