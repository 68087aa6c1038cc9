import pytest

from vstar_cli.verify.numerals import asserted, find_numbers
from vstar_cli.verify.text import normalize


def nums(text):
    return [(n.value, n.unit) for n in find_numbers(text)]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("eighty-two", [(82.0, None)]),
        ("thirty", [(30.0, None)]),
        ("one hundred and five points", [(105.0, None)]),
        ("seven point five", [(7.5, None)]),
        ("halfway through", [(0.5, "fraction")]),
        ("three quarters of the way", [(0.75, "fraction")]),
        ("a third of the video", [(1 / 3, "fraction")]),
        ("35% of the way through", [(0.35, "percent")]),
        ("35 percent", [(0.35, "percent")]),
        ("at 12 seconds", [(12.0, "seconds")]),
        ("at 12s", [(12.0, "seconds")]),
        ("after 2 minutes", [(120.0, "seconds")]),
        ("at 1:05", [(65.0, "seconds")]),
        ("at 01:02:03", [(3723.0, "seconds")]),
        ("1,250 people", [(1250.0, None)]),
        ("-3.5 degrees", [(-3.5, None)]),
        ("1/4 of the clip", [(0.25, "fraction")]),
    ],
)
def test_find_numbers(text, expected):
    got = nums(text)
    assert [u for _, u in got] == [u for _, u in expected]
    assert [v for v, _ in got] == pytest.approx([v for v, _ in expected])


def test_enumerators_and_ordinals_are_not_numbers():
    assert nums("1. The diver jumps.\n2. He twists.") == []
    assert nums("Step 3: he enters. The third step is the entry.") == []
    assert nums("He is the one who jumps.") == []


def pick(text):
    t = normalize(text)
    return asserted(t, find_numbers(t, normalized=True))


def test_asserted_after_marker():
    a = pick("Scores of 60, 70 and 95 are common. For this dive, the score is 81.")
    assert a.num.value == 81 and a.hedge is None


def test_asserted_last_number_without_marker():
    assert pick("He takes 2 steps and leaps 3 times, landing at 45").num.value == 45


def test_range_is_a_hedge():
    assert pick("I would estimate between 70 and 90 points.").hedge is not None
    assert pick("It should be 80-85.").hedge is not None
    assert pick("Either 60 or 95.").hedge is not None
