"""Write tests/data/verify_styles_heldout.jsonl: a second corpus of issue 21's styles, by another hand.

The rows of tests/data/verify_styles.jsonl were written by the person who tuned the option-meaning
thresholds on them. These were written afterwards, without looking at that tuning, in the phrasing
video LLMs use in their answers (verbose captions for TempCompass/MVBench-style options; TimeChat,
VTimeLLM and Qwen2.5-VL-style grounding answers; R1-style ``<think>``/``<answer>`` rationales). Each
row has the record fields of verify_styles.jsonl (``output``, ``label``, ``verifier_type``,
``question``/``choices``/``duration``) plus

* ``expected``: what a careful human judge says (a caption that describes the right option in other
  words; a time range whose IoU with the gold exceeds 0.5; the container's final answer);
* ``class``: caption_options, time_trailing, time_apart or reasoning_container;
* ``trap``: for rows built to be rejected for a reason beyond a plainly wrong answer (negated,
  hedged, listed, wrong_option_own_words, wrong_end, two_events, think_right_answer_wrong,
  broken_container, reversed_order), else absent;
* ``split``: the scenes of each class alternate between the two halves; "tune" rows may be used to develop the
  verifier, "heldout" rows must not be.

Run: ``python tests/data/make_verify_heldout.py`` (no randomness; the output is deterministic).
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).with_name("verify_styles_heldout.jsonl")
LETTERS = "ABCD"


class Corpus:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, kind: str, output: str, label, expected: bool, cls: str, scene: str, trap=None, **extra) -> None:
        row = {
            "question_id": f"h{len(self.rows)}",
            "output": output,
            "label": {"t": label},
            "label_type": ["t"],
            "verifier_type": [kind],
            "expected": expected,
            "class": cls,
        }
        if trap:
            row["trap"] = trap
        row.update(extra)
        row["_scene"] = f"{cls}:{scene}"
        self.rows.append(row)

    def split(self) -> None:
        """Scenes of each class alternate heldout, tune, heldout, ...; tuned rows stay under half."""
        order: dict[str, list[str]] = {}
        for r in self.rows:
            keys = order.setdefault(r["class"], [])
            if r["_scene"] not in keys:
                keys.append(r["_scene"])
        side = {}
        for keys in order.values():
            n = {k: sum(r["_scene"] == k for r in self.rows) for k in keys}
            tune = heldout = 0
            for k in keys:  # the half that is behind takes the next scene; ties go to heldout
                side[k] = "tune" if tune < heldout else "heldout"
                tune, heldout = (tune + n[k], heldout) if side[k] == "tune" else (tune, heldout + n[k])
        for r in self.rows:
            r["split"] = side[r.pop("_scene")]


# ---------------------------------------------------------------- captions against options
# Each scene: four options, and for every option two captions that describe it in other words,
# the way a captioning model would (no option stated literally).
SCENES = [
    (
        "kitchen",
        [
            (
                "a man kneading dough",
                [
                    "A man presses and folds a lump of dough on the floured counter with both hands.",
                    "The video shows a baker working a soft ball of bread dough, pushing it with his palms.",
                ],
            ),
            (
                "a man washing vegetables",
                [
                    "A man rinses carrots and lettuce under the tap in the sink.",
                    "Under running water, he cleans a handful of fresh greens.",
                ],
            ),
            (
                "a man frying fish",
                [
                    "A fillet sizzles in hot oil in a pan while he flips it with a spatula.",
                    "He cooks a piece of fish in a skillet over high heat until it browns.",
                ],
            ),
            (
                "a man setting the table",
                [
                    "He places plates, forks and glasses neatly around the dining table.",
                    "The man lays out cutlery and napkins for dinner guests.",
                ],
            ),
        ],
    ),
    (
        "park_dog",
        [
            (
                "a dog fetching a stick",
                [
                    "A golden retriever runs after a thrown branch and brings it back to its owner.",
                    "The puppy chases the piece of wood across the field and returns with it in its mouth.",
                ],
            ),
            (
                "a dog rolling in the grass",
                [
                    "The dog lies on its back and wriggles happily on the lawn.",
                    "In the video, a terrier squirms around on the green turf with its legs in the air.",
                ],
            ),
            (
                "a dog drinking water",
                [
                    "The dog laps from a metal bowl on the porch.",
                    "A thirsty hound bends its head down to the bowl and slurps.",
                ],
            ),
            (
                "a dog barking at a cat",
                [
                    "The dog stands by the fence and yaps loudly at a kitten perched on the wall.",
                    "A small dog keeps making noise at a feline sitting just out of reach.",
                ],
            ),
        ],
    ),
    (
        "gym",
        [
            (
                "a woman lifting a barbell",
                [
                    "A woman hoists a heavy weighted bar from the floor up to her chest.",
                    "The athlete grips the bar with plates on each side and raises it overhead.",
                ],
            ),
            (
                "a woman jumping rope",
                [
                    "She skips rapidly as a cord swings under her feet again and again.",
                    "The video features a girl hopping over a spinning rope in the gym.",
                ],
            ),
            (
                "a woman running on a treadmill",
                [
                    "A woman jogs on a moving belt machine, facing a screen.",
                    "She sprints steadily on the exercise machine without going anywhere.",
                ],
            ),
            (
                "a woman stretching on a mat",
                [
                    "She sits on a yoga mat and reaches toward her toes to loosen her legs.",
                    "The woman bends and extends her limbs slowly on a foam pad.",
                ],
            ),
        ],
    ),
    (
        "street",
        [
            (
                "a boy riding a skateboard",
                [
                    "A teenager glides down the sidewalk on a board with four small wheels.",
                    "The kid pushes off with one foot and rolls along the pavement on his deck.",
                ],
            ),
            (
                "a boy flying a kite",
                [
                    "A child holds a string while a colorful diamond shape soars high in the wind.",
                    "The little boy runs so that his paper toy climbs into the sky.",
                ],
            ),
            (
                "a boy tying his shoes",
                [
                    "The child crouches and laces up his sneakers.",
                    "A boy bends down to fasten the laces on his trainers.",
                ],
            ),
            (
                "a boy eating ice cream",
                [
                    "A kid licks a melting cone of vanilla on a hot day.",
                    "The boy enjoys a frozen dessert, taking big bites from the scoop.",
                ],
            ),
        ],
    ),
    (
        "music",
        [
            (
                "a man playing the piano",
                [
                    "A man presses the black and white keys of a grand instrument in a concert hall.",
                    "The musician's fingers move across the keyboard as he performs a melody.",
                ],
            ),
            (
                "a man playing the drums",
                [
                    "He strikes the snare and cymbals with two sticks, keeping a fast beat.",
                    "The performer pounds on a kit of percussion with wooden sticks.",
                ],
            ),
            (
                "a man singing into a microphone",
                [
                    "He holds the mic close to his mouth and belts out a song.",
                    "The vocalist performs a ballad on stage, voice amplified by the speakers.",
                ],
            ),
            (
                "a man tuning a guitar",
                [
                    "He twists the pegs on the headstock while plucking one string to check the pitch.",
                    "The man adjusts the strings of his acoustic instrument before playing.",
                ],
            ),
        ],
    ),
    (
        "garden",
        [
            (
                "a woman watering plants",
                [
                    "She sprinkles the flower beds from a green can.",
                    "A gardener aims a hose at the tomato seedlings so the soil gets wet.",
                ],
            ),
            (
                "a woman planting seeds",
                [
                    "The woman digs small holes in the soil and drops tiny kernels into them.",
                    "She sows a row of beans in the freshly turned earth.",
                ],
            ),
            (
                "a woman mowing the lawn",
                [
                    "She pushes a noisy machine back and forth, cutting the grass short.",
                    "The video shows a lady trimming the yard with a power cutter on wheels.",
                ],
            ),
            (
                "a woman raking leaves",
                [
                    "She gathers fallen autumn foliage into a pile with a long-handled tool.",
                    "The woman sweeps the dry brown leaves together on the lawn.",
                ],
            ),
        ],
    ),
    (
        "water",
        [
            (
                "people rowing a boat",
                [
                    "A team pulls oars in unison, moving a narrow boat across the lake.",
                    "Several people paddle their vessel in sync through the calm water.",
                ],
            ),
            (
                "people surfing waves",
                [
                    "Riders balance on boards as a big wave curls behind them.",
                    "The video shows surfers catching breakers near the shore.",
                ],
            ),
            (
                "people fishing from a pier",
                [
                    "A few men cast their lines off the wooden dock and wait for a bite.",
                    "Anglers stand on the jetty holding rods over the water.",
                ],
            ),
            (
                "people building a sandcastle",
                [
                    "Kids pile up wet sand into towers and dig a moat around them.",
                    "A family shapes a fortress out of sand on the beach.",
                ],
            ),
        ],
    ),
    (
        "office",
        [
            (
                "a man typing on a laptop",
                [
                    "A man taps quickly on the keyboard of his notebook computer.",
                    "He writes an email, fingers moving fast over the keys of the portable computer.",
                ],
            ),
            (
                "a man talking on the phone",
                [
                    "He holds a cell phone to his ear and chats while pacing.",
                    "The man has a conversation over his mobile, nodding as he listens.",
                ],
            ),
            (
                "a man drinking coffee",
                [
                    "He sips from a steaming mug at his desk.",
                    "The man takes a few gulps of a hot brew from a paper cup.",
                ],
            ),
            (
                "a man reading a newspaper",
                [
                    "He unfolds the daily paper and scans the headlines.",
                    "The man flips through the pages of the morning press.",
                ],
            ),
        ],
    ),
    (
        "snow",
        [
            (
                "a child making a snowman",
                [
                    "A little girl rolls big balls of snow and stacks them, adding a carrot nose.",
                    "The kid builds a figure out of packed snow and gives it button eyes.",
                ],
            ),
            (
                "a child sledding down a hill",
                [
                    "A boy slides down the slope on a plastic sled, laughing.",
                    "The child zooms down the snowy hill sitting on a toboggan.",
                ],
            ),
            (
                "a child throwing snowballs",
                [
                    "The kid packs snow in his gloves and hurls it at his friends.",
                    "A girl lobs handfuls of packed snow at her brother.",
                ],
            ),
            (
                "a child shoveling the driveway",
                [
                    "A boy scoops snow off the path in front of the garage with a spade.",
                    "The child clears the drive, pushing the white powder aside with a big shovel.",
                ],
            ),
        ],
    ),
    (
        "cat",
        [
            (
                "a cat playing with yarn",
                [
                    "A kitten bats at a ball of wool and gets tangled in the thread.",
                    "The cat paws at a rolling skein of knitting string.",
                ],
            ),
            (
                "a cat sleeping on a sofa",
                [
                    "The cat is curled up on the couch cushions, dozing.",
                    "A tabby naps peacefully on the living room settee.",
                ],
            ),
            (
                "a cat jumping onto a table",
                [
                    "The cat leaps from the floor up onto the dining table in one bound.",
                    "A cat springs upward and lands on the tabletop.",
                ],
            ),
            (
                "a cat eating from a bowl",
                [
                    "The cat crunches kibble from its dish.",
                    "A hungry kitty munches its dinner out of a ceramic dish on the floor.",
                ],
            ),
        ],
    ),
    (
        "car",
        [
            (
                "a man changing a tire",
                [
                    "He jacks up the car, removes the flat wheel and bolts on the spare.",
                    "A mechanic swaps out a punctured wheel at the side of the road.",
                ],
            ),
            (
                "a man washing a car",
                [
                    "He scrubs the hood with a soapy sponge and rinses it with a hose.",
                    "The man cleans his vehicle in the driveway, covering it in suds.",
                ],
            ),
            (
                "a man parking a car",
                [
                    "The driver backs slowly into a space between two vehicles.",
                    "He maneuvers the sedan into a spot along the curb and stops.",
                ],
            ),
            (
                "a man filling up gas",
                [
                    "He holds the pump nozzle in the tank at the station.",
                    "The man refuels his vehicle at a petrol pump.",
                ],
            ),
        ],
    ),
    (
        "art",
        [
            (
                "a girl painting on a canvas",
                [
                    "A girl dabs colors onto an easel with a brush, creating a landscape.",
                    "She brushes strokes of blue and green onto a stretched cloth picture.",
                ],
            ),
            (
                "a girl cutting paper with scissors",
                [
                    "The girl snips shapes out of a colored sheet.",
                    "She trims a piece of cardstock along a pencil line with shears.",
                ],
            ),
            (
                "a girl playing with clay",
                [
                    "She molds a lump of soft modeling dough into a little animal.",
                    "The girl squeezes and shapes a ball of putty with her fingers.",
                ],
            ),
            (
                "a girl writing in a notebook",
                [
                    "She jots sentences down in her exercise book with a pencil.",
                    "The girl scribbles notes line after line on the pages of a journal.",
                ],
            ),
        ],
    ),
]

# Two-step scenes for order-sensitive options (TempCompass "order"): option 0 = x then y, 1 = y then x.
ORDER_SCENES = [
    (
        "bottle",
        "opening a bottle",
        "pouring the drink",
        ["He twists off the cap", "he tips it so the juice flows into a glass"],
        ["He tilts the jug and fills the glass", "he screws the lid open"],
    ),
    (
        "door",
        "knocking on the door",
        "walking inside",
        ["She raps her knuckles on the wooden door", "she steps into the house"],
        ["She strolls into the hallway", "she taps on the door"],
    ),
    (
        "ball",
        "catching the ball",
        "throwing it back",
        ["The boy grabs the ball out of the air", "he tosses it back to his friend"],
        ["The boy hurls the ball to his friend", "he snatches it out of the air"],
    ),
    (
        "bike",
        "putting on a helmet",
        "riding the bicycle",
        ["The kid straps a helmet onto his head", "he pedals off down the street"],
        ["The kid cycles down the road", "he fastens a helmet on his head"],
    ),
]

CAPTION_QUESTIONS = [
    "Which caption best describes the video?",
    "Which sentence better describes what happens in the video?",
    "Choose the caption that matches the video content.",
]
PREFIXES = ["", "The video shows that ", "In this video, ", "From the frames, "]


def _lower_first(s: str) -> str:
    return s[0].lower() + s[1:] if s and not s.startswith(("I ", "The video")) else s


def caption_options(c: Corpus) -> None:
    for si, (name, opts) in enumerate(SCENES):
        for gi in (si % 4, (si + 2) % 4):
            gold, gold_caps = opts[gi]
            choices = [f"{LETTERS[i]}. {o}" for i, (o, _) in enumerate(opts)]
            q = CAPTION_QUESTIONS[(si + gi) % 3]
            scene = f"{name}:{gi}"
            ex = {"question": q, "choices": choices}
            others = [j for j in range(4) if j != gi]
            wrong_a, wrong_b = opts[others[0]], opts[others[1]]
            # positives: the gold option in the model's own words
            for k, cap in enumerate(gold_caps):
                pre = PREFIXES[(si + k) % 4]
                c.add("simple", pre + (_lower_first(cap) if pre else cap), gold, True, "caption_options", scene, **ex)
            c.add(
                "simple",
                f"The clip is short and filmed from a fixed camera. {gold_caps[0]} The lighting is natural throughout.",
                gold,
                True,
                "caption_options",
                scene,
                **ex,
            )
            c.add(
                "simple", f"{gold_caps[1]} Overall, a short everyday clip.", gold, True, "caption_options", scene, **ex
            )
            # negatives: another option in own words, negation, hedge, list
            c.add("simple", wrong_a[1][0], gold, False, "caption_options", scene, trap="wrong_option_own_words", **ex)
            c.add(
                "simple",
                "In this video, " + _lower_first(wrong_b[1][1]),
                gold,
                False,
                "caption_options",
                scene,
                trap="wrong_option_own_words",
                **ex,
            )
            neg = gold_caps[0].rstrip(".")
            c.add(
                "simple",
                f"It is not the case that {_lower_first(neg)}; instead, {_lower_first(wrong_a[1][1])}",
                gold,
                False,
                "caption_options",
                scene,
                trap="negated",
                **ex,
            )
            c.add(
                "simple",
                f"It is hard to tell from the frames. Perhaps {_lower_first(neg)}, or perhaps "
                f"{_lower_first(wrong_b[1][0])}",
                gold,
                False,
                "caption_options",
                scene,
                trap="hedged",
                **ex,
            )
    # order-sensitive: "x then y" against "y then x"
    for name, x, y, fwd, rev in ORDER_SCENES:
        choices = [f"A. {x} and then {y}", f"B. {y} and then {x}", "C. sitting on a bench", "D. talking on the phone"]
        ex = {"question": "Which caption best describes the video?", "choices": choices}
        gold = f"{x} and then {y}"
        c.add("simple", f"{fwd[0]}, and then {fwd[1]}.", gold, True, "caption_options", f"order:{name}", **ex)
        c.add(
            "simple",
            f"First, {_lower_first(fwd[0])}. After that, {fwd[1]}.",
            gold,
            True,
            "caption_options",
            f"order:{name}",
            **ex,
        )
        c.add(
            "simple",
            f"{rev[0]}, and only afterwards {rev[1]}.",
            gold,
            False,
            "caption_options",
            f"order:{name}",
            trap="reversed_order",
            **ex,
        )
        c.add(
            "simple",
            f"Before anything else {rev[1]}; later {rev[0][0].lower() + rev[0][1:]}.",
            gold,
            True,
            "caption_options",
            f"order:{name}",
            **ex,
        )


# ---------------------------------------------------------------- time ranges
# (scene, query, duration s, gold start s, gold end s, subject clause in present tense, verb for "starts to")
EVENTS = [
    ("pour", "the person pours milk into a cup", 30.0, 6.2, 13.8, "the woman pours milk into her cup", "pour"),
    ("door", "a man opens the front door", 24.0, 2.0, 7.5, "the man pulls the front door open", "open"),
    ("laptop", "person closes the laptop", 32.0, 18.4, 26.1, "the person shuts the laptop lid", "close"),
    ("sneeze", "the boy sneezes", 20.0, 11.0, 14.6, "the boy sneezes into his elbow", "sneeze"),
    ("broom", "someone sweeps the floor", 40.0, 4.8, 21.3, "someone sweeps dust across the floor", "sweep"),
    ("phone", "a person picks up a phone", 28.0, 15.5, 20.0, "a person lifts the phone off the table", "pick up"),
    ("sandwich", "person eats a sandwich", 36.0, 22.0, 33.5, "the man takes bites of a sandwich", "eat"),
    ("lights", "the person turns on the light", 18.0, 1.4, 4.2, "the person flips the light switch", "turn on"),
    ("book", "a woman puts a book on the shelf", 34.0, 9.7, 16.3, "the woman slides a book onto the shelf", "place"),
    ("mirror", "person looks in the mirror", 26.0, 12.6, 22.9, "the person stares at the mirror", "look"),
    ("dance", "the girl starts dancing", 60.0, 31.0, 48.0, "the girl dances in the living room", "dance"),
    ("jacket", "a man takes off his jacket", 22.0, 3.3, 9.9, "the man slips off his jacket", "take off"),
    ("dishes", "someone washes dishes", 45.0, 20.5, 38.0, "someone scrubs plates in the sink", "wash"),
    ("window", "person opens a window", 16.0, 8.8, 12.4, "the person pushes the window open", "open"),
]


def _s(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x)}"


def _wrong(d: float, s: float, e: float) -> tuple[float, float]:
    """A range of the same length that does not overlap the gold one much (IoU well under 0.5)."""
    ln = e - s
    if s > d - e:  # more room before
        return (max(0.0, s - 1.2 * ln), max(0.5, s - 0.2 * ln))
    return (min(d - 0.5, e + 0.2 * ln), min(d, e + 1.2 * ln))


def _rec(d, s, e):
    return [round(s / d, 4), round(e / d, 4)]


TRAILING = [
    "{s} - {e} seconds, {clause}.",
    "The event happens from {s} to {e} seconds, where {clause}.",
    "From {s}s to {e}s {clause}, then the camera pans away.",
    "Between {s} and {e} seconds, we can see that {clause}.",
    "The moment described occurs during {s}-{e} seconds and shows that {clause}.",
    "In the segment from {s} to {e} seconds {clause} while the background stays unchanged.",
    "The query corresponds to {s} - {e} s, which captures how {clause}.",
    "{s} to {e} seconds: {clause}, and nothing else happens in that part.",
]

APART = [
    "At {s} seconds, {clause}. The action is done by {e} seconds, when the person steps back.",
    "The event starts at {s}s as {clause}. It ends at around {e}s.",
    "{cap}, beginning at {s} seconds. Several seconds later, at {e} seconds, the activity finishes.",
    "Start time: {s} seconds, when {clause}.\nEnd time: {e} seconds.",
    "The person starts to {verb} at the {s} second mark and keeps going until the {e} second mark.",
    "It kicks off at {s} s, when {clause}; the whole thing wraps up at {e} s.",
    "The action is first visible at {s} seconds. After a short while, it concludes at {e} seconds.",
    "We first see that {clause} at {s} seconds, and the segment ends at {e} seconds.",
]


def time_ranges(c: Corpus) -> None:
    for ei, (name, query, d, s, e, clause, verb) in enumerate(EVENTS):
        gold = _rec(d, s, e)
        ex = {"duration": d, "question": f"When does {query} in the video? Give the start and end time."}
        ws, we = _wrong(d, s, e)
        ln = e - s
        bad_end = min(d, e + 1.6 * ln) if e + 1.6 * ln <= d else None
        for ti in range(4):
            tpl = TRAILING[(ei + ti) % len(TRAILING)]
            c.add(
                "temporal_range", tpl.format(s=_s(s), e=_s(e), clause=clause), gold, True, "time_trailing", name, **ex
            )
        # near-miss that still overlaps well (IoU > 0.5): small rounding differences
        tpl = TRAILING[(ei + 4) % len(TRAILING)]
        c.add(
            "temporal_range",
            tpl.format(s=_s(s + 0.1 * ln), e=_s(e - 0.05 * ln), clause=clause),
            gold,
            True,
            "time_trailing",
            name,
            **ex,
        )
        for ti in range(2):
            tpl = TRAILING[(ei + 5 + ti) % len(TRAILING)]
            c.add(
                "temporal_range",
                tpl.format(s=_s(ws), e=_s(we), clause=clause),
                gold,
                False,
                "time_trailing",
                name,
                **ex,
            )
        if bad_end is not None:
            tpl = TRAILING[(ei + 7) % len(TRAILING)]
            c.add(
                "temporal_range",
                tpl.format(s=_s(s), e=_s(bad_end), clause=clause),
                gold,
                False,
                "time_trailing",
                name,
                trap="wrong_end",
                **ex,
            )
        else:
            c.add(
                "temporal_range",
                TRAILING[(ei + 7) % len(TRAILING)].format(s=_s(ws), e=_s(we), clause=clause),
                gold,
                False,
                "time_trailing",
                name,
                **ex,
            )
        c.add(
            "temporal_range",
            f"I cannot determine the exact time; {clause} somewhere in the middle of the video.",
            gold,
            False,
            "time_trailing",
            name,
            **ex,
        )
        # stated apart
        cap = clause[0].upper() + clause[1:]
        for ti in range(4):
            tpl = APART[(ei + ti) % len(APART)]
            c.add(
                "temporal_range",
                tpl.format(s=_s(s), e=_s(e), clause=clause, cap=cap, verb=verb),
                gold,
                True,
                "time_apart",
                name,
                **ex,
            )
        for ti in range(2):
            tpl = APART[(ei + 4 + ti) % len(APART)]
            c.add(
                "temporal_range",
                tpl.format(s=_s(ws), e=_s(we), clause=clause, cap=cap, verb=verb),
                gold,
                False,
                "time_apart",
                name,
                **ex,
            )
        if bad_end is not None:
            tpl = APART[(ei + 6) % len(APART)]
            c.add(
                "temporal_range",
                tpl.format(s=_s(s), e=_s(bad_end), clause=clause, cap=cap, verb=verb),
                gold,
                False,
                "time_apart",
                name,
                trap="wrong_end",
                **ex,
            )
        else:
            tpl = APART[(ei + 6) % len(APART)]
            c.add(
                "temporal_range",
                tpl.format(s=_s(ws), e=_s(we), clause=clause, cap=cap, verb=verb),
                gold,
                False,
                "time_apart",
                name,
                **ex,
            )
        # start of the asked event, end of another one (far away): no range of the asked event is stated
        other_end = ws if ws > 0.5 else we
        c.add(
            "temporal_range",
            f"{cap} starting at {_s(s)} seconds. Meanwhile, a dog in the background stops barking at {_s(other_end)} seconds.",
            gold,
            False,
            "time_apart",
            name,
            trap="two_events",
            **ex,
        )
        c.add(
            "temporal_range",
            f"The person begins at {_s(s)} seconds. Much later, the light turns off and the video ends at {_s(d)} seconds.",
            gold,
            False,
            "time_apart",
            name,
            trap="two_events",
            **ex,
        )


# ---------------------------------------------------------------- reasoning containers
MCQ = [
    (
        "sink",
        "What is the man doing in the video?",
        ["slicing bread", "washing his hands", "pouring cereal", "peeling an orange"],
        "He stands at the sink with water running and rubs soap between his palms",
    ),
    (
        "road",
        "In which direction is the car moving?",
        ["towards the camera", "away from the camera", "to the left", "it is not moving"],
        "The car grows larger in each frame, so it approaches us",
    ),
    (
        "count",
        "How many people enter the room?",
        ["one", "two", "three", "four"],
        "I count a woman, then a man, then a child walking through the doorway",
    ),
    (
        "speed",
        "How does the speed of the cyclist change?",
        ["speeds up", "slows down", "stays constant", "stops and reverses"],
        "The background blur increases and the legs pedal faster over time",
    ),
    (
        "weather",
        "What is the weather like at the end of the video?",
        ["sunny", "rainy", "snowy", "foggy"],
        "Drops streak down the window and the street is wet by the last frames",
    ),
    (
        "tool",
        "Which tool does the woman use?",
        ["a hammer", "a screwdriver", "a saw", "a wrench"],
        "She turns a small handle with a flat tip into the screw head",
    ),
    (
        "animal",
        "Which animal appears first?",
        ["a horse", "a goat", "a sheep", "a cow"],
        "The first animal to enter from the left has a beard and small horns",
    ),
    (
        "emotion",
        "What is the girl's emotion at the end?",
        ["happy", "angry", "sad", "scared"],
        "She laughs and claps her hands in the final frames",
    ),
]
GOLD_IDX = [1, 0, 2, 0, 1, 1, 1, 0]


def _qtext(q, opts):
    return q + " " + " ".join(f"{LETTERS[i]}. {o}" for i, o in enumerate(opts))


def reasoning(c: Corpus) -> None:
    for mi, (name, q, opts, evidence) in enumerate(MCQ):
        g = GOLD_IDX[mi]
        w = (g + 1) % 4
        w2 = (g + 2) % 4
        gold, L, W = opts[g], LETTERS[g], LETTERS[w]
        ex = {"question": _qtext(q, opts)}
        weigh = (
            f"Let me think. Option {W} ({opts[w]}) seems possible at first. Hmm, but looking again, "
            f"{evidence[0].lower() + evidence[1:]}. Option {LETTERS[w2]} does not fit either."
        )
        pos = [
            f"<think>{weigh} So the answer should be {L}.</think>\n<answer>{L}</answer>",
            f"<think>{weigh}</think><answer>{L}. {gold}</answer>",
            f"<think>\n{evidence}.\n</think>\n<answer>{gold}</answer>",
            f"{weigh} Therefore, the final answer is $\\boxed{{{L}}}$.",
            f"{evidence}. Wait, could it be {opts[w]}? No.\n\nFinal Answer: ({L})",
            f"<think>{weigh}</think>\n<answer>The answer is {L}.</answer>",
            f"{evidence}, which rules out {W}.\nAnswer: {L}",
            f"<think>{weigh}</think>\n<answer>\n{L}\n</answer>",
            f"{evidence}.\n\n**Answer:** {L}. {gold}",
        ]
        for o in pos:
            c.add("simple", o, gold, True, "reasoning_container", name, **ex)
        right_think = f"Let me think. {evidence}, so it is {L} ({gold}). But wait, the last frames are unclear."
        neg = [
            (f"<think>{right_think}</think><answer>{W}</answer>", "think_right_answer_wrong"),
            (f"<think>{right_think}</think>\n<answer>{opts[w]}</answer>", "think_right_answer_wrong"),
            (f"{right_think} Considering everything, \\boxed{{{W}}}", "think_right_answer_wrong"),
            (
                f"{evidence}. That matches {L}, {gold}, but I will go with the other reading.\nFinal answer: {W}",
                "think_right_answer_wrong",
            ),
            (f"<think>{evidence}.</think><answer>{L}", "broken_container"),
            (f"<think>{evidence}.</think><answer><answer>{L}</answer></answer>", "broken_container"),
            (f"<think>{evidence}.<answer>{L}</answer>", "broken_container"),
            (f"<think>{weigh}</think><answer>{L} or {W}, I am not sure</answer>", "hedged"),
            (f"<think>{weigh}</think><answer>Not {L}; it is {W}.</answer>", "negated"),
        ]
        for o, trap in neg:
            c.add("simple", o, gold, False, "reasoning_container", name, trap=trap, **ex)
    # grounding answers inside containers (R1-style temporal grounding)
    for name, query, d, s, e, clause, _verb in EVENTS[:8]:
        gold = _rec(d, s, e)
        ws, we = _wrong(d, s, e)
        ex = {"duration": d, "question": f"When does {query}?"}
        c.add(
            "temporal_range",
            f"<think>First I thought {_s(ws)} to {_s(we)} seconds, but there {clause} only later "
            f"on.</think><answer>{_s(s)} to {_s(e)} seconds</answer>",
            gold,
            True,
            "reasoning_container",
            f"t:{name}",
            **ex,
        )
        c.add(
            "temporal_range",
            f"<think>{clause.capitalize()} between {_s(s)} and {_s(e)} seconds.</think>\n"
            f"<answer>{_s(s)}-{_s(e)}</answer>",
            gold,
            True,
            "reasoning_container",
            f"t:{name}",
            **ex,
        )
        c.add(
            "temporal_range",
            f"<think>{clause.capitalize()} between {_s(s)} and {_s(e)} seconds, or maybe not.</think>"
            f"<answer>{_s(ws)} to {_s(we)} seconds</answer>",
            gold,
            False,
            "reasoning_container",
            f"t:{name}",
            trap="think_right_answer_wrong",
            **ex,
        )
        c.add(
            "temporal_range",
            f"<think>{clause.capitalize()}.</think><answer>from {_s(s)} to {_s(e)} seconds",
            gold,
            False,
            "reasoning_container",
            f"t:{name}",
            trap="broken_container",
            **ex,
        )


def main() -> None:
    c = Corpus()
    caption_options(c)
    time_ranges(c)
    reasoning(c)
    c.split()
    with OUT.open("w", encoding="utf-8") as f:
        for r in c.rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(c.rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
