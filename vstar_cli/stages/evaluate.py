"""Scoring verified answers: accuracy with bootstrap intervals, multiple choice, and AQA metrics.

Accuracy is the fraction of held-out records whose answer passes the same verifier that
builds the training data, so the score is offline and does not drift with a judge's version.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from vstar_cli.records import as_list


def bootstrap_ci(outcomes: list[float], n_boot: int = 1000, seed: int = 0) -> list[float]:
    """95% percentile bootstrap interval of the mean.

    >>> bootstrap_ci([1, 1, 1, 1])
    [1.0, 1.0]
    """
    if not outcomes:
        return [float("nan"), float("nan")]
    x = np.asarray(outcomes, dtype=float)
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, len(x), size=(n_boot, len(x)))].mean(axis=1)
    return [round(float(np.percentile(means, 2.5)), 4), round(float(np.percentile(means, 97.5)), 4)]


def _acc(outcomes: list[float], n_boot: int, seed: int) -> dict:
    return {
        "accuracy": round(float(np.mean(outcomes)), 4) if outcomes else None,
        "n": len(outcomes),
        "ci95": bootstrap_ci(outcomes, n_boot, seed),
    }


def _ranks(x: np.ndarray) -> np.ndarray:
    order = x.argsort(kind="mergesort")
    ranks = np.empty(len(x), dtype=float)
    ranks[order] = np.arange(len(x), dtype=float)
    for v in np.unique(x):  # ties share their average rank
        idx = x == v
        if idx.sum() > 1:
            ranks[idx] = ranks[idx].mean()
    return ranks


def spearman(pred: list[float], gold: list[float]) -> float | None:
    """Spearman's rank correlation (None with fewer than 3 pairs or a constant side).

    >>> spearman([1, 2, 3, 4], [10, 20, 30, 45])
    1.0
    """
    if len(pred) < 3:
        return None
    a, b = _ranks(np.asarray(pred, float)), _ranks(np.asarray(gold, float))
    if a.std() == 0 or b.std() == 0:
        return None
    return round(float(np.corrcoef(a, b)[0, 1]), 4)


def relative_l2(pred: list[float], gold: list[float]) -> float | None:
    """FineDiving's relative L2 distance (x100): mean of ((pred - gold) / (max - min of gold))^2.

    >>> relative_l2([10, 20], [10, 30])
    12.5
    """
    if not gold:
        return None
    g = np.asarray(gold, float)
    span = g.max() - g.min()
    if span == 0:
        return None
    return round(float(np.mean(((np.asarray(pred, float) - g) / span) ** 2) * 100), 4)


def _feeds(kind: str, metric: str) -> bool:
    # What a verifier kind feeds to eval is declared on its registered VerifierKind.
    from vstar_cli.verify import registry

    found = registry.find(kind) if isinstance(kind, str) else None
    return found is not None and metric in found.metrics


def compute(records: Iterable[dict], errors: int = 0, n_boot: int = 1000, seed: int = 0) -> dict:
    """Metrics of verified records (each with ``verified`` and ``verdict``).

    Every label feeds accuracy; kinds that declare ``regression`` (``float``) also feed
    Spearman's rho and relative L2, and records with ``choices`` whose kinds declare
    ``multiple_choice`` feed multiple-choice accuracy. Records that could not be judged
    are not here: they are counted in ``errors``.
    """
    overall: list[float] = []
    per_type: dict[str, list[float]] = defaultdict(list)
    per_kind: dict[str, list[float]] = defaultdict(list)
    mc: list[float] = []
    mc_answered = 0
    floats: dict[str, dict[str, list]] = defaultdict(lambda: {"pred": [], "gold": [], "n": 0})
    for rec in records:
        overall.append(1.0 if rec.get("verified") else 0.0)
        verdict = rec.get("verdict") or {}
        for lt, kind in zip(as_list(rec.get("label_type")), as_list(rec.get("verifier_type")), strict=False):
            v = verdict.get(lt) or {}
            ok = 1.0 if v.get("ok") else 0.0
            per_type[lt].append(ok)
            per_kind[kind].append(ok)
            if _feeds(kind, "regression"):
                f = floats[lt]
                f["n"] += 1
                ext = v.get("extracted")
                if isinstance(ext, (int, float)) and not isinstance(ext, bool) and math.isfinite(ext):
                    f["pred"].append(float(ext))
                    f["gold"].append(float(rec["label"][lt]))
        if rec.get("choices") and any(_feeds(k, "multiple_choice") for k in as_list(rec.get("verifier_type"))):
            mc.append(1.0 if rec.get("verified") else 0.0)
            if any((verdict.get(lt) or {}).get("extracted") is not None for lt in as_list(rec.get("label_type"))):
                mc_answered += 1
    out = {
        "overall": _acc(overall, n_boot, seed),
        "per_label_type": {k: _acc(v, n_boot, seed) for k, v in sorted(per_type.items())},
        "per_verifier": {k: _acc(v, n_boot, seed) for k, v in sorted(per_kind.items())},
        "errors": errors,
    }
    if mc:
        out["multiple_choice"] = dict(_acc(mc, n_boot, seed), answered=mc_answered)
    if floats:
        out["float"] = {
            lt: {
                "spearman": spearman(f["pred"], f["gold"]),
                "relative_l2": relative_l2(f["pred"], f["gold"]),
                "n": f["n"],
                "coverage": round(len(f["pred"]) / f["n"], 4) if f["n"] else None,
            }
            for lt, f in sorted(floats.items())
        }
    return out


def flatten(metrics: dict) -> dict[str, float | None]:
    """``{"overall.accuracy": 0.5, "per_label_type.action.accuracy": ...}`` for side-by-side tables."""
    flat: dict[str, float | None] = {}

    def walk(prefix: str, node) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in {"ci95", "config"}:
                    continue
                walk(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(node, (int, float)) or node is None:
            flat[prefix] = node

    walk("", metrics)
    return flat
