"""``vstar questions``: a local model proposes the questions a labeled dataset is asked."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer

from vstar_cli import config
from vstar_cli.commands._common import check_outputs, console, setup_logging, usage_error
from vstar_cli.commands.stream import Stream
from vstar_cli.io import InputError
from vstar_cli.options import ConfigOption, QuietOption, config_options
from vstar_cli.stages.questions import QuestionsConfig


@config_options(QuestionsConfig)
def questions(
    flags: dict | None = None,
    labels: Annotated[Optional[str], typer.Option(help="Comma-separated label examples.")] = None,
    labels_from: Annotated[
        Optional[Path], typer.Option(help="Sample label examples from a labeled JSONL dataset.")
    ] = None,
    label_key: Annotated[
        Optional[str], typer.Option(help="With --labels-from: the label key to read (default: its label_type).")
    ] = None,
    output: Annotated[
        str, typer.Option("-o", "--output", help="Question bank (JSONL: task, question, model, prompt).")
    ] = "-",
    rejected: Annotated[Optional[Path], typer.Option(help="Rejected questions with the reason.")] = None,
    config_file: ConfigOption = None,
    quiet: QuietOption = False,
) -> None:
    """Ask a local model for questions that make a video's answer contain its label, without giving it away.

    Rejects questions that name a gold label or the task, near-duplicates, non-questions and
    over-long ones, and keeps asking (at most --max-attempts prompts) until --n are banked.
    Use the bank with [italic]vstar prepare ... --questions bank.jsonl[/]. Example:

        vstar questions --task "action recognition" --example "What is happening in this video?" --labels-from train.jsonl --model MODEL --n 50 -o bank.jsonl
    """
    from vstar_cli.stages.questions import TextGenerator, labels_from_records, run

    setup_logging(quiet)
    try:
        cfg = config.resolve(QuestionsConfig, config_file, "questions", **(flags or {}))
        if not cfg.model:
            raise config.ConfigError("--model is required")
    except config.ConfigError as exc:
        raise usage_error(str(exc)) from None
    check_outputs([labels_from], {"-o": output, "--rejected": rejected})
    pool = [x.strip() for x in labels.split(",") if x.strip()] if labels else []
    if labels_from is not None:
        if not labels_from.is_file():
            raise usage_error(f"labels file not found: {labels_from}")
        try:
            pool += labels_from_records(str(labels_from), label_key)
        except InputError as exc:
            raise usage_error(str(exc)) from None
    if not pool:
        raise usage_error("give label examples with --labels or --labels-from")
    try:
        gen = TextGenerator(
            cfg.model,
            quantize=cfg.quantize,
            device=cfg.device,
            dtype=cfg.dtype,
            temperature=cfg.temperature,
            max_new_tokens=cfg.max_new_tokens,
            trust_remote_code=cfg.trust_remote_code,
            seed=cfg.seed,
        )
    except (OSError, ValueError) as exc:
        raise usage_error(f"cannot load {cfg.model}: {str(exc).splitlines()[0]}") from None
    stats: Counter = Counter()
    with Stream("questions", output=output, rejected=rejected, quiet=quiet) as s:
        s.drive(
            run(cfg, pool, gen, cfg.model, stats), keep=lambda item: not item.pop("rejected", False), only_kept=True
        )
    kept = s.counts.kept
    if not quiet:
        reasons = ", ".join(f"{k}: {v}" for k, v in stats.most_common() if k not in {"prompts", "kept"})
        console.print(
            f"questions: banked {kept} of {cfg.n} in {stats['prompts']} prompts ({s.timer.seconds:.0f}s); "
            f"rejected: {reasons or 'none'}"
        )
    if kept < cfg.n:
        console.print(
            f"[red]error:[/] only {kept} of {cfg.n} questions banked after {cfg.max_attempts} prompts "
            "(raise --max-attempts, or use a stronger --model)"
        )
    s.finish(failed=kept < cfg.n)
