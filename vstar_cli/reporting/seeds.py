"""Held-out accuracy over several seeds: per-question outcomes and a two-level bootstrap.

A run evaluated with ``vstar eval --details`` leaves one record per held-out question. Here
each evaluation becomes a row of per-question outcomes, the rows of all seeds a matrix
(seeds x questions), and the interval of its mean comes from resampling seeds, then
questions, with replacement. :func:`summarize` gathers the runs of every seed into the
demo's summary (rendered by :mod:`vstar_cli.reporting.report`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vstar_cli.io import ErrorRecord, InputError, read_records
from vstar_cli.records import as_list
from vstar_cli.reporting.report import accuracy, collect
from vstar_cli.timings import by_stage
from vstar_cli.timings import read as read_timings

N_BOOT = 2000
BOOT_SEED = 0
OVERALL = ""  # the key of the whole-record outcome beside the label types'


@dataclass
class Outcomes:
    """Per-question outcomes of one evaluation: ``scores[key][question] -> fraction right``.

    ``key`` is ``OVERALL`` (the record was verified) or a label type (that label's verdict
    was ok). A question answered by several records (several samples) scores the mean of
    them, so the question stays the unit that is resampled. ``types`` maps each question to
    the label types it carries.
    """

    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    types: dict[str, set[str]] = field(default_factory=dict)


def _question_key(rec: dict, nameless: int) -> str:
    qid = rec.get("question_id", rec.get("id"))
    # Records without an id are matched across files by their order, the order eval writes them in.
    return f"#{nameless}" if qid is None or isinstance(qid, (dict, list)) else str(qid)


def read_outcomes(path: str | Path) -> Outcomes | None:
    """The outcomes in a ``details.jsonl``; None when the file is absent or cannot be opened.

    A record counts as right only when ``verified`` is ``True`` (per label type: when its
    verdict says ``ok``); records with an ``error`` field and lines that are not JSON objects
    count as wrong or, having no question id, as missing (see :func:`matrix`).
    """
    p = Path(path)
    if not p.is_file():
        return None
    sums: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    types: dict[str, set[str]] = defaultdict(set)
    nameless = 0
    try:
        for rec in read_records(p):
            if isinstance(rec, ErrorRecord):
                continue
            key = _question_key(rec, nameless)
            nameless += key.startswith("#")
            bad = rec.get("error") is not None
            sums[OVERALL][key].append(1.0 if rec.get("verified") is True and not bad else 0.0)
            verdict = rec.get("verdict") if isinstance(rec.get("verdict"), dict) else {}
            for lt in as_list(rec.get("label_type")):
                lt = str(lt)
                v = verdict.get(lt) if isinstance(verdict.get(lt), dict) else {}
                sums[lt][key].append(1.0 if v.get("ok") is True and not bad else 0.0)
                types[key].add(lt)
    except (InputError, OSError):
        return None
    scores = {k: {q: sum(v) / len(v) for q, v in per_q.items()} for k, per_q in sums.items()}
    scores.setdefault(OVERALL, {})
    return Outcomes(scores, dict(types))


def matrix(rows: list[Outcomes], questions: list[str], key: str = OVERALL) -> np.ndarray:
    """Seeds x questions outcomes of ``key``; a question missing from a row counts as wrong (0)."""
    return np.array([[o.scores.get(key, {}).get(q, 0.0) for q in questions] for o in rows], dtype=float).reshape(
        len(rows), len(questions)
    )


def _counts(rng: np.random.Generator, n_boot: int, n: int) -> np.ndarray:
    """How often each of ``n`` items is drawn in each of ``n_boot`` resamples of size ``n``."""
    idx = rng.integers(0, n, size=(n_boot, n)) + (np.arange(n_boot) * n)[:, None]
    return np.bincount(idx.ravel(), minlength=n_boot * n).reshape(n_boot, n)


def mean_ci(x: np.ndarray, n_boot: int = N_BOOT, seed: int = BOOT_SEED) -> tuple[float | None, list[float] | None]:
    """Mean of a seeds x questions matrix and its 95% two-level percentile bootstrap interval.

    Each resample draws the seeds with replacement, then the questions with replacement,
    the same questions for every drawn seed, since all seeds answer the same held-out set
    (so the interval keeps the questions' share of the uncertainty that averaging over
    seeds cannot remove). With one seed this is the plain question bootstrap. The estimate
    is ``sum_s c_s sum_q w_q x_sq / (S Q)`` with multinomial counts ``c`` and ``w``, computed as
    one matrix product per chunk of resamples. A paired difference (a cycle minus the base
    on the same questions) is passed as the difference matrix, so its interval accounts for
    the pairing. Fixed ``seed``: the same inputs give the same interval.

    >>> mean_ci(np.array([[1.0, 0.0, 1.0, 0.0]]))[0]
    0.5
    >>> mean_ci(np.full((3, 5), 0.25))
    (0.25, [0.25, 0.25])
    >>> mean_ci(np.zeros((2, 0)))
    (None, None)
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.size == 0:
        return None, None
    n_seeds, n_q = x.shape
    rng = np.random.default_rng(seed)
    chunk = max(1, 4_000_000 // n_q)  # bounded memory for large test sets
    stats = []
    for start in range(0, n_boot, chunk):
        b = min(chunk, n_boot - start)
        c = _counts(rng, b, n_seeds)
        w = _counts(rng, b, n_q)
        stats.append((c * (w @ x.T)).sum(axis=1) / (n_seeds * n_q))
    means = np.concatenate(stats)
    low, high = np.percentile(means, [2.5, 97.5])
    return round(float(x.mean()), 4), [round(float(low), 4), round(float(high), 4)]


def _evaluations(data: dict) -> dict[str, tuple[Outcomes | None, dict | None]]:
    """``{"base": ..., "1": ..., ...}`` -> (per-question outcomes from details.jsonl, metrics.json)."""
    run = Path(data["run"])
    out = {"base": (read_outcomes(run / "base" / "details.jsonl"), data["base"])}
    for c in data["cycles"]:
        out[str(c["cycle"])] = (read_outcomes(run / f"cycle{c['cycle']}" / "details.jsonl"), c["metrics"])
    return {k: v for k, v in out.items() if v[0] is not None or accuracy(v[1]) is not None}


class _Pool:
    """The evaluations of every seed over one set of held-out questions (the union of all details files)."""

    def __init__(self, runs: list[dict]) -> None:
        found = [o for ev in runs for o, _ in ev.values() if o is not None]
        self.questions = sorted({q for o in found for q in o.scores[OVERALL]} | {q for o in found for q in o.types})
        self.types: dict[str, list[str]] = {}
        for q in self.questions:
            for t in sorted(set().union(*(o.types.get(q, set()) for o in found))):
                self.types.setdefault(t, []).append(q)

    def columns(self, key: str) -> list[str]:
        return self.questions if key == OVERALL else self.types.get(key, [])

    def value(self, ev: tuple | None, key: str = OVERALL) -> float | None:
        """One seed's accuracy: from its details (missing questions are wrong), else its metrics.json."""
        if ev is None:
            return None
        outcomes, metrics = ev
        if outcomes is not None:
            cols = self.columns(key)
            return round(float(matrix([outcomes], cols, key).mean()), 4) if cols else None
        if key == OVERALL:
            return accuracy(metrics)
        return ((metrics or {}).get("per_label_type", {}).get(key) or {}).get("accuracy")

    def estimate(self, evs: list, minus: list | None = None, key: str = OVERALL) -> tuple:
        """(mean over seeds, 95% interval or None) of ``evs``, or of ``evs - minus`` paired by seed and question."""
        pairs = [
            (a, b)
            for a, b in zip(evs, minus or [None] * len(evs), strict=True)
            if a is not None and (minus is None or b)
        ]
        if not pairs:
            return None, None
        if all(a[0] is not None and (b is None or b[0] is not None) for a, b in pairs):
            x = matrix([a[0] for a, _ in pairs], self.columns(key), key)
            if minus is not None:
                x = x - matrix([b[0] for _, b in pairs], self.columns(key), key)
            return mean_ci(x)
        vals = []
        for a, b in pairs:
            va, vb = self.value(a, key), (self.value(b, key) if b else 0.0)
            if va is not None and vb is not None:
                vals.append(va - vb)
        return (round(sum(vals) / len(vals), 4) if vals else None), None


def _mean(values: list) -> float | None:
    vals = [v for v in values if v is not None]
    return round(sum(vals) / len(vals), 1) if vals else None


def _part(by_cycle: dict[str, dict[str, tuple]], i: int) -> dict[str, dict]:
    """The means (``i=0``) or the intervals (``i=1``) of ``{cycle: {label type: (mean, interval)}}``."""
    return {c: {t: v[i] for t, v in row.items()} for c, row in by_cycle.items()}


def summarize(
    runs: list | str | Path,
    ablations: list | str | Path | None = None,
    seeds: list | None = None,
    started_at: float | None = None,
    timings: str | Path | None = None,
) -> dict:
    """The demo's summary over seeds: one run directory per seed, and optionally its ablation
    (no rationalization), matched in order.

    Accuracies are means over seeds, each with a 95% interval across seeds and held-out
    questions (:func:`mean_ci`); ``gain`` pairs the last cycle with the base on the same seeds
    and questions, ``rationalization_effect`` each ablation cycle with the main run's same
    cycle. A question missing from a ``details.jsonl``, or recorded with an error, counts as
    wrong. An evaluation without ``details.jsonl`` falls back to its ``metrics.json``
    accuracy and gets no interval (null). Lists run over cycles in order (cycle 1 first).
    Per label type, keyed by cycle: ``no_rationalization_per_label_type`` (the ablation's
    accuracy) and ``rationalization_effect_per_label_type`` (the main run minus the ablation,
    paired like the gains), each with its ``_ci``; null without an ablation.
    ``timings`` is a ``VSTAR_TIMINGS`` file: its lines become ``seconds_by_stage``
    (:func:`vstar_cli.timings.by_stage`; null without the file).
    """
    import time

    runs = [runs] if isinstance(runs, (str, Path)) else list(runs)
    ablations = [ablations] if isinstance(ablations, (str, Path)) else list(ablations or [])
    seeds = list(seeds) if seeds is not None else list(range(len(runs)))
    if ablations and len(ablations) != len(runs) or len(seeds) != len(runs):
        raise ValueError(f"{len(runs)} runs need one seed each and none or one ablation each, in the same order")
    mains = [collect(r) for r in runs]
    evs = [_evaluations(m) for m in mains]
    abl_runs = [collect(a) for a in ablations]
    abl = [_evaluations(m) for m in abl_runs]
    pool = _Pool(evs + abl)
    cycles = sorted({int(k) for ev in evs for k in ev if k != "base"})
    abl_cycles = sorted({int(k) for ev in abl for k in ev if k != "base"})
    types = sorted(
        set(pool.types)
        | {t for ev in evs + abl for _, m in ev.values() for t in ((m or {}).get("per_label_type") or {})}
    )
    last = str(cycles[-1]) if cycles else None

    def at(group: list, key: str) -> list:
        return [ev.get(key) for ev in group]

    def kept(m: dict, c: int, what: str):
        return next((x[what] for x in m["cycles"] if x["cycle"] == c), None)

    base = pool.estimate(at(evs, "base"))
    cyc = [pool.estimate(at(evs, str(c))) for c in cycles]
    nor = [pool.estimate(at(abl, str(c))) for c in abl_cycles]
    effect = [pool.estimate(at(evs, str(c)), at(abl, str(c))) if abl else (None, None) for c in abl_cycles]
    gain = pool.estimate(at(evs, last), at(evs, "base")) if last else (None, None)
    per_type = {str(c): {t: pool.estimate(at(evs, str(c)), key=t) for t in types} for c in cycles}
    base_type = {t: pool.estimate(at(evs, "base"), key=t) for t in types}
    type_gain = {t: pool.estimate(at(evs, last), at(evs, "base"), key=t) for t in types} if last else {}
    nor_type = {str(c): {t: pool.estimate(at(abl, str(c)), key=t) for t in types} for c in abl_cycles}
    effect_type = {
        str(c): {t: pool.estimate(at(evs, str(c)), at(abl, str(c)), key=t) for t in types} for c in abl_cycles
    }
    per_seed = {}
    for seed, m, ev, ab in zip(seeds, mains, evs, abl or [None] * len(evs), strict=True):
        per_seed[str(seed)] = {
            "run": m["run"],
            "base_accuracy": pool.value(ev.get("base")),
            "cycle_accuracy": [pool.value(ev.get(str(c))) for c in cycles],
            "no_rationalization_accuracy": [pool.value(ab.get(str(c))) for c in abl_cycles] if ab else None,
            "no_rationalization_per_label_type": (
                {str(c): {t: pool.value(ab.get(str(c)), t) for t in types} for c in abl_cycles} if ab else None
            ),
            "kept_generate": [kept(m, c, "kept_generate") for c in cycles],
            "kept_rationalize": [kept(m, c, "kept_rationalize") for c in cycles],
            "per_label_type": {str(c): {t: pool.value(ev.get(str(c)), t) for t in types} for c in cycles},
            "base_per_label_type": {t: pool.value(ev.get("base"), t) for t in types},
        }
    return {
        "seeds": seeds,
        "base_accuracy": base[0],
        "base_ci": base[1],
        "cycle_accuracy": [a for a, _ in cyc],
        "cycle_ci": [ci for _, ci in cyc],
        "no_rationalization_accuracy": [a for a, _ in nor] if abl else None,
        "no_rationalization_ci": [ci for _, ci in nor] if abl else None,
        "no_rationalization_kept_generate": [_mean([kept(m, c, "kept_generate") for m in abl_runs]) for c in abl_cycles]
        if abl
        else None,
        "rationalization_effect": [e for e, _ in effect] if abl else None,
        "rationalization_effect_ci": [ci for _, ci in effect] if abl else None,
        "no_rationalization_per_label_type": _part(nor_type, 0) if abl else None,
        "no_rationalization_per_label_type_ci": _part(nor_type, 1) if abl else None,
        "rationalization_effect_per_label_type": _part(effect_type, 0) if abl else None,
        "rationalization_effect_per_label_type_ci": _part(effect_type, 1) if abl else None,
        "gain_cycle": cycles[-1] if cycles else None,
        "gain": gain[0],
        "gain_ci": gain[1],
        "gain_seeds": sum(1 for a, b in zip(at(evs, last), at(evs, "base"), strict=True) if a and b) if last else 0,
        "kept_generate": [_mean([kept(m, c, "kept_generate") for m in mains]) for c in cycles],
        "kept_rationalize": [_mean([kept(m, c, "kept_rationalize") for m in mains]) for c in cycles],
        "per_label_type": _part(per_type, 0),
        "per_label_type_ci": _part(per_type, 1),
        "base_per_label_type": {t: v[0] for t, v in base_type.items()},
        "base_per_label_type_ci": {t: v[1] for t, v in base_type.items()},
        "per_label_type_gain": {t: v[0] for t, v in type_gain.items()},
        "per_label_type_gain_ci": {t: v[1] for t, v in type_gain.items()},
        "per_seed": per_seed,
        "interval": (
            f"95% percentile, two-level bootstrap: seeds, then held-out questions (the same draw for every "
            f"seed and evaluation, so gains are paired), {N_BOOT} resamples, seed {BOOT_SEED}"
        ),
        "seconds": round(time.time() - started_at, 1) if started_at else None,
        "seconds_by_stage": by_stage(read_timings(timings)) if timings is not None else None,
    }
