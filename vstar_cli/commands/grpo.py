"""``vstar grpo``: online GRPO on labeled video records, the verifier as the reward."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from vstar_cli import config, progress
from vstar_cli.commands._common import ErrorSink, check_sources, console, setup_logging, usage_error
from vstar_cli.options import ConfigOption, ErrorsOption, QuietOption, config_options
from vstar_cli.stages.grpo import GrpoConfig


@config_options(GrpoConfig, exclude=("adapter", "quantize"))
def grpo(
    data: Annotated[str, typer.Argument(help="Labeled records (the input of vstar generate); '-' reads stdin.")],
    flags: dict | None = None,
    resume_from_checkpoint: Annotated[
        Optional[str],
        typer.Option(
            help="A checkpoint directory; 'last': the newest of this run (same data and settings) "
            "in OUT/checkpoints; 'auto': that one if there is one, else start afresh.",
        ),
    ] = None,
    errors: ErrorsOption = None,
    config_file: ConfigOption = None,
    quiet: QuietOption = False,
) -> None:
    """Online GRPO: sample a group of answers per question with the video, reward each by the verifier, train.

    The reward is the fraction of the record's labels the answer verifies (as [italic]vstar
    verify[/] judges it), plus [italic]--format-reward-weight[/] times a format reward. Writes the
    model (or adapter), OUT/reward_log.jsonl, OUT/completions.jsonl (every scored answer),
    OUT/vstar_grpo.yaml and OUT/train_summary.json. Under [italic]accelerate launch[/] it runs on
    several GPUs unchanged. Example:

        vstar grpo train.jsonl --model BASE --video-dir videos --group-size 8 --steps 500 --output-dir grpo
    """
    from vstar_cli.io import InputError, read_records
    from vstar_cli.stages.grpo import check_records, finished_run, resolve_resume_for, run_fingerprint
    from vstar_cli.video import VideoError

    setup_logging(quiet)
    try:
        cfg = config.resolve(GrpoConfig, config_file, "grpo", **(flags or {}))
    except config.ConfigError as exc:
        raise usage_error(str(exc)) from None
    check_sources(cfg.model, cfg.video_dir)
    if data != "-" and not Path(data).is_file():
        raise usage_error(f"input file not found: {data}")
    sink = ErrorSink(errors)
    try:
        try:
            good, bad = check_records(read_records(data), cfg)
        except InputError as exc:
            raise usage_error(str(exc)) from None
        for err in bad:
            sink.add(err)
        if not good:
            raise usage_error(f"{data}: no records to train on ({sink.count} rejected)")
        fingerprint = run_fingerprint(cfg, good)
        if resume_from_checkpoint in ("auto", "last"):
            done = finished_run(cfg, fingerprint)
            if done is not None:
                console.print(
                    f"grpo: already finished: run {done['run']} in {cfg.out} ({done.get('steps')} steps); nothing to do",
                    soft_wrap=True,
                )
                return
        try:
            _train(cfg, good, fingerprint, resume_from_checkpoint, resolve_resume_for, quiet)
        except VideoError as exc:  # found only when decoded: the run stops, resumable once the record is fixed
            from vstar_cli.io import ErrorRecord

            sink.add(ErrorRecord(f"video cannot be decoded: {exc}"))
            raise usage_error(
                f"{exc} (fix or drop that record, then rerun with --resume-from-checkpoint auto)"
            ) from None
    finally:
        sink.close()
    if sink.count:
        raise typer.Exit(1)


def _train(cfg, records, fingerprint, resume_from_checkpoint, resolve_resume_for, quiet) -> None:
    from vstar_cli.stages.grpo import train

    try:
        from vstar_cli.model import load_processor

        load_processor(cfg)
    except (OSError, ValueError) as exc:
        raise usage_error(f"cannot train {cfg.model}: {str(exc).splitlines()[0]}") from None
    try:
        resume = resolve_resume_for(cfg, fingerprint, resume_from_checkpoint)
    except ValueError as exc:
        raise usage_error(str(exc)) from None
    if not quiet:
        console.print(
            f"grpo: {len(records)} questions, groups of {cfg.num_generations}, method {cfg.method}, "
            f"from {cfg.model} -> {cfg.out}",
            soft_wrap=True,
        )
    with progress.steps_bar("grpo", cfg.max_steps, quiet) as update:
        summary = train(cfg, records, resume, progress=update, fingerprint=fingerprint)
    if not quiet:
        console.print(
            f"grpo: {summary['steps']} steps, reward {_fmt(summary.get('first_reward'))} -> "
            f"{_fmt(summary.get('last_reward'))} (mean {_fmt(summary.get('mean_reward'))}), "
            f"{summary['seconds']:.0f}s ({_fmt(summary.get('seconds_per_step'))} s/step); wrote {cfg.out}",
            soft_wrap=True,
        )


def _fmt(x) -> str:
    return f"{x:.3f}" if isinstance(x, (int, float)) else "-"
