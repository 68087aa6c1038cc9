"""Write tests/data/verify_corpus.jsonl: judged answers for the verifier, right by construction.

Every record holds an answer (``output``) in a style video LVLMs use (bare letters,
one-liners, long rationales that restate the options, lists, captions, step-by-step
reasoning with distractor numbers), its gold ``label``, ``label_type``, ``verifier_type``,
optional ``choices`` / ``duration`` / ``question``, and

* ``expected``: whether a careful judge accepts the answer (known from how it was built:
  the answer states the gold, or states something else, negates, hedges or lists it);
* ``class``: the failure class it exercises ("options", "order", "enumeration",
  "paraphrase", "time_range", "score") or "baseline";
* ``split``: "tune" for phrasings the verifier was developed against, "heldout" for
  phrasings written separately and not tuned against.

Run: ``python tests/data/make_verify_corpus.py`` (fixed seed; the output is deterministic).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SEED = 11
OUT = Path(__file__).with_name("verify_corpus.jsonl")
LETTERS = "ABCD"
ORDINALS = ["first", "second", "third", "fourth"]

# ---------------------------------------------------------------- content pools

# (gerund phrase, 3rd-person phrase, past phrase)
ACTS = [
    ("dunking a basketball", "dunks a basketball", "dunked a basketball"),
    ("dribbling a basketball", "dribbles a basketball", "dribbled a basketball"),
    ("ice skating", "ice skates", "ice skated"),
    ("skiing", "skis", "skied"),
    ("swimming", "swims", "swam"),
    ("riding a horse", "rides a horse", "rode a horse"),
    ("playing the violin", "plays the violin", "played the violin"),
    ("chopping onions", "chops onions", "chopped onions"),
    ("folding a shirt", "folds a shirt", "folded a shirt"),
    ("pouring water into a glass", "pours water into a glass", "poured water into a glass"),
    ("washing the dishes", "washes the dishes", "washed the dishes"),
    ("climbing a wall", "climbs a wall", "climbed a wall"),
    ("tying a shoelace", "ties a shoelace", "tied a shoelace"),
    ("brushing teeth", "brushes teeth", "brushed teeth"),
    ("juggling balls", "juggles balls", "juggled balls"),
    ("painting a fence", "paints a fence", "painted a fence"),
    ("surfing a wave", "surfs a wave", "surfed a wave"),
    ("lifting weights", "lifts weights", "lifted weights"),
    ("sweeping the floor", "sweeps the floor", "swept the floor"),
    ("kicking a ball", "kicks a ball", "kicked a ball"),
]
SUBJECTS = ["The man", "The woman", "A person", "The girl", "The boy", "The athlete", "Someone"]
OBJECTS = [
    "red cup",
    "laptop",
    "umbrella",
    "bicycle",
    "guitar",
    "blue backpack",
    "teapot",
    "smartphone",
    "frisbee",
    "toaster",
    "yellow taxi",
    "wooden chair",
    "skateboard",
    "pineapple",
    "traffic cone",
    "violin",
]
SPEEDS = ["slow motion", "normal speed", "time-lapse", "rapid pace"]
DIRS = ["towards the camera", "away from the camera", "from left to right", "from right to left"]
FILLER = [
    "The video shows an indoor scene with soft lighting.",
    "The camera is mostly steady throughout the clip.",
    "There are a few objects in the background, such as a table and a lamp.",
    "Let me analyze the frames carefully.",
    "Based on the visual cues in the video,",
]


class Corpus:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, kind, output, label, expected, cls, split="tune", **extra) -> None:
        rec = {
            "question_id": f"c{len(self.rows)}",
            "output": output,
            "label": {"t": label},
            "label_type": ["t"],
            "verifier_type": [kind],
            "expected": bool(expected),
            "class": cls,
            "split": split,
        }
        rec.update({k: v for k, v in extra.items() if v is not None})
        self.rows.append(rec)


# ---------------------------------------------------------------- 1. options


def _option_sets(rng: random.Random) -> list[tuple[str, list[str]]]:
    sets = []
    for _ in range(20):
        acts = rng.sample(ACTS, 3 + rng.random().__lt__(0.3))
        sets.append(("What is the person doing in the video?", [a[0] for a in acts]))
    for _ in range(6):
        sets.append(("What is the speed of the video?", rng.sample(SPEEDS, 3)))
    for _ in range(6):
        sets.append(("Which direction is the car moving?", rng.sample(DIRS, 3)))
    for _ in range(8):
        objs = rng.sample(OBJECTS, 4)
        sets.append(("Which object appears in the video?", ["a " + o for o in objs]))
    return sets


def _format(style: str, i: int, text: str, subject: str) -> str:
    k = LETTERS[i]
    return {
        "dot": f"{k}. {text}",
        "paren": f"({k}) {text}",
        "close": f"{k}) {text}",
        "optnum": f"Option {i + 1}: {subject} is {text}.",
        "sentence": f"Sentence {k}: {subject} is {text}.",
        "caption": f"Caption {k}: {subject} is {text}.",
        "info": f"Information {k}: {{'subject': '{subject.lower()}', 'action': '{text}'}}",
        "plain": text,
    }[style]


def options(c: Corpus, rng: random.Random) -> None:
    styles = ["dot", "paren", "close", "optnum", "sentence", "caption", "info", "plain"]
    for q, texts in _option_sets(rng):
        for style in rng.sample(styles, 4):
            subject = rng.choice(["the man", "the person", "a woman"])
            opts = [_format(style, i, t, subject) for i, t in enumerate(texts)]
            gold = rng.randrange(len(opts))
            numbered = style == "optnum"
            noun = {"optnum": "Option", "sentence": "Sentence", "caption": "Caption", "info": "Information"}.get(style)
            in_question = style != "plain" and rng.random() < 0.5
            question = q + "\n" + "\n".join(opts) if in_question else q
            label_choice = rng.choice(["key", "full", "text"]) if style not in {"plain", "info"} else "text"
            if style == "info":
                label = f"{LETTERS[gold]}. {texts[gold]}"
            elif label_choice == "key":
                label = str(gold + 1) if numbered else LETTERS[gold]
            elif label_choice == "full":
                label = opts[gold]
            else:
                label = texts[gold]
            extra = {"question": question}
            if not in_question:
                extra["choices"] = opts
            for pick in (gold, rng.choice([j for j in range(len(opts)) if j != gold])):
                key = str(pick + 1) if numbered else LETTERS[pick]
                if style == "info":
                    answers_t = [
                        f"{subject.capitalize()} is {texts[pick]} in the video.",
                        f"In this clip, {subject} is {texts[pick]} while the camera follows.",
                    ]
                    answers_h = [f"A short video of {subject} {texts[pick]}."]
                elif style == "plain":
                    answers_t = [texts[pick], f"{subject.capitalize()} is {texts[pick]}."]
                    answers_h = [f"It looks like {subject} is {texts[pick]} here."]
                else:
                    answers_t = [
                        key,
                        f"{key}.",
                        f"({key})",
                        f"{key}:",
                        f"Answer: {key.lower()}",
                        f"The answer is ({key}).",
                        f"{opts[pick]}",
                        f"the {ORDINALS[pick]} one",
                        (f"{noun} {key}" if noun else f"Option {key}"),
                        _rationale(opts, pick, key, rng),
                    ]
                    answers_h = [
                        f"Best answer: {key}",
                        f"I'd pick ({key.lower()})." if not numbered else f"I'd pick option {key}.",
                        f"{key} - {texts[pick]}",
                        f"My choice is {noun or 'option'} {key}.",
                        f"Correct option: {key}",
                        f"{texts[pick].capitalize()} ({key})",
                    ]
                for a in rng.sample(answers_t, min(4, len(answers_t))):
                    c.add("simple", a, label, pick == gold, "options", **extra)
                for a in rng.sample(answers_h, min(2, len(answers_h))):
                    c.add("simple", a, label, pick == gold, "options", "heldout", **extra)


def _rationale(opts: list[str], pick: int, key: str, rng: random.Random) -> str:
    lines = [rng.choice(FILLER), "Let's go through the options."]
    for i, o in enumerate(opts):
        if i != pick:
            lines.append(f"{o} - this does not match what happens in the video.")
        else:
            lines.append(f"{o} - this matches the frames.")
    lines.append(f"Therefore, the answer is {key}.")
    return "\n".join(lines)


# ---------------------------------------------------------------- 2. order

FROM_TO = [
    ("left", "right"),
    ("top", "bottom"),
    ("the door", "the window"),
    ("green", "red"),
    ("the kitchen", "the garden"),
]
FROM_TO_VERBS = [
    ("moving", "moves"),
    ("panning", "pans"),
    ("walking", "walks"),
    ("sliding", "slides"),
    ("rolling", "rolls"),
]
CHANGES = [
    ("full blossom", "withered"),
    ("empty", "full"),
    ("green", "yellow"),
    ("solid", "liquid"),
    ("small", "large"),
]
COMPARE = [
    ("cup", "glass", "is filled"),
    ("red car", "blue truck", "drives"),
    ("dog", "cat", "runs"),
    ("boy", "girl", "swims"),
]
COMPARATIVES = [("faster", "slower"), ("higher", "lower"), ("louder", "quieter")]
PARTICLES = [
    ("zooming in", "zooming out", "The camera is"),
    ("going up", "going down", "The elevator is"),
    ("moving forward", "moving backward", "The car is"),
    ("turning left", "turning right", "The cyclist is"),
    ("getting brighter", "getting darker", "The room is"),
    ("increasing", "decreasing", "The water level is"),
    ("expanding", "shrinking", "The balloon is"),
    ("opening the door", "closing the door", "The man is"),
    ("pushing the cart", "pulling the cart", "The woman is"),
]
SEQ = [
    ("opening the fridge", "pouring milk"),
    ("putting on a jacket", "leaving the room"),
    ("picking up the phone", "sitting down"),
]


def order(c: Corpus, rng: random.Random) -> None:
    for a, b in FROM_TO:
        for ger, third in FROM_TO_VERBS:
            label = f"{ger} from {a} to {b}"
            subj = rng.choice(["The car", "The camera", "The person", "The ball"])
            c.add("simple", f"{subj} {third} from {a} to {b}.", label, True, "order")
            c.add("simple", f"{subj} {third} from {b} to {a}.", label, False, "order")
            c.add(
                "simple",
                f"In the video, {subj.lower()} is {ger} from {b} to {a} across the frame.",
                label,
                False,
                "order",
            )
            c.add("simple", f"{subj} starts at {a} and {third} to {b}.", label, True, "order", "heldout")
            c.add("simple", f"{subj} {third} to {a}, coming from {b}.", label, False, "order", "heldout")
    for x, y in CHANGES:
        label = f"turning from {x} to {y}"
        c.add("simple", f"The object slowly turns from {x} to {y}.", label, True, "order")
        c.add("simple", f"The object slowly turns from {y} to {x}.", label, False, "order")
        c.add("simple", f"Over the clip it changes from {y} into {x}.", label, False, "order", "heldout")
        c.add("simple", f"It is turning from {x} to {y} over time.", label, True, "order", "heldout")
    for p, q, verb in COMPARE:
        for fast, slow in COMPARATIVES:
            label = f"the {p} {verb} {fast} than the {q}"
            c.add("simple", f"The {p} {verb} {fast} than the {q}.", label, True, "order")
            c.add("simple", f"The {q} {verb} {fast} than the {p}.", label, False, "order")
            c.add("simple", f"The {p} {verb} {slow} than the {q}.", label, False, "order")
            c.add("simple", f"Compared with the {q}, the {p} {verb} {fast}.", label, True, "order", "heldout")
            c.add("simple", f"The {q} clearly {verb} {fast} than the {p} does.", label, False, "order", "heldout")
    for good, bad, subj in PARTICLES:
        for style in range(3):
            text = [f"{subj} {{}}.", f"{subj} clearly {{}} in this video.", "Answer: {}"][style]
            c.add("simple", text.format(good), good, True, "order")
            c.add("simple", text.format(bad), good, False, "order")
        c.add("simple", f"Throughout the clip, {subj.lower()} {bad} steadily.", good, False, "order", "heldout")
        c.add("simple", f"Throughout the clip, {subj.lower()} {good} steadily.", good, True, "order", "heldout")
    for first, second in SEQ:
        label = f"{first} before {second}"
        c.add("simple", f"The person is {first} before {second}.", label, True, "order")
        c.add("simple", f"The person is {second} before {first}.", label, False, "order")
        c.add("simple", f"The person is {first}, then {second}.", label, True, "order", "heldout")
    # One-word differences for the embedding kinds.
    swaps = [
        (
            "the man folds the blanket",
            "The man folds the blanket on the bed.",
            "The man throws the blanket on the bed.",
        ),
        ("the woman opens the red door", "The woman opens the red door.", "The woman opens the blue door."),
        (
            "the boy kicks the ball to the left",
            "The boy kicks the ball to the left.",
            "The boy kicks the ball to the right.",
        ),
        ("two dogs run in the park", "Two dogs run in the park.", "Three dogs run in the park."),
        ("the chef cuts the tomato", "The chef cuts the tomato on a board.", "The chef cuts the cucumber on a board."),
        ("the girl picks up the cup", "The girl picks up the cup.", "The girl knocks over the cup."),
        (
            "the man pushes the cart",
            "The man pushes the cart down the aisle.",
            "The man pulls the cart down the aisle.",
        ),
        ("the cat jumps onto the table", "The cat jumps onto the table.", "The cat jumps onto the chair."),
        ("the woman pours coffee into a mug", "The woman pours coffee into a mug.", "The woman pours tea into a mug."),
        (
            "the car turns right at the corner",
            "The car turns right at the corner.",
            "The car turns left at the corner.",
        ),
    ]
    for kind in ("sentence", "classifier", "llm"):
        for label, good, bad in swaps:
            c.add(kind, good, label, True, "order")
            c.add(kind, bad, label, False, "order")
            c.add(kind, f"{rng.choice(FILLER)} {bad}", label, False, "order", "heldout")
    steps = [
        (["the man picks up the box", "the man opens the box", "the man takes out a ball"], "opens", "closes"),
        (["the woman fills the kettle", "the woman boils the water", "the woman pours the tea"], "fills", "empties"),
        (["the dog runs to the door", "the dog barks", "the dog lies down"], "barks", "sleeps"),
    ]
    for kind in ("sentence_sequence", "classifier_sequence"):
        for golds, verb, other in steps:
            text = ". ".join(s.capitalize() for s in golds) + "."
            c.add(kind, text, golds, True, "order")
            c.add(kind, text.replace(verb, other), golds, False, "order")
            rev = ". ".join(s.capitalize() for s in reversed(golds)) + "."
            c.add(kind, rev, golds, False, "order")


# ---------------------------------------------------------------- 3. enumeration


def enumeration(c: Corpus, rng: random.Random) -> None:
    for _ in range(45):
        a, b, d = rng.sample(ACTS, 3)
        subj = rng.choice(SUBJECTS)
        label = b[0]
        c.add("simple", f"{subj} is {a[0]}, {b[0]} and {d[0]}.", label, False, "enumeration")
        c.add("simple", f"Possible actions: {a[0]}, {b[0]}, {d[0]}.", label, False, "enumeration")
        c.add("simple", f"Possible actions: {a[0]}, {b[0]}.", label, False, "enumeration")
        c.add(
            "simple", f"The activity could be one of these:\n- {a[0]}\n- {b[0]}\n- {d[0]}", label, False, "enumeration"
        )
        c.add("simple", f"It may look like {b[0]}, but it is actually {a[0]}.", label, False, "enumeration")
        c.add("simple", f"It may look like {a[0]}, but it is actually {b[0]}.", label, True, "enumeration")
        c.add("simple", f"{subj} {b[1]} in the video.", label, True, "enumeration")
        c.add("simple", f"{subj} is {b[0]}. {rng.choice(FILLER)}", label, True, "enumeration")
        c.add("simple", f"Candidates include {d[0]}, {b[0]} and {a[0]}.", label, False, "enumeration", "heldout")
        c.add("simple", f"This could be {a[0]}, {b[0]}, or {d[0]}.", label, False, "enumeration", "heldout")
        c.add(
            "simple",
            f"At first glance it seems to be {b[0]}; however, {subj.lower()} is {d[0]}.",
            label,
            False,
            "enumeration",
            "heldout",
        )
        c.add(
            "simple",
            f"Although it might appear to be {a[0]}, {subj.lower()} is really {b[0]}.",
            label,
            True,
            "enumeration",
            "heldout",
        )
        c.add("simple", f"1. {a[0]}\n2. {b[0]}\n3. {d[0]}", label, False, "enumeration", "heldout")
    for _ in range(20):
        objs = rng.sample(OBJECTS, 3)
        c.add("obj_identify", f"I can see a {objs[0]}, a {objs[1]} and a {objs[2]}.", objs[1], False, "enumeration")
        c.add("obj_identify", f"The object held up is a {objs[1]}.", objs[1], True, "enumeration")
        c.add(
            "obj_identify", f"It resembles a {objs[1]}, but it is actually a {objs[2]}.", objs[1], False, "enumeration"
        )


# ---------------------------------------------------------------- 4. paraphrase

PARA = [
    (
        "Took the towel.",
        ["She takes a towel from the rack.", "The man took the towel.", "He is taking the towel."],
        ["She takes a cup from the rack.", "He drops the towel."],
    ),
    (
        "raising his arm to look at the watch",
        ["He raises his arm to check his watch.", "The man raised his arm and looked at his watch."],
        ["He raises his arm to wave at a friend.", "He lowers his arm."],
    ),
    (
        "Opened the laptop.",
        ["The person opens a laptop on the desk.", "She is opening the laptop."],
        ["The person closes the laptop.", "She opens the fridge."],
    ),
    (
        "putting a book on the shelf",
        ["He puts the book on a shelf.", "She placed books on the shelf."],
        ["He takes a book off the shelf.", "She puts a vase on the shelf."],
    ),
    (
        "washing the dishes",
        ["The woman washes dishes in the sink.", "A man washed the dish."],
        ["The woman dries her hands.", "A man is washing the car."],
    ),
    (
        "Threw the ball.",
        ["The boy throws a ball.", "She is throwing the ball across the yard."],
        ["The boy catches a ball.", "She throws a frisbee."],
    ),
    (
        "eating a sandwich",
        ["The kid eats a sandwich.", "He ate the sandwich quickly."],
        ["The kid makes a sandwich.", "He eats an apple."],
    ),
    (
        "Closed the window.",
        ["The woman closes the window.", "He is closing a window."],
        ["The woman opens the window.", "He closes the door."],
    ),
]


def paraphrase(c: Corpus, rng: random.Random) -> None:
    for label, goods, bads in PARA:
        for i, g in enumerate(goods):
            c.add("simple", g, label, True, "paraphrase", "heldout" if i == len(goods) - 1 else "tune")
            c.add("simple", f"{rng.choice(FILLER)} {g}", label, True, "paraphrase")
        for b in bads:
            c.add("simple", b, label, False, "paraphrase")
            c.add("simple", f"{rng.choice(FILLER)} {b}", label, False, "paraphrase")
    for ger, third, past in ACTS:
        subj = rng.choice(SUBJECTS)
        c.add("simple", f"{subj} {past}.", ger, True, "paraphrase")
        c.add("simple", f"{subj} {third} several times.", ger, True, "paraphrase")
        c.add("simple", f"In the clip, {subj.lower()} {third}.", past.capitalize() + ".", True, "paraphrase")
        other = rng.choice([a for a in ACTS if a[0] != ger])
        c.add("simple", f"{subj} {other[1]}.", ger, False, "paraphrase")
        c.add("simple", f"{subj} is not {ger} at all.", ger, False, "paraphrase", "heldout")
        c.add("simple", f"Not {ger}: {subj.lower()} {other[1]}.", ger, False, "paraphrase", "heldout")
    for kind in ("sentence", "classifier"):
        pairs = [
            ("the man opens the door", "A man opened the door and walked in.", "A man locks the door."),
            ("a woman slices bread", "The woman is slicing the bread.", "The woman butters the bread."),
            (
                "the child rides a bicycle",
                "A kid rides his bicycle down the street.",
                "A kid pushes his bicycle down the street.",
            ),
            ("the dog catches a frisbee", "The dog caught the frisbee in mid-air.", "The dog chases a ball."),
        ]
        for label, good, bad in pairs:
            c.add(kind, good, label, True, "paraphrase")
            c.add(kind, bad, label, False, "paraphrase")


# ---------------------------------------------------------------- 5. time ranges


def _fmt_s(x: float) -> str:
    return f"{x:.1f}"


def time_range(c: Corpus, rng: random.Random) -> None:
    for _ in range(30):
        a = round(rng.uniform(0.05, 0.5), 2)
        b = round(min(0.97, a + rng.uniform(0.2, 0.45)), 2)
        gold = [a, b]
        wa = round(min(0.95, b + rng.uniform(0.05, 0.2)), 2)
        wb = round(min(1.0, wa + 0.3), 2)
        wrong = [wa, max(wb, round(wa + 0.02, 2))]
        dur = rng.choice([20.0, 30.0, 60.0, 90.0])
        for ok, (x, y) in ((True, gold), (False, wrong)):
            c.add(
                "temporal_range",
                f"The action starts at {x} and, after a short pause, ends at {y}.",
                gold,
                ok,
                "time_range",
            )
            c.add("temporal_range", f"It begins at {x} and concludes at {y}.", gold, ok, "time_range")
            c.add(
                "temporal_range", f"The event has a start time of {x} and an end time of {y}.", gold, ok, "time_range"
            )
            c.add("temporal_range", f"From the {x} mark until about {y}, the man jumps.", gold, ok, "time_range")
            c.add(
                "temporal_range",
                f"The jump happens between {_fmt_s(x * dur)} seconds and {_fmt_s(y * dur)} seconds.",
                gold,
                ok,
                "time_range",
                duration=dur,
            )
            c.add("temporal_range", f"The ball is thrown from {x} to {y} seconds.", gold, ok, "time_range")
            c.add(
                "temporal_range",
                f"The person waves from {x} to {y}. Its stability is about {round(rng.uniform(0.1, 0.9), 1)}, and 3 people watch.",
                gold,
                ok,
                "time_range",
            )
            c.add("temporal_range", f"{x}-{y}", gold, ok, "time_range")
            c.add(
                "temporal_range",
                f"The action spans roughly {x} to {y} of the video.",
                gold,
                ok,
                "time_range",
                "heldout",
            )
            c.add("temporal_range", f"Start: {x}, End: {y}", gold, ok, "time_range", "heldout")
            c.add("temporal_range", f"The event occurs in [{x}, {y}].", gold, ok, "time_range", "heldout")
            c.add(
                "temporal_range",
                f"Around {x} the dog starts running, and it stops at approximately {y}.",
                gold,
                ok,
                "time_range",
                "heldout",
            )
            c.add(
                "temporal_range",
                f"The clip runs {dur:.0f} seconds; the pour lasts from {int(x * dur)}s to {int(y * dur)}s, with {rng.randint(2, 5)} cups on the table.",
                gold,
                ok,
                "time_range",
                "heldout",
                duration=dur,
            )
    spans = [
        ("in the first half of the video", [0.0, 0.5]),
        ("during the last third of the clip", [0.667, 1.0]),
        ("in the second half", [0.5, 1.0]),
        ("during the first quarter", [0.0, 0.25]),
    ]
    for _text, gold in spans:
        for other_text, other in spans:
            inter = max(0.0, min(gold[1], other[1]) - max(gold[0], other[0]))
            ok = inter / (max(gold[1], other[1]) - min(gold[0], other[0])) > 0.5  # the kind's IoU rule
            c.add("temporal_range", f"The man jumps {other_text}.", gold, ok, "time_range")
            c.add("temporal_range", f"It mostly happens {other_text}, I think.", gold, ok, "time_range", "heldout")
    for _ in range(20):
        t = round(rng.uniform(0.1, 0.9), 2)
        dur = rng.choice([30.0, 60.0])
        off = round(min(0.99, t + rng.choice([0.25, 0.3, -0.25]) if t > 0.3 else t + 0.3), 2)
        c.add("timestamp", f"The cup falls at about {t * dur:.0f} seconds.", t, True, "time_range", duration=dur)
        c.add("timestamp", f"The cup falls at about {off * dur:.0f} seconds.", t, False, "time_range", duration=dur)
        c.add(
            "timestamp",
            f"The cup falls roughly {round(t * 100)}% of the way through.",
            t,
            True,
            "time_range",
            "heldout",
        )


# ---------------------------------------------------------------- 6. scores


def scores(c: Corpus, rng: random.Random) -> None:
    for _ in range(30):
        s100 = round(rng.uniform(40, 98), 1)
        s10 = round(rng.uniform(3, 9.8), 1)
        w100 = round(s100 * rng.choice([0.6, 0.7, 1.4]), 1)
        w10 = round(s10 * rng.choice([0.6, 1.5]), 1)
        dist = f"The diver performs {rng.randint(2, 4)} somersaults and {rng.randint(1, 3)} twists with a difficulty of {rng.uniform(2.5, 3.8):.1f}."
        for ok, v100, v10 in ((True, s100, s10), (False, w100, w10)):
            c.add("float", f"Score: {v100}/100", s100, ok, "score")
            c.add("float", f"I would rate this performance {v10} out of 10.", s10, ok, "score")
            c.add("float", f"{dist} The entry is clean.\nFinal score: {v100}/100", s100, ok, "score")
            c.add("float", f"Step 1: {dist}\nStep 2: Splash is minimal.\nSo the score is {v100}.", s100, ok, "score")
            c.add("float", f"Rating - {v10}/10", s10, ok, "score", "heldout")
            c.add("float", f"I would give this dive a score of {v100} (out of 100).", s100, ok, "score", "heldout")
            c.add("float", f"{dist} Overall: {v100} / 100 points.", s100, ok, "score", "heldout")


# ---------------------------------------------------------------- baseline (every kind)


def baseline(c: Corpus, rng: random.Random) -> None:
    for ger, third, _ in ACTS:
        subj = rng.choice(SUBJECTS)
        c.add("simple", f"{subj} is {ger}.", ger, True, "baseline")
        c.add("simple", f"{subj} is not {ger}; {subj.lower()} is resting.", ger, False, "baseline")
        c.add("simple", f"{rng.choice(FILLER)} {subj} {third} with great focus.", ger, True, "baseline")
    for o in OBJECTS:
        other = rng.choice([x for x in OBJECTS if x != o])
        c.add("obj_identify", f"The object is a {o}.", o, True, "baseline")
        c.add("obj_identify", f"The object is a {other}.", o, False, "baseline")
        c.add("obj_compare", f"The {o} is the one that was moved.", o, True, "baseline")
        c.add("obj_compare", f"The {other} is the one that was moved, not the {o}.", o, False, "baseline")
    for _ in range(20):
        c.add("simple", "Yes, the man is dunking.", "yes", True, "baseline")
        c.add("simple", "No. He is dribbling the ball.", "yes", False, "baseline")
        c.add("simple", "No, the video is not in slow motion.", "no", True, "baseline", "heldout")
    for _ in range(25):
        x, y = round(rng.uniform(0.2, 0.8), 2), round(rng.uniform(0.2, 0.8), 2)
        gold = [x, y, 0.2, 0.3]
        c.add("bbox", f"The cup is at [{x + 0.01:.2f}, {y:.2f}, 0.20, 0.30].", gold, True, "baseline")
        c.add("bbox", f"The cup is at [{min(0.95, x + 0.3):.2f}, {y:.2f}, 0.20, 0.30].", gold, False, "baseline")
        c.add("bbox", f"Bounding box: ({x:.2f}, {y + 0.02:.2f}, 0.21, 0.3)", gold, True, "baseline", "heldout")
    for _ in range(15):
        c.add(
            "same_or_not",
            "They look alike at first, but they are not the same object.",
            "not the same",
            True,
            "baseline",
        )
        c.add("same_or_not", "Yes, it is the same cup in both frames.", "the same", True, "baseline")
        c.add("same_or_not", "They are different objects.", "the same", False, "baseline")
        c.add("same_or_not", "Both clips show the identical mug.", "the same", True, "baseline", "heldout")
    for _ in range(25):
        t = round(rng.uniform(0.1, 0.9), 2)
        c.add("timestamp", f"The ball drops at {t}.", t, True, "baseline")
        c.add("timestamp", f"The ball drops at {round((t + 0.4) % 1, 2)}.", t, False, "baseline")
        s = round(rng.uniform(30, 95), 1)
        c.add("float", f"I estimate a score of {s}.", s, True, "baseline")
        c.add("float", f"Dives like this score between {s - 10:.0f} and {s + 10:.0f}.", s, False, "baseline")
    sents = [
        "the man opens the door",
        "a woman rides a horse on the beach",
        "the boy throws a ball to his dog",
        "the chef stirs the soup",
        "two people shake hands",
    ]
    for kind in ("sentence", "classifier", "llm"):
        for s in sents:
            c.add(kind, s.capitalize() + ".", s, True, "baseline")
            c.add(kind, f"{rng.choice(FILLER)} In the video, {s}.", s, True, "baseline")
            c.add(kind, "A cat sleeps on the sofa.", s, False, "baseline")
            neg = (
                s.replace(" opens", " does not open")
                .replace(" rides", " does not ride")
                .replace(" throws", " does not throw")
                .replace(" stirs", " does not stir")
                .replace(" shake", " do not shake")
            )
            c.add(kind, neg.capitalize() + ".", s, False, "baseline")
    seqs = [
        ["the diver jumps from the board", "the diver tucks", "the diver enters the water"],
        ["the man picks up the kettle", "the man pours water into a cup", "the man drinks"],
    ]
    for kind in ("sentence_sequence", "classifier_sequence", "llm"):
        for steps in seqs:
            c.add(kind, "First, " + ", then ".join(steps) + ".", steps, True, "baseline")
            c.add(kind, ". ".join(s.capitalize() for s in steps[:2]) + ".", steps, False, "baseline")
            c.add(kind, "First, " + ", then ".join(reversed(steps)) + ".", steps, False, "baseline")


# ---------------------------------------------------------------- second held-out batch

H2 = "heldout2"  # written after the first tuning round; never tuned against


def heldout2(c: Corpus, rng: random.Random) -> None:
    for _ in range(30):
        acts = rng.sample(ACTS, 4)
        texts = [a[0] for a in acts]
        opts = [f"{LETTERS[i]}. {t}" for i, t in enumerate(texts)]
        gold = rng.randrange(4)
        q = "What is the person doing?\n" + "\n".join(opts)
        for pick in (gold, (gold + rng.randrange(1, 4)) % 4):
            k = LETTERS[pick]
            wrong = LETTERS[(pick + 1) % 4]
            for a in (
                f"**{k}**",
                f"{k} is the correct answer.",
                f"Option {wrong} seems unlikely given the motion. I conclude ({k}) is correct.",
                f"I believe the answer is option {k}, since the person is clearly {texts[pick]}.",
                f"Answer: ({k}) {texts[pick]}",
                f"{k.lower()}",
                f"The person is {texts[pick]}, so {k}.",
            ):
                c.add(
                    "simple",
                    a,
                    rng.choice([LETTERS[gold], opts[gold], texts[gold]]),
                    pick == gold,
                    "options",
                    H2,
                    question=q,
                )
    dirs = [("right", "left"), ("left", "right"), ("top", "bottom")]
    for x, y in dirs:
        label = f"moving from {x} to {y}"
        c.add("simple", f"It moves from {x} to {y} across the screen.", label, True, "order", H2)
        c.add("simple", f"It moves {x} to {y}.", label, True, "order", H2)
        c.add("simple", f"It moves {y} to {x}.", label, False, "order", H2)
        c.add("simple", f"The object is moving to the {y}, away from the {x}.", label, True, "order", H2)
        c.add("simple", f"Clearly the motion goes from {y} to {x}, not the other way.", label, False, "order", H2)
    for good, bad, subj in PARTICLES:
        c.add("simple", f"Watching closely, {subj.lower()} {bad}, not {good}.", good, False, "order", H2)
        c.add("simple", f"{subj} {good}, which is easy to see.", good, True, "order", H2)
    for _ in range(25):
        a, b, d = rng.sample(ACTS, 3)
        c.add("simple", f"Activities observed: {a[0]}; {b[0]}; {d[0]}.", b[0], False, "enumeration", H2)
        c.add("simple", f"Not {b[0]}, but {a[0]}.", b[0], False, "enumeration", H2)
        c.add("simple", f"Not {a[0]}, but {b[0]}.", b[0], True, "enumeration", H2)
        c.add("simple", f"Is it {b[0]}? No, it is {a[0]}.", b[0], False, "enumeration", H2)
        c.add("simple", f"The person could be {a[0]}, {b[0]} or {d[0]}; hard to tell.", b[0], False, "enumeration", H2)
        c.add("simple", f"Judging by the frames, the person is {b[0]}.", b[0], True, "enumeration", H2)
        c.add("simple", f"Possible answers are {a[0]} and {b[0]}.", b[0], False, "enumeration", H2)
    para = [
        ("Took the towel.", "She grabbed the towel.", "She folded the towel."),
        ("cutting vegetables", "The man is seen cutting some vegetables.", "The man is washing some vegetables."),
        ("opening a bottle", "He opened the bottle with his teeth.", "He closed the bottle tightly."),
        ("putting the cup on the table", "She puts the cup down on the table.", "She takes the cup off the table."),
        ("sitting on the bench", "A man sat on a bench.", "A man stood next to the bench."),
        ("drinking coffee", "The woman drinks her coffee.", "The woman spills her coffee."),
    ]
    for label, good, bad in para:
        c.add("simple", good, label, True, "paraphrase", H2)
        c.add("simple", f"{rng.choice(FILLER)} {good}", label, True, "paraphrase", H2)
        c.add("simple", bad, label, False, "paraphrase", H2)
    for _ in range(25):
        a = round(rng.uniform(0.05, 0.45), 2)
        b = round(a + rng.uniform(0.25, 0.45), 2)
        dur = rng.choice([20.0, 40.0])
        wa, wb = round(min(0.9, b + 0.05), 2), 1.0
        for ok, (x, y) in ((True, (a, b)), (False, (wa, wb))):
            g = [a, b]
            c.add("temporal_range", f"The relevant segment is {x}\u2013{y}.", g, ok, "time_range", H2)
            c.add("temporal_range", f"Start time: {x}; end time: {y}.", g, ok, "time_range", H2)
            c.add(
                "temporal_range",
                f"From 00:{int(x * dur):02d} to 00:{int(round(y * dur)):02d} the man climbs.",
                g,
                ok,
                "time_range",
                H2,
                duration=dur,
            )
            c.add(
                "temporal_range",
                f"The climb lasts roughly {x * dur:.0f}s-{y * dur:.0f}s, and {rng.randint(2, 6)} people cheer.",
                g,
                ok,
                "time_range",
                H2,
                duration=dur,
            )
            c.add(
                "temporal_range",
                f"Step 1: find the jump. Step 2: it starts at {x} and finishes at {y}.",
                g,
                ok,
                "time_range",
                H2,
            )
    c.add("temporal_range", "It happens in the middle third of the video.", [0.333, 0.667], True, "time_range", H2)
    c.add("temporal_range", "It happens in the first third of the video.", [0.333, 0.667], False, "time_range", H2)
    for _ in range(20):
        s100 = round(rng.uniform(40, 95), 1)
        s10 = round(rng.uniform(3, 9.5), 1)
        for ok, f in ((True, 1.0), (False, 0.65)):
            c.add("float", f"Predicted score: {s100 * f:.1f}", s100, ok, "score", H2)
            c.add("float", f"My estimate: {s10 * f:.1f}/10 points", s10, ok, "score", H2)
            c.add("float", f"Score = {s100 * f:.0f} out of 100", s100, ok, "score", H2)
            c.add(
                "float",
                f"The dive has {rng.randint(2, 4)} twists and a 3.2 difficulty; the splash is small. I'd score it {s100 * f:.1f}.",
                s100,
                ok,
                "score",
                H2,
            )
    sem = [
        (
            "a girl in a red dress dances",
            "A young girl wearing a red dress is dancing.",
            "A girl in a blue dress dances.",
        ),
        ("the man walks to the left", "The man is walking toward the left side.", "The man walks to the right."),
        ("three birds sit on a wire", "Three birds are sitting on the wire.", "Five birds sit on a wire."),
        ("the woman waters the plants", "A woman is watering plants in the garden.", "The woman cuts the plants."),
        ("the boy climbs the tree", "A boy climbs up a tree.", "The boy climbs the fence."),
        (
            "the dog drinks water from a bowl",
            "The dog is drinking water out of a bowl.",
            "The dog eats food from a bowl.",
        ),
    ]
    for kind in ("sentence", "classifier", "llm"):
        for label, good, bad in sem:
            c.add(kind, good, label, True, "order", H2)
            c.add(kind, bad, label, False, "order", H2)
            c.add(kind, f"In the video, {label} is not happening.", label, False, "baseline", H2)
    seq = ["the man opens the car door", "the man sits down", "the man starts the engine"]
    for kind in ("sentence_sequence", "classifier_sequence"):
        c.add(kind, "He opens the car door, sits down and then starts the engine.", seq, True, "baseline", H2)
        c.add(kind, "He starts the engine, then opens the door and sits down.", seq, False, "baseline", H2)
        c.add(kind, "He opens the car door and sits down.", seq, False, "baseline", H2)
        c.add(kind, "He opens the car door, sits down and then stops the engine.", seq, False, "order", H2)


# ---------------------------------------------------------------- third held-out batch

H3 = "heldout3"  # written last; measured once and reported, never tuned against


def heldout3(c: Corpus, rng: random.Random) -> None:
    for _ in range(20):
        acts = rng.sample(ACTS, 3)
        texts = [a[0] for a in acts]
        opts = [f"{LETTERS[i]}. {t}" for i, t in enumerate(texts)]
        gold = rng.randrange(3)
        q = "Which activity is shown?\n" + "\n".join(opts)
        for pick in (gold, (gold + 1) % 3):
            k, t = LETTERS[pick], texts[pick]
            others = [LETTERS[j] for j in range(3) if j != pick]
            for a in (
                f"Based on the video, the correct answer is: {k}. {t}",
                f"The video shows the person {t}. Therefore, the best answer is {k}.",
                f"({k}) {t}",
                f"{k}) {t}",
                f"Answer - {k}",
                f"I choose {k} because of how the person moves.",
                f"The answer should be {k}.",
                f"{others[0]} and {others[1]} do not fit; the answer is {k}.",
            ):
                c.add("simple", a, rng.choice([LETTERS[gold], opts[gold]]), pick == gold, "options", H3, question=q)
        caps = [f"Caption {LETTERS[i]}: A person is {t}." for i, t in enumerate(texts[:2])]
        qc = "Which caption matches the video better?\n" + "\n".join(caps)
        g2 = rng.randrange(2)
        for pick in (0, 1):
            for a in (
                f"Caption {LETTERS[pick]} is a better match for the video.",
                f"The {ORDINALS[pick]} caption better describes the video.",
                caps[pick],
            ):
                c.add("simple", a, caps[g2], pick == g2, "options", H3, question=qc)
    for gold in ("yes", "no"):
        for said, text in (
            ("yes", "Yes."),
            ("no", "No, the man is not dunking."),
            ("yes", "Yes, he is moving towards the camera."),
        ):
            c.add("simple", text, gold, said == gold, "baseline", H3)
    pairs = [
        (
            "towards the camera",
            "The people are skating towards the camera.",
            "The people are skating away from the camera.",
        ),
        ("slow motion", "The video is played in slow motion.", "The video plays at normal speed."),
        (
            "slow motion",
            "It looks like slow motion throughout.",
            "The video is not in slow motion; it runs at normal speed.",
        ),
        ("clockwise", "The wheel rotates clockwise.", "The wheel rotates counterclockwise."),
        ("clockwise", "The wheel rotates clockwise.", "The wheel rotates counter-clockwise."),
        ("from dark to bright", "The room goes from dark to bright.", "The room goes from bright to dark."),
        (
            "pouring the milk before stirring",
            "She pours the milk and then stirs it.",
            "She stirs first, then pours the milk.",
        ),
        ("rising", "The balloon is rising into the sky.", "The balloon is sinking toward the ground."),
    ]
    for label, good, bad in pairs:
        c.add("simple", good, label, True, "order", H3)
        c.add("simple", bad, label, False, "order", H3)
    for _ in range(10):
        a, b, d = rng.sample(ACTS, 3)
        c.add("simple", f"The person might be {a[0]}, {b[0]}, or {d[0]}.", b[0], False, "enumeration", H3)
        c.add("simple", f"Actions seen: {a[0]} / {b[0]} / {d[0]}", b[0], False, "enumeration", H3)
        c.add(
            "simple",
            f"It looks like {b[0]} at first glance, but the person is actually {a[0]}.",
            b[0],
            False,
            "enumeration",
            H3,
        )
        c.add(
            "simple",
            f"First the person stretches, and then {b[1].split(' ', 1)[0]} {b[1].split(' ', 1)[1] if ' ' in b[1] else ''}.".replace(
                " .", "."
            ),
            b[0],
            True,
            "enumeration",
            H3,
        )
    para = [
        ("picking up a cup", "The woman picks the cup up.", "The woman puts the cup down."),
        ("picking up a cup", "She lifted the cup from the table.", "She knocked the cup off the table."),
        ("walking the dog", "A man walks his dog along the river.", "A man washes his dog."),
        ("cutting paper with scissors", "She cuts the paper using scissors.", "She folds the paper."),
    ]
    for label, good, bad in para:
        c.add("simple", good, label, True, "paraphrase", H3)
        c.add("simple", bad, label, False, "paraphrase", H3)
    for _ in range(8):
        a = round(rng.uniform(0.1, 0.4), 2)
        b = round(a + rng.uniform(0.25, 0.4), 2)
        dur = 40.0
        wrong = (round(min(0.95, b + 0.05), 2), 1.0)
        for ok, (x, y) in ((True, (a, b)), (False, wrong)):
            g = [a, b]
            c.add(
                "temporal_range",
                f"The event takes place from approximately {x * dur:.1f}s to {y * dur:.1f}s.",
                g,
                ok,
                "time_range",
                H3,
                duration=dur,
            )
            c.add("temporal_range", f"Timestamps: {x} \u2192 {y}", g, ok, "time_range", H3)
            c.add(
                "temporal_range",
                f"The action occurs between the {round(x * 100)}% and {round(y * 100)}% marks.",
                g,
                ok,
                "time_range",
                H3,
            )
            c.add(
                "temporal_range",
                f"It starts around {x * dur:.0f} seconds in and ends near the {y * dur:.0f}-second mark.",
                g,
                ok,
                "time_range",
                H3,
                duration=dur,
            )
            c.add(
                "temporal_range",
                f"Answer: [{x}, {y}]. The camera shakes a bit (about 0.3 on a 0-1 scale).",
                g,
                ok,
                "time_range",
                H3,
            )
    for _ in range(8):
        sc = round(rng.uniform(50, 95), 1)
        s10 = round(rng.uniform(4, 9.5), 1)
        c.add("float", f"Predicted Score: {sc:.2f}", sc, True, "score", H3)
        c.add("float", f"I'd estimate around {round(sc)} points.", sc, True, "score", H3)
        c.add("float", f"The score is likely in the range {round(sc) - 5}-{round(sc) + 5}.", sc, False, "score", H3)
        c.add("float", f"Final Answer: {s10}/10", s10, True, "score", H3)
        c.add("float", f"Final Answer: {round(s10 * 0.5, 1)}/10", s10, False, "score", H3)
        c.add("float", f"Score (0-100): {sc}", sc, True, "score", H3)
    sem = [
        (
            "a man is slicing a tomato",
            "Someone slices a tomato on a cutting board.",
            ["A man is slicing a cucumber.", "A man is peeling a tomato."],
        ),
        (
            "the girl throws the ball to the dog",
            "A girl throws a ball for her dog.",
            ["The girl takes the ball from the dog.", "The boy throws the ball to the dog."],
        ),
        ("the car drives up the hill", "A car is driving up a hill.", ["A car drives down the hill."]),
    ]
    for kind in ("sentence", "classifier", "llm"):
        for label, good, bads in sem:
            c.add(kind, good, label, True, "order", H3)
            for bad in bads:
                c.add(kind, bad, label, False, "order", H3)
    seq = ["the woman opens the oven", "the woman puts in the tray", "the woman closes the oven"]
    for kind in ("sentence_sequence", "classifier_sequence", "llm"):
        c.add(kind, "She opens the oven, puts the tray in, and closes the oven.", seq, True, "baseline", H3)
        c.add(kind, "She closes the oven, then opens it and puts in the tray.", seq, False, "baseline", H3)


# ---------------------------------------------------------------- more embedding-kind answers

SEM_MORE = [
    ("a woman is typing on a laptop", "The woman types on her laptop at a desk.", "The woman closes her laptop."),
    (
        "the boy rides a skateboard down the street",
        "A boy skateboards down the street.",
        "A boy carries a skateboard down the street.",
    ),
    (
        "a man is washing a red car",
        "A man washes a red car in the driveway.",
        "A man washes a white car in the driveway.",
    ),
    ("the cat jumps off the sofa", "The cat leaps off the couch.", "The cat sleeps on the sofa."),
    (
        "two children are building a sandcastle",
        "Two kids build a sandcastle on the beach.",
        "Two kids destroy a sandcastle on the beach.",
    ),
    ("the chef flips a pancake", "The chef flips the pancake in the pan.", "The chef burns the pancake in the pan."),
    ("a man climbs up the ladder", "A man is climbing up a ladder.", "A man climbs down the ladder."),
    ("the woman pours milk into the bowl", "The woman pours milk into a bowl.", "The woman pours milk into a glass."),
]


def semantic_more(c: Corpus, rng: random.Random) -> None:
    for kind in ("sentence", "classifier", "llm"):
        for label, good, bad in SEM_MORE:
            c.add(kind, good, label, True, "paraphrase")
            c.add(kind, f"{rng.choice(FILLER)} {good}", label, True, "paraphrase")
            c.add(kind, bad, label, False, "order")
            c.add(kind, f"{good[:-1]}? No, that is not what happens.", label, False, "baseline")
    steps = [
        ["the man fills a glass with water", "the man drinks the water", "the man puts the glass down"],
        ["the girl opens the book", "the girl reads a page", "the girl closes the book"],
    ]
    for kind in ("sentence_sequence", "classifier_sequence"):
        for st in steps:
            c.add(kind, "Step 1: " + st[0] + ". Step 2: " + st[1] + ". Step 3: " + st[2] + ".", st, True, "baseline")
            c.add(kind, " and then ".join(st).capitalize() + ".", st, True, "baseline")
            c.add(kind, ", then ".join(reversed(st)).capitalize() + ".", st, False, "order")
            c.add(kind, (st[0] + ", then " + st[2]).capitalize() + ".", st, False, "baseline")


# ---------------------------------------------------------------- fourth held-out batch

H4 = "heldout4"  # written after every change above; measured once, reported as is


def heldout4(c: Corpus, rng: random.Random) -> None:
    for _ in range(12):
        acts = rng.sample(ACTS, 4)
        texts = [a[0] for a in acts]
        q = "What is happening in the video?\n" + "\n".join(f"({LETTERS[i]}) {t}" for i, t in enumerate(texts))
        gold = rng.randrange(4)
        for pick in (gold, (gold + 2) % 4):
            k, t = LETTERS[pick], texts[pick]
            for a in (
                f"Option ({k}) is the most accurate description.",
                f"After reviewing the clip, I'd say it's {k}: {t}.",
                f"The person in the video appears to be {t}. Correct option: ({k})",
                f"{k}\n\nExplanation: the person is {t}.",
                f"Looking at the frames, the answer must be {t}.",
            ):
                c.add("simple", a, LETTERS[gold], pick == gold, "options", H4, question=q)
    for x, y in (("left", "right"), ("top", "bottom"), ("front", "back")):
        label = f"from {x} to {y}"
        c.add("simple", f"The camera pans from {x} to {y} slowly.", label, True, "order", H4)
        c.add("simple", f"The camera pans from {y} to {x} slowly.", label, False, "order", H4)
        c.add("simple", f"The motion is from the {x} side to the {y} side.", label, True, "order", H4)
    for good, bad in (
        ("getting larger", "getting smaller"),
        ("speeding up", "slowing down"),
        ("filling up", "emptying"),
    ):
        c.add("simple", f"Over time the object keeps {good}.", good, True, "order", H4)
        c.add("simple", f"Over time the object keeps {bad}.", good, False, "order", H4)
    for _ in range(8):
        a, b, d = rng.sample(ACTS, 3)
        c.add(
            "simple", f"The clip could show {a[0]}, {b[0]} or {d[0]}, but it's unclear.", b[0], False, "enumeration", H4
        )
        c.add(
            "simple",
            f"Several activities are possible here: {a[0]}, {b[0]}, and {d[0]}.",
            b[0],
            False,
            "enumeration",
            H4,
        )
        c.add("simple", f"The main activity is {b[0]}.", b[0], True, "enumeration", H4)
        c.add("simple", f"It isn't {b[0]}; the person is {a[0]}.", b[0], False, "enumeration", H4)
    for label, good, bad in (
        ("holding an umbrella", "She holds an umbrella over her head.", "She opens a bag under her umbrella stand."),
        ("running on a treadmill", "A man runs on the treadmill.", "A man walks next to a treadmill."),
        ("Poured the juice.", "The kid pours juice into a cup.", "The kid drinks the juice."),
    ):
        c.add("simple", good, label, True, "paraphrase", H4)
        c.add("simple", bad, label, False, "paraphrase", H4)
    for _ in range(6):
        a = round(rng.uniform(0.1, 0.4), 2)
        b = round(a + rng.uniform(0.3, 0.45), 2)
        for ok, (x, y) in ((True, (a, b)), (False, (round(b + 0.02, 2), min(1.0, round(b + 0.3, 2))))):
            g = [a, b]
            c.add(
                "temporal_range",
                f"The described event is located at {x} - {y} in the normalized timeline.",
                g,
                ok,
                "time_range",
                H4,
            )
            c.add("temporal_range", f"I estimate it begins near {x} and is over by {y}.", g, ok, "time_range", H4)
            c.add("temporal_range", f"Range: {round(x * 100)}%-{round(y * 100)}%", g, ok, "time_range", H4)
    for _ in range(6):
        sc = round(rng.uniform(50, 95), 1)
        c.add("float", f"Considering execution and difficulty, my predicted score is {sc}.", sc, True, "score", H4)
        c.add("float", f"Execution: 8/10. Difficulty: 3.1. Overall score: {sc}", sc, True, "score", H4)
        c.add("float", f"Execution: 8/10. Difficulty: 3.1. Overall score: {round(sc * 0.6, 1)}", sc, False, "score", H4)
    for kind in ("sentence", "classifier", "llm"):
        for label, good, bad in (
            (
                "a man is riding a bicycle down a hill",
                "A man rides his bike down a hill.",
                "A man pushes his bicycle up a hill.",
            ),
            (
                "the woman puts the plate in the sink",
                "The woman places the plate into the sink.",
                "The woman takes the plate out of the sink.",
            ),
        ):
            c.add(kind, good, label, True, "paraphrase", H4)
            c.add(kind, bad, label, False, "order", H4)


def main() -> None:
    rng = random.Random(SEED)
    c = Corpus()
    for part in (options, order, enumeration, paraphrase, time_range, scores, baseline, heldout2, heldout3):
        part(c, rng)
    semantic_more(c, random.Random(SEED + 1))  # added last: the batches above keep their draws
    heldout4(c, random.Random(SEED + 2))
    with OUT.open("w", encoding="utf-8") as f:
        for r in c.rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(c.rows)} records -> {OUT}")


if __name__ == "__main__":
    main()
