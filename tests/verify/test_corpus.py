"""Floors on the judged corpus (tests/data/verify_corpus.jsonl): the verifier agrees with a careful judge."""

import json
from pathlib import Path

import pytest

from tests.conftest import OFFICIAL_KINDS

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "verify_corpus.jsonl"

KINDS = set(OFFICIAL_KINDS)
CLASSES = {"options", "order", "enumeration", "paraphrase", "time_range", "score", "baseline"}


@pytest.fixture(scope="module")
def rows():
    with CORPUS.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_corpus_shape(rows):
    assert len(rows) >= 2000
    assert {r["verifier_type"][0] for r in rows} == KINDS
    assert {r["class"] for r in rows} == CLASSES
    held = [r for r in rows if r["split"] != "tune"]
    assert len(held) >= 0.3 * len(rows)
    for r in rows:
        assert isinstance(r["expected"], bool) and r["output"] and r["label_type"] == ["t"]
    # Both verdicts occur in every class.
    for c in CLASSES:
        assert {r["expected"] for r in rows if r["class"] == c} == {True, False}


def test_generator_is_deterministic(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_verify_corpus", ROOT / "tests" / "data" / "make_verify_corpus.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    monkeypatch.setattr(mod, "OUT", tmp_path / "c.jsonl")
    mod.main()
    assert (tmp_path / "c.jsonl").read_bytes() == CORPUS.read_bytes()


SEMANTIC = {"sentence", "sentence_sequence", "classifier", "classifier_sequence", "llm"}


def _check_floors(rows, got):
    from tests.verify import agreement as verify_quality

    res = verify_quality.report(rows, got)
    overall = res["overall"]
    assert overall["errors"] == 0
    assert overall["agreement"] >= 0.97, overall
    assert overall["precision"] >= 0.97, overall
    assert overall["recall"] >= 0.95, overall
    for name, s in {**res["class"], **res["kind"]}.items():
        if "/" not in name:
            assert s["agreement"] >= 0.9, (name, s)
    return res


def test_floors_rule_kinds(rows):
    from tests.verify import agreement as verify_quality

    rule = [r for r in rows if r["verifier_type"][0] not in SEMANTIC]
    res = _check_floors(rule, verify_quality.judge_all(rule, semantic=False))
    # The held-out phrasings hold the same floors as the tuned ones.
    for split in sorted({r["split"] for r in rule} - {"tune"}):
        assert res["split"][split]["agreement"] >= 0.95, (split, res["split"][split])


def test_floors_semantic_kinds(rows, ctx):
    from tests.verify import agreement as verify_quality

    sem = [r for r in rows if r["verifier_type"][0] in SEMANTIC]
    assert len(sem) >= 300
    _check_floors(sem, verify_quality.judge_all(sem, ctx=ctx))
