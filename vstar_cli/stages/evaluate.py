"""Scoring verified answers: accuracy with bootstrap intervals, multiple choice, and AQA metrics.

Accuracy is the fraction of held-out records whose answer passes the same verifier that
builds the training data, so the score is offline and does not drift with a judge's version.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vstar_cli import config
from vstar_cli.io import ErrorRecord, Record
from vstar_cli.records import as_list, get_field

MAX_BOOTSTRAP = 100_000


@dataclass
class EvalConfig:
    """Options of the scoring itself (the model's are generate's, the verifier's are verify's)."""

    bootstrap: int = field(
        default=1000, metadata={"help": f"bootstrap resamples of the 95% intervals (1..{MAX_BOOTSTRAP})"}
    )
    seed: int = field(default=0, metadata={"help": "seed of the bootstrap"})

    def __post_init__(self) -> None:
        config.check_number("bootstrap", self.bootstrap, low=1, high=MAX_BOOTSTRAP, integer=True)
        config.check_number("seed", self.seed, low=0, high=2**32 - 1, integer=True)


def bootstrap_ci(outcomes: list[float], n_boot: int = 1000, seed: int = 0) -> list[float] | None:
    """95% percentile bootstrap interval of the mean (None without outcomes).

    >>> bootstrap_ci([1, 1, 1, 1])
    [1.0, 1.0]
    >>> bootstrap_ci([]) is None
    True
    """
    if not outcomes:
        return None
    x = np.asarray(outcomes, dtype=float)
    rng = np.random.default_rng(seed)
    chunk = max(1, 5_000_000 // len(x))  # resamples drawn at a time: memory stays bounded for big test sets
    means = np.concatenate(
        [
            x[rng.integers(0, len(x), size=(min(chunk, n_boot - start), len(x)))].mean(axis=1)
            for start in range(0, n_boot, chunk)
        ]
    )
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


def _finite(x: Any) -> float | None:
    """``x`` as a finite float, else None (numbers only; booleans and numeric strings are not scores)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    try:
        f = float(x)
    except OverflowError:
        return None
    return f if math.isfinite(f) else None


def compute(records: Iterable[dict], errors: int = 0, n_boot: int = 1000, seed: int = 0) -> dict:
    """Metrics of verified records (each with ``verified`` and ``verdict``).

    Every label feeds accuracy; kinds that declare ``regression`` (``float``) also feed
    Spearman's rho and relative L2, and records with ``choices`` whose kinds declare
    ``multiple_choice`` feed multiple-choice accuracy. Records that could not be judged
    are not here: they are counted in ``errors``.

    Every value is finite or None, so the result is valid JSON (see :func:`to_json`).
    """
    # Several sampled answers to one question (eval --num-samples) score as their mean, so the
    # intervals are over questions, not answers.
    overall_q: dict[Any, list[float]] = defaultdict(list)
    per_type_q: dict[str, dict[Any, list[float]]] = defaultdict(lambda: defaultdict(list))
    per_kind_q: dict[str, dict[Any, list[float]]] = defaultdict(lambda: defaultdict(list))
    mc: list[float] = []
    mc_answered = 0
    floats: dict[str, dict[str, list]] = defaultdict(lambda: {"pred": [], "gold": [], "n": 0})
    for i, rec in enumerate(records):
        qid = get_field(rec, "question_id")
        key = ("q", str(qid)) if isinstance(qid, (str, int)) and not isinstance(qid, bool) else ("r", i)
        overall_q[key].append(1.0 if rec.get("verified") is True else 0.0)
        verdict = rec.get("verdict") if isinstance(rec.get("verdict"), dict) else {}
        for lt, kind in zip(as_list(rec.get("label_type")), as_list(rec.get("verifier_type")), strict=False):
            lt, kind = str(lt), str(kind)
            v = verdict.get(lt) if isinstance(verdict.get(lt), dict) else {}
            ok = 1.0 if v.get("ok") else 0.0
            per_type_q[lt][key].append(ok)
            per_kind_q[kind][key].append(ok)
            if _feeds(kind, "regression"):
                f = floats[lt]
                f["n"] += 1
                ext, gold = _finite(v.get("extracted")), _finite((rec.get("label") or {}).get(lt))
                if ext is not None and gold is not None:
                    f["pred"].append(ext)
                    f["gold"].append(gold)
        if rec.get("choices") and any(_feeds(k, "multiple_choice") for k in as_list(rec.get("verifier_type"))):
            mc.append(1.0 if rec.get("verified") else 0.0)
            if any(
                isinstance(verdict.get(str(lt)), dict) and verdict[str(lt)].get("extracted") is not None
                for lt in as_list(rec.get("label_type"))
            ):
                mc_answered += 1

    def means(groups: dict[Any, list[float]]) -> list[float]:
        return [sum(v) / len(v) for v in groups.values()]

    out = {
        "overall": _acc(means(overall_q), n_boot, seed),
        "per_label_type": {k: _acc(means(v), n_boot, seed) for k, v in sorted(per_type_q.items())},
        "per_verifier": {k: _acc(means(v), n_boot, seed) for k, v in sorted(per_kind_q.items())},
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


def json_safe(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by None (JSON has no NaN).

    >>> json_safe({"a": [1.0, float("nan")], "b": float("inf")})
    {'a': [1.0, None], 'b': None}
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def to_json(metrics: dict) -> str:
    """Metrics as indented, strictly valid JSON: non-finite numbers become null."""
    return json.dumps(json_safe(metrics), indent=2, allow_nan=False) + "\n"


def id_key(value: Any) -> str | None:
    """A join key for a ``question_id`` or ``sample_index``: 5 and "5" are the same id.

    None when there is no id or it cannot be one (a float that is not finite, a huge number).

    >>> id_key(5) == id_key("5"), id_key(None), id_key(float("nan"))
    (True, None, None)
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return None


# The test record decides what is checked: these fields of an answer are replaced by the test record's.
GOLD_FIELDS = ("label", "label_type", "verifier_type", "choices", "duration", "question")


@dataclass
class AnswerJoin:
    """Answers joined to the test records by ``question_id`` (and ``sample_index`` when the test has it).

    Each test record takes its first answer; the gold fields come from the test record, never
    from the answer. Answers for ids not in the test set are counted (``unknown``) and not
    scored, further answers to an answered test record likewise (``duplicate``); test records
    without an answer are scored as wrong (:meth:`missing`).
    """

    test: dict[tuple[str, str | None], Record] = field(default_factory=dict)
    answered: set = field(default_factory=set)
    unknown: int = 0
    duplicate: int = 0
    unknown_ids: list[str] = field(default_factory=list)

    def add_test(self, records: Iterable[Record | ErrorRecord]) -> Iterator[ErrorRecord]:
        """Index the test records; yields error records for those that cannot be joined."""
        for rec in records:
            if isinstance(rec, ErrorRecord):
                yield rec
                continue
            qid = id_key(get_field(rec, "question_id"))
            if qid is None:
                yield ErrorRecord("test record without a usable 'question_id': answers cannot be joined to it", rec)
                continue
            key = (qid, id_key(rec.get("sample_index")))
            if key in self.test:
                yield ErrorRecord(f"duplicate question_id {qid!r} in the test file (the first one is scored)", rec)
                continue
            self.test[key] = rec

    def join(self, answers: Iterable[Record | ErrorRecord]) -> Iterator[Record | ErrorRecord]:
        """Each answer merged with its test record's gold fields, ready for ``verify``."""
        for ans in answers:
            if isinstance(ans, ErrorRecord):
                yield ans
                continue
            qid = id_key(get_field(ans, "question_id"))
            if qid is None:
                yield ErrorRecord("answer without a usable 'question_id': it cannot be joined to the test file", ans)
                continue
            key = (qid, id_key(ans.get("sample_index")))
            if key not in self.test:
                key = (qid, None)
            if key not in self.test:
                self.unknown += 1
                if len(self.unknown_ids) < 5:
                    self.unknown_ids.append(qid[:80])
                continue
            if key in self.answered:
                self.duplicate += 1
                continue
            self.answered.add(key)
            gold = self.test[key]
            joined = Record(ans, lineno=ans.lineno)
            for k in GOLD_FIELDS:
                if k in gold:
                    joined[k] = gold[k]
                else:
                    joined.pop(k, None)
            yield joined

    def missing(self) -> Iterator[Record | ErrorRecord]:
        """Test records without an answer, scored as wrong (error records when their labels are unusable)."""
        from vstar_cli.verify.judge import kind_pairs
        from vstar_cli.verify.registry import registry

        reg = registry()  # plugin kinds too: an unanswered record of any known kind is scored as wrong
        for key, rec in self.test.items():
            if key in self.answered:
                continue
            try:
                pairs = kind_pairs(rec, reg)
            except (ValueError, TypeError) as exc:
                yield ErrorRecord(f"no answer, and the test record cannot be scored: {exc}", rec)
                continue
            out = Record(rec, lineno=rec.lineno)
            out["output"] = None
            out["verified"] = False
            out["verdict"] = {lt: {"ok": False, "extracted": None, "reason": "no answer"} for lt, _ in pairs}
            yield out

    def counts(self) -> dict[str, Any]:
        """What was joined: test records, answered, missing (scored as wrong), unknown and duplicate answers."""
        return {
            "test_records": len(self.test),
            "answered": len(self.answered),
            "missing": len(self.test) - len(self.answered),
            "missing_scored_as": "wrong",
            "unknown": self.unknown,
            "duplicate": self.duplicate,
        }
