"""The cycle report: what each Video-STaR cycle kept, from where, and how the model scored."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from vstar_cli.io import ErrorRecord, read_records
from vstar_cli.records import as_list


def _count(path: Path) -> tuple[int, Counter, Counter]:
    """(records, verified per label type, total per label type) of a JSONL file."""
    n, ok, total = 0, Counter(), Counter()
    if not path.exists():
        return 0, ok, total
    for rec in read_records(path):
        if isinstance(rec, ErrorRecord):
            continue
        n += 1
        key = "+".join(as_list(rec.get("label_type"))) or "-"
        total[key] += 1
        if rec.get("verified"):
            ok[key] += 1
    return n, ok, total


def _metrics(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def collect(run_dir: str | Path) -> dict:
    """Per-cycle numbers of a run directory laid out by ``recipes/cycle.mk``."""
    run = Path(run_dir)
    cycles = sorted((p for p in run.glob("cycle*") if re.fullmatch(r"cycle\d+", p.name)), key=lambda p: int(p.name[5:]))
    out = {"run": str(run), "base": _metrics(run / "base" / "metrics.json"), "cycles": []}
    for c in cycles:
        n_gen, gen_ok, gen_total = _count(c / "ver.jsonl")
        n_rat, rat_ok, rat_total = _count(c / "ratver.jsonl")
        summary = _metrics(c / "ckpt" / "train_summary.json")
        types = sorted(set(gen_total) | set(rat_total))
        out["cycles"].append(
            {
                "cycle": int(c.name[5:]),
                "generated": n_gen,
                "kept_generate": sum(gen_ok.values()),
                "rationalized": n_rat,
                "kept_rationalize": sum(rat_ok.values()),
                "per_label_type": {
                    t: {
                        "generate_yield": round(gen_ok[t] / gen_total[t], 4) if gen_total[t] else None,
                        "rationalize_yield": round(rat_ok[t] / rat_total[t], 4) if rat_total[t] else None,
                        "kept": gen_ok[t] + rat_ok[t],
                    }
                    for t in types
                },
                "train": summary,
                "metrics": _metrics(c / "metrics.json"),
            }
        )
    return out


def _acc(m: dict | None) -> float | None:
    return None if not m else m.get("overall", {}).get("accuracy")


def markdown(data: dict, png_name: str | None) -> str:
    """The report as Markdown."""
    lines = [f"# Video-STaR run: `{data['run']}`", ""]
    base = _acc(data["base"])
    lines += [
        "## Held-out accuracy by cycle",
        "",
        "| cycle | accuracy | 95% CI | kept (generate) | kept (rationalize) | train loss |",
        "|---|---|---|---|---|---|",
    ]
    if data["base"]:
        ci = data["base"]["overall"].get("ci95") or ["", ""]
        lines.append(f"| base | {base:.3f} | [{ci[0]}, {ci[1]}] | | | |")
    for c in data["cycles"]:
        m = c["metrics"]
        acc = _acc(m)
        ci = (m or {}).get("overall", {}).get("ci95") or ["", ""]
        loss = (c["train"] or {}).get("last_loss")
        lines.append(
            f"| {c['cycle']} | {'-' if acc is None else f'{acc:.3f}'} | [{ci[0]}, {ci[1]}] | {c['kept_generate']} / {c['generated']} "
            f"| {c['kept_rationalize']} / {c['rationalized']} | {'-' if loss is None else f'{loss:.3f}'} |"
        )
    lines += [
        "",
        "## Yield per label type (verified / answered)",
        "",
        "| cycle | label type | generate | rationalize | kept |",
        "|---|---|---|---|---|",
    ]
    for c in data["cycles"]:
        for t, y in c["per_label_type"].items():
            g = "-" if y["generate_yield"] is None else f"{y['generate_yield']:.2f}"
            r = "-" if y["rationalize_yield"] is None else f"{y['rationalize_yield']:.2f}"
            lines.append(f"| {c['cycle']} | {t} | {g} | {r} | {y['kept']} |")
    last = data["cycles"][-1]["metrics"] if data["cycles"] else None
    if last:
        lines += ["", "## Last cycle, per label type", "", "| label type | accuracy | n |", "|---|---|---|"]
        for t, m in last.get("per_label_type", {}).items():
            lines.append(f"| {t} | {m['accuracy']:.3f} | {m['n']} |")
        for t, f in last.get("float", {}).items():
            lines.append(f"| {t} (float) | rho {f['spearman']}, rel-L2 {f['relative_l2']} | {f['n']} |")
    if png_name:
        lines += ["", f"![cycles]({png_name})"]
    return "\n".join(lines) + "\n"


def plot(data: dict, path: Path) -> None:
    """Accuracy by cycle, and answers kept from generation vs rationalization."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    xs, ys = [], []
    if data["base"]:
        xs.append(0)
        ys.append(_acc(data["base"]))
    for c in data["cycles"]:
        if _acc(c["metrics"]) is not None:
            xs.append(c["cycle"])
            ys.append(_acc(c["metrics"]))
    a1.plot(xs, ys, marker="o")
    a1.set_xticks(xs)
    a1.set_xticklabels(["base" if x == 0 else str(x) for x in xs])
    a1.set_ylim(0, 1)
    a1.set_xlabel("cycle")
    a1.set_ylabel("held-out accuracy")
    a1.set_title("Accuracy")
    cyc = [c["cycle"] for c in data["cycles"]]
    gen = [c["kept_generate"] for c in data["cycles"]]
    rat = [c["kept_rationalize"] for c in data["cycles"]]
    a2.bar(cyc, gen, label="generate")
    a2.bar(cyc, rat, bottom=gen, label="rationalize")
    a2.set_xticks(cyc)
    a2.set_xlabel("cycle")
    a2.set_ylabel("verified answers kept")
    a2.set_title("Training data")
    a2.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write(run_dir: str | Path) -> tuple[Path, Path]:
    """Write ``report.md``, ``report.png`` and ``report.json`` into the run directory."""
    run = Path(run_dir)
    data = collect(run)
    png = run / "report.png"
    plot(data, png)
    md = run / "report.md"
    md.write_text(markdown(data, png.name), encoding="utf-8")
    (run / "report.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return md, png


def summarize(run_dir: str | Path, ablation: str | Path | None = None, started_at: float | None = None):
    """The demo's summary: base accuracy, accuracy per cycle (with and without rationalization), seconds.

    Returns ``(summary dict, rich table)``.
    """
    import time

    from rich.table import Table

    main = collect(run_dir)
    abl = collect(ablation) if ablation else None
    acc = [_acc(c["metrics"]) for c in main["cycles"]]
    data = {
        "base_accuracy": _acc(main["base"]),
        "cycle_accuracy": acc,
        "no_rationalization_accuracy": [_acc(c["metrics"]) for c in abl["cycles"]] if abl else None,
        "kept_generate": [c["kept_generate"] for c in main["cycles"]],
        "kept_rationalize": [c["kept_rationalize"] for c in main["cycles"]],
        "per_label_type": {
            str(c["cycle"]): {k: v["accuracy"] for k, v in (c["metrics"] or {}).get("per_label_type", {}).items()}
            for c in main["cycles"]
        },
        "base_per_label_type": {k: v["accuracy"] for k, v in (main["base"] or {}).get("per_label_type", {}).items()},
        "seconds": round(time.time() - started_at, 1) if started_at else None,
    }
    table = Table(title="Video-STaR demo: held-out accuracy", title_justify="left")
    for col in ("cycle", "accuracy", "kept from generation", "kept from rationalization", "no rationalization"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_row("base", f"{data['base_accuracy']:.3f}" if data["base_accuracy"] is not None else "-", "", "", "")
    for i, c in enumerate(main["cycles"]):
        ab = data["no_rationalization_accuracy"][i] if abl and i < len(data["no_rationalization_accuracy"]) else None
        table.add_row(
            str(c["cycle"]),
            "-" if acc[i] is None else f"{acc[i]:.3f}",
            str(c["kept_generate"]),
            str(c["kept_rationalize"]),
            "-" if ab is None else f"{ab:.3f}",
        )
    return data, table
