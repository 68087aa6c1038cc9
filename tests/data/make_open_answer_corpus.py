"""Write tests/data/open_answer_corpus.jsonl: open-ended answers judged against a sentence gold.

Each record holds a ``question`` about a video, the gold ``label`` (a sentence that answers the
question, often with more explanation than the question asks for), an ``output`` written in a
style video LLMs use for open questions, and

* ``expected``: whether a careful judge accepts the answer, known from how it was built (the
  answer gives the gold decision and does not contradict the gold, or it gives another decision,
  contradicts a detail, refuses, hedges, negates, or lists candidates);
* ``class``: the style it exercises -- ``short`` ("No.", "No, he doesn't."), ``descriptive``
  (several sentences of narration), ``paraphrase`` (the gold fact in other words, or without a
  leading yes/no), ``wrong_detail`` (right decision, a detail of the gold contradicted),
  ``contradiction`` (most of the gold's words, another fact), ``refusal`` ("I cannot
  determine ..."), ``hedge`` (doubt, candidates, or a negated gold);
* ``qtype``: ``yes_no``, ``entity`` (what / which / where / what colour), ``number`` (how many) or
  ``reason`` (why);
* ``split``: ``tune`` for the phrasings the verifier was developed against, ``heldout`` for
  phrasings written separately and not tuned against.

The styles follow how open-ended video QA answers read (Video-ChatGPT-style evaluations): a bare
decision, a decision with one clause, a paragraph that narrates the clip before it answers,
apologetic refusals; nothing is copied from any benchmark.

Run: ``python tests/data/make_open_answer_corpus.py`` (fixed seed; the output is deterministic).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SEED = 25
OUT = Path(__file__).with_name("open_answer_corpus.jsonl")

# ---------------------------------------------------------------- content pools

PEOPLE = [("man", "he", "his"), ("woman", "she", "her"), ("boy", "he", "his"), ("girl", "she", "her")]
# (base, third person, past, gerund): actions on a small object.
ACTIONS = [
    ("throw", "throws", "threw", "throwing"),
    ("open", "opens", "opened", "opening"),
    ("drop", "drops", "dropped", "dropping"),
    ("wash", "washes", "washed", "washing"),
    ("kick", "kicks", "kicked", "kicking"),
    ("fold", "folds", "folded", "folding"),
    ("break", "breaks", "broke", "breaking"),
    ("eat", "eats", "ate", "eating"),
    ("hide", "hides", "hid", "hiding"),
    ("paint", "paints", "painted", "painting"),
]
# Actions that the gold's explanation gives instead ("he puts it ...").
PLACINGS = [
    ("puts", "putting"),
    ("places", "placing"),
    ("sets", "setting"),
    ("leaves", "leaving"),
]
OBJECTS = ["cup", "book", "box", "bottle", "towel", "plate", "bag", "ball", "shoe", "jar", "hat", "basket"]
COLOURS = ["red", "blue", "green", "yellow", "black", "white"]
# (place, the same place with one guarded word turned over)
WHERES = [
    ("on the left side of the table", "on the right side of the table"),
    ("on the right side of the sofa", "on the left side of the sofa"),
    ("on the top shelf", "on the bottom shelf"),
    ("on the bottom step of the stairs", "on the top step of the stairs"),
    ("inside the open drawer", "outside the open drawer"),
    ("in front of the television", "behind the television"),
    ("next to the red chair", "next to the blue chair"),
    ("beside the white door", "beside the black door"),
    ("under the wooden bench", "over the wooden bench"),
    ("near the window", "far from the window"),
]
ROOMS = ["kitchen", "living room", "garage", "bedroom", "office", "classroom", "garden", "hallway"]
OPENERS = [
    "The video shows a {room} with soft daylight coming through a window.",
    "The clip is filmed in a {room} from a fixed camera.",
    "At the start of the video, the camera shows a tidy {room}.",
    "In this video, we see a {room} with a few pieces of furniture.",
]
MOTIONS = [
    ("walking towards the camera", "walking away from the camera"),
    ("walking up the stairs", "walking down the stairs"),
    ("moving from left to right", "moving from right to left"),
    ("running into the room", "running out of the room"),
    ("standing near the door", "standing far from the door"),
]
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight"]
TIMES = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times", 6: "six times"}
COUNTABLES = [
    ("people", "person", "sitting at the table"),
    ("cars", "car", "parked along the street"),
    ("dogs", "dog", "running on the grass"),
    ("birds", "bird", "sitting on the fence"),
    ("chairs", "chair", "arranged around the desk"),
    ("children", "child", "playing in the yard"),
]
REFUSALS = [
    "I'm sorry, but I cannot determine {what} from the video.",
    "The video does not provide enough information to answer this question.",
    "It is not possible to tell {what} based on the frames provided.",
    "I am unable to determine {what} because the view is partially blocked.",
    "Sorry, I can't answer that from this video.",
]
HELD_REFUSALS = [
    "Unfortunately, there is not enough visual information to say {what}.",
    "It's impossible to say {what} from this clip.",
    "I can't tell {what}; the camera does not show it clearly.",
]


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


class Corpus:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, question, gold, output, expected, cls, qtype, split="tune") -> None:
        self.rows.append(
            {
                "question_id": f"oa{len(self.rows)}",
                "question": question,
                "output": output,
                "label": {"t": gold},
                "label_type": ["t"],
                "verifier_type": ["open_answer"],
                "expected": bool(expected),
                "class": cls,
                "qtype": qtype,
                "split": split,
            }
        )


# ---------------------------------------------------------------- 1. yes/no, gold "No, ...; he does Y instead"


def yes_no_negative(c: Corpus, rng: random.Random, n: int) -> None:
    for _ in range(n):
        who, pr, pos = rng.choice(PEOPLE)
        base, third, past, ing = rng.choice(ACTIONS)
        obj = rng.choice(OBJECTS)
        put3, _puting = rng.choice(PLACINGS)
        where, wrong_where = rng.choice(WHERES)
        room = rng.choice(ROOMS)
        q = rng.choice(
            [
                f"Does the {who} {base} the {obj}?",
                f"Did the {who} {base} the {obj}?",
                f"Is the {who} {ing} the {obj} in the video?",
            ]
        )
        gold = rng.choice(
            [
                f"No, the {who} does not {base} the {obj}; {pr} {put3} it {where}.",
                f"No, the {who} never {past} the {obj}. {cap(pr)} {put3} it {where} and walks away.",
                f"No. The {who} does not {base} the {obj} at any point; instead {pr} {put3} the {obj} {where}.",
            ]
        )
        opener = rng.choice(OPENERS).format(room=room)
        yes_no = "yes_no"
        # right decision
        c.add(q, gold, rng.choice(["No.", "No", "No, it does not.", "Nope."]), True, "short", yes_no)
        c.add(
            q,
            gold,
            rng.choice([f"No, {pr} doesn't.", f"No, {pr} does not.", f"No, {pr} didn't."]),
            True,
            "short",
            yes_no,
        )
        c.add(q, gold, f"No, the {who} does not {base} the {obj}.", True, "short", yes_no)
        c.add(q, gold, f"No, {pr} {put3} it {where}.", True, "short", yes_no)
        c.add(
            q,
            gold,
            f"No. {opener} The {who} walks over, picks up the {obj} and {put3} it {where}. "
            f"At no point does {pr} {base} it. After that, {pr} turns and leaves the {room}.",
            True,
            "descriptive",
            yes_no,
        )
        c.add(
            q,
            gold,
            f"{opener} A {who} enters and looks at the {obj} for a moment. Throughout the video, the {who} "
            f"never {past} the {obj}; {pr} simply {put3} it {where}.",
            True,
            "paraphrase",
            yes_no,
        )
        c.add(q, gold, f"Not at all. The {who} only {put3} the {obj} {where}.", True, "paraphrase", yes_no, "heldout")
        c.add(
            q,
            gold,
            f"No, that does not happen. The {who} keeps the {obj} intact and {put3} it {where} before leaving.",
            True,
            "descriptive",
            yes_no,
            "heldout",
        )
        # wrong decision
        c.add(q, gold, rng.choice(["Yes.", "Yes", "Yes, it does.", "Yep."]), False, "short", yes_no)
        c.add(q, gold, f"Yes, the {who} {third} the {obj}.", False, "short", yes_no)
        c.add(
            q,
            gold,
            f"Yes. {opener} The {who} picks up the {obj} and {third} it quickly, then looks at the camera.",
            False,
            "descriptive",
            yes_no,
        )
        # same words, another fact (no yes/no): the answer asserts what the gold denies
        c.add(q, gold, f"The {who} {third} the {obj} {where}.", False, "contradiction", yes_no)
        c.add(
            q,
            gold,
            f"In the video, the {who} can be seen {ing} the {obj} near the end of the clip.",
            False,
            "contradiction",
            yes_no,
            "heldout",
        )
        # right decision, wrong detail of the explanation
        c.add(q, gold, f"No, {pr} {put3} it {wrong_where}.", False, "wrong_detail", yes_no)
        c.add(
            q,
            gold,
            f"No. {opener} The {who} does not {base} the {obj}; {pr} {put3} it {wrong_where} and sits down.",
            False,
            "wrong_detail",
            yes_no,
        )
        # refusals and hedges
        c.add(q, gold, f"No, {pr} {put3} it {where}, not {wrong_where}.", True, "wrong_detail", yes_no, "heldout")
        what = f"whether the {who} {third} the {obj}"
        c.add(q, gold, rng.choice(REFUSALS).format(what=what), False, "refusal", yes_no)
        c.add(q, gold, rng.choice(HELD_REFUSALS).format(what=what), False, "refusal", yes_no, "heldout")
        c.add(
            q,
            gold,
            f"The lighting is dim and I cannot see the {who}'s face clearly. However, the {who} does not "
            f"{base} the {obj}; {pr} {put3} it {where}.",
            True,
            "refusal",
            yes_no,
        )
        c.add(
            q,
            gold,
            rng.choice(
                [
                    f"Possibly not, but it is hard to tell whether {pr} {third} the {obj}.",
                    f"The {who} might {base} the {obj}, but I am not sure.",
                    f"It is unclear; the {who} may or may not {base} the {obj}.",
                ]
            ),
            False,
            "hedge",
            yes_no,
        )
        c.add(q, gold, f"No, it is clear that {pr} does not {base} it.", True, "hedge", yes_no, "heldout")


# ---------------------------------------------------------------- 2. yes/no, gold "Yes, he does X <detail>"


def yes_no_positive(c: Corpus, rng: random.Random, n: int) -> None:
    for _ in range(n):
        who, pr, pos = rng.choice(PEOPLE)
        base, third, past, ing = rng.choice(ACTIONS)
        obj = rng.choice(OBJECTS)
        where, wrong_where = rng.choice(WHERES)
        colour, other_colour = rng.sample(COLOURS, 2)
        room = rng.choice(ROOMS)
        q = rng.choice([f"Does the {who} {base} the {obj}?", f"Did the {who} {base} the {colour} {obj}?"])
        gold = rng.choice(
            [
                f"Yes, the {who} {third} the {colour} {obj} {where}.",
                f"Yes. The {who} {past} the {colour} {obj} {where} near the end of the video.",
                f"Yes, the {who} {third} the {colour} {obj}; this happens {where}.",
            ]
        )
        opener = rng.choice(OPENERS).format(room=room)
        yes_no = "yes_no"
        c.add(q, gold, rng.choice(["Yes.", "Yes", "Yes, it does.", "Yeah."]), True, "short", yes_no)
        c.add(q, gold, rng.choice([f"Yes, {pr} does.", f"Yes, {pr} did."]), True, "short", yes_no)
        c.add(q, gold, f"Yes, the {who} {third} the {obj}.", True, "short", yes_no)
        c.add(
            q,
            gold,
            f"Yes. {opener} The {who} walks to the {colour} {obj} and {third} it {where}. "
            f"Then {pr} wipes {pos} hands and leaves the frame.",
            True,
            "descriptive",
            yes_no,
        )
        c.add(q, gold, f"The {who} {third} the {colour} {obj} {where}.", True, "paraphrase", yes_no)
        c.add(
            q, gold, f"In the video, the {who} can be seen {ing} the {other_colour} {obj}.", False, "paraphrase", yes_no
        )
        c.add(
            q,
            gold,
            f"In the video, the {who} can be seen {ing} the {colour} {obj}.",
            True,
            "paraphrase",
            yes_no,
            "heldout",
        )
        c.add(
            q,
            gold,
            f"Yes, that happens. {opener} Towards the end, the {who} {third} the {obj}.",
            True,
            "descriptive",
            yes_no,
            "heldout",
        )
        # wrong decision
        c.add(q, gold, rng.choice(["No.", "No", "No, it doesn't.", "Nope."]), False, "short", yes_no)
        c.add(q, gold, f"No, the {who} does not {base} the {obj}.", False, "short", yes_no)
        c.add(
            q,
            gold,
            f"No. {opener} The {who} only looks at the {obj} and then leaves the {room}.",
            False,
            "descriptive",
            yes_no,
        )
        # negation of the gold without yes/no: most words shared
        c.add(q, gold, f"The {who} does not {base} the {colour} {obj} {where}.", False, "contradiction", yes_no)
        c.add(
            q,
            gold,
            f"The {who} never {past} the {obj}; {pr} just holds it.",
            False,
            "contradiction",
            yes_no,
            "heldout",
        )
        c.add(
            q,
            gold,
            f"The {who} does not hesitate: {pr} {third} the {colour} {obj} {where}.",
            True,
            "contradiction",
            yes_no,
        )
        # right decision, wrong detail
        c.add(q, gold, f"Yes, the {who} {third} the {colour} {obj} {wrong_where}.", False, "wrong_detail", yes_no)
        c.add(
            q,
            gold,
            f"Yes. {opener} The {who} {third} the {other_colour} {obj} {where}.",
            False,
            "wrong_detail",
            yes_no,
        )
        what = f"whether the {who} {third} the {obj}"
        c.add(q, gold, rng.choice(REFUSALS).format(what=what), False, "refusal", yes_no)
        c.add(q, gold, rng.choice(HELD_REFUSALS).format(what=what), False, "refusal", yes_no, "heldout")
        c.add(
            q,
            gold,
            rng.choice(
                [
                    f"The {who} might be {ing} the {obj}, but it is hard to tell.",
                    f"Probably yes, although the {obj} is partly hidden.",
                    f"It is possible that {pr} {third} the {obj}, but I am not sure.",
                ]
            ),
            False,
            "hedge",
            yes_no,
        )
        c.add(q, gold, f"Yes, there is no doubt that {pr} {third} the {obj}.", True, "hedge", yes_no, "heldout")


# ---------------------------------------------------------------- 3. what / which: an entity or attribute


def entity_held(c: Corpus, rng: random.Random, n: int) -> None:
    """ "What is the man holding?": the gold names a coloured object, with an explanation."""
    for _ in range(n):
        who, pr, pos = rng.choice(PEOPLE)
        obj, obj2, obj3 = rng.sample(OBJECTS, 3)
        colour, colour2 = rng.sample(COLOURS, 2)
        motion, wrong_motion = rng.choice(MOTIONS)
        room = rng.choice(ROOMS)
        q = rng.choice([f"What is the {who} holding?", f"What does the {who} carry in the video?"])
        verb = "holding" if "holding" in q else "carrying"
        gold = rng.choice(
            [
                f"The {who} is {verb} a {colour} {obj} while {motion}.",
                f"The {who} is {verb} a {colour} {obj}. {cap(pr)} keeps it in {pos} hands while {motion}.",
            ]
        )
        opener = rng.choice(OPENERS).format(room=room)
        e = "entity"
        c.add(q, gold, f"A {colour} {obj}.", True, "short", e)
        c.add(q, gold, f"The {who} is {verb} a {colour} {obj}.", True, "short", e)
        c.add(
            q,
            gold,
            f"{opener} A {who} appears, {motion}. {cap(pr)} is {verb} a {colour} {obj} in {pos} hands "
            f"and glances around the {room} before the clip ends.",
            True,
            "descriptive",
            e,
        )
        c.add(q, gold, f"{cap(pr)} has a {colour} {obj} in {pos} hands.", True, "paraphrase", e)
        c.add(q, gold, f"{cap(pr)} has a {colour2} {obj} in {pos} hands.", False, "paraphrase", e)
        c.add(q, gold, f"It's a {obj}, {colour} in colour.", True, "paraphrase", e, "heldout")
        c.add(
            q,
            gold,
            f"Looking closely at the frames, the object in the {who}'s hands is a {colour} {obj}, which "
            f"{pr} grips firmly while {motion}.",
            True,
            "descriptive",
            e,
            "heldout",
        )
        # another entity, another attribute, another explanation
        c.add(q, gold, f"The {who} is {verb} a {colour} {obj2}.", False, "contradiction", e)
        c.add(q, gold, f"A {obj2}.", False, "short", e)
        c.add(q, gold, f"The {who} is {verb} a {colour2} {obj}.", False, "wrong_detail", e)
        c.add(q, gold, f"The {who} is {verb} a {colour} {obj}, not a {colour2} one.", True, "wrong_detail", e)
        c.add(
            q,
            gold,
            f"{opener} The {who} is {verb} a {colour2} {obj} while {motion}.",
            False,
            "wrong_detail",
            e,
            "heldout",
        )
        c.add(q, gold, f"The {who} is {verb} a {colour} {obj} while {wrong_motion}.", False, "wrong_detail", e)
        c.add(
            q,
            gold,
            f"{opener} A {who} walks around the {room} looking at the shelves and then sits down.",
            False,
            "descriptive",
            e,
        )
        c.add(
            q,
            gold,
            rng.choice(
                [
                    f"The {who} could be {verb} a {obj}, a {obj2} or a {obj3}.",
                    f"It might be a {colour} {obj}, but it is hard to tell.",
                ]
            ),
            False,
            "hedge",
            e,
        )
        c.add(q, gold, f"The {who} is not {verb} a {colour} {obj}; {pr} is {verb} a {obj2}.", False, "hedge", e)
        what = f"what the {who} is {verb}"
        c.add(q, gold, rng.choice(REFUSALS).format(what=what), False, "refusal", e)
        c.add(
            q,
            gold,
            f"I cannot see the {who}'s face. {cap(pr)} is {verb} a {colour} {obj}, though.",
            True,
            "refusal",
            e,
            "heldout",
        )


def entity_colour_place(c: Corpus, rng: random.Random, n: int) -> None:
    """ "What colour is the X?" and "Where does the woman put the X?" """
    for _ in range(n):
        who, pr, pos = rng.choice(PEOPLE)
        obj = rng.choice(OBJECTS)
        colour, colour2 = rng.sample(COLOURS, 2)
        where, wrong_where = rng.choice(WHERES)
        put3, puting = rng.choice(PLACINGS)
        room = rng.choice(ROOMS)
        e = "entity"
        q = rng.choice([f"What color is the {obj}?", f"What colour is the {obj} the {who} picks up?"])
        gold = f"The {obj} is {colour}; the {who} picks it up from the floor of the {room}."
        c.add(q, gold, cap(colour) + ".", True, "short", e)
        c.add(q, gold, f"The {obj} is {colour}.", True, "short", e)
        c.add(q, gold, f"It appears to be {colour}.", True, "paraphrase", e, "heldout")
        c.add(
            q,
            gold,
            f"The {who} bends down and picks up a {colour} {obj} from the floor. The {room} is otherwise empty.",
            True,
            "descriptive",
            e,
        )
        c.add(q, gold, f"The {obj} is {colour2}.", False, "short", e)
        c.add(q, gold, f"It is a {colour2} {obj} that the {who} picks up from the floor.", False, "contradiction", e)
        c.add(q, gold, f"It could be {colour} or {colour2}.", False, "hedge", e)
        c.add(q, gold, f"The {obj} is {colour}, but the {who} picks it up from the table.", False, "wrong_detail", e)
        q = f"Where does the {who} put the {obj}?"
        gold = f"The {who} {put3} the {obj} {where}, after wiping it with a cloth."
        c.add(q, gold, cap(where) + ".", True, "short", e)
        c.add(q, gold, f"{cap(pr)} {put3} it {where}.", True, "short", e)
        c.add(
            q,
            gold,
            f"{rng.choice(OPENERS).format(room=room)} The {who} cleans the {obj} with a cloth and then "
            f"{put3} it {where}. Finally, {pr} steps back.",
            True,
            "descriptive",
            e,
        )
        c.add(q, gold, f"{cap(pr)} {put3} the {obj} {wrong_where}.", False, "wrong_detail", e)
        c.add(
            q,
            gold,
            f"After wiping the {obj}, the {who} {put3} it {wrong_where}.",
            False,
            "wrong_detail",
            e,
            "heldout",
        )
        c.add(q, gold, f"{cap(pr)} puts it in {pos} pocket.", False, "contradiction", e)
        c.add(q, gold, rng.choice(REFUSALS).format(what=f"where the {who} puts the {obj}"), False, "refusal", e)


def entity_negative(c: Corpus, rng: random.Random, n: int) -> None:
    """ "Where does the woman sit?" answered by "She does not sit down at all": same words, another fact."""
    for _ in range(n):
        who, pr, pos = rng.choice(PEOPLE)
        where, wrong_where = rng.choice(WHERES)
        motion, _ = rng.choice(MOTIONS)
        e = "entity"
        q = rng.choice([f"Where does the {who} sit down?", f"Where does the {who} sit?"])
        gold = f"The {who} does not sit down at all; {pr} stays standing, {motion}."
        c.add(q, gold, f"The {who} does not sit down at all.", True, "short", e)
        c.add(
            q,
            gold,
            f"{cap(pr)} doesn't sit anywhere; {pr} remains on {pos} feet the whole time.",
            True,
            "paraphrase",
            e,
        )
        c.add(q, gold, f"Nowhere. The {who} never sits during the video.", True, "paraphrase", e, "heldout")
        c.add(
            q,
            gold,
            f"The {who} enters the room and looks around. {cap(pr)} is {motion} and never takes a seat; "
            f"{pr} does not sit down at any point.",
            True,
            "descriptive",
            e,
        )
        c.add(q, gold, f"The {who} sits {where}.", False, "contradiction", e)
        c.add(q, gold, f"The {who} sat down {where} at the end of the video.", False, "contradiction", e, "heldout")
        c.add(
            q,
            gold,
            f"The {who} walks in, {motion}, and finally sits {wrong_where}.",
            False,
            "descriptive",
            e,
        )
        c.add(q, gold, f"{cap(pr)} might sit {where}, but it is hard to tell.", False, "hedge", e)
        c.add(q, gold, rng.choice(REFUSALS).format(what=f"where the {who} sits"), False, "refusal", e)


def entity_direction(c: Corpus, rng: random.Random, n: int) -> None:
    """ "Which direction does the car move?": role words decide."""
    vehicles = ["car", "bus", "truck", "cyclist", "train", "boat"]
    for _ in range(n):
        v = rng.choice(vehicles)
        d, wrong = rng.choice(
            [
                ("from left to right", "from right to left"),
                ("from right to left", "from left to right"),
                ("towards the camera", "away from the camera"),
                ("away from the camera", "towards the camera"),
            ]
        )
        e = "entity"
        q = rng.choice([f"Which direction is the {v} moving?", f"In which direction does the {v} travel?"])
        gold = f"The {v} moves {d} across the frame, passing a row of trees."
        c.add(q, gold, cap(d) + ".", True, "short", e)
        c.add(q, gold, f"The {v} is moving {d}.", True, "short", e)
        c.add(
            q,
            gold,
            f"The video is shot from the side of a quiet road. A {v} enters the scene and travels {d}, "
            f"passing several trees before it leaves the frame.",
            True,
            "descriptive",
            e,
        )
        c.add(q, gold, f"It travels {d}.", True, "paraphrase", e, "heldout")
        c.add(q, gold, f"The {v} is moving {wrong}.", False, "contradiction", e)
        c.add(q, gold, cap(wrong) + ".", False, "short", e)
        c.add(
            q,
            gold,
            f"A {v} drives along the road. It moves {wrong}, passing a row of trees.",
            False,
            "descriptive",
            e,
            "heldout",
        )
        c.add(q, gold, f"It is either moving {d} or {wrong}; the motion is hard to read.", False, "hedge", e)
        c.add(q, gold, rng.choice(REFUSALS).format(what=f"which way the {v} moves"), False, "refusal", e)


# ---------------------------------------------------------------- 4. how many


def numbers(c: Corpus, rng: random.Random, n: int) -> None:
    for _ in range(n):
        who, pr, pos = rng.choice(PEOPLE)
        base, third, past, ing = rng.choice(ACTIONS)
        obj = rng.choice(OBJECTS)
        k = rng.randint(2, 5)
        wrong = rng.choice([x for x in range(1, 7) if x != k])
        nm = "number"
        q = f"How many times does the {who} {base} the {obj}?"
        gold = f"The {who} {third} the {obj} {TIMES[k]} before {pr} leaves the room."
        c.add(q, gold, cap(TIMES[k]) + ".", True, "short", nm)
        c.add(q, gold, str(k), True, "short", nm)
        c.add(q, gold, f"{cap(pr)} {third} it {TIMES[k]}.", True, "short", nm)
        c.add(
            q,
            gold,
            f"The video lasts about 20 seconds. At the start, the {who} picks up the {obj}. Counting each "
            f"attempt, {pr} {third} the {obj} {TIMES[k]} in total, and then walks out of the room.",
            True,
            "descriptive",
            nm,
        )
        c.add(q, gold, f"The {who} {third} the {obj} {NUMBER_WORDS[k]} times.", True, "paraphrase", nm, "heldout")
        c.add(q, gold, cap(TIMES[wrong]) + ".", False, "short", nm)
        c.add(q, gold, f"{cap(pr)} {third} it {TIMES[wrong]}.", False, "contradiction", nm)
        c.add(q, gold, f"Not {TIMES[wrong]}: {pr} {third} it {TIMES[k]}.", True, "contradiction", nm, "heldout")
        c.add(
            q,
            gold,
            f"In the video, the {who} {third} the {obj} {TIMES[wrong]}, then leaves the room.",
            False,
            "descriptive",
            nm,
            "heldout",
        )
        c.add(q, gold, f"{cap(pr)} {third} it {TIMES[k]} or {TIMES[k + 1]}.", False, "hedge", nm)
        c.add(
            q,
            gold,
            rng.choice(REFUSALS).format(what=f"how many times the {who} {third} the {obj}"),
            False,
            "refusal",
            nm,
        )
        many, one, state = rng.choice(COUNTABLES)
        k = rng.randint(2, 7)
        wrong = rng.choice([x for x in range(1, 9) if x != k])
        q = f"How many {many} are there in the video?"
        gold = f"There are {NUMBER_WORDS[k]} {many} in the video, {state}."
        c.add(q, gold, cap(NUMBER_WORDS[k]) + ".", True, "short", nm)
        c.add(q, gold, f"There are {k} {many}.", True, "short", nm)
        c.add(
            q,
            gold,
            f"The camera pans slowly over the scene. I can count {NUMBER_WORDS[k]} {many} {state}; "
            f"one of them is partly hidden at the edge of the frame.",
            True,
            "descriptive",
            nm,
        )
        c.add(q, gold, f"I count {k} {many} in total.", True, "paraphrase", nm, "heldout")
        c.add(q, gold, f"I count {wrong} {many} in total.", False, "paraphrase", nm, "heldout")
        c.add(q, gold, f"There are {NUMBER_WORDS[wrong]} {many} in the video, {state}.", False, "contradiction", nm)
        c.add(q, gold, f"{cap(NUMBER_WORDS[wrong])} {many}.", False, "short", nm)
        c.add(
            q,
            gold,
            f"At first there seem to be many {many}, but looking carefully there are {NUMBER_WORDS[wrong]} {many} {state}.",
            False,
            "descriptive",
            nm,
            "heldout",
        )
        c.add(q, gold, f"There are maybe {k} or {k + 1} {many}.", False, "hedge", nm)
        c.add(q, gold, rng.choice(REFUSALS).format(what=f"how many {many} there are"), False, "refusal", nm)


# ---------------------------------------------------------------- 5. why: a reason


# (base, third person, the reason, another reason in many of the same words)
REASONS = [
    ("stop at the crossing", "stops at the crossing", "the traffic light turns red", "the traffic light turns green"),
    ("laugh", "laughs", "the dog knocks a cup off the table", "the dog sleeps under the table"),
    ("open the window", "opens the window", "the room is too hot", "the room is too cold"),
    ("pick up the phone", "picks up the phone", "the phone starts ringing", "the phone falls on the floor"),
    ("turn on the lamp", "turns on the lamp", "the room gets dark", "the room gets bright"),
    ("wave", "waves", "a friend walks into the room", "a friend walks out of the room"),
    ("slow down", "slows down", "a car appears in front of the bicycle", "a car appears behind the bicycle"),
    ("run outside", "runs outside", "it starts to rain and the washing is outside", "the sun comes out"),
]


def reasons(c: Corpus, rng: random.Random, n: int) -> None:
    for _ in range(n):
        who, pr, _pos = rng.choice(PEOPLE)
        base, third, cause, wrong = rng.choice(REASONS)
        room = rng.choice(ROOMS)
        q = f"Why does the {who} {base}?"
        gold = f"The {who} {third} because {cause}; this happens near the end of the clip."
        e = "reason"
        c.add(q, gold, f"Because {cause}.", True, "short", e)
        c.add(
            q,
            gold,
            f"{rng.choice(OPENERS).format(room=room)} Towards the end, the {who} {third} because {cause}. "
            f"The clip ends shortly after.",
            True,
            "descriptive",
            e,
        )
        c.add(q, gold, f"{cap(pr)} {third} since {cause}.", True, "paraphrase", e, "heldout")
        c.add(q, gold, f"The {who} {third} because {wrong}.", False, "contradiction", e)
        c.add(q, gold, f"Because {wrong}.", False, "short", e)
        c.add(q, gold, f"{cap(pr)} {third} since {wrong}.", False, "paraphrase", e, "heldout")
        c.add(q, gold, f"Maybe because {cause}, but it is hard to tell.", False, "hedge", e)
        c.add(q, gold, rng.choice(REFUSALS).format(what=f"why the {who} {third}"), False, "refusal", e)


def main() -> None:
    rng = random.Random(SEED)
    c = Corpus()
    yes_no_negative(c, rng, 28)
    yes_no_positive(c, rng, 28)
    entity_held(c, rng, 24)
    entity_colour_place(c, rng, 20)
    entity_negative(c, rng, 14)
    entity_direction(c, rng, 14)
    numbers(c, rng, 18)
    reasons(c, rng, 16)
    with OUT.open("w", encoding="utf-8") as f:
        for r in c.rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(c.rows)} records to {OUT}")


if __name__ == "__main__":
    main()
