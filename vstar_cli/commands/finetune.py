"""``vstar finetune``: train a video LVLM on a merge output (LoRA, QLoRA or full)."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from vstar_cli import config, progress
from vstar_cli.commands._common import ErrorSink, check_sources, console, setup_logging, usage_error
from vstar_cli.io import InputError
from vstar_cli.options import ConfigOption, ErrorsOption, QuietOption, config_options
from vstar_cli.stages.finetune import FinetuneConfig


@config_options(FinetuneConfig, exclude=("adapter", "quantize"))
def finetune(
    train_file: Annotated[
        str, typer.Argument(help="Training set from vstar merge (llava, sharegpt or messages format).")
    ],
    flags: dict | None = None,
    resume_from_checkpoint: Annotated[
        Optional[str],
        typer.Option(
            help="A checkpoint directory; 'last': the newest of this run (same data and settings) "
            "in OUT/checkpoints; 'auto': that one if there is one, else start afresh.",
        ),
    ] = None,
    merge_adapter: Annotated[
        bool, typer.Option("--merge-adapter", help="Also write OUT/merged: base + adapter as one model.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the estimated peak GPU memory and exit.")] = False,
    errors: ErrorsOption = None,
    config_file: ConfigOption = None,
    quiet: QuietOption = False,
) -> None:
    """Finetune from the pretrained checkpoint on verified data (the paper: every cycle, one epoch).

    Loss is computed on the assistant's tokens only. Under [italic]accelerate launch[/] it runs
    distributed (DDP, DeepSpeed, FSDP) unchanged. Example:

        vstar finetune sft.jsonl --model BASE --method qlora --video-dir videos --out ckpt
    """
    from vstar_cli.stages.finetune import run_fingerprint
    from vstar_cli.training.data import load_examples
    from vstar_cli.training.resume import finished_run

    setup_logging(quiet)
    try:
        flags = dict(flags or {})
        flags["out"] = flags.get("out") or ("dry-run" if dry_run else None)
        cfg = config.resolve(FinetuneConfig, config_file, "finetune", **flags)
    except config.ConfigError as exc:
        raise usage_error(str(exc)) from None
    check_sources(cfg.model, None if dry_run else cfg.video_dir)
    if dry_run:
        _dry_run(cfg)
        return
    if not Path(train_file).is_file():
        raise usage_error(f"training file not found: {train_file}")
    try:
        fingerprint = run_fingerprint(cfg, train_file)
    except OSError as exc:
        raise usage_error(f"cannot read {train_file}: {exc.strerror or exc}") from None
    if resume_from_checkpoint in ("auto", "last"):
        done = finished_run(cfg, fingerprint)
        if done is not None:
            _finished(cfg, done, merge_adapter, quiet)
            return
    try:
        examples, bad = load_examples(train_file)
    except InputError as exc:
        raise usage_error(str(exc)) from None
    sink = ErrorSink(errors)
    try:
        _train(cfg, train_file, examples, bad, sink, fingerprint, resume_from_checkpoint, merge_adapter, quiet)
    finally:
        sink.close()
    if sink.count:
        raise typer.Exit(1)


def _finished(cfg, summary: dict, merge_adapter: bool, quiet: bool) -> None:
    """A finished run: nothing is trained or overwritten (the merged model is only added when asked and absent)."""
    from vstar_cli.training.checkpoints import weights_problem

    merged = Path(cfg.out) / "merged"
    if merge_adapter and cfg.method != "full" and weights_problem(merged) is not None:
        from vstar_cli.training.adapters import merge_adapter as do_merge

        do_merge(cfg)
    console.print(
        f"finetune: already finished: run {summary['run']} in {cfg.out} ({summary.get('steps')} steps); nothing to do",
        soft_wrap=True,
    )


def _fmt(x) -> str:
    return f"{x:.4f}" if isinstance(x, (int, float)) else "-"


def _train(cfg, train_file, examples, bad, sink, fingerprint, resume_from_checkpoint, merge_adapter, quiet) -> None:
    from vstar_cli.io import ErrorRecord
    from vstar_cli.training.data import NoUsableVideos, read_skipped
    from vstar_cli.training.resume import resolve_resume
    from vstar_cli.training.trainer import steps_per_epoch, train

    for err in bad:
        sink.add(err)
    usable = []
    for ex in examples:
        problem = _videos_problem(cfg, ex.videos)
        if problem:
            sink.add(ErrorRecord(problem, {"video": ex.video, "videos": list(ex.videos)}))
        else:
            usable.append(ex)
    examples = usable
    if not examples:
        raise usage_error(f"{train_file}: no usable training examples ({sink.count} lines rejected)")
    try:
        from vstar_cli.model import load_processor

        load_processor(cfg)
    except (OSError, ValueError) as exc:
        raise usage_error(f"cannot train {cfg.model}: {str(exc).splitlines()[0]}") from None
    try:
        resume = resolve_resume(cfg.out, fingerprint, resume_from_checkpoint)
    except ValueError as exc:
        raise usage_error(str(exc)) from None
    world = int(os.environ.get("WORLD_SIZE", "1"))
    total = steps_per_epoch(len(examples), cfg, world) * max(1, math.ceil(cfg.epochs))
    if cfg.max_steps > 0:
        total = cfg.max_steps
    if not quiet:
        console.print(f"finetune: {len(examples)} examples, method {cfg.method}, from {cfg.model} -> {cfg.out}")
    try:
        with progress.steps_bar("finetune", total, quiet) as update:
            summary = train(cfg, examples, resume, progress=update, fingerprint=fingerprint)
    except NoUsableVideos as exc:
        for video, reason in read_skipped(Path(cfg.out) / "skipped_videos.jsonl").items():
            sink.add(ErrorRecord(f"video cannot be decoded: {reason}", {"video": video}))
        raise usage_error(str(exc)) from None
    for video, reason in read_skipped(Path(cfg.out) / "skipped_videos.jsonl").items():
        sink.add(ErrorRecord(f"video cannot be decoded, skipped in training: {reason}", {"video": video}))
    if merge_adapter and cfg.method != "full" and int(os.environ.get("RANK", "0")) == 0:
        from vstar_cli.training.adapters import merge_adapter as do_merge

        dest = do_merge(cfg)
        if not quiet:
            console.print(f"merged model written to {dest}")
    if not quiet:
        skipped = f", {summary['skipped_videos']} undecodable videos skipped" if summary.get("skipped_videos") else ""
        console.print(
            f"finetune: {summary['steps']} steps, loss {_fmt(summary.get('first_loss'))} -> "
            f"{_fmt(summary.get('last_loss'))} ({summary['seconds']:.0f}s){skipped}; wrote {cfg.out}"
        )


def _videos_problem(cfg, names) -> str | None:
    """Why an example's videos cannot be trained on (outside --video-dir, missing, empty), or None."""
    from vstar_cli.video import VideoError, video_path

    for name in names:
        try:
            path = video_path(cfg.video_dir, name, cfg.allow_outside_video_dir)
        except VideoError as exc:
            return str(exc)
        try:
            if os.path.getsize(path) > 0:
                continue
        except (OSError, ValueError):  # ValueError: a NUL byte in the name
            pass
        return f"video missing or empty: {path}"
    return None


def _dry_run(cfg) -> None:
    from vstar_cli.commands.plan import plan_of_finetune, show

    show(plan_of_finetune(cfg))
