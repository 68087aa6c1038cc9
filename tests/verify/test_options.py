"""The option parser: keys, nouns, ordinals, options listed in the question, option texts."""

import pytest

from vstar_cli.verify.choices import options_from_question, split_option
from vstar_cli.verify.classes import verify_simple
from vstar_cli.verify.pick import chosen

CHOICES = ["A. a cat sleeping", "B. a dog running", "C. a bird flying"]
Q_CAPTION = "Which caption fits?\nCaption A: A man dunks.\nCaption B: A man dribbles."
Q_OPTION = "Which description matches?\nOption 1: The car turns left.\nOption 2: The car turns right."


@pytest.mark.parametrize(
    "answer,index",
    [
        ("B", 1),
        ("B.", 1),
        ("(B)", 1),
        ("B:", 1),
        ("b", 1),
        ("Answer: b", 1),
        ("The answer is (C).", 2),
        ("the second one", 1),
        ("I'd pick the third option.", 2),
        ("**C**", 2),
        ("(C) is correct.", 2),
        ("Option A is wrong since nothing sleeps. The correct answer is B.", 1),
        ("A dog is running across the yard.", 1),
        ("B. a dog running", 1),
        ("Option 3", 2),
    ],
)
def test_picks(answer, index):
    pick = chosen(answer, CHOICES)
    assert pick is not None and pick.index == index, (answer, pick)
    assert answer[pick.span[0] : pick.span[1]]


@pytest.mark.parametrize("answer", ["A cat or a dog, hard to say.", "", "I cannot tell from the video."])
def test_no_pick(answer):
    assert chosen(answer, CHOICES) is None


def test_article_a_is_not_a_key():
    # "Option 3: a woman ..." restates option 3; the "a" is an article, not option A.
    assert chosen("Option 3: a woman is washing dishes.", ["x", "y", "z"]).index == 2


def test_options_from_question():
    assert options_from_question(Q_CAPTION) == ["A man dunks.", "A man dribbles."]
    assert options_from_question(Q_OPTION) == ["The car turns left.", "The car turns right."]
    assert options_from_question("What is he doing?") == []
    assert split_option("Sentence B: a dog") == ("B", "a dog")


@pytest.mark.parametrize(
    "answer,label,question,ok",
    [
        ("Caption A", "Caption A: A man dunks.", Q_CAPTION, True),
        ("A", "A", Q_CAPTION, True),
        ("Caption B", "Caption A: A man dunks.", Q_CAPTION, False),
        ("Option 2", "Option 2: The car turns right.", Q_OPTION, True),
        ("the first one", "Option 2: The car turns right.", Q_OPTION, False),
        ("The car turns right at the end.", "2", Q_OPTION, True),
        (
            "The people are ice skating on a frozen lake.",
            "B. ice skating",
            "Info?\nInformation A: {'subject': 'people', 'action': 'skiing'}\n"
            "Information B: {'subject': 'people', 'action': 'ice skating'}",
            True,
        ),
    ],
)
def test_options_from_the_question_judge_the_pick(answer, label, question, ok):
    assert verify_simple(answer, label, {"question": question}).ok is ok


@pytest.mark.parametrize(
    "answer,label,ok",
    [
        ("A", 2, True),  # the gold 2 is option A's text, not option 2
        ("B", 2, False),
        ("There are 2 people.", 2, True),
        ("B", "B. 3", True),
        ("B", "(B)", True),
        ("A", "(B)", False),
    ],
)
def test_numeric_gold_among_numeric_options(answer, label, ok):
    assert verify_simple(answer, label, {"choices": ["A. 2", "B. 3"]}).ok is ok


def test_numbered_steps_are_not_keys():
    answer = "1. The video shows a man in a gym.\n2. He bounces the ball.\nSo he is dribbling."
    assert chosen(answer, ["A. dunking", "B. dribbling"]).index == 1


# Questions and gold answers from TempCompass (llyx97/TempCompass, questions/multi-choice.json and
# questions/caption_matching.json at e1b4631); the answers to judge are ours.
TEMPCOMPASS = [
    (
        "In what order do the events occur with the skillet?\nA. Smoking, followed by burning in fire\n"
        "B. Burning in fire, followed by smoking\nC. Both events happen simultaneously",
        "B. Burning in fire, followed by smoking",
    ),
    (
        "In what direction are the clock hands moving?\nA. clockwise\n"
        "B. alternating between clockwise and counterclockwise\nC. counterclockwise",
        "A. clockwise",
    ),
    (
        "Which caption matches the video better?\nCaption A: The fighter jet first shot one missile, then shot two "
        "missiles.\nCaption B: The fighter jet shot three missiles, then shot four missiles.",
        "Caption A: The fighter jet first shot one missile, then shot two missiles.",
    ),
]


@pytest.mark.parametrize(
    "which,answer,ok",
    [
        (0, "Burning in fire, followed by smoking", True),
        (0, "Smoking, followed by burning in fire", False),
        (0, "The skillet starts burning in fire, followed by smoking. So the answer is B.", True),
        (1, "clockwise", True),
        (1, "counterclockwise", False),
        (1, "C. counterclockwise", False),
        (2, "Caption A", True),
        (2, "The fighter jet shot three missiles, then shot four missiles.", False),
        (2, "Caption A: The fighter jet first shot one missile, then shot two missiles.", True),
    ],
)
def test_tempcompass_questions(which, answer, ok):
    question, gold = TEMPCOMPASS[which]
    assert verify_simple(answer, gold, {"question": question}).ok is ok


@pytest.mark.parametrize(
    "answer,said",
    [
        ("Answer: Yes.", "yes"),
        ("**No**", "no"),
        ("The answer is no.", "no"),
        ("No, the man is not dunking.", "no"),
        ("Based on the video: yes, he is dunking.", "yes"),
        ("There is no dunking here.", None),
    ],
)
def test_yes_no_decisions(answer, said):
    for gold in ("yes", "no"):
        assert verify_simple(answer, gold, {}).ok is (said == gold)
