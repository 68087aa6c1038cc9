"""Order, roles, opposites, lists, concessions, inflection; time grammar; scores; cannot-judge; spans."""

import math

import pytest

from vstar_cli.verify.classes import assert_class, verify_same_or_not, verify_simple
from vstar_cli.verify.numeric import verify_bbox, verify_float, verify_temporal_range, verify_timestamp
from vstar_cli.verify.semantic import gold_items, word_conflict
from vstar_cli.verify.timeexpr import find_range
from vstar_cli.verify.verdict import CannotJudge


@pytest.mark.parametrize(
    "answer,label,ok",
    [
        ("The car moves from left to right.", "moving from right to left", False),
        ("The car moves from right to left.", "moving from right to left", True),
        ("It moves right to left.", "moving from right to left", True),
        ("The glass is filled faster than the cup.", "the cup is filled faster than the glass", False),
        ("The cup is filled faster than the glass.", "the cup is filled faster than the glass", True),
        ("The cup is filled slower than the glass.", "the cup is filled faster than the glass", False),
        ("The camera is zooming out.", "zooming in", False),
        ("The camera zooms in on the face.", "zooming in", True),
        ("It turns from withered to full blossom.", "turning from full blossom to withered", False),
        ("The level keeps decreasing.", "increasing", False),
        ("The level increases steadily.", "increasing", True),
        ("She takes a towel from the rack.", "Took the towel.", True),
        ("He raises his arm to check his watch.", "raising his arm to look at the watch", True),
        ("He opened the bottle.", "opening a bottle", True),
        ("He closed the bottle.", "opening a bottle", False),
    ],
)
def test_order_roles_opposites_inflection(answer, label, ok):
    assert assert_class(answer, label).ok is ok


@pytest.mark.parametrize(
    "answer,ok",
    [
        ("She is running, swimming and cycling.", False),
        ("Possible actions: running, swimming, cycling.", False),
        ("Possible answers are running and swimming.", False),
        ("Candidates:\n- running\n- swimming\n- cycling", False),
        ("It may look like swimming, but it is actually diving.", False),
        ("It may look like diving, but it is actually swimming.", True),
        ("Is she swimming? No, she is diving.", False),
        ("She swims across the pool.", True),
        ("She dives in, swims two lengths and climbs out.", True),
    ],
)
def test_lists_and_concessions(answer, ok):
    assert assert_class(answer, "swimming").ok is ok


@pytest.mark.parametrize(
    "answer,gold,duration,ok",
    [
        ("The action starts at 0.21 and, after a pause, ends at 0.64.", [0.2, 0.65], None, True),
        ("It begins at 0.3 and concludes at 0.7.", [0.3, 0.7], None, True),
        ("with a start time of 0.1 and an end time of 0.4", [0.1, 0.4], None, True),
        ("From the 0.2 mark until about 0.5, he jumps.", [0.2, 0.5], None, True),
        ("between 4 seconds and 10 seconds", [0.2, 0.5], 20.0, True),
        ("It happens from 0.2 to 0.6 seconds.", [0.2, 0.6], None, True),
        ("in the first half of the video", [0.0, 0.5], None, True),
        ("during the last third", [0.67, 1.0], None, True),
        ("From 0.2 to 0.5. Its stability is about 0.4.", [0.2, 0.5], None, True),
        ("It starts at 0.7 and ends at 0.95.", [0.1, 0.4], None, False),
        ("t=0.21 to t=0.64", [0.2, 0.65], None, True),
        ("The event spans 0.21 to 0.64 (normalized time).", [0.2, 0.65], None, True),
        ("The timestamps are 0.21 and 0.64.", [0.2, 0.65], None, True),
        ("The jump happens at 4.1s and ends at 13s.", [0.2, 0.65], 20.0, True),
        ("It starts at 0.7, peaks at 0.2 and ends at 0.95.", [0.2, 0.65], None, False),
        ("Timestamps: 0.23 \u2192 0.58", [0.23, 0.58], None, True),
        ("It starts around 9 seconds in and ends near the 23-second mark.", [0.23, 0.58], 40.0, True),
    ],
)
def test_time_ranges(answer, gold, duration, ok):
    rec = {"duration": duration} if duration else {}
    assert verify_temporal_range(answer, gold, rec).ok is ok


def test_range_span_points_at_the_range():
    text = "the event: it starts at 0.21 and ends at 0.64. confidence 0.9."
    rng, (a, b) = find_range(text, None)
    assert rng == (0.21, 0.64) and text[a:b] == "0.21 and ends at 0.64"


@pytest.mark.parametrize(
    "answer,gold,ok",
    [
        ("Score: 82.5/100", 82.5, True),
        ("I would rate it 8.5 out of 10.", 8.5, True),
        ("I would rate it 8.5 out of 10.", 85.0, False),
        ("3 somersaults, 2 twists, difficulty 3.2.\nFinal score: 71.0/100", 71.0, True),
        ("Score: 50/100", 82.5, False),
    ],
)
def test_scores_out_of_a_maximum(answer, gold, ok):
    assert verify_float(answer, gold, {}).ok is ok


@pytest.mark.parametrize(
    "check,label",
    [
        (verify_temporal_range, [0.1]),
        (verify_temporal_range, "0.1-0.2"),
        (verify_temporal_range, [0.1, float("nan")]),
        (verify_temporal_range, [0.6, 0.2]),
        (verify_bbox, [0.5, 0.5, 0.2]),
        (verify_bbox, ["a", 0.5, 0.2, 0.2]),
        (verify_float, "eighty"),
        (verify_float, float("inf")),
        (verify_float, int("9" * 400)),
        (verify_timestamp, math.nan),
        (verify_timestamp, 7.5),
        (verify_simple, ""),
        (verify_simple, "->"),
        (verify_simple, None),
        (verify_simple, float("nan")),
        (verify_simple, []),
        (verify_same_or_not, "perhaps"),
        (verify_same_or_not, 3),
    ],
)
def test_unreadable_gold_cannot_be_judged(check, label):
    with pytest.raises(CannotJudge):
        check("The answer is 0.3 and [0.5, 0.5, 0.2, 0.2].", label, {})


@pytest.mark.parametrize("label", ["", "->", " -> ", [], ["", " "], None, 5, {"a": 1}])
def test_unreadable_semantic_gold(label):
    with pytest.raises(CannotJudge):
        gold_items(label)


@pytest.mark.parametrize(
    "answer,check,label",
    [
        ("So he is playing guitar on stage.", verify_simple, "playing guitar"),
        ("Thus the score is 82.5.", verify_float, 82.5),
        ("It starts at 0.2 and ends at 0.5.", verify_temporal_range, [0.2, 0.5]),
        ("The cup: [0.5, 0.5, 0.2, 0.2].", verify_bbox, [0.5, 0.5, 0.2, 0.2]),
        ("Yes, it is.", verify_simple, True),
        ("They are not the same.", verify_same_or_not, "not the same"),
        ("The answer is (B).", verify_simple, "B"),
    ],
)
def test_spans_point_into_the_answer(answer, check, label):
    v = check(answer, label, {"choices": ["A. x", "B. y"]} if label == "B" else {})
    assert v.ok and v.span is not None
    a, b = v.span
    assert 0 <= a < b <= len(answer) and answer[a:b].strip()


def test_span_of_a_long_answer_maps_back():
    answer = "filler words here. " * 2000 + "So he is playing guitar."
    v = verify_simple(answer, "playing guitar", {})
    assert v.ok and answer[v.span[0] : v.span[1]] == "playing guitar"


@pytest.mark.parametrize(
    "gold,unit,differs",
    [
        ("the man folds the blanket", "the man throws the blanket", True),
        ("the woman opens the red door", "the woman opens the blue door", True),
        ("two dogs run in the park", "three dogs run in the park", True),
        ("the boy kicks the ball to the left", "the boy kicks the ball to the right", True),
        ("the diver tucks", "he performs a tuck", False),
        ("the man takes the towel", "a man took a towel", False),
        ("the man opens the door", "first the man opens the door slowly", False),
    ],
)
def test_one_word_difference(gold, unit, differs):
    assert (word_conflict(gold, unit, None) is not None) is differs


def test_one_word_difference_in_the_embedding_kinds(ctx):
    from vstar_cli.verify.semantic import verify_classifier, verify_sentence

    assert verify_sentence("The man folds the blanket.", "the man folds the blanket", {}, ctx).ok
    assert not verify_sentence("The man threw the blanket.", "the man folds the blanket", {}, ctx).ok
    assert not verify_classifier("A girl in a blue dress dances.", "a girl in a red dress dances", {}, ctx).ok
