"""The hand-written corpus of issue 21's styles (tests/data/verify_styles.jsonl), and option picks by meaning."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STYLES = ROOT / "tests" / "data" / "verify_styles.jsonl"
CLASSES = {"caption_options", "time_trailing", "time_apart", "reasoning_container"}


@pytest.fixture(scope="module")
def rows():
    with STYLES.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_styles_shape(rows):
    assert {r["class"] for r in rows} == CLASSES
    for c in CLASSES:
        assert {r["expected"] for r in rows if r["class"] == c} == {True, False}


def test_styles_floors(rows, ctx):
    from collections import defaultdict

    from vstar_cli.verify.registry import builtin

    by_class = defaultdict(list)
    for r in rows:
        kind = builtin().get(r["verifier_type"][0])
        got = kind.judge(r["output"], r["label"]["t"], r, ctx).ok  # a CannotJudge here fails the test
        by_class[r["class"]].append((r["expected"], got))
    for name, pairs in by_class.items():
        accepted = [e for e, g in pairs if g]
        agreement = sum(e == g for e, g in pairs) / len(pairs)
        assert not accepted or sum(accepted) / len(accepted) >= 0.95, (name, pairs)  # precision
        assert agreement >= 0.9, (name, agreement)


OPTIONS = {"choices": ["A. eating food", "B. climbing a tree", "C. sleeping in a nest", "D. running across the grass"]}
ORDERED = {
    "choices": [
        "A. doing push ups and then smiling at the camera",
        "B. smiling at the camera and then doing push ups",
        "C. lifting weights",
    ]
}


@pytest.mark.parametrize(
    ("answer", "gold", "record", "ok"),
    [
        ("The little squirrel nibbles on a nut it holds in its paws.", "eating food", OPTIONS, True),
        ("The squirrel scrambles up the trunk to the top branches.", "eating food", OPTIONS, False),
        ("The squirrel is not eating anything.", "eating food", OPTIONS, False),
        ("It might be having a snack, or maybe it is resting, hard to tell.", "eating food", OPTIONS, False),
        (
            "The man performs push-ups and ends with a cheerful smile.",
            "doing push ups and then smiling at the camera",
            ORDERED,
            True,
        ),
        (
            "He grins at the lens, and afterwards he does push-ups.",
            "doing push ups and then smiling at the camera",
            ORDERED,
            False,
        ),
    ],
)
def test_an_option_stated_in_other_words(answer, gold, record, ok, ctx):
    from vstar_cli.verify.classes import verify_simple

    v = verify_simple(answer, gold, record, ctx)
    assert v.ok is ok, v.reason
    # without an embedder in the context only literal picks count
    assert not verify_simple(answer, gold, record, None).ok


def test_meaning_parameters_are_declared_once():
    from vstar_cli.stages.verify import VerifyConfig
    from vstar_cli.verify.meaning import OPTION_MARGIN, OPTION_SIMILARITY
    from vstar_cli.verify.registry import builtin

    assert OPTION_SIMILARITY in builtin().get("simple").params and OPTION_MARGIN in builtin().get("simple").params
    cfg = VerifyConfig()
    assert (cfg.option_similarity, cfg.option_margin) == (OPTION_SIMILARITY.default, OPTION_MARGIN.default)


HELDOUT = ROOT / "tests" / "data" / "verify_styles_heldout.jsonl"
# Traps a careful judge always rejects: the verifier must reject every one of them.
ALWAYS_REJECTED = {"negated", "hedged", "broken_container", "think_right_answer_wrong", "two_events", "wrong_end"}


@pytest.fixture(scope="module")
def heldout_rows():
    with HELDOUT.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_second_hand_corpus_shape(heldout_rows):
    assert len(heldout_rows) >= 400
    assert {r["class"] for r in heldout_rows} == CLASSES
    tuned = sum(r["split"] == "tune" for r in heldout_rows)
    assert tuned <= len(heldout_rows) / 2  # at most half of it may be developed against
    for c in CLASSES:
        pos = sum(r["expected"] for r in heldout_rows if r["class"] == c)
        neg = sum(not r["expected"] for r in heldout_rows if r["class"] == c)
        assert 0.8 <= pos / neg <= 1.25, (c, pos, neg)  # balanced


def test_second_hand_corpus_floors(heldout_rows, ctx):
    """Floors a little under what the verifier measured on this corpus (bench/verify_quality.py)."""
    from collections import defaultdict

    from vstar_cli.verify.judge import record_texts
    from vstar_cli.verify.registry import builtin

    reg = builtin()
    items = [(r, [("t", reg.get(r["verifier_type"][0]))]) for r in heldout_rows]
    ctx.embedder.prefetch([t for it in items for t in record_texts(it)])  # one batch, as `vstar verify` does
    by_class = defaultdict(list)
    for r, [(_, kind)] in items:
        got = kind.judge(r["output"], r["label"]["t"], r, ctx).ok
        if r.get("trap") in ALWAYS_REJECTED:
            assert not got, r
        by_class[r["class"]].append((r["expected"], got))
    floors = {  # (precision, recall)
        "caption_options": (0.93, 0.68),
        "time_trailing": (0.98, 0.97),
        "time_apart": (0.98, 0.97),
        "reasoning_container": (0.98, 0.97),
    }
    for name, pairs in by_class.items():
        accepted = [e for e, g in pairs if g]
        expected = [g for e, g in pairs if e]
        precision, recall = sum(accepted) / len(accepted), sum(expected) / len(expected)
        assert precision >= floors[name][0], (name, precision)
        assert recall >= floors[name][1], (name, recall)
