import pytest

from vstar_cli.verify.classes import verify_same_or_not, verify_simple
from vstar_cli.verify.mentions import find_mentions
from vstar_cli.verify.text import tokenize


@pytest.mark.parametrize(
    "answer,label",
    [
        ("The man is playing the guitar on a stage.", "playing guitar"),
        ("He plays guitar.", "playing guitar"),
        ("A girl rides a horse through a field.", "riding horse"),
        ("Two kids are riding bikes.", "riding a bike"),
        ("Step by step: the ball, the hoop... he is DRIBBLING the BASKETBALL.", "dribbling_basketball"),
        ("The players are passing an American football during a game.", "passing American football (in game)"),
        ("Someone is skate boarding down a ramp.", "skateboarding"),
        ("She is tying a bow-tie.", "tying bow tie"),
        ("The video shows a person playing guitar, then bowing.", "playing guitar"),
        ("It's not dancing; the person is playing guitar.", "playing guitar"),
        ("He is not only singing but also playing guitar.", "singing"),
        ("At first it might look like drumming, but he is clearly playing guitar.", "playing guitar"),
        ("The person is juggling balls.", "juggling balls"),
    ],
)
def test_class_variants_pass(answer, label):
    v = verify_simple(answer, label, {})
    assert v.ok, v.reason


@pytest.mark.parametrize(
    "answer,label,why",
    [
        ("He is not playing guitar, he plays piano.", "playing guitar", "negates"),
        ("The person isn't riding a horse; she walks beside it.", "riding horse", "negates"),
        ("He plays piano rather than playing guitar.", "playing guitar", "negates"),
        ("Playing guitar is ruled out, since there are no strings.", "playing guitar", "negates"),
        ("He could be playing guitar, violin or drums.", "playing guitar", "alternatives"),
        ("It is either playing guitar or playing bass.", "playing guitar", "alternatives"),
        ("She might be riding a horse, riding a camel, and riding a mule.", "riding horse", "uncertainty"),
        ("The man is swimming in a pool.", "playing guitar", "not found"),
        ("A guitar lies on the floor while he plays piano.", "playing guitar", "not found"),
    ],
)
def test_class_negation_hedging_absence_fail(answer, label, why):
    v = verify_simple(answer, label, {})
    assert not v.ok
    assert why in v.reason


def test_last_mention_decides():
    ans = "Is he playing guitar? Looking closely, he is not playing guitar."
    assert not verify_simple(ans, "playing guitar", {}).ok
    ans2 = "It could be guitar or violin. Looking closer, he is playing guitar."
    assert verify_simple(ans2, "playing guitar", {}).ok


def test_extracted_is_the_mention():
    v = verify_simple("Clearly she rides a red bicycle.", "riding bicycle", {})
    assert v.ok and v.extracted == "rides a red bicycle"


def test_mentions_do_not_cross_sentences():
    assert find_mentions(tokenize("He is playing. The guitar is red."), "playing guitar") == []


def test_list_labels_need_every_item():
    assert verify_simple("He holds a cup and a spoon.", ["cup", "spoon"], {}).ok
    v = verify_simple("He holds a cup.", ["cup", "spoon"], {})
    assert not v.ok and "spoon" in v.reason


def test_numeric_and_bool_labels():
    assert verify_simple("The dive has a difficulty of 3.2.", 3.2, {}).ok
    assert not verify_simple("The dive has a difficulty of 3.0.", 3.2, {}).ok
    assert verify_simple("The difficulty is three.", "3", {}).ok
    assert verify_simple("Yes, the person is sitting.", True, {}).ok
    assert not verify_simple("No. The person stands.", True, {}).ok


def test_multiple_choice_letters_and_text():
    rec = {"choices": ["A. a cat", "B. a dog", "C. a bird"]}
    assert verify_simple("The answer is (B).", "B", rec).ok
    assert not verify_simple("The answer is (C).", "B", rec).ok
    assert verify_simple("It is clearly a dog.", "a dog", rec).ok
    assert not verify_simple("The animal is hard to see.", "B", rec).ok


@pytest.mark.parametrize(
    "answer,label,ok",
    [
        ("Both clips show the same person.", "the same", True),
        ("They look alike, but they are not the same object.", "not the same", True),
        ("They are different objects.", "not the same", True),
        ("They are different objects.", True, False),
        ("At first they look different, but they are the same.", "yes", True),
        ("The two cups aren't the same.", "the same", False),
        ("I cannot tell.", "the same", False),
    ],
)
def test_same_or_not(answer, label, ok):
    assert verify_same_or_not(answer, label, {}).ok is ok
