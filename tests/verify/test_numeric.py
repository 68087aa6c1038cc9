import pytest

from vstar_cli.stages.verify import VerifyConfig
from vstar_cli.verify.numeric import (
    box_iou,
    extract_range,
    iou_1d,
    verify_bbox,
    verify_float,
    verify_temporal_range,
    verify_timestamp,
)
from vstar_cli.verify.text import normalize


@pytest.mark.parametrize(
    "answer,gold,ok",
    [
        ("The judges would give it eighty-two points.", 80, True),
        ("The final score is 88.", 80, True),  # 10% exactly
        ("The final score is 89.", 80, False),
        ("Score: 72.5", 80, True),
        ("Judges scored 30, 45, 60, 75, 90 and 100 in the past; this one gets 50.", 80, False),
        ("Scores range from 70 to 90.", 80, False),
        ("No number here.", 80, False),
        ("The difficulty is three point two.", 3.2, True),
    ],
)
def test_float(answer, gold, ok):
    assert verify_float(answer, gold, {}).ok is ok


def test_listing_many_numbers_cannot_pass():
    many = "Possible scores: " + ", ".join(str(x) for x in range(0, 101, 5)) + "."
    assert not verify_float(many, 80, {}).ok


def test_float_tolerance_is_configurable():
    cfg = VerifyConfig(float_tol=0.2)
    assert verify_float("The score is 95.", 80, {}, cfg).ok
    assert not verify_float("The score is 95.", 80, {}).ok


@pytest.mark.parametrize(
    "answer,gold,rec,ok",
    [
        ("It happens about 35% of the way through.", 0.3, {}, True),
        ("It happens halfway through the video.", 0.5, {}, True),
        ("The ball drops at 0.42.", 0.5, {}, True),
        ("The ball drops at 0.42.", 0.6, {}, False),
        ("The ball drops at 12 seconds.", 0.3, {"duration": 40}, True),
        ("The ball drops at 0:12.", 0.3, {"duration": 40}, True),
        ("The ball drops at 0:30.", 0.3, {"duration": 40}, False),
        ("The ball drops at 12 seconds.", 0.3, {}, False),  # seconds need duration
        ("It happens at the very end.", 0.95, {}, True),
        ("Around thirty percent of the way in.", 0.3, {}, True),
    ],
)
def test_timestamp(answer, gold, rec, ok):
    assert verify_timestamp(answer, gold, rec).ok is ok


def test_timestamp_reason_mentions_duration():
    v = verify_timestamp("at 12 seconds", 0.3, {})
    assert "duration" in v.reason


@pytest.mark.parametrize(
    "answer,rec,expected",
    [
        ("The jump lasts from 3 to 5 seconds.", {"duration": 10}, (0.3, 0.5)),
        ("It occurs between 0.2 and 0.4.", {}, (0.2, 0.4)),
        ("The action spans 20%-45% of the clip.", {}, (0.2, 0.45)),
        ("It starts at 0:02 and ends at 0:05.", {"duration": 10}, (0.2, 0.5)),
        ("from two to four minutes", {"duration": 600}, (0.2, 0.4)),
    ],
)
def test_extract_range(answer, rec, expected):
    assert extract_range(normalize(answer), rec.get("duration")) == pytest.approx(expected)


def test_temporal_range_iou():
    assert verify_temporal_range("It happens from 0.2 to 0.5.", [0.25, 0.5], {}).ok
    assert not verify_temporal_range("It happens from 0.6 to 0.9.", [0.2, 0.5], {}).ok
    assert not verify_temporal_range("It happens at 0.3.", [0.2, 0.5], {}).ok
    assert iou_1d((0, 1), (2, 3)) == 0.0


def test_bbox():
    assert verify_bbox("The cup is at [0.5, 0.5, 0.2, 0.2].", [0.5, 0.52, 0.2, 0.2], {}).ok
    assert not verify_bbox("The cup is at [0.1, 0.1, 0.1, 0.1].", [0.5, 0.5, 0.2, 0.2], {}).ok
    assert not verify_bbox("The cup is on the left.", [0.5, 0.5, 0.2, 0.2], {}).ok
    v = verify_bbox("The cup is at [120, 80, 40, 40].", [0.5, 0.5, 0.2, 0.2], {})
    assert not v.ok and "normalized" in v.reason
    assert box_iou([0.5, 0.5, 0.2, 0.2], [0.5, 0.5, 0.2, 0.2]) == pytest.approx(1.0)
    # the last box counts: an early wrong guess corrected later passes
    assert verify_bbox("Maybe (0.1, 0.1, 0.1, 0.1)? No: (0.5, 0.5, 0.2, 0.2).", [0.5, 0.5, 0.2, 0.2], {}).ok


def test_float_ignores_time_fractions():
    assert verify_float("Three squares. They change colour halfway.", 3.0, {}).ok
    assert verify_float("Half of 1/2 is a quarter; the answer is 0.25", 0.25, {}).ok
