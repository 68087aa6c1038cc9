"""Semantic kinds with the real all-MiniLM-L6-v2 embedder (bundled, offline)."""

import pytest

from vstar_cli.verify.clauses import clauses, gold_items, sentences
from vstar_cli.verify.semantic import (
    verify_classifier,
    verify_classifier_sequence,
    verify_llm,
    verify_sentence,
    verify_sentence_sequence,
)

DIVE = ["the diver jumps from the board", "the diver tucks", "the diver enters the water"]


def test_splitting():
    assert sentences("1. He jumps.\n2. He twists!") == ["He jumps.", "He twists!"]
    assert clauses("He jumps; then he twists, and then he lands.") == ["He jumps", "he twists", "he lands."]
    assert gold_items("a -> b -> c") == ["a", "b", "c"]


@pytest.mark.parametrize(
    "answer,ok",
    [
        ("First the man opens the door. He then walks into the kitchen.", True),
        ("A man walks into a room after opening the door.", True),
        ("The woman is cooking pasta.", False),
        ("The man does not open the door; he climbs in through the window.", False),
    ],
)
def test_sentence(ctx, answer, ok):
    assert verify_sentence(answer, "the man opens the door", {}, ctx).ok is ok


def test_sentence_negation_reason(ctx):
    v = verify_sentence("The man does not open the door.", "the man opens the door", {}, ctx)
    assert not v.ok and "negation" in v.reason


@pytest.mark.parametrize(
    "answer,ok,why",
    [
        ("He jumps off the board. Then he performs a tuck. Finally he enters the water.", True, ""),
        ("The diver jumps from the board, tucks, and enters the water.", True, ""),
        ("He enters the water. Before that, he jumps from the board and tucks.", True, ""),
        ("The diver enters the water, then tucks, then jumps from the board.", False, "order"),
        ("The diver jumps from the board and enters the water.", False, "missing"),
        ("A cat sleeps on a sofa.", False, "missing"),
    ],
)
def test_sentence_sequence(ctx, answer, ok, why):
    v = verify_sentence_sequence(answer, DIVE, {}, ctx)
    assert v.ok is ok, v.reason
    assert why in v.reason


def test_sequence_steps_are_not_interchangeable(ctx):
    gold = ["the red ball falls", "the blue ball falls"]
    assert verify_sentence_sequence("The red ball falls. Then the blue ball falls.", gold, {}, ctx).ok
    assert not verify_sentence_sequence("The blue ball falls. Then the red ball falls.", gold, {}, ctx).ok


def test_classifier_kinds(ctx):
    assert verify_classifier("A person cuts the vegetables into small pieces.", "cutting vegetables", {}, ctx).ok
    assert not verify_classifier("Someone is washing the car.", "cutting vegetables", {}, ctx).ok
    seq = ["picking up a cup", "drinking from the cup", "putting the cup down"]
    assert verify_classifier_sequence("She picks up a cup, drinks from it, then puts the cup down.", seq, {}, ctx).ok
    assert not verify_classifier_sequence("She puts the cup down, then picks up a cup.", seq, {}, ctx).ok


def test_llm_without_judge_falls_back_to_embeddings(ctx):
    v = verify_llm("He jumps off the board. Then he performs a tuck. Finally he enters the water.", DIVE, {}, ctx)
    assert v.ok and "no --judge" in v.reason
    assert not verify_llm("A cat sleeps.", DIVE, {}, ctx).ok


class FakeJudge:
    """A judge that says yes only when the answer names every step (to check the wiring)."""

    def __init__(self):
        self.calls = []

    def __call__(self, prediction, gold):
        self.calls.append((prediction, gold))
        ok = all(step.split()[-1] in prediction for step in gold.split(" -> "))
        return ok, "Yes" if ok else "No"


def test_llm_with_judge(ctx):
    from vstar_cli.stages.verify import Context, VerifyConfig

    judged = Context(VerifyConfig())
    judged._judge, judged._judge_checked = FakeJudge(), True
    assert verify_llm("jumps from the board, tucks, then enters the water", DIVE, {}, judged).ok
    assert not verify_llm("it tucks", DIVE, {}, judged).ok
    assert judged.judge.calls[0][1] == " -> ".join(DIVE)


def test_before_splits_steps_in_order(ctx):
    gold = ["the screen flashes white", "the grey marker disappears"]
    assert verify_sentence_sequence("There is a white flash before the grey marker disappears.", gold, {}, ctx).ok
    assert not verify_sentence_sequence("The grey marker disappears before the screen flashes white.", gold, {}, ctx).ok
