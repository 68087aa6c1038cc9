"""``vstar plan``: will it fit? Peak GPU memory of generation or finetuning, before loading weights."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer
from rich.table import Table

from vstar_cli import config
from vstar_cli.commands._common import console, setup_logging, usage_error
from vstar_cli.options import ConfigOption, QuietOption, config_options
from vstar_cli.planning.memory import PlanConfig

LABELS = {
    "weights": "weights",
    "adapters": "LoRA adapters (fp32)",
    "gradients": "gradients",
    "optimizer": "optimizer states (AdamW)",
    "kv_cache": "KV cache",
    "activations": "activations",
    "logits": "logits",
    "overhead": "CUDA context and slack",
    "peak": "peak (estimate)",
}


@config_options(PlanConfig, exclude=("model",))
def plan(
    model: Annotated[
        Optional[str],
        typer.Argument(
            help="Model directory, preset (qwen2-vl-2b, qwen2-vl-7b, qwen2.5-vl-3b, qwen2.5-vl-7b) or model_type."
        ),
    ] = None,
    flags: dict | None = None,
    config_file: ConfigOption = None,
    quiet: QuietOption = False,
) -> None:
    """Estimate the peak GPU memory of generate (--method none) or finetune, from the configuration alone.

    The model is built on the meta device (no weights, nothing downloaded). Prints the visual
    tokens per video and the memory by component on stderr, and one JSON record on stdout. With
    --gpu-memory it says whether that fits and the largest frames, max pixels and batch that do.
    Example:

        vstar plan qwen2-vl-7b --method qlora --frames 16 --gpu-memory 24GiB
    """
    setup_logging(quiet)
    try:
        cfg = config.resolve(PlanConfig, config_file, "plan", model=model, **(flags or {}))
    except config.ConfigError as exc:
        raise usage_error(str(exc)) from None
    show(cfg, quiet)


def _dtype(dtype: str) -> str:
    return "bfloat16" if dtype == "auto" else dtype


def plan_of_generate(cfg) -> PlanConfig:
    """The plan of a ``generate`` / ``rationalize`` configuration (its model, frames, batch, quantization)."""
    return PlanConfig(
        model=cfg.model,
        method="none",
        quantize=cfg.quantize,
        dtype=_dtype(cfg.dtype),
        frames=cfg.frames,
        fps=cfg.fps,
        max_pixels=cfg.max_pixels,
        batch_size=cfg.batch_size,  # answers per generate call (samples of one question included)
        new_tokens=cfg.max_new_tokens,
        trust_remote_code=cfg.trust_remote_code,
    )


def plan_of_finetune(cfg) -> PlanConfig:
    """The plan of a ``finetune`` configuration (its model, method, frames, batch, LoRA rank)."""
    return PlanConfig(
        model=cfg.model,
        method=cfg.method,
        dtype=_dtype(cfg.dtype),
        frames=cfg.frames,
        fps=cfg.fps,
        max_pixels=cfg.max_pixels,
        batch_size=cfg.batch_size,
        lora_r=cfg.lora_r,
        gradient_checkpointing=cfg.gradient_checkpointing,
        trust_remote_code=cfg.trust_remote_code,
    )


def show(cfg: PlanConfig, quiet: bool = False) -> dict:
    """Estimate ``cfg``, print the table (stderr) and the JSON record (stdout); returns the record.

    Shared by ``vstar plan``, ``generate --dry-run`` and ``finetune --dry-run``.
    """
    from vstar_cli.planning.arch import describe
    from vstar_cli.planning.memory import GIB, estimate, parse_size, proposals

    try:
        arch = describe(cfg.model, cfg.trust_remote_code)
    except (OSError, ValueError, KeyError) as exc:
        raise usage_error(f"cannot plan for {cfg.model}: {str(exc).splitlines()[0][:300]}") from None
    est = estimate(arch, cfg)
    record = {
        "model": cfg.model,
        "method": cfg.method,
        "quantize": cfg.quantize,
        "frames": cfg.sampled_frames,
        "size": f"{cfg.width}x{cfg.height}",
        "max_pixels": cfg.max_pixels,
        "batch_size": cfg.batch_size,
        "visual_tokens_per_video": est.visual_tokens,
        "sequence_tokens": est.sequence,
        "params": est.params,
        "gib": {k: round(v, 3) for k, v in est.parts.items()},
        "peak_gib": round(est.peak, 2),
    }
    if cfg.gpu_memory:
        budget = parse_size(cfg.gpu_memory)
        record["gpu_memory_gib"] = round(budget / GIB, 2)
        record["fits"] = est.peak * GIB <= budget
        record["largest_that_fit"] = proposals(arch, cfg, budget)
    if not quiet:
        console.print(_table(cfg, est, record))
        console.print(f"{arch.total / 1e9:.2f}B parameters ({arch.source}); {est.tokens_note}", soft_wrap=True)
    typer.echo(json.dumps(record))
    return record


def _table(cfg: PlanConfig, est, record: dict) -> Table:
    what = "generation" if cfg.method == "none" else f"{cfg.method} training step"
    quant = {"none": cfg.dtype, "4bit": "4-bit nf4", "8bit": "8-bit"}[cfg.quantize]
    table = Table(title=f"estimated peak GPU memory: {what}, {quant}, batch {cfg.batch_size}")
    table.add_column("component")
    table.add_column("GiB", justify="right")
    table.add_row("visual tokens per video", str(est.visual_tokens))
    table.add_row("tokens per sequence", str(est.sequence))
    if cfg.method == "none":
        table.add_row("new tokens", str(cfg.new_tokens))
    for key, label in LABELS.items():
        value = est.parts[key]
        if value or key in ("weights", "activations", "peak"):
            table.add_row(label, f"{value:.2f}", style="bold" if key == "peak" else None)
    if "fits" in record:
        table.add_row(
            f"fits in {record['gpu_memory_gib']:g} GiB",
            "[green]yes[/]" if record["fits"] else "[red]no[/]",
        )
        for key, value in record["largest_that_fit"].items():
            table.add_row(f"largest {key.replace('_', ' ')} that fits", "none" if value is None else str(value))
    return table
