"""The rich tables the commands print on stderr, built from plain data (nothing here prints)."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

MERGE_COLUMNS = ["kept", "duplicate", "unverified", "over max per question", "balanced out"]
MERGE_HEADERS = ["kept", "duplicates", "unverified", "over max", "balanced"]


def merge_table(stats) -> tuple[Table, dict[str, int]]:
    """Kept / duplicates / unverified ... per source and label type, and the totals."""

    table = Table(title="vstar merge", title_justify="left")
    table.add_column("source", no_wrap=True)
    table.add_column("label type", no_wrap=True)
    for h in MERGE_HEADERS:
        table.add_column(h, justify="right", no_wrap=True)
    totals = dict.fromkeys(MERGE_COLUMNS, 0)
    for (source, ltype), counts in sorted(stats.rows.items()):
        table.add_row(source, ltype, *(str(counts.get(c, 0)) for c in MERGE_COLUMNS))
        for c in MERGE_COLUMNS:
            totals[c] += counts.get(c, 0)
    table.add_row("[bold]total[/]", "", *(f"[bold]{totals[c]}[/]" for c in MERGE_COLUMNS))
    return table, totals


def metrics_table(metrics: dict, title: str) -> Table:
    """Accuracy with its 95% interval overall, per label type, per verifier kind; float metrics."""

    t = Table(title=title, title_justify="left")
    for c in ("scope", "name", "accuracy", "95% CI", "n"):
        t.add_column(c, justify="right" if c in {"accuracy", "n"} else "left", no_wrap=True)

    def row(scope, name, m):
        acc = "-" if m.get("accuracy") is None else f"{m['accuracy']:.3f}"
        ci = m.get("ci95") or []
        t.add_row(
            scope, name, acc, f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci and ci[0] == ci[0] else "-", str(m.get("n", ""))
        )

    row("overall", "", metrics["overall"])
    for k, m in metrics["per_label_type"].items():
        row("label type", k, m)
    for k, m in metrics["per_verifier"].items():
        row("verifier", k, m)
    if "multiple_choice" in metrics:
        row("multiple choice", f"answered {metrics['multiple_choice']['answered']}", metrics["multiple_choice"])
    for k, f in metrics.get("float", {}).items():
        t.add_row("float", k, f"rho {f['spearman']}", f"rel-L2 {f['relative_l2']}", str(f["n"]))
    return t


def compare_table(paths: list[str], docs: list[dict[str, float]]) -> Table:
    """Flattened metrics files side by side, each with its difference to the first."""
    keys = list(dict.fromkeys(k for d in docs for k in d))
    t = Table(title="vstar eval compare", title_justify="left")
    t.add_column("metric", no_wrap=True)
    for i, p in enumerate(paths):
        t.add_column(Path(p).name if i == 0 else f"{Path(p).name} (Δ)", justify="right", no_wrap=True)
    for k in keys:
        base = docs[0].get(k)
        cells = []
        for i, d in enumerate(docs):
            v = d.get(k)
            if v is None:
                cells.append("-")
            elif i == 0 or base is None:
                cells.append(f"{v:.4g}")
            else:
                diff = v - base
                color = "green" if diff > 0 else "red" if diff < 0 else "white"
                cells.append(f"{v:.4g} ([{color}]{diff:+.4g}[/])")
        t.add_row(k, *cells)
    return t


def wide_console(min_width: int):
    """A stderr console at least ``min_width`` wide: a table's headers wrap in a narrow or non-terminal (80-column) one."""
    from rich.console import Console

    return Console(stderr=True, width=max(Console(stderr=True).width, min_width), highlight=False)
