"""Where a finetune run picks up: its checkpoints, whether it already finished, its log and summary.

A run is identified by a fingerprint of its training data and settings (``run_fingerprint``),
and its target (epochs, max steps) may grow, so a short run can be extended. Everything here
survives a ``kill -9`` at any moment: incomplete checkpoints are skipped, the loss log is cut
back to the resumed step, and the summary is replaced atomically, never with nulls.
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

from vstar_cli.training.checkpoints import (
    checkpoint_problem,
    read_json,
    scan,
    set_aside,
    weights_problem,
    write_json_atomic,
)

log = logging.getLogger("vstar.finetune")


def checkpoint_dir(out: str | Path, fingerprint: str) -> Path:
    """Where this run's Trainer checkpoints go: ``OUT/checkpoints/run-FINGERPRINT``."""
    return Path(out) / "checkpoints" / f"run-{fingerprint}"


def target(cfg) -> dict:
    """How long a run trains: a finished run with the same fingerprint and target has nothing left to do."""
    return {"epochs": cfg.epochs, "max_steps": cfg.max_steps}


def finished_run(cfg, fingerprint: str) -> dict | None:
    """The summary of this run when it already finished in ``cfg.out`` (whole weights, same target), else None."""
    out = Path(cfg.out)
    summary = read_json(out / "train_summary.json")
    if not summary or summary.get("run") != fingerprint or summary.get("target") != target(cfg):
        return None
    if weights_problem(out) is not None:
        return None
    return summary


def resolve_resume(out: str | Path, fingerprint: str, mode: str | None):
    """The Trainer's ``resume_from_checkpoint`` for ``--resume-from-checkpoint MODE``.

    ``last`` needs a complete checkpoint of this run (same data and settings) and raises
    ``ValueError`` otherwise; ``auto`` resumes from one when there is one and starts afresh
    when not; any other value is a checkpoint directory, which must be complete. Incomplete
    checkpoints (a run killed while saving) are set aside with a warning, and the newest
    complete one is used.
    """
    if mode is None:
        return None
    if mode not in ("last", "auto"):
        path = Path(mode)
        if not path.is_dir():
            raise ValueError(f"checkpoint not found: {mode}")
        problem = checkpoint_problem(path)
        if problem:
            raise ValueError(f"{mode} is not a complete checkpoint: {problem}")
        return mode
    run_dir = checkpoint_dir(out, fingerprint)
    mine, broken = scan(run_dir)
    newest = mine[-1] if mine else None
    for d, problem in broken:
        moved = set_aside(d)
        where = f"; moved to {moved.name}" if moved else ""
        use = f"resuming from {newest.name}" if newest else "no complete checkpoint left"
        log.warning("skipping incomplete checkpoint %s/%s: %s%s; %s", d.parent.name, d.name, problem, where, use)
    if newest is not None:
        return str(newest)
    if mode == "auto":
        return None
    others = [p for p in (Path(out) / "checkpoints").glob("run-*") if p.name != f"run-{fingerprint}"]
    why = " (those in it were written for other training data or settings)" if others else ""
    if broken:
        why = " (the ones there are incomplete)"
    raise ValueError(f"no complete checkpoint of this run in {Path(out) / 'checkpoints'}{why}")


def trim_loss_log(path: Path, upto_step: int | None) -> None:
    """Keep the log's whole rows up to the resumed step: a killed run may have logged steps it redoes."""
    rows = []
    if upto_step is not None and path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue  # a line torn by the kill
            if isinstance(row, dict) and isinstance(row.get("step"), int) and row["step"] <= upto_step:
                rows.append(line + "\n")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(rows), encoding="utf-8")
    tmp.replace(path)


def log_losses(path: Path) -> list[float]:
    losses = []
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                loss = json.loads(line).get("loss")
            except (ValueError, AttributeError):
                continue
            if isinstance(loss, (int, float)) and not isinstance(loss, bool) and math.isfinite(loss):
                losses.append(float(loss))
    return losses


def write_summary(path: Path, summary: dict) -> dict:
    """Write ``train_summary.json`` atomically; a value this session could not tell keeps the run's earlier one."""
    from vstar_cli.output import json_safe

    summary = json_safe(summary)
    old = read_json(path) or {}
    if old.get("run") == summary.get("run"):
        summary = {k: old.get(k) if v is None else v for k, v in summary.items()}
    write_json_atomic(path, summary)
    return summary


def resumed_step(resume_from_checkpoint) -> int | None:
    if resume_from_checkpoint is None:
        return None
    state = read_json(Path(resume_from_checkpoint) / "trainer_state.json") or {}
    step = state.get("global_step")
    return step if isinstance(step, int) else None
