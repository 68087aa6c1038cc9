"""The review set (tests/data/verify_review.jsonl): judged answers written apart from the corpus generator.

Written by hand by a reviewer, in the styles real video LVLMs answer TempCompass-like, MVBench-like,
Charades-STA-like and FineDiving-like questions (bare letters, "Caption B matches ...", verbose
rationales that restate the options, markdown, yes/no with a reason, captions that list several
candidates, time ranges in seconds and clock time, scores with a maximum). Each answer carries the
verdict a careful judge gives. Nothing here is generated from the corpus templates: every answer
is a literal below. Run ``python tests/data/make_verify_review.py`` to rewrite the JSONL.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent / "verify_review.jsonl"
ROWS: list[dict] = []


def add(kind, label, output, expected, cls, **extra):
    ROWS.append(
        {
            "question_id": f"r{len(ROWS):04d}",
            "output": output,
            "label": {"t": label},
            "label_type": ["t"],
            "verifier_type": [kind],
            "expected": expected,
            "class": cls,
            "split": "review",
            **extra,
        }
    )


# --- multi-choice, letter gold, options in `choices` ("A. ...") --------------------------------
MC = [
    (
        "Which way is the car driving?",
        ["A. toward the camera", "B. from right to left", "C. from left to right", "D. away from the camera"],
        "B",
        [
            ("B", True, "options"),
            ("b", True, "options"),
            ("(B)", True, "options"),
            ("B) from right to left", True, "options"),
            ("Answer: B", True, "options"),
            ("**B. from right to left**", True, "options"),
            ("The car is driving from right to left.", True, "options"),
            ("The car drives from the right side of the frame to the left side.", True, "paraphrase"),
            ("C. from left to right", False, "options"),
            ("The car is moving from left to right across the screen.", False, "order"),
            ("C", False, "options"),
            ("The car is driving towards the camera.", False, "options"),
            ("It is either B or C; the motion blur makes it hard to tell.", False, "hedge"),
            ("The car is not moving from right to left; it moves away from the camera.", False, "negation"),
        ],
    ),
    (
        "What is the speed of the video?",
        ["A. time-lapse", "B. normal speed", "C. slow motion"],
        "C",
        [
            ("C.", True, "options"),
            ("The answer is: (C) slow motion", True, "options"),
            ("The video is shot in slow motion, which lets the viewer see every droplet.", True, "options"),
            (
                "At first glance it might look like normal speed, but the water droplets hang in the air, so the "
                "video is in slow motion.",
                True,
                "options",
            ),
            ("Option C", True, "options"),
            ("The video plays at normal speed.", False, "options"),
            ("B. normal speed", False, "options"),
            ("A", False, "options"),
            ("The video is not in slow motion.", False, "negation"),
            ("It might be slow motion or a time-lapse.", False, "hedge"),
        ],
    ),
    (
        "What is the woman doing?",
        ["A. folding a towel", "B. ironing a shirt", "C. hanging laundry", "D. washing dishes"],
        "B",
        [
            ("B. ironing a shirt", True, "options"),
            ("The woman in the video is ironing a shirt on an ironing board.", True, "options"),
            ("She irons a shirt.", True, "paraphrase"),
            ("She is ironing.", True, "paraphrase"),
            ("D. washing dishes", False, "options"),
            ("The woman is folding a towel and putting it away.", False, "options"),
            ("The woman is folding, ironing and hanging clothes in the laundry room.", False, "enumeration"),
            ("Possible activities: folding a towel, ironing a shirt, hanging laundry.", False, "enumeration"),
            ("She is probably ironing a shirt, but it could also be folding.", False, "hedge"),
        ],
    ),
    (
        "How does the camera move?",
        ["A. zooming in", "B. zooming out", "C. panning left", "D. static"],
        "A",
        [
            ("A", True, "options"),
            ("A.", True, "options"),
            ("The camera zooms in on the flower.", True, "paraphrase"),
            ("The camera is zooming in.", True, "options"),
            ("The camera slowly zooms in toward the building.", True, "paraphrase"),
            ("The camera zooms out to reveal the whole field.", False, "order"),
            ("B. zooming out", False, "options"),
            ("The camera is zooming out.", False, "order"),
            ("The camera stays static throughout.", False, "options"),
            ("The camera does not zoom in; it pans to the left.", False, "negation"),
        ],
    ),
    (
        "In what order do the events happen?",
        [
            "A. the man opens the fridge, then drinks milk",
            "B. the man drinks milk, then opens the fridge",
            "C. the man closes the fridge, then drinks milk",
        ],
        "A",
        [
            ("A", True, "options"),
            ("(A) the man opens the fridge, then drinks milk", True, "options"),
            ("First the man opens the fridge and after that he drinks milk.", True, "order"),
            ("The man opens the fridge before drinking the milk.", True, "order"),
            ("The man drinks milk and then opens the fridge.", False, "order"),
            ("The man drinks milk before he opens the fridge.", False, "order"),
            ("B", False, "options"),
            ("The answer is B.", False, "options"),
        ],
    ),
    (
        "How does the color of the sky change?",
        ["A. from blue to orange", "B. from orange to blue", "C. it stays blue", "D. from gray to blue"],
        "B",
        [
            ("B", True, "options"),
            ("The sky turns from orange to blue.", True, "order"),
            ("The sky changes from orange to blue as the sun rises.", True, "order"),
            ("The sky goes from an orange color to a blue color.", True, "paraphrase"),
            ("The sky changes from blue to orange.", False, "order"),
            ("The sky turns from blue to orange at sunset.", False, "order"),
            ("A. from blue to orange", False, "options"),
            ("The sky stays blue the whole time.", False, "options"),
        ],
    ),
    (
        "Which sentence describes the liquid level?",
        ["A. it is rising", "B. it is falling", "C. it stays the same"],
        "A",
        [
            ("A) it is rising", True, "options"),
            ("The liquid level rises as the glass is filled.", True, "paraphrase"),
            ("The water level keeps increasing.", True, "paraphrase"),
            ("The liquid level is falling.", False, "order"),
            ("The water level decreases steadily.", False, "order"),
            ("C", False, "options"),
        ],
    ),
    (
        "What is the dog doing at the end of the video?",
        ["A. sleeping", "B. barking", "C. running", "D. eating"],
        "C",
        [
            ("C. running", True, "options"),
            ("At the end, the dog is running across the yard.", True, "options"),
            ("The dog runs away at the end.", True, "paraphrase"),
            ("The correct option is C.", True, "options"),
            ("Answer: (c)", True, "options"),
            ("The dog is sleeping at the end.", False, "options"),
            ("At the beginning the dog is eating, and at the end it is sleeping.", False, "options"),
            ("The dog is barking and running around.", False, "enumeration"),
        ],
    ),
    (
        "Which is faster?",
        ["A. the red car is faster than the blue car", "B. the blue car is faster than the red car"],
        "B",
        [
            ("B", True, "options"),
            ("The blue car is faster than the red car.", True, "order"),
            ("The red car is slower than the blue car.", True, "order"),
            ("The red car is faster than the blue car.", False, "order"),
            ("The blue car is slower than the red one.", False, "order"),
            ("A", False, "options"),
        ],
    ),
]
for q, choices, gold, answers in MC:
    for out, exp, cls in answers:
        add("simple", gold, out, exp, cls, question=q, choices=choices)

# --- multi-choice with the options only in the question text ----------------------------------
MCQ = [
    (
        "What is the direction of the boat?\nA. moving towards the shore\nB. moving away from the shore\nC. not moving",
        "B",
        [
            ("B", True),
            ("B.", True),
            ("The boat is moving away from the shore.", True),
            ("Based on the video, the boat is sailing away from the shore, so the answer is B.", True),
            ("A", False),
            ("The boat is moving towards the shore.", False),
            ("The boat is not moving.", False),
        ],
    ),
    (
        "Which action happens first?\n(A) the girl jumps\n(B) the girl sits down\n(C) the girl waves",
        "C",
        [
            ("(C)", True),
            ("C", True),
            ("The girl waves first, then she jumps.", True),
            ("(A) the girl jumps", False),
            ("A", False),
            ("The girl sits down first.", False),
        ],
    ),
    (
        "What happens to the candle?\nA. it is lit\nB. it is blown out\nC. it falls over\nD. it melts completely",
        "B",
        [
            ("B. it is blown out", True),
            ("Someone blows out the candle.", True),
            ("The candle is blown out by the girl.", True),
            ("The candle is lit with a match.", False),
            ("D", False),
            ("The candle is not blown out; it falls over.", False),
        ],
    ),
]
for q, gold, answers in MCQ:
    for out, exp in answers:
        add("simple", gold, out, exp, "options", question=q)

# --- yes / no (boolean gold) -------------------------------------------------------------------
YN = [
    ("Is the man moving from left to right?", True, "Yes.", True),
    ("Is the man moving from left to right?", True, "Yes", True),
    (
        "Is the man moving from left to right?",
        True,
        "yes, he walks from the left side of the frame to the right.",
        True,
    ),
    ("Is the man moving from left to right?", True, "No.", False),
    ("Is the man moving from left to right?", True, "No, he is moving from right to left.", False),
    ("Is the man moving from left to right?", False, "No, he is moving from right to left.", True),
    ("Is the man moving from left to right?", False, "Yes.", False),
    ("Is the man moving from left to right?", False, "No", True),
    ("Is the video playing in slow motion?", True, "Yes, the video is in slow motion.", True),
    ("Is the video playing in slow motion?", True, "The video is indeed playing in slow motion.", True),
    ("Is the video playing in slow motion?", True, "No, the video is played at normal speed.", False),
    (
        "Is the entire video presented in slow motion?",
        True,
        "No, the video is not entirely in slow motion. The first part is slowed down, but the rest is at regular "
        "speed.",
        False,
    ),
    ("Is the entire video presented in slow motion?", False, "No, only part of it is slowed down.", True),
    ("Are the people skiing?", False, "No, the people are not skiing. They are ice skating on a rink.", True),
    ("Are the people skiing?", False, "Yes, the people are skiing down the slope.", False),
    ("Are the people skiing?", True, "Yes, they are skiing down a snowy hill.", True),
    (
        "Is passing a basketball depicted in the video?",
        False,
        "Yes, the video shows a man passing a basketball.",
        False,
    ),
    ("Is passing a basketball depicted in the video?", False, "No, the man only dunks the ball.", True),
    ("Does the water level rise?", True, "Yes, the water level rises as the glass fills up.", True),
    ("Does the water level rise?", True, "It is hard to tell from the video.", False),
    ("Does the water level rise?", False, "I cannot determine whether the water level rises.", False),
    ("Does the water level rise?", False, "No. The level drops as the water drains.", True),
    ("Is the camera zooming out?", False, "No, the camera is zooming in.", True),
    ("Is the camera zooming out?", True, "No, the camera is zooming in.", False),
    ("Is the camera zooming out?", True, "Yes, it zooms out to show the whole stadium.", True),
    ("Does the girl open the door before she turns on the light?", True, "Yes, she opens the door first.", True),
    ("Does the girl open the door before she turns on the light?", False, "Yes, she opens the door first.", False),
    ("Does the girl open the door before she turns on the light?", False, "No, she turns on the light first.", True),
    ("Is the woman dancing?", True, "Answer: Yes", True),
    ("Is the woman dancing?", True, "**Yes** - she dances throughout the clip.", True),
    ("Is the woman dancing?", False, "**No** - she is sitting on a chair the whole time.", True),
    ("Is the woman dancing?", True, "Maybe, it is not clear.", False),
    ("Is the woman dancing?", False, "Yes and no; she sways a little but does not really dance.", False),
    ("Is the car getting closer to the camera?", True, "Yes, the car approaches the camera.", True),
    ("Is the car getting closer to the camera?", False, "Yes, the car approaches the camera.", False),
    ("Is the car getting closer to the camera?", False, "No, the car drives away from the camera.", True),
]
for q, gold, out, exp in YN:
    add("simple", gold, out, exp, "yes_no", question=q)

# --- caption matching: gold is the option's text, options in the question with their names ------
CM = [
    (
        "Which caption matches the video better?\nCaption A: The man is moving from right to left.\n"
        "Caption B: The man is moving from left to right.",
        ["The man is moving from right to left.", "The man is moving from left to right."],
        1,
        [
            ("Caption B: The man is moving from left to right.", True, "options"),
            ("Caption B", True, "options"),
            (
                "Caption B matches the video better, as the man walks from the left to the right of the frame.",
                True,
                "options",
            ),
            ("Caption B is the best option as it matches the video better.", True, "options"),
            ("The second caption.", True, "options"),
            ("B", True, "options"),
            ("Caption A: The man is moving from right to left.", False, "options"),
            ("Caption A matches the video better.", False, "options"),
            ("The man is moving from right to left.", False, "order"),
            (
                "Caption A says the man moves from right to left, while Caption B says left to right. In the video "
                "he clearly walks from left to right, so Caption B is correct.",
                True,
                "options",
            ),
            ("Caption A or Caption B could both fit the video.", False, "hedge"),
        ],
    ),
    (
        "Which sentence better captures the essence of the video?\nSentence A: A woman is slicing a tomato.\n"
        "Sentence B: A woman is peeling a potato.",
        ["A woman is slicing a tomato.", "A woman is peeling a potato."],
        0,
        [
            ("Sentence A.", True, "options"),
            ("Sentence A: A woman is slicing a tomato.", True, "options"),
            ("A woman is slicing a tomato.", True, "options"),
            ("The woman slices a tomato on a cutting board.", True, "paraphrase"),
            ("Sentence B: A woman is peeling a potato.", False, "options"),
            ("Sentence B.", False, "options"),
            ("The woman is peeling a potato.", False, "options"),
            ("The first sentence is a better fit.", True, "options"),
        ],
    ),
    (
        "Which description is a more suitable match for the video?\nOption 1: The video is playing in reverse.\n"
        "Option 2: The video is playing at normal speed.",
        ["The video is playing in reverse.", "The video is playing at normal speed."],
        1,
        [
            ("Option 2: The video is playing at normal speed.", True, "options"),
            ("Option 2", True, "options"),
            ("2", True, "options"),
            ("Option 2 is more suitable.", True, "options"),
            ("Option 1: The video is playing in reverse.", False, "options"),
            ("Option 1", False, "options"),
            ("The video is played in reverse.", False, "options"),
            ("Neither option fits; the video is in slow motion.", False, "negation"),
        ],
    ),
    (
        "Which caption matches the video better?\nCaption A: The balloon is inflated.\n"
        "Caption B: The balloon is deflated.",
        ["The balloon is inflated.", "The balloon is deflated."],
        1,
        [
            ("Caption B: The balloon is deflated.", True, "options"),
            ("Caption B matches better because the balloon loses air and shrinks.", True, "options"),
            ("The balloon gets deflated.", True, "paraphrase"),
            ("Caption A: The balloon is inflated.", False, "options"),
            ("The balloon is being inflated with a pump.", False, "order"),
        ],
    ),
]
for q, choices, gi, answers in CM:
    for out, exp, cls in answers:
        add("simple", choices[gi], out, exp, cls, question=q, choices=choices)

# --- open-ended short answers (MSVD-QA / ActivityNet-QA style, `simple`) ------------------------
OPEN = [
    ("What is the man playing?", "guitar", "The man is playing a guitar.", True, "baseline"),
    ("What is the man playing?", "guitar", "Guitar", True, "baseline"),
    ("What is the man playing?", "guitar", "He is strumming an acoustic guitar on a stage.", True, "baseline"),
    ("What is the man playing?", "guitar", "A bass or a guitar, it is hard to say.", False, "hedge"),
    ("What is the man playing?", "guitar", "The man is playing the piano.", False, "baseline"),
    ("What is the man playing?", "guitar", "He is not playing a guitar, he is playing a violin.", False, "negation"),
    ("What is the man playing?", "guitar", "The man plays the violin next to a guitar stand.", False, "baseline"),
    ("What animal appears?", "cat", "A cat.", True, "baseline"),
    ("What animal appears?", "cat", "There is a small kitten walking on the sofa.", True, "paraphrase"),
    ("What animal appears?", "cat", "The animals shown are a dog, a cat and a rabbit.", False, "enumeration"),
    ("What animal appears?", "cat", "A dog.", False, "baseline"),
    ("What animal appears?", "cat", "It looks like a cat at first, but it is actually a small fox.", False, "negation"),
    ("How many people are there?", 3, "There are three people in the video.", True, "baseline"),
    ("How many people are there?", 3, "3", True, "baseline"),
    ("How many people are there?", 3, "I count 3 people.", True, "baseline"),
    ("How many people are there?", 3, "There are two people in the video.", False, "baseline"),
    ("How many people are there?", 3, "There are 2 or 3 people.", False, "hedge"),
    ("How many people are there?", 3, "At 0:03 there are 5 people.", False, "baseline"),
    ("What is the woman holding?", "umbrella", "She holds a red umbrella.", True, "baseline"),
    ("What is the woman holding?", "umbrella", "The woman is holding umbrellas.", True, "paraphrase"),
    ("What is the woman holding?", "umbrella", "The woman is holding a handbag.", False, "baseline"),
    ("What is the woman holding?", "umbrella", "She is holding either an umbrella or a cane.", False, "hedge"),
    ("What color is the car?", "red", "The car is red.", True, "baseline"),
    ("What color is the car?", "red", "Red.", True, "baseline"),
    ("What color is the car?", "red", "The car is dark red with black wheels.", True, "baseline"),
    ("What color is the car?", "red", "The car is blue.", False, "baseline"),
    ("What color is the car?", "red", "It's not red, it is orange.", False, "negation"),
    ("What sport is being played?", "playing tennis", "They are playing tennis.", True, "paraphrase"),
    ("What sport is being played?", "playing tennis", "Tennis.", True, "paraphrase"),
    ("What sport is being played?", "playing tennis", "The players play tennis on a clay court.", True, "paraphrase"),
    ("What sport is being played?", "playing tennis", "They are playing badminton.", False, "baseline"),
    ("What sport is being played?", "playing tennis", "Table tennis.", False, "baseline"),
    ("What is the difficulty of the dive?", 3.2, "The difficulty degree is 3.2.", True, "score"),
    ("What is the difficulty of the dive?", 3.2, "DD: 3.2", True, "score"),
    ("What is the difficulty of the dive?", 3.2, "The dive has a difficulty of 3.0.", False, "score"),
    (
        "What is the difficulty of the dive?",
        3.2,
        "With 3 somersaults and 2 twists, the difficulty is 3.6.",
        False,
        "score",
    ),
]
for q, gold, out, exp, cls in OPEN:
    add("simple", gold, out, exp, cls, question=q)

# --- object identification / comparison --------------------------------------------------------
OBJ = [
    ("obj_identify", "laptop", "The object in the box is a laptop.", True, "baseline"),
    ("obj_identify", "laptop", "laptop", True, "baseline"),
    ("obj_identify", "laptop", "It is an open laptop computer on the desk.", True, "paraphrase"),
    ("obj_identify", "laptop", "The person is holding a laptop.", True, "baseline"),
    ("obj_identify", "laptop", "It is a book.", False, "baseline"),
    ("obj_identify", "laptop", "It might be a laptop or a book.", False, "hedge"),
    ("obj_identify", "laptop", "Objects visible: a cup, a laptop, a phone.", False, "enumeration"),
    (
        "obj_identify",
        "laptop",
        "It looks like a laptop, but it is actually a tablet in a keyboard case.",
        False,
        "negation",
    ),
    ("obj_identify", "pillow", "A pillow.", True, "baseline"),
    ("obj_identify", "pillow", "The man picks up the pillows from the bed.", True, "paraphrase"),
    ("obj_identify", "pillow", "The highlighted object is a blanket.", False, "baseline"),
    ("obj_identify", "pillow", "Not a pillow - it is a folded blanket.", False, "negation"),
    ("obj_identify", "cup", "**Object:** cup", True, "baseline"),
    ("obj_identify", "cup", "The object is a cupboard.", False, "baseline"),
    ("obj_identify", "cup", "It is a coffee cup.", True, "paraphrase"),
    ("obj_identify", "cup", "It is a glass, not a cup.", False, "negation"),
    ("obj_identify", "shoe", "A pair of shoes.", True, "paraphrase"),
    ("obj_identify", "shoe", "Perhaps a shoe, perhaps a bag.", False, "hedge"),
    ("obj_compare", "box", "The box is the one that was moved.", True, "baseline"),
    ("obj_compare", "box", "The person moved the box, not the chair.", True, "baseline"),
    ("obj_compare", "box", "The chair was moved, not the box.", False, "negation"),
    ("obj_compare", "box", "The chair.", False, "baseline"),
    ("obj_compare", "box", "It was the box.", True, "baseline"),
    ("obj_compare", "box", "Both the box and the chair were moved.", False, "enumeration"),
    (
        "obj_compare",
        "towel",
        "Comparing the two frames, the towel is the object that changed position.",
        True,
        "baseline",
    ),
    (
        "obj_compare",
        "towel",
        "Comparing the two frames, the towel stayed in place while the blanket moved.",
        False,
        "order",
    ),
]
for kind, gold, out, exp, cls in OBJ:
    add(kind, gold, out, exp, cls)

SAME = [
    ("the same", "Yes, they are the same object.", True),
    ("the same", "Same.", True),
    ("the same", "It is the same bag in both frames.", True),
    ("the same", "The two boxes show identical objects.", True),
    ("the same", "No, they are different objects.", False),
    ("the same", "They are not the same.", False),
    ("the same", "They might be the same object, but I am not sure.", False),
    ("the same", "The first box shows a cup and the second box shows a bowl, so they differ.", False),
    ("not the same", "No, they are different objects.", True),
    ("not the same", "Different.", True),
    ("not the same", "The first box shows a cup and the second box shows a bowl, so they differ.", True),
    ("not the same", "The objects are not identical.", True),
    ("not the same", "Yes, they are the same object.", False),
    ("not the same", "It is the same cup.", False),
    ("not the same", "They look different at first, but it is actually the same bag.", False),
]
for gold, out, exp in SAME:
    add("same_or_not", gold, out, exp, "negation" if "not" in out.lower() else "baseline")

# --- float: action-quality scores --------------------------------------------------------------
FLOAT = [
    (72.3, "Final score: 72.3", True),
    (72.3, "Final score: 72.3/100", True),
    (72.3, "Score: 70", True),
    (72.3, "I would give this dive a score of 71.4.", True),
    (72.3, "**Score:** 74.0", True),
    (72.3, "The dive deserves about 72 points.", True),
    (72.3, "Final score: 45.0", False),
    (72.3, "The score is 8.5 out of 10.", False),
    (72.3, "Difficulty 3.2, execution 7.5 ... total: 55.2", False),
    (72.3, "Step 1: forward takeoff. Step 2: 2.5 somersaults, difficulty 3.0. Step 3: clean entry. Score: 73.5", True),
    (72.3, "The judges award 7.5, 8.0 and 8.0; with a difficulty of 3.0 the total is 70.5.", True),
    (72.3, "The dive scores between 60 and 80.", False),
    (72.3, "I cannot score this dive.", False),
    (72.3, "Score: 72.3? No, on reflection it is closer to 50.", False),
    (8.5, "8.5 out of 10", True),
    (8.5, "Rating: 8.5/10", True),
    (8.5, "I rate it 6/10.", False),
    (8.5, "It gets 85%.", False),
    (48.6, "Estimated score = 48.6 points (difficulty 2.0 x execution 24.3).", True),
    (48.6, "Based on the splash, I estimate 47.", True),
    (48.6, "Based on the splash, I estimate 38.", False),
    (48.6, "The dive has 3 somersaults, 1 twist and a difficulty of 2.8; final score 86.4.", False),
    (0.42, "The ratio is 0.42.", True),
    (0.42, "About 42%.", True),
    (0.42, "The ratio is 0.7.", False),
    (15.0, "The person runs roughly 15 meters.", True),
    (15.0, "The person runs about 30 meters.", False),
]
for gold, out, exp in FLOAT:
    add("float", gold, out, exp, "score")

# --- timestamp ----------------------------------------------------------------------------------
TS = [
    (0.25, None, "The glass falls at 0.25.", True),
    (0.25, None, "It happens about a quarter of the way through the video.", True),
    (0.25, None, "At 25% of the video.", True),
    (0.25, None, "At 0.8.", False),
    (0.25, 40.0, "The glass falls at 10 seconds.", True),
    (0.25, 40.0, "The glass falls at 00:10.", True),
    (0.25, 40.0, "The glass falls at 0:11.", True),
    (0.25, 40.0, "At around 30s the glass falls.", False),
    (0.25, 40.0, "The glass falls at 00:32 after the cat jumps at 00:10.", False),
    (0.6, 120.0, "The man sits down at 1:12.", True),
    (0.6, 120.0, "The man sits down at 72 seconds.", True),
    (0.6, 120.0, "He sits down at 1 minute 12 seconds.", True),
    (0.6, 120.0, "The man sits down at 0:20.", False),
    (0.6, None, "Near the middle of the clip, around 60%.", True),
    (0.6, None, "At the very beginning.", False),
    (0.9, None, "Right at the end of the video.", True),
    (0.9, None, "In the first few seconds.", False),
]
for gold, dur, out, exp in TS:
    extra = {"duration": dur} if dur else {}
    if "glass" in out:
        extra["question"] = "When does the glass fall?"
    add("timestamp", gold, out, exp, "time_range", **extra)

# --- temporal_range -----------------------------------------------------------------------------
TR = [
    ([0.2, 0.5], 30.0, "The person opens the door from 6 to 15 seconds.", True),
    ([0.2, 0.5], 30.0, "The event occurs between 6.0s and 15.0s.", True),
    ([0.2, 0.5], 30.0, "From 00:06 to 00:15.", True),
    ([0.2, 0.5], 30.0, "[6.2, 14.8]", True),
    ([0.2, 0.5], 30.0, "6.0 - 15.0 seconds", True),
    ([0.2, 0.5], 30.0, "The person opens the door starting at 5.5s and finishing around 14s.", True),
    ([0.2, 0.5], 30.0, "The door is opened from 20 to 28 seconds.", False),
    ([0.2, 0.5], 30.0, "The door is opened from 0:21 to 0:29.", False),
    ([0.2, 0.5], 30.0, "It takes about 9 seconds to open the door, starting at 20s.", False),
    ([0.2, 0.5], 30.0, "0.2 - 0.5", True),
    ([0.2, 0.5], 30.0, "The action spans 0.20 to 0.50 of the video.", True),
    ([0.2, 0.5], None, "The person opens the door from 0.2 to 0.5.", True),
    ([0.2, 0.5], None, "Start: 0.21, End: 0.49", True),
    ([0.2, 0.5], None, "start time 0.19, end time 0.52", True),
    ([0.2, 0.5], None, "The door opens between 20% and 50% of the video.", True),
    ([0.2, 0.5], None, "The door opens between 60% and 90% of the video.", False),
    ([0.2, 0.5], None, "The action starts at 0.7 and ends at 0.95.", False),
    ([0.2, 0.5], None, "I am not able to determine when the door is opened.", False),
    ([0.0, 0.35], 20.0, "The man pours the water at the very beginning, from 0 to 7 seconds.", True),
    ([0.0, 0.35], 20.0, "In the first third of the video.", True),
    ([0.0, 0.35], 20.0, "From the start until about 7s.", True),
    ([0.0, 0.35], 20.0, "In the last third of the video.", False),
    ([0.0, 0.35], 20.0, "Between 12s and 19s the man pours the water.", False),
    ([0.6, 1.0], 50.0, "From 30 seconds until the end of the video.", True),
    ([0.6, 1.0], 50.0, "In the second half, from 00:30 to 00:50.", True),
    ([0.6, 1.0], 50.0, "During the last 20 seconds.", True),
    ([0.6, 1.0], 50.0, "From 5 to 20 seconds.", False),
    ([0.6, 1.0], 50.0, "In the first half of the video.", False),
    (
        [0.3, 0.6],
        60.0,
        "The person first picks up the phone at 5 seconds. The person then takes a photo, which happens "
        "from 18 seconds to 36 seconds. Finally they put the phone down at 50 seconds.",
        True,
    ),
    (
        [0.3, 0.6],
        60.0,
        "The person walks in at 18s. Then, from 40s to 55s, they take a photo with the phone.",
        False,
    ),
    (
        [0.3, 0.6],
        None,
        "To locate the event, I looked at the frames. The person takes the photo in the interval [0.31, 0.58]. "
        "The lighting changes at 0.9.",
        True,
    ),
    ([0.3, 0.6], None, "The photo is taken from the 0.3 mark until roughly 0.6.", True),
    (
        [0.3, 0.6],
        None,
        "The photo is taken at around 0.32, and the person lowers the phone at approximately 0.61.",
        True,
    ),
    ([0.3, 0.6], None, "The photo is taken from 0.6 to 0.9.", False),
    ([0.45, 0.75], 80.0, "The relevant segment is 36.0-60.0 seconds.", True),
    ([0.45, 0.75], 80.0, "Timestamps: 00:36 - 01:00", True),
    ([0.45, 0.75], 80.0, "From 0:36 to 1:00 the woman is dancing.", True),
    ([0.45, 0.75], 80.0, "From 0:05 to 0:30 the woman is dancing.", False),
    ([0.45, 0.75], 80.0, "The woman dances from 36 s to 60 s, then sits from 60 s to 80 s.", True),
    ([0.45, 0.75], 80.0, "The woman sits from 36 s to 60 s, and dances from 0 s to 20 s.", False),
]
for gold, dur, out, exp in TR:
    extra = {"duration": dur} if dur else {}
    if "woman" in out and "dance" in out:
        extra["question"] = "When does the woman dance?"
    add("temporal_range", gold, out, exp, "time_range", **extra)

# --- bbox ---------------------------------------------------------------------------------------
BB = [
    ([0.5, 0.5, 0.2, 0.3], "The object is at [0.5, 0.5, 0.2, 0.3].", True),
    ([0.5, 0.5, 0.2, 0.3], "Bounding box (x_center, y_center, w, h): 0.51, 0.49, 0.21, 0.3", True),
    ([0.5, 0.5, 0.2, 0.3], "[0.48, 0.52, 0.2, 0.28]", True),
    ([0.5, 0.5, 0.2, 0.3], "The cup is located at [0.1, 0.1, 0.2, 0.3].", False),
    ([0.5, 0.5, 0.2, 0.3], "The cup is in the center of the frame.", False),
    ([0.5, 0.5, 0.2, 0.3], "Box: x=0.50, y=0.50, w=0.20, h=0.30", True),
    ([0.5, 0.5, 0.2, 0.3], "The cup is at [0.9, 0.9, 0.1, 0.1], next to the plate at [0.5, 0.5, 0.2, 0.3].", False),
    ([0.25, 0.7, 0.3, 0.2], '{"bbox": [0.25, 0.7, 0.3, 0.2]}', True),
    ([0.25, 0.7, 0.3, 0.2], "(0.26, 0.69, 0.31, 0.2)", True),
    ([0.25, 0.7, 0.3, 0.2], "(0.7, 0.25, 0.3, 0.2)", False),
]
for gold, out, exp in BB:
    add("bbox", gold, out, exp, "baseline")

# --- sentence (captions, before/after sub-actions, STAR answers) -------------------------------
SENT = [
    ("man: dunking a basketball", "A man dunks a basketball into the hoop.", True, "paraphrase"),
    (
        "man: dunking a basketball",
        "The video shows a man dunking a basketball on an outdoor court.",
        True,
        "paraphrase",
    ),
    ("man: dunking a basketball", "A man dribbles a basketball across the court.", False, "baseline"),
    (
        "man: dunking a basketball",
        "The video showcases a man dribbling a basketball, dunking a basketball, and passing a basketball.",
        False,
        "enumeration",
    ),
    ("man: dunking a basketball", "A man passes the basketball to a teammate.", False, "baseline"),
    ("man: moving from left to right", "A man walks from the left side of the frame to the right.", True, "order"),
    ("man: moving from left to right", "A man walks from right to left across the street.", False, "order"),
    (
        "man: moving from left to right",
        "A man is seen moving away from the camera while holding a ball.",
        False,
        "baseline",
    ),
    (
        "video: slow motion",
        "The video is shown in slow motion as the skater glides across the ice.",
        True,
        "paraphrase",
    ),
    ("video: slow motion", "The video plays at a fast pace, showing the skaters rushing by.", False, "baseline"),
    ("video: slow motion", "This is a time-lapse of skaters on the ice.", False, "baseline"),
    ("sky: turning from blue to orange", "The sky gradually turns from blue to orange as the sun sets.", True, "order"),
    ("sky: turning from blue to orange", "The sky changes from orange to blue as the sun rises.", False, "order"),
    ("sky: turning from blue to orange", "The sky is blue and the sun is shining.", False, "baseline"),
    ("the person closes the laptop", "The person shuts the laptop.", True, "paraphrase"),
    ("the person closes the laptop", "The person closed the laptop and left.", True, "paraphrase"),
    ("the person closes the laptop", "The person opens the laptop.", False, "order"),
    ("the person closes the laptop", "The person did not close the laptop.", False, "negation"),
    ("the person closes the laptop", "The person closes the door.", False, "order"),
    ("the person closes the laptop", "The person may have closed the laptop, or maybe a book.", False, "hedge"),
    ("the person put down the cup", "They put the cup down on the table.", True, "paraphrase"),
    ("the person put down the cup", "The person picked up the cup.", False, "order"),
    ("the person put down the cup", "Answer: put down the cup.", True, "paraphrase"),
    ("the person put down the cup", "The person puts down the phone.", False, "order"),
    ("pike", "After the takeoff, the diver assumes a pike position.", True, "paraphrase"),
    ("pike", "The next sub-action is a pike.", True, "paraphrase"),
    ("pike", "The next sub-action is a tuck.", False, "baseline"),
    ("3.5 somersaults", "The diver performs 3.5 somersaults.", True, "paraphrase"),
    ("3.5 somersaults", "The diver performs 2.5 somersaults.", False, "baseline"),
    ("3.5 somersaults", "The diver performs 3.5 twists.", False, "baseline"),
    ("the boy is throwing the ball to the dog", "The boy tosses the ball to his dog.", True, "paraphrase"),
    ("the boy is throwing the ball to the dog", "The dog brings the ball back to the boy.", False, "order"),
    ("the boy is throwing the ball to the dog", "The boy is catching the ball from the dog.", False, "order"),
    ("a woman is pouring milk into a bowl", "A woman pours milk in a bowl of cereal.", True, "paraphrase"),
    ("a woman is pouring milk into a bowl", "A woman pours cereal into a bowl.", False, "order"),
    ("a woman is pouring milk into a bowl", "A woman is drinking milk from a bowl.", False, "order"),
    ("a woman is pouring milk into a bowl", "A man is pouring milk into a bowl.", False, "order"),
]
for gold, out, exp, cls in SENT:
    add("sentence", gold, out, exp, cls)

# --- classifier (Kinetics / SSv2 class names checked by meaning) --------------------------------
CLS = [
    ("riding a bike", "A person is cycling along a trail.", True, "paraphrase"),
    ("riding a bike", "The man rides his bicycle down the street.", True, "paraphrase"),
    ("riding a bike", "A person is riding a horse.", False, "baseline"),
    ("riding a bike", "A person is repairing a bike.", False, "order"),
    ("riding a bike", "The boy is not riding a bike; he is pushing it.", False, "negation"),
    ("playing guitar", "Someone strums a guitar.", True, "paraphrase"),
    ("playing guitar", "A man plays the guitar and sings.", True, "paraphrase"),
    ("playing guitar", "A man is tuning a guitar.", False, "order"),
    ("playing guitar", "A man plays the drums.", False, "baseline"),
    ("playing guitar", "Possible actions: playing guitar, playing violin, playing piano.", False, "enumeration"),
    ("pushing something from left to right", "The person pushes the box from left to right.", True, "order"),
    ("pushing something from left to right", "Pushing a cup from the left to the right.", True, "order"),
    ("pushing something from left to right", "The person pushes the box from right to left.", False, "order"),
    ("pushing something from left to right", "The person pulls the box from left to right.", False, "order"),
    ("putting something into something", "The hand puts a pen into a cup.", True, "paraphrase"),
    ("putting something into something", "The hand takes a pen out of a cup.", False, "order"),
    ("folding clothes", "A woman folds a shirt and stacks it.", True, "paraphrase"),
    ("folding clothes", "A woman throws clothes onto the bed.", False, "order"),
    ("folding clothes", "It might be folding clothes, or perhaps ironing.", False, "hedge"),
    ("tying shoelaces", "A child ties his shoelaces.", True, "paraphrase"),
    ("tying shoelaces", "A child unties his shoelaces.", False, "order"),
]
for gold, out, exp, cls in CLS:
    add("classifier", gold, out, exp, cls)

# --- llm (free-form answers checked by meaning) ------------------------------------------------
LLM = [
    ("the man is washing a car", "The man is washing his car with a sponge.", True, "paraphrase"),
    ("the man is washing a car", "A man cleans a car using soap and water.", True, "paraphrase"),
    ("the man is washing a car", "The man is driving a car.", False, "order"),
    ("the man is washing a car", "The man is not washing the car; he is just standing next to it.", False, "negation"),
    ("the man is washing a car", "The man is washing a dog.", False, "order"),
    ("the girl feeds the ducks", "A girl throws bread to the ducks to feed them.", True, "paraphrase"),
    ("the girl feeds the ducks", "The girl is feeding ducks by the pond.", True, "paraphrase"),
    ("the girl feeds the ducks", "The girl chases the ducks away.", False, "order"),
    ("the girl feeds the ducks", "The ducks are feeding the girl.", False, "order"),
    ("the girl feeds the ducks", "It is unclear what the girl is doing with the ducks.", False, "hedge"),
    ("the woman climbs up the ladder", "A woman goes up a ladder.", True, "paraphrase"),
    ("the woman climbs up the ladder", "A woman climbs down the ladder.", False, "order"),
    ("the woman climbs up the ladder", "The woman is climbing up a ladder to reach the roof.", True, "paraphrase"),
    ("the woman climbs up the ladder", "A woman carries the ladder.", False, "order"),
]
for gold, out, exp, cls in LLM:
    add("llm", gold, out, exp, cls)

# --- sequences ---------------------------------------------------------------------------------
SEQ_GOLD = ["the man picks up the phone", "the man dials a number", "the man talks on the phone"]
SEQ = [
    ("The man picks up the phone, dials a number, and then talks on it.", True),
    ("1. He picks up the phone.\n2. He dials a number.\n3. He talks on the phone.", True),
    ("- picks up the phone\n- dials a number\n- talks on the phone", True),
    ("First, the man lifts the phone. Next, he dials a number. Finally, he starts talking on the phone.", True),
    ("The man talks on the phone, then picks it up and dials a number.", False),
    ("The man picks up the phone and talks on it.", False),
    ("The man dials a number, picks up the phone, then talks.", False),
    ("The man picks up the phone, dials a number and puts it down.", False),
]
for kind in ("sentence_sequence", "classifier_sequence"):
    for out, exp in SEQ:
        add(kind, SEQ_GOLD, out, exp, "order")

DIVE_GOLD = ["Forward", "2.5 Soms.Pike", "Entry"]
DIVE = [
    ("The diver does a forward takeoff, then 2.5 somersaults in the pike position, then enters the water.", True),
    ("Sub-actions: Forward -> 2.5 Soms.Pike -> Entry", True),
    ("Forward, 2.5 Soms.Pike, Entry", True),
    ("Forward, 3.5 Soms.Tuck, Entry", False),
    ("Back, 2.5 Soms.Pike, Entry", False),
    ("Entry, 2.5 Soms.Pike, Forward", False),
]
for out, exp in DIVE:
    add("sentence_sequence", DIVE_GOLD, out, exp, "order")

SEQ2_GOLD = ["opening the fridge", "taking out a bottle", "closing the fridge"]
SEQ2 = [
    ("Step 1: open the fridge. Step 2: take out a bottle. Step 3: close the fridge.", True),
    ("She opens the fridge, takes a bottle out and closes the door of the fridge.", True),
    ("She opens the fridge, closes it, and then takes out a bottle from the table.", False),
    ("She opens the fridge and takes out a bottle.", False),
    ("She closes the fridge, takes out a bottle, and opens the fridge.", False),
]
for kind in ("sentence_sequence", "classifier_sequence"):
    for out, exp in SEQ2:
        add(kind, SEQ2_GOLD, out, exp, "order")


# === second batch ("review2"): written after the first fixes, never tuned on ==================
SPLIT2 = {"split": "review2"}
MC2 = [
    (
        "What is the man doing?",
        ["A. juggling balls", "B. throwing a frisbee", "C. kicking a ball"],
        "A",
        [
            ("The man is juggling three balls in the air.", True, "options"),
            ("A. juggling balls.", True, "options"),
            ("Answer: A. juggling balls", True, "options"),
            ("(A) juggling balls", True, "options"),
            ("I think the answer is A.", True, "options"),
            ("The correct answer is C. kicking a ball", False, "options"),
            ("He juggles balls.", True, "paraphrase"),
            ("The man is kicking a ball around the yard.", False, "options"),
            ("The man appears to be throwing a frisbee.", False, "options"),
            ("The man is not juggling; he is kicking a ball.", False, "negation"),
            ("It is difficult to say, but it might be juggling balls.", False, "hedge"),
            ("juggling balls", True, "options"),
            ("The man juggles balls, throws a frisbee and kicks a ball.", False, "enumeration"),
        ],
    ),
    (
        "How is the video played?",
        ["A. slow motion", "B. normal speed", "C. fast forward", "D. reverse"],
        "D",
        [
            ("D", True, "options"),
            ("D. reverse", True, "options"),
            ("The video is played in reverse.", True, "options"),
            ("The video is in fast forward.", False, "options"),
            ("The video plays at normal speed, not in reverse.", False, "negation"),
            ("Reverse.", True, "options"),
            ("The video is reversed, as the water flows back into the glass.", True, "paraphrase"),
            ("C", False, "options"),
        ],
    ),
    (
        "Which way does the wheel rotate?",
        ["A. clockwise", "B. counterclockwise", "C. not rotating"],
        "B",
        [
            ("B", True, "options"),
            ("The wheel rotates counterclockwise.", True, "options"),
            ("The wheel rotates counter-clockwise.", True, "options"),
            ("The wheel is rotating clockwise.", False, "order"),
            ("A", False, "options"),
            ("The wheel isn't rotating at all.", False, "options"),
        ],
    ),
    (
        "How does the light change?",
        ["A. the light gets brighter", "B. the light gets dimmer", "C. the light stays the same"],
        "A",
        [
            ("A. the light gets brighter", True, "options"),
            ("The light gradually becomes brighter.", True, "paraphrase"),
            ("The light gets dimmer over time.", False, "order"),
            ("The light stays the same.", False, "options"),
            ("Option A", True, "options"),
        ],
    ),
]
for q, choices, gold, answers in MC2:
    for out, exp, cls in answers:
        add("simple", gold, out, exp, cls, question=q, choices=choices, **SPLIT2)

CM2 = [
    (
        "Which sentence better captures the essence of the video?\nSentence A: The car is moving towards the camera.\n"
        "Sentence B: The car is moving away from the camera.",
        ["The car is moving towards the camera.", "The car is moving away from the camera."],
        0,
        [
            ("Sentence A: The car is moving towards the camera.", True, "options"),
            ("A", True, "options"),
            ("Sentence A", True, "options"),
            ("Sentence B: The car is moving away from the camera.", False, "options"),
            ("Sentence A better captures the essence of the video, as the car approaches the camera.", True, "options"),
            ("The car is moving away from the camera, so Sentence B.", False, "options"),
            ("The car moves toward the camera.", True, "paraphrase"),
            ("Sentence B better captures the video.", False, "options"),
        ],
    ),
    (
        "Which caption matches the video better?\nCaption A: The girl is climbing up the stairs.\n"
        "Caption B: The girl is climbing down the stairs.",
        ["The girl is climbing up the stairs.", "The girl is climbing down the stairs."],
        1,
        [
            ("Caption B", True, "options"),
            ("Caption B: The girl is climbing down the stairs.", True, "options"),
            ("The girl is climbing down the stairs.", True, "options"),
            ("The girl climbs up the stairs.", False, "order"),
            ("Caption A", False, "options"),
            ("Caption A matches the video better.", False, "options"),
            ("Neither caption; the girl is sitting on the stairs.", False, "negation"),
        ],
    ),
    (
        "Which description is a more suitable match for the video?\nOption 1: The man first sits down and then "
        "stands up.\nOption 2: The man first stands up and then sits down.",
        ["The man first sits down and then stands up.", "The man first stands up and then sits down."],
        1,
        [
            ("Option 2", True, "options"),
            ("Option 2: The man first stands up and then sits down.", True, "options"),
            ("The man stands up, then sits down.", True, "order"),
            ("The man sits down first and then stands up.", False, "order"),
            ("Option 1", False, "options"),
            ("Option 1 is more suitable.", False, "options"),
            ("The second option.", True, "options"),
        ],
    ),
]
for q, choices, gi, answers in CM2:
    for out, exp, cls in answers:
        add("simple", choices[gi], out, exp, cls, question=q, choices=choices, **SPLIT2)

YN2 = [
    ("Is the car moving towards the camera?", True, "Yes, it is.", True),
    ("Is the car moving towards the camera?", True, "yes", True),
    ("Is the car moving towards the camera?", True, "Yes, the car is approaching.", True),
    ("Is the car moving towards the camera?", True, "No, it is moving away.", False),
    ("Is the car moving towards the camera?", True, "The car is moving towards the camera.", True),
    ("Is the car moving towards the camera?", True, "The car is moving away from the camera.", False),
    ("Is the car moving towards the camera?", False, "No, it is moving away.", True),
    ("Is the car moving towards the camera?", False, "No.", True),
    ("Is the car moving towards the camera?", False, "Yes.", False),
    ("Is the car moving towards the camera?", False, "The car is moving away from the camera.", True),
    (
        "Does the woman pour the water before drinking it?",
        True,
        "Yes, she pours the water first and then drinks it.",
        True,
    ),
    ("Does the woman pour the water before drinking it?", True, "No, she drinks first.", False),
    ("Does the woman pour the water before drinking it?", False, "No, she drinks it first.", True),
    ("Is the video played in slow motion?", False, "No, the video is played at normal speed.", True),
    ("Is the video played in slow motion?", False, "Not really, it seems to be normal speed.", True),
    ("Is the video played in slow motion?", True, "Perhaps.", False),
    ("Is the person opening the box?", True, "Yes. The person opens the box and takes out a toy.", True),
    ("Is the person opening the box?", True, "The person opens the box.", True),
    ("Is the person opening the box?", True, "The person is closing the box.", False),
    ("Is the person opening the box?", False, "The person is not opening the box.", True),
]
for q, gold, out, exp in YN2:
    add("simple", gold, out, exp, "yes_no", question=q, **SPLIT2)

TR2 = [
    ([0.1, 0.4], 50.0, "The man begins washing dishes at 5 seconds and continues until 20 seconds.", True),
    ([0.1, 0.4], 50.0, "The action occurs from 00:05 to 00:20.", True),
    ([0.1, 0.4], 50.0, "The man washes the dishes from 0:25 to 0:45.", False),
    ([0.1, 0.4], 50.0, "Between the 5 and 20 second marks.", True),
    ([0.1, 0.4], 50.0, "The relevant part is roughly 5s\u201320s.", True),
    ([0.1, 0.4], 50.0, "The segment [5, 20] shows the man washing dishes.", True),
    ([0.1, 0.4], 50.0, "The event lasts 15 seconds, starting at 5 seconds.", True),
    ([0.1, 0.4], 50.0, "The event lasts 15 seconds, starting at 30 seconds.", False),
    ([0.5, 0.8], None, "The person closes the door from 0.5 to 0.8 of the video.", True),
    ([0.5, 0.8], None, "Starting at 50% and ending at 80%.", True),
    ([0.5, 0.8], None, "The door is closed in the second half of the video.", True),
    ([0.5, 0.8], None, "The door closes in the first half.", False),
    ([0.5, 0.8], None, "The person closes the door between 0.52 and 0.79, and the confidence is 0.9.", True),
    ([0.5, 0.8], None, "from 0.1 to 0.3", False),
]
for gold, dur, out, exp in TR2:
    extra = {"duration": dur} if dur else {}
    add("temporal_range", gold, out, exp, "time_range", **extra, **SPLIT2)

TS2 = [
    (0.5, 60.0, "At 30 seconds.", True),
    (0.5, 60.0, "At the 0:31 mark.", True),
    (0.5, 60.0, "Halfway through the video.", True),
    (0.5, 60.0, "At 45 seconds.", False),
    (0.5, 60.0, "Around the 50% point.", True),
]
for gold, dur, out, exp in TS2:
    add("timestamp", gold, out, exp, "time_range", duration=dur, **SPLIT2)

FL2 = [
    (65.4, "Overall score: 65.4 points", True),
    (65.4, "My estimate for the final score is 63.", True),
    (65.4, "Score: 6.5/10", False),
    (65.4, "The dive is worth 82 points.", False),
    (65.4, "Difficulty: 3.0. Execution: 21.8. Score: 65.4", True),
    (65.4, "65.4", True),
]
for gold, out, exp in FL2:
    add("float", gold, out, exp, "score", **SPLIT2)

OB2 = [
    ("book", "It's a book.", True, "baseline"),
    ("book", "The person is reading a book.", True, "baseline"),
    ("book", "a magazine", False, "baseline"),
    ("book", "Books.", True, "paraphrase"),
    ("book", "The object could be a book.", False, "hedge"),
    ("book", "It is definitely not a book.", False, "negation"),
]
for gold, out, exp, cls in OB2:
    add("obj_identify", gold, out, exp, cls, **SPLIT2)

SE2 = [
    ("woman: slicing bread", "A woman slices a loaf of bread on a cutting board.", True, "paraphrase"),
    ("woman: slicing bread", "A woman is buttering bread.", False, "order"),
    ("woman: slicing bread", "A woman cuts bread.", True, "paraphrase"),
    ("woman: slicing bread", "A woman is slicing tomatoes.", False, "order"),
    ("camera: zooming in", "The camera zooms in on the man's face.", True, "paraphrase"),
    ("camera: zooming in", "The camera zooms out from the man's face.", False, "order"),
    ("camera: zooming in", "The camera pans to the left.", False, "baseline"),
    ("dog: running towards the camera", "A dog runs toward the camera.", True, "paraphrase"),
    ("dog: running towards the camera", "A dog runs away from the camera.", False, "order"),
    (
        "dog: running towards the camera",
        "A dog is seen running towards the camera, then away from the camera, and then to the left.",
        False,
        "enumeration",
    ),
]
for gold, out, exp, cls in SE2:
    add("sentence", gold, out, exp, cls, **SPLIT2)

SQ2 = ["the woman washes the apple", "the woman cuts the apple", "the woman eats the apple"]
for out, exp in [
    ("The woman washes an apple, cuts it into pieces, and eats it.", True),
    ("She washes the apple, then she slices it, and finally she eats a piece.", True),
    ("The woman cuts the apple, washes it and eats it.", False),
    ("The woman washes the apple and eats it.", False),
]:
    add("sentence_sequence", SQ2, out, exp, "order", **SPLIT2)


# === third batch ("review3"): written last, measured once, never tuned on ======================
SPLIT3 = {"split": "review3"}
MC3 = [
    (
        "What is the girl doing with the kite?",
        ["A. flying it", "B. folding it", "C. repairing it", "D. buying it"],
        "A",
        [
            ("A", True, "options"),
            ("The girl is flying the kite in the park.", True, "paraphrase"),
            ("She flies the kite.", True, "paraphrase"),
            ("Option A: flying it.", True, "options"),
            ("The girl is folding the kite after flying it.", False, "enumeration"),
            ("She seems to be repairing it.", False, "options"),
            ("**Answer: D**", False, "options"),
            ("I'm not sure; maybe A.", False, "hedge"),
        ],
    ),
    (
        "In which direction does the elevator move?",
        ["A. upward", "B. downward", "C. it does not move"],
        "B",
        [
            ("B. downward", True, "options"),
            ("The elevator is moving downward.", True, "options"),
            ("The elevator goes down.", True, "paraphrase"),
            ("The elevator moves upward to the top floor.", False, "order"),
            ("The elevator does not move.", False, "options"),
            ("The answer is (B).", True, "options"),
        ],
    ),
    (
        "How does the ice cube change?",
        ["A. it grows larger", "B. it melts", "C. it changes color"],
        "B",
        [
            ("The ice cube melts into water.", True, "options"),
            ("B", True, "options"),
            ("It melts.", True, "options"),
            ("The ice cube grows larger.", False, "options"),
            ("The ice cube neither melts nor grows; it changes color.", False, "negation"),
        ],
    ),
]
for q, choices, gold, answers in MC3:
    for out, exp, cls in answers:
        add("simple", gold, out, exp, cls, question=q, choices=choices, **SPLIT3)

CM3 = [
    (
        "Which caption matches the video better?\nCaption A: The bird flies away from the branch.\n"
        "Caption B: The bird lands on the branch.",
        ["The bird flies away from the branch.", "The bird lands on the branch."],
        1,
        [
            ("Caption B", True, "options"),
            ("Caption B: The bird lands on the branch.", True, "options"),
            ("Caption B is the better match since the bird lands on the branch at the end.", True, "options"),
            ("The bird lands on a branch.", True, "paraphrase"),
            ("The bird flies away from the branch.", False, "options"),
            ("Caption A", False, "options"),
            ("Caption A, because the bird takes off.", False, "options"),
        ],
    ),
]
for q, choices, gi, answers in CM3:
    for out, exp, cls in answers:
        add("simple", choices[gi], out, exp, cls, question=q, choices=choices, **SPLIT3)

YN3 = [
    ("Is the boy running faster than the dog?", False, "No, the dog is faster than the boy.", True),
    ("Is the boy running faster than the dog?", False, "Yes, the boy is faster.", False),
    ("Is the boy running faster than the dog?", True, "Yes.", True),
    ("Is the water being poured into the glass?", True, "Yes, water is poured into the glass.", True),
    ("Is the water being poured into the glass?", True, "No, the water is poured out of the glass.", False),
    ("Is the water being poured into the glass?", False, "Nope.", True),
    ("Is the door opened at the end of the video?", True, "At the end, yes, the door is opened.", True),
    ("Is the door opened at the end of the video?", True, "It is not clear from the video.", False),
]
for q, gold, out, exp in YN3:
    add("simple", gold, out, exp, "yes_no", question=q, **SPLIT3)

TR3 = [
    ([0.25, 0.5], 40.0, "The person eats the sandwich from 10.0 to 20.0 seconds.", True),
    ([0.25, 0.5], 40.0, "10s - 20s", True),
    ([0.25, 0.5], 40.0, "The eating happens roughly between 0:10 and 0:20.", True),
    ([0.25, 0.5], 40.0, "Start time: 10 s. End time: 20 s.", True),
    ([0.25, 0.5], 40.0, "It starts at 10 seconds and goes on for about 10 seconds.", True),
    ([0.25, 0.5], 40.0, "The person eats from 25 to 38 seconds.", False),
    ([0.25, 0.5], 40.0, "From 0.25 to 0.5.", True),
    ([0.25, 0.5], None, "The event takes place in the interval 0.24-0.52.", True),
    ([0.25, 0.5], None, "The sandwich is eaten in the second quarter of the video.", True),
    ([0.25, 0.5], None, "The sandwich is eaten in the last quarter.", False),
    ([0.25, 0.5], None, "It begins at 25% and wraps up at 50% of the clip.", True),
    ([0.25, 0.5], None, "I do not know when the sandwich is eaten.", False),
]
for gold, dur, out, exp in TR3:
    extra = {"duration": dur} if dur else {}
    add("temporal_range", gold, out, exp, "time_range", **extra, **SPLIT3)

SE3 = [
    ("car: turning left", "A car turns left at the intersection.", True, "paraphrase"),
    ("car: turning left", "A car turns right at the intersection.", False, "order"),
    ("car: turning left", "A car drives straight and does not turn.", False, "negation"),
    ("leaves: falling down", "Leaves fall down from the tree.", True, "paraphrase"),
    ("leaves: falling down", "Leaves are blown up into the air.", False, "order"),
]
for gold, out, exp, cls in SE3:
    add("sentence", gold, out, exp, cls, **SPLIT3)


def main() -> None:
    with OUT.open("w", encoding="utf-8") as f:
        for r in ROWS:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
