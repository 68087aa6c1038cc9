"""The ``open_answer`` kind: a gold sentence that answers the record's question.

Most cases decide by rules (no embedder); the ``ctx`` cases use the bundled embedder for the
fallback when no decision can be read.
"""

import pytest

from vstar_cli.verify.open_answer import verify_open_answer
from vstar_cli.verify.open_contradiction import contradiction
from vstar_cli.verify.open_reading import declines, read_answer, read_gold
from vstar_cli.verify.registry import builtin
from vstar_cli.verify.verdict import CannotJudge

NO_GOLD = "No, the man does not throw the cup; he puts it on the left side of the table."
THROW = {"question": "Does the man throw the cup?"}


class NoEmbedder:
    embedder = None


def judge(answer, gold, question):
    return verify_open_answer(answer, gold, {"question": question}, NoEmbedder())


def test_the_gold_is_read_as_decision_core_and_explanation():
    g = read_gold(NO_GOLD, THROW["question"])
    assert g.decision is False
    assert g.core == "the man does not throw the cup"
    assert g.clauses[1] == "he puts it on the left side of the table"
    assert (
        read_gold("The man is holding a red umbrella while walking.", "What is the man holding?").slot == "red umbrella"
    )
    assert read_gold("The car moves from left to right across the frame.", "Which way does the car go?").slot == (
        "from left to right"
    )
    assert read_gold("There are three dogs on the grass.", "How many dogs are there?").number == 3
    assert read_gold("She does not sit down at all.", "Where does she sit?").denied == "sit"


@pytest.mark.parametrize(
    "answer,ok",
    [
        ("No.", True),
        ("No, he doesn't.", True),
        ("No, he puts it on the left side of the table.", True),  # the explanation, right
        ("Nope. He only puts the cup down, on the left side of the table.", True),
        ("Throughout the video the man never threw the cup.", True),  # no yes/no: denies what is asked
        ("Yes.", False),
        ("Yes, the man throws the cup.", False),
        ("The man throws the cup on the left side of the table.", False),  # most words shared, another fact
        ("No, he puts it on the right side of the table.", False),  # right decision, wrong detail
        ("I cannot determine whether the man throws the cup.", False),
        ("The video does not provide enough information to answer this question.", False),
        ("Probably not, but it is hard to tell.", False),
        ("No, probably not.", False),
    ],
)
def test_yes_no_question(answer, ok):
    v = verify_open_answer(answer, NO_GOLD, THROW, NoEmbedder())
    assert v.ok is ok, v.reason


def test_a_long_answer_with_the_decision_first_and_details_that_agree():
    answer = (
        "No. The video shows a kitchen with soft daylight. The man walks over, picks up the cup and puts it on "
        "the left side of the table. At no point does he throw it. After that, he leaves the kitchen."
    )
    assert judge(answer, NO_GOLD, THROW["question"]).ok


def test_a_contradicted_explanation_is_rejected_with_its_reason():
    v = judge("No, he puts it on the right side of the table.", NO_GOLD, THROW["question"])
    assert not v.ok and "contradicts the gold" in v.reason and "opposites" in v.reason


@pytest.mark.parametrize(
    "answer,ok",
    [
        ("A red umbrella.", True),
        ("The man is holding a red umbrella.", True),
        ("He has a red umbrella in his hand.", True),
        ("The man is holding a blue umbrella.", False),
        ("He could be holding an umbrella, a bag or a phone.", False),
        ("He is not holding a red umbrella; he holds a phone.", False),
        ("The man is holding a red umbrella while walking away from the camera.", False),  # explanation turned over
    ],
)
def test_entity_question(answer, ok):
    gold = "The man is holding a red umbrella while walking towards the camera."
    assert judge(answer, gold, "What is the man holding?").ok is ok


@pytest.mark.parametrize(
    "answer,ok",
    [
        ("Three times.", True),
        ("He jumps 3 times.", True),
        ("The clip lasts 20 seconds. Counting each attempt, he jumps three times in total.", True),
        ("Not twice: he jumps three times.", True),
        ("Twice.", False),
        ("He jumps three or four times.", False),
    ],
)
def test_number_question(answer, ok):
    gold = "The boy jumps three times before he leaves the room."
    assert judge(answer, gold, "How many times does the boy jump?").ok is ok


@pytest.mark.parametrize(
    "answer,ok",
    [
        ("She does not sit down at all.", True),
        ("Nowhere. She never sits during the video.", True),
        ("She sits on the left side of the table.", False),  # same words, another fact
        ("She sat down on the sofa at the end.", False),
    ],
)
def test_a_gold_that_denies(answer, ok):
    gold = "The woman does not sit down at all; she stands by the window the whole time."
    assert judge(answer, gold, "Where does the woman sit down?").ok is ok


def test_directions_keep_their_roles():
    gold = "The car moves from left to right across the frame."
    q = "Which direction is the car moving?"
    assert judge("From left to right.", gold, q).ok
    assert not judge("The car is moving from right to left.", gold, q).ok


def test_refusals_and_a_refusal_beside_an_answer():
    assert declines("I'm sorry, but I cannot determine what he holds.")
    assert declines("It's impossible to say from this clip.")
    assert not declines("I cannot see his face clearly.")
    gold = "The man is holding a red umbrella."
    assert judge("I cannot see his face clearly. He is holding a red umbrella, though.", gold, "What is he holding?").ok


def test_contradiction_needs_shared_words():
    gold = read_gold("Yes, the girl paints the red box on the top shelf.", "Does the girl paint the box?")
    assert contradiction(gold, read_answer("The girl paints the red box on the bottom shelf.")) is not None
    assert contradiction(gold, read_answer("At the start of the video, the camera shows the bottom of a wall.")) is None
    assert contradiction(gold, read_answer("The girl does not hesitate: she paints the red box.")) is None


def test_unreadable_gold_is_cannot_judge():
    kind = builtin().get("open_answer")
    for bad in (None, 3, "", "   ", "...", [], [1, 2], {"a": 1}):
        with pytest.raises(CannotJudge):
            kind.judge("Yes.", bad, {"question": "Is it?"})


def test_without_a_question_the_gold_still_decides():
    # No question: a leading yes/no in the gold is still its decision.
    assert verify_open_answer("No, he does not.", NO_GOLD, {}, NoEmbedder()).ok
    assert not verify_open_answer("Yes, he does.", NO_GOLD, {}, NoEmbedder()).ok


def test_paraphrase_by_meaning_uses_the_embedder(ctx):
    gold = "The man is riding a bicycle along the beach."
    q = "What is the man doing?"
    assert verify_open_answer("He is riding a bike by the sea.", gold, {"question": q}, ctx).ok
    assert not verify_open_answer("He is riding a horse along the beach.", gold, {"question": q}, ctx).ok
    # without an embedder the same paraphrase cannot be confirmed
    assert not judge("He is riding a bike by the sea.", gold, q).ok


def test_the_kind_is_registered_with_its_parameter():
    kind = builtin().get("open_answer")
    assert kind.needs_embedder and [p.name for p in kind.params] == ["open_answer_threshold"]
    assert kind.texts("Yes.", NO_GOLD) == ["the man does not throw the cup"]


def test_with_options_the_picked_option_decides():
    rec = {"question": "What did the person take?", "choices": ["The cup.", "The book.", "The towel.", "The bag."]}
    assert verify_open_answer("B", "The book.", rec, NoEmbedder()).ok
    assert verify_open_answer("The person took the book from the shelf.", "The book.", rec, NoEmbedder()).ok
    assert not verify_open_answer("C. The towel.", "The book.", rec, NoEmbedder()).ok


def test_who_questions_ask_for_the_person():
    gold = "A woman in a red coat opens the door."
    assert judge("A woman opens the door.", gold, "Who opens the door?").ok
    assert judge("The woman.", gold, "Who opens the door?").ok
    assert not judge("A man opens the door.", gold, "Who opens the door?").ok


@pytest.mark.parametrize(
    "question,gold,answer,ok",
    [
        ("Does the man sit down?", "No, the man does not sit down.", "No one sits down; the man stays standing.", True),
        ("Does the man sit down?", "No, the man does not sit down.", "**Answer:** No", True),
        ("Does the man sit down?", "No, the man does not sit down.", "Based on the video, the answer is no.", True),
        (
            "Is the car moving towards the camera?",
            "No, it moves away from the camera.",
            "It moves away from the camera.",
            True,
        ),
        (
            "Is the car moving towards the camera?",
            "Yes, it moves towards the camera.",
            "It moves away from the camera.",
            False,
        ),
        (
            "How many people are there?",
            "There are two people, a man and a woman.",
            "Two people: a man and a woman.",
            True,
        ),
        ("What color is the man's shirt?", "The man is wearing a blue shirt.", "He wears a blue shirt.", True),
        ("What is the woman holding?", "The woman is holding a mug.", "She holds a cup.", True),
    ],
)
def test_answers_as_video_models_write_them(question, gold, answer, ok):
    assert judge(answer, gold, question).ok is ok


def test_a_pronoun_answer_to_a_question_about_a_named_subject():
    q = "Is the man holding the cup?"
    assert judge("He is holding the cup.", "Yes, the man is holding the cup.", q).ok
    assert not judge("The woman is holding the cup.", "Yes, the man is holding the cup.", q).ok


def test_a_thing_replaced_in_the_explanation_needs_the_embedder(ctx):
    q = {"question": "What colour is the hat?"}
    gold = "The hat is red; the man picks it up from the floor of the garden."
    assert not verify_open_answer("The hat is red, but the man picks it up from the table.", gold, q, ctx).ok
    assert verify_open_answer("Red. In the garden the man picks it up off the floor.", gold, q, ctx).ok
