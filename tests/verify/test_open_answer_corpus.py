"""Floors on the open-answer corpus (tests/data/open_answer_corpus.jsonl): ``open_answer`` agrees with a careful judge."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "open_answer_corpus.jsonl"

CLASSES = {"short", "descriptive", "paraphrase", "wrong_detail", "contradiction", "refusal", "hedge"}


@pytest.fixture(scope="module")
def rows():
    with CORPUS.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_corpus_shape(rows):
    assert len(rows) >= 1500
    assert {r["class"] for r in rows} == CLASSES
    assert {r["qtype"] for r in rows} == {"yes_no", "entity", "number", "reason"}
    assert {r["verifier_type"][0] for r in rows} == {"open_answer"}
    assert len([r for r in rows if r["split"] == "heldout"]) >= 0.2 * len(rows)
    for r in rows:
        assert isinstance(r["expected"], bool) and r["output"] and r["question"] and r["label"]["t"]
    for c in CLASSES:  # both verdicts occur in every class
        assert {r["expected"] for r in rows if r["class"] == c} == {True, False}


def test_generator_is_deterministic(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_open_answer_corpus", ROOT / "tests" / "data" / "make_open_answer_corpus.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    monkeypatch.setattr(mod, "OUT", tmp_path / "c.jsonl")
    mod.main()
    assert (tmp_path / "c.jsonl").read_bytes() == CORPUS.read_bytes()


def test_floors(rows, ctx):
    from tests.verify import agreement as verify_quality
    from tests.verify.agreement import leading_yes_no

    got = verify_quality.judge_all(rows, ctx=ctx)
    res = verify_quality.report(rows, got)
    overall = res["overall"]
    assert overall["errors"] == 0
    assert overall["agreement"] >= 0.97, overall
    assert overall["precision"] >= 0.97, overall
    assert overall["recall"] >= 0.97, overall
    for name, s in {**res["class"], **res["qtype"]}.items():
        if "/" not in name:
            assert s["agreement"] >= 0.9, (name, s)
    assert res["split"]["heldout"]["agreement"] >= 0.95, res["split"]["heldout"]
    # Where answer and gold both open with yes/no, at least the trivial rule "the leading yes/no agree".
    pairs = [(r, g) for r, g in zip(rows, got, strict=True) if leading_yes_no(r["output"], r["label"]["t"]) is not None]
    assert len(pairs) >= 300
    ours = sum(g["got"] is r["expected"] for r, g in pairs) / len(pairs)
    rule = sum(leading_yes_no(r["output"], r["label"]["t"]) is r["expected"] for r, _ in pairs)
    assert ours >= rule / len(pairs), (ours, rule / len(pairs))
