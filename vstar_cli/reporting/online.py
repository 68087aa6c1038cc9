"""The demo's online arm (``vstar grpo``) beside the Video-STaR cycles, as accuracy against wall time.

Both arms' run folders have ``recipes/cycle.mk``'s layout: ``base/`` (the shared base
evaluation, copied when the arm starts) and ``cycleN/metrics.json`` with ``details.jsonl``
(for the online arm, ``cycleN`` is the evaluation after its N-th stage of GRPO steps). Wall
time of a point is the age of its ``metrics.json`` since the arm's ``base/metrics.json`` was
written, so it counts everything the arm ran (generation, verification, training,
evaluation) under whatever else ran beside it. Accuracies and intervals are
:func:`vstar_cli.reporting.seeds.summarize`'s, over the same held-out questions.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def _elapsed(run: Path, cycle: int) -> float | None:
    try:
        return os.path.getmtime(run / f"cycle{cycle}" / "metrics.json") - os.path.getmtime(
            run / "base" / "metrics.json"
        )
    except OSError:
        return None


def _mean(values: list) -> float | None:
    vals = [v for v in values if v is not None]
    return round(sum(vals) / len(vals), 1) if vals else None


def _steps(run: Path, cycle: int) -> int | None:
    try:
        return json.loads((run / f"cycle{cycle}" / "train_summary.json").read_text(encoding="utf-8")).get("steps")
    except (OSError, ValueError, AttributeError):
        return None


def arm(runs: list, seeds: list | None = None) -> dict:
    """One arm over its seeds: accuracy per point (mean, 95% interval), mean wall seconds, gain over base."""
    from vstar_cli.reporting.seeds import summarize

    runs = [Path(r) for r in runs]
    data = summarize(runs, seeds=seeds)
    points = len(data["cycle_accuracy"])
    return {
        "base_accuracy": data["base_accuracy"],
        "base_ci": data["base_ci"],
        "accuracy": data["cycle_accuracy"],
        "ci": data["cycle_ci"],
        "seconds": [_mean([_elapsed(r, c + 1) for r in runs]) for c in range(points)],
        "steps": [_steps(runs[0], c + 1) for c in range(points)],
        "gain": data["gain"],
        "gain_ci": data["gain_ci"],
        "per_seed": {s: v["cycle_accuracy"] for s, v in data["per_seed"].items()},
    }


def at_time(arm_data: dict, seconds: float) -> tuple[int, float | None]:
    """The arm's latest point reached within ``seconds`` (0 = the base) and its accuracy."""
    best = 0
    for i, t in enumerate(arm_data["seconds"]):
        if t is not None and t <= seconds:
            best = i + 1
    return best, (arm_data["base_accuracy"] if best == 0 else arm_data["accuracy"][best - 1])


def compare(cycle_runs: list, online_runs: list, seeds: list | None = None) -> dict:
    """Both arms, and at each online point the cycles' accuracy reached in the same wall time."""
    cycles, online = arm(cycle_runs, seeds), arm(online_runs, seeds)
    equal = []
    for i, t in enumerate(online["seconds"]):
        if t is None:
            continue
        c, acc = at_time(cycles, t)
        equal.append(
            {
                "online_point": i + 1,
                "seconds": t,
                "online_accuracy": online["accuracy"][i],
                "cycle": c,
                "cycle_accuracy": acc,
            }
        )
    return {"cycles": cycles, "online": online, "equal_time": equal}


def _acc(a, ci) -> str:
    if a is None:
        return "-"
    return f"{a:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")


def markdown(data: dict) -> str:
    """The comparison as Markdown: one row per point of each arm, then the equal-time lines."""
    c, o = data["cycles"], data["online"]
    lines = [
        "### Online GRPO beside the Video-STaR cycles: held-out accuracy against wall time",
        "",
        "| arm | point | wall time (s) | accuracy [95% interval] |",
        "|---|---|---|---|",
        f"| base | - | 0 | {_acc(c['base_accuracy'], c['base_ci'])} |",
    ]
    for i, a in enumerate(c["accuracy"]):
        lines.append(f"| Video-STaR | cycle {i + 1} | {c['seconds'][i] or '-'} | {_acc(a, c['ci'][i])} |")
    for i, a in enumerate(o["accuracy"]):
        steps = o["steps"][i]
        what = f"{steps} steps" if steps is not None else f"stage {i + 1}"
        lines.append(f"| GRPO | {what} | {o['seconds'][i] or '-'} | {_acc(a, o['ci'][i])} |")
    lines.append("")
    for g, name in ((c, "Video-STaR"), (o, "GRPO")):
        if g["gain"] is not None:
            ci = g["gain_ci"]
            interval = f" [{100 * ci[0]:+.1f}, {100 * ci[1]:+.1f}]" if ci else ""
            lines.append(f"{name}: gain over base at its last point {100 * g['gain']:+.1f} points{interval}  ")
    for e in data["equal_time"]:
        where = "the base" if e["cycle"] == 0 else f"cycle {e['cycle']}"
        lines.append(
            f"at {e['seconds']:.0f} s: GRPO {_acc(e['online_accuracy'], None)}, "
            f"Video-STaR {_acc(e['cycle_accuracy'], None)} ({where})  "
        )
    lines += ["", "Wall time: seconds from the arm's start (its copy of the base evaluation) to each evaluation."]
    return "\n".join(lines) + "\n"
