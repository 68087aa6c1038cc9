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


def accuracy(m: dict | None) -> float | None:
    """The overall accuracy in a metrics.json (None when absent)."""
    return None if not m else m.get("overall", {}).get("accuracy")


def markdown(data: dict, png_name: str | None) -> str:
    """The report as Markdown."""
    lines = [f"# Video-STaR run: `{data['run']}`", ""]
    base = accuracy(data["base"])
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
        acc = accuracy(m)
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
        ys.append(accuracy(data["base"]))
    for c in data["cycles"]:
        if accuracy(c["metrics"]) is not None:
            xs.append(c["cycle"])
            ys.append(accuracy(c["metrics"]))
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


def _acc_cell(mean: float | None, ci: list | None, sep: str = " ") -> str:
    if mean is None:
        return "-"
    return f"{mean:.3f}" if ci is None else f"{mean:.3f}{sep}[{ci[0]:.3f}, {ci[1]:.3f}]"


def _points_cell(gain: float | None, ci: list | None, sep: str = " ") -> str:
    if gain is None:
        return "-"
    return f"{100 * gain:+.1f}" if ci is None else f"{100 * gain:+.1f}{sep}[{100 * ci[0]:+.1f}, {100 * ci[1]:+.1f}]"


def _count_cell(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}".rstrip("0").rstrip(".")


def summary_tables(data: dict, sep: str = " ") -> list[tuple[str, list[str], list[list[str]]]]:
    """The summary's tables as plain strings: ``(title, headers, rows)`` for accuracy by cycle,
    accuracy by label type (base, each cycle, gain in points), the ablation by label type
    (:func:`ablation_table`), accuracy by seed and the seconds by stage (:func:`stage_table`).

    ``sep`` goes between a mean and its interval (a newline stacks them in narrow terminals).
    The ablation's columns and table appear only when the summary has an ablation, the
    seconds only when it has ``seconds_by_stage``.
    """
    k = len(data["seeds"])
    cycles = list(data["per_label_type"]) or [str(i + 1) for i in range(len(data["cycle_accuracy"]))]
    has_abl = data.get("no_rationalization_accuracy") is not None
    nor, nor_ci = data.get("no_rationalization_accuracy") or [], data.get("no_rationalization_ci") or []
    rows = [["base", _acc_cell(data["base_accuracy"], data["base_ci"], sep), "", ""] + [""] * has_abl]
    for i, c in enumerate(cycles):
        row = [c, _acc_cell(data["cycle_accuracy"][i], data["cycle_ci"][i], sep)]
        row += [_count_cell(data["kept_generate"][i]), _count_cell(data["kept_rationalize"][i])]
        rows.append(row + ([_acc_cell(nor[i], nor_ci[i], sep) if i < len(nor) else "-"] if has_abl else []))
    headers = ["cycle", "accuracy", "kept from generation", "kept from rationalization"]
    by_cycle = (
        f"Held-out accuracy by cycle: mean [95% interval] over {k} seed{'s' * (k != 1)}",
        headers + ["no rationalization"] * has_abl,
        rows,
    )
    types = sorted(set(data["base_per_label_type"]) | {t for row in data["per_label_type"].values() for t in row})
    rows = []
    for t in types:
        row = [t, _acc_cell(data["base_per_label_type"].get(t), data["base_per_label_type_ci"].get(t), sep)]
        for c in cycles:
            row.append(_acc_cell(data["per_label_type"][c].get(t), data["per_label_type_ci"][c].get(t), sep))
        row.append(_points_cell(data["per_label_type_gain"].get(t), data["per_label_type_gain_ci"].get(t), sep))
        rows.append(row)
    by_type = (
        "Held-out accuracy by label type: mean [95% interval]; gain (last cycle - base) in points",
        ["label type", "base", *(f"cycle {c}" for c in cycles), "gain"],
        rows,
    )
    rows = []
    for seed, s in data["per_seed"].items():
        row = [seed, _acc_cell(s["base_accuracy"], None), *(_acc_cell(a, None) for a in s["cycle_accuracy"])]
        rows.append(row + [_acc_cell(a, None) for a in s.get("no_rationalization_accuracy") or []])
    headers = ["seed", "base", *(f"cycle {c}" for c in cycles), *(f"no rat. {i + 1}" for i in range(len(nor)))]
    note = " (no rat.: the ablation without rationalization)" if nor else ""
    by_seed = (f"Held-out accuracy by seed{note}", headers, rows)
    tables = [by_cycle, by_type, ablation_table(data, sep), by_seed, stage_table(data)]
    return [t for t in tables if t is not None]


def ablation_table(data: dict, sep: str = " ") -> tuple[str, list[str], list[list[str]]] | None:
    """Per label type and ablation cycle: the accuracy without rationalization, and rationalization's
    effect (with minus without, in points); None when the summary has no ablation per label type."""
    nor = data.get("no_rationalization_per_label_type")
    eff = data.get("rationalization_effect_per_label_type")
    if not nor or not eff:
        return None
    nor_ci = data.get("no_rationalization_per_label_type_ci") or {}
    eff_ci = data.get("rationalization_effect_per_label_type_ci") or {}
    cycles = list(eff)
    rows = []
    for t in sorted({t for row in eff.values() for t in row}):
        row = [t]
        for c in cycles:
            row.append(_acc_cell(nor.get(c, {}).get(t), (nor_ci.get(c) or {}).get(t), sep))
            row.append(_points_cell(eff[c].get(t), (eff_ci.get(c) or {}).get(t), sep))
        rows.append(row)
    title = (
        "Without rationalization by label type: accuracy, and rationalization's effect "
        "(with - without, points) [95% interval]"
    )
    return title, ["label type"] + [h for c in cycles for h in (f"no rat. {c}", f"effect {c}")], rows


def stage_table(data: dict) -> tuple[str, list[str], list[list[str]]] | None:
    """Process seconds per command from ``seconds_by_stage`` (``vstar report --timings``), loading apart;
    None without them."""
    stages = data.get("seconds_by_stage")
    if not stages:
        return None
    parts = ["seconds", "startup", "model_load", "embedder_load"]
    rows = [
        [name, str(row.get("processes", "")), *(f"{row.get(p, 0.0):.1f}" for p in parts)]
        for name, row in stages.items()
    ]
    title = "Process seconds by stage (summed over processes; startup, model and embedder loading are parts of them)"
    return title, ["stage", "processes", "seconds", "startup", "model load", "embedder load"], rows


def gain_line(data: dict) -> str:
    """``gain after cycle N: +X.X points [low, high] over K seeds``."""
    if data.get("gain") is None:
        return "gain: - (no cycle evaluated beside the base)"
    k = data.get("gain_seeds", len(data["seeds"]))
    g, ci = data["gain"], data["gain_ci"]
    interval = "" if ci is None else f" [{100 * ci[0]:+.1f}, {100 * ci[1]:+.1f}]"
    return f"gain after cycle {data['gain_cycle']}: {100 * g:+.1f} points{interval} over {k} seed{'s' * (k != 1)}"


def effect_lines(data: dict) -> list[str]:
    """``with vs without rationalization at cycle N: +X.X points [low, high]``, per ablation cycle."""
    out = []
    for i, (e, ci) in enumerate(
        zip(data.get("rationalization_effect") or [], data.get("rationalization_effect_ci") or [], strict=True)
    ):
        if e is not None:
            interval = "" if ci is None else f" [{100 * ci[0]:+.1f}, {100 * ci[1]:+.1f}]"
            out.append(f"with vs without rationalization at cycle {i + 1}: {100 * e:+.1f} points{interval}")
    return out


def summary_markdown(data: dict) -> str:
    """The summary's tables and gain line as Markdown, to paste in a README."""
    lines: list[str] = []
    for title, headers, rows in summary_tables(data):
        lines += [f"### {title}", "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        lines.append("")
    lines += [f"**{gain_line(data)}**", ""] + [f"{x}  " for x in effect_lines(data)]
    lines += ["", f"Intervals: {data['interval']}."]
    return "\n".join(lines) + "\n"


def summary_rich(data: dict, width: int = 110):
    """The summary as rich tables and the gain line, for stderr; intervals stack under the
    means when the one-line table would be wider than ``width``."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    out: list = []
    for n, (title, headers, rows) in enumerate(summary_tables(data)):
        wide = sum(max(len(x) for x in col) for col in zip(headers, *rows, strict=True)) + 3 * len(headers) + 1
        if wide > width:
            rows = summary_tables(data, sep="\n")[n][2]
        table = Table()
        for i, h in enumerate(headers):
            table.add_column(h, justify="left" if i == 0 else "right", no_wrap=True)
        for r in rows:
            table.add_row(*r)
        out += [Text(title, style="italic"), table]
    return Group(*out, Text(gain_line(data), style="bold"), *(Text(x) for x in effect_lines(data)))
