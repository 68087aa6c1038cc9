"""Time ranges wherever their cues and values stand, whatever follows; a start and an end stated apart."""

import pytest

from vstar_cli.verify.numeric import verify_temporal_range


@pytest.mark.parametrize(
    ("answer", "gold"),
    [
        ("The clip from 0.2 to 0.5 shows the man jumping.", [0.2, 0.5]),
        ("The segment from 0.2 to 0.5 reveals the jump.", [0.2, 0.5]),
        ("Between 0.2 and 0.5 depicts the pour.", [0.2, 0.5]),
        ("From 0.35 to 0.7 captures the whole dive.", [0.35, 0.7]),
        (
            "The start time of 0.21 marks the moment he enters, while the end time of 0.64 indicates he leaves.",
            [0.2, 0.65],
        ),
        ("At 0.3, the video shows the woman lifting the cup and drinking, ending the sequence at 0.7.", [0.3, 0.7]),
        ("It happens at the start time 0.25 to end time 0.6.", [0.25, 0.6]),
        ("The man begins at 3 seconds. The action is completed by the end time of 6 seconds.", [0.3, 0.6]),
        ("The pouring initiates at 0.4 as the kettle tilts. It concludes at 0.8 when the cup is full.", [0.4, 0.8]),
    ],
)
def test_ranges_found_whatever_follows_and_stated_apart(answer, gold):
    v = verify_temporal_range(answer, gold, {"duration": 10.0})
    assert v.ok, v.reason


@pytest.mark.parametrize(
    "answer",
    [
        "It starts at 0.1 and, after a pause, starts again at 0.4, and ends at 0.8.",
        "The jump begins at 0.2 or begins at 0.5, and it ends at 0.8.",
    ],
)
def test_starts_that_disagree_are_ambiguous(answer):
    v = verify_temporal_range(answer, [0.4, 0.8], {})
    assert not v.ok and v.reason.startswith("the start of the range is ambiguous")


def test_counts_are_not_times():
    assert not verify_temporal_range("From 2 to 3 people walk in.", [0.2, 0.3], {"duration": 10.0}).ok
