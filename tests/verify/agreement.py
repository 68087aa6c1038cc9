"""Scoring verdicts against a judged corpus: each record's verdict, then precision, recall and agreement
overall and per class, kind, split, trap and question type. The floor tests (tests/verify/test_corpus.py,
test_review.py, test_open_answer_corpus.py) and bench/verify_quality.py use the same functions."""

from __future__ import annotations

import re
from collections import defaultdict

LEADING_YES_NO = re.compile(r"^(?:yes|no|nope|yeah|yep)\b[,.]?\s*", re.I)


def judge_all(rows: list[dict], semantic: bool = True, ctx=None) -> list[dict]:
    """Each record's verdict: ``{"got": bool | None, "reason": str}`` (``None``: cannot judge)."""
    from vstar_cli.stages.verify import Context, VerifyConfig
    from vstar_cli.verify.registry import builtin
    from vstar_cli.verify.verdict import CannotJudge

    kinds = {k.name: k for k in builtin()}

    ctx = ctx if ctx is not None else Context(VerifyConfig())
    if semantic:
        texts = []
        for r in rows:
            kind = kinds[r["verifier_type"][0]]
            if kind.needs_embedder and kind.texts is not None:
                texts.extend(kind.texts(r["output"], r["label"]["t"]))
        ctx.embedder.prefetch(texts)
    out = []
    for r in rows:
        kind = r["verifier_type"][0]
        if kinds[kind].needs_embedder and not semantic:
            out.append({"got": None, "reason": "skipped"})
            continue
        try:
            v = kinds[kind].judge(r["output"], r["label"]["t"], r, ctx)
            out.append({"got": bool(v.ok), "reason": v.reason})
        except CannotJudge as exc:
            out.append({"got": None, "reason": f"cannot judge: {exc}"})
    return out


def scores(pairs: list[tuple[bool, bool | None]]) -> dict:
    """Precision, recall, agreement of ``(expected, got)`` pairs (``got`` None counts as an error)."""
    tp = sum(1 for e, g in pairs if e and g is True)
    fp = sum(1 for e, g in pairs if not e and g is True)
    fn = sum(1 for e, g in pairs if e and g is not True)
    tn = sum(1 for e, g in pairs if not e and g is False)
    err = sum(1 for _, g in pairs if g is None)
    n = len(pairs)
    return {
        "n": n,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "errors": err,
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "agreement": round((tp + tn) / n, 4) if n else None,
    }


def report(rows: list[dict], got: list[dict]) -> dict:
    """Scores overall and grouped by class, kind and split."""
    groups: dict[str, dict[str, list]] = {
        "class": defaultdict(list),
        "kind": defaultdict(list),
        "split": defaultdict(list),
        "trap": defaultdict(list),
    }
    allp = []
    for r, g in zip(rows, got, strict=True):
        if g["reason"] == "skipped":
            continue
        p = (bool(r["expected"]), g["got"])
        allp.append(p)
        groups["class"][r["class"]].append(p)
        groups["kind"][r["verifier_type"][0]].append(p)
        groups["split"][r.get("split", "tune")].append(p)
        groups["class"][f"{r['class']}/{r.get('split', 'tune')}"].append(p)
        if r.get("trap"):
            groups["trap"][r["trap"]].append(p)
        if "qtype" in r:  # the open-answer corpus: yes/no, entity or number questions
            groups.setdefault("qtype", defaultdict(list))[r["qtype"]].append(p)
    return {
        "overall": scores(allp),
        **{name: {k: scores(v) for k, v in sorted(g.items())} for name, g in groups.items()},
    }


def leading_yes_no(answer: str, gold: str) -> bool | None:
    """The trivial rule: the answer's and the gold's first words are the same yes / no (None: one has none)."""
    a, g = LEADING_YES_NO.match(answer.strip()), LEADING_YES_NO.match(gold.strip())
    if not a or not g:
        return None
    yes = {"yes", "yeah", "yep"}
    return (a.group().split()[0].strip(",.").lower() in yes) == (g.group().split()[0].strip(",.").lower() in yes)
