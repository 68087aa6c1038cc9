"""The embedded default dataset: rendered clips of coloured squares with labels of six kinds.

Each clip (8 frames, 56x56, 2 seconds) shows 1-3 squares of one colour crossing the frame in
one direction during part of the clip, a grey marker covering one quadrant that disappears at
some point, and a white flash. Every clip gets six labeled questions:

- ``motion`` (``simple``): "moving left" / "moving right" / "moving up" / "moving down"
- ``count`` (``float``): how many squares
- ``visible`` (``temporal_range``): when the squares are on screen, as fractions of the clip
- ``marker`` (``bbox``): the grey marker's box
- ``events`` (``sentence_sequence``): the flash and the marker's disappearance, in order
- ``score`` (``float``): the clip's score, in FineDiving's role: the squares' colour sets the
  clip's degree of difficulty (:data:`SCORES`), a number no base description ever states

The base model's instruction data (``captions.jsonl``, of clips rendered for it alone, so the
base model never sees a labeled clip or a labeled question) is the analogue of a captioning
model's: descriptions of whole clips and of one aspect at a time ("Describe the motion."),
each fact stated in one of several wordings. Only some wordings are ones the verifier accepts
(``CHECKABLE`` of them, about a third by default); the others are what a person would
accept and the verifier does not ("drifting leftward", "a pair of squares", "in the middle of
the clip", "in the top left"). So the base model perceives the clips and sometimes answers a
labeled question in checkable terms, but was never taught which wording the task checks, nor
to answer the task's questions: that is what Video-STaR's cycles have to teach it. Some
examples state the fact in the prompt first ("Answer: ...") and restate it in the reply: the
generic skill of explaining a given answer that rationalization relies on.

The score is the exception, as FineDiving's scores are in the paper: the base data never
mentions it (:data:`DESCRIBED` leaves it out), so answers generated without a hint almost never
state it, and only rationalization, given the score as the hint, yields answers that verify.
What lets a tiny model restate a number it is given is a share of generic restating examples
("Question: What is the answer?\nAnswer: 43. ..." -> "The squares are red. The answer is 43."):
a look at the clip, then the given answer restated, the stand-in for a
language model's general skill of explaining an answer it is given. Their numbers
(:data:`RESTATED`) are drawn at random, the scores among them, so they say nothing about a clip.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy loads when clips are rendered, not with the CLI
    import numpy as np


COLORS = {"red": (220, 40, 40), "green": (40, 190, 60), "blue": (50, 80, 230), "yellow": (235, 215, 40)}
DIRECTIONS = ("left", "right", "up", "down")
RANGES = ((0.0, 0.5), (0.25, 0.75), (0.5, 1.0), (0.0, 1.0))
QUADRANTS = {
    "top left": (0.25, 0.25),
    "top right": (0.75, 0.25),
    "bottom left": (0.25, 0.75),
    "bottom right": (0.75, 0.75),
}
NUMBER_WORDS = {1: "one", 2: "two", 3: "three"}
SIZE, FRAMES, FPS, SQUARE = 56, 8, 4, 12
# The squares' lanes: centred on the rows (or columns) of the vision tower's 14-pixel patches.
LANES = {1: (1,), 2: (0, 2), 3: (0, 1, 3)}
FLASH, VANISH = "the screen flashes white", "the grey marker disappears"
KINDS = {
    "motion": "simple",
    "count": "float",
    "visible": "temporal_range",
    "marker": "bbox",
    "events": "sentence_sequence",
    "score": "float",
}
# The kinds the base model's instruction data describes: all but the score.
DESCRIBED = ("motion", "count", "visible", "marker", "events")
# The score of a clip: the degree of difficulty its squares' colour sets. None is within the float
# verifier's 10% of a number the base data states (counts 1-3, times 0-2 s, box coordinates,
# percentages in steps of 25).
SCORES = {"red": 14.0, "green": 21.0, "blue": 38.0, "yellow": 57.0}
# The numbers of the generic restating examples: the scores among 24 two-digit numbers, the
# others more than 10% away from every score. Drawn at random (a clip's own score no more often
# than any other), so they teach restating a number and nothing about any clip. Each score has
# its own first digit (the tiny Qwen2-VL's tokenizer, like Qwen2's, reads digits one by one).
RESTATED = (10, 11, 14, 16, 18, 21, 24, 27, 29, 31, 33, 38, 43, 45, 47, 57, 64, 66, 70, 73, 76, 82, 88, 95)
RESTATE_QUESTIONS = ("What is the answer?", "What answer were you given?", "Which answer is right?")


QUESTIONS = {  # the labeled task's training phrasings: none of them is a captioning prompt
    "motion": [
        "Which direction are the squares travelling in?",
        "In what direction do the shapes move?",
        "Where are the moving squares heading?",
    ],
    "count": ["How many squares cross the frame?", "Count the squares.", "What is the number of squares?"],
    "visible": [
        "During which part of the clip are the squares visible?",
        "When can the squares be seen?",
        "Over what span of the video are the squares on screen?",
    ],
    "marker": [
        "Where is the grey marker? Give its box.",
        "Locate the grey marker.",
        "What region does the grey marker cover?",
    ],
    "events": [
        "What events happen in the clip, in order?",
        "Which events take place, and in what order?",
        "In what order do the events of the clip happen?",
    ],
    # No "How many ...": the base model answers those with the count of squares, so rationalization
    # would explain a score by the count, which does not set it, and teach the wrong cue.
    "score": ["What score does the clip earn?", "What is this clip worth?", "Score the clip."],
}
TEST_QUESTIONS = {  # held-out phrasings, different again
    "motion": ["Tell me the direction the squares move in.", "Which direction is the motion of the squares?"],
    "count": ["How many squares are there?", "Give the number of squares."],
    "visible": ["When are the squares visible in the video?", "Which span of the clip shows the squares?"],
    "marker": ["Give the box of the grey marker.", "Find the grey marker."],
    "events": ["List the events of the video in order.", "What events take place, from first to last?"],
    "score": ["What is the score of the video?", "Give the clip its score."],
}
CAPTION_PROMPTS = [
    "Describe the video.",
    "What do you see in this clip?",
    "Write a caption for the video.",
    "Tell me about this clip.",
]
ASPECT_PROMPTS = {  # captioning prompts about one aspect of the clip
    "motion": ["Describe the motion of the squares.", "Describe the direction of the squares."],
    "count": ["Describe the number of squares.", "Describe how many squares you see."],
    "visible": ["Describe when the squares are visible.", "Describe the time span of the squares."],
    "marker": ["Describe the grey marker.", "Describe where the grey marker is."],
    "events": ["Describe the events of the clip.", "Describe the order of events."],
}
COT_TEMPLATE = "Question: {question}\nCan you explain step-by-step how one can arrive at this conclusion?"
HINT_TEMPLATE = (
    "Question: {question}\nAnswer: {hint}.\nCan you explain step-by-step how one can arrive at this conclusion?"
)


@dataclass
class Clip:
    """The facts of one rendered clip."""

    name: str
    color: str
    direction: str
    count: int
    visible: tuple[float, float]
    quadrant: str
    flash_first: bool

    def labels(self) -> dict:
        """Gold values of the six label kinds."""
        cx, cy = QUADRANTS[self.quadrant]
        return {
            "motion": f"moving {self.direction}",
            "count": float(self.count),
            "visible": list(self.visible),
            "marker": [cx, cy, 0.5, 0.5],
            "events": [FLASH, VANISH] if self.flash_first else [VANISH, FLASH],
            "score": SCORES[self.color],
        }


def sample_clip(rng: random.Random, name: str) -> Clip:
    """Random facts for a clip."""
    return Clip(
        name,
        rng.choice(list(COLORS)),
        rng.choice(DIRECTIONS),
        rng.randint(1, 3),
        rng.choice(RANGES),
        rng.choice(list(QUADRANTS)),
        rng.random() < 0.5,
    )


def tint(frames: np.ndarray) -> np.ndarray:
    """Shade every pixel by where and when it is: redder on the right, greener at the bottom, bluer later.

    Where and when are so part of what every patch shows: a vision tower that, like
    Qwen2-VL's, has no absolute position embeddings can still tell a top-left marker from a
    bottom-right one, and an early square from a late one.
    """
    import numpy as np

    out = frames.astype(np.int16)
    half = SIZE // 2
    out[:, :, half:, 0] += 40
    out[:, half:, :, 1] += 40
    out[..., 2] += (np.arange(FRAMES) * 10)[:, None, None]
    return np.clip(out, 0, 255).astype(np.uint8)


def render(clip: Clip) -> np.ndarray:
    """Frames ``(8, 56, 56, 3)`` of a clip.

    The marker covers one quadrant until it disappears (after frame 5 when the flash comes
    first, after frame 1 otherwise); the flash whitens frames 2-3 or 6-7; the squares cross
    the frame in their lanes while visible.
    """
    import numpy as np

    frames = np.full((FRAMES, SIZE, SIZE, 3), 10, np.uint8)
    cx, cy = QUADRANTS[clip.quadrant]
    x0, y0 = int((cx - 0.25) * SIZE), int((cy - 0.25) * SIZE)
    flash_at, vanish_at = (2, 6) if clip.flash_first else (6, 2)
    frames[:vanish_at, y0 : y0 + SIZE // 2, x0 : x0 + SIZE // 2] = (110, 110, 110)
    start, end = int(round(clip.visible[0] * FRAMES)), int(round(clip.visible[1] * FRAMES))
    span = max(1, end - start)
    rgb = COLORS[clip.color]
    patch = SIZE // 4
    for f in range(start, end):
        travel = (f - start) / max(1, span - 1)
        if clip.direction in ("left", "up"):
            travel = 1 - travel
        pos = int(round(travel * (SIZE - SQUARE)))
        for lane in LANES[clip.count]:
            other = lane * patch + (patch - SQUARE) // 2
            if clip.direction in ("left", "right"):
                frames[f, other : other + SQUARE, pos : pos + SQUARE] = rgb
            else:
                frames[f, pos : pos + SQUARE, other : other + SQUARE] = rgb
    frames[flash_at : flash_at + 2] = np.maximum(frames[flash_at : flash_at + 2], 180)
    return tint(frames)


def write_video(frames: np.ndarray, path: Path) -> None:
    """Encode frames as an MPEG-4 video."""
    import av

    with av.open(str(path), "w") as c:
        s = c.add_stream("mpeg4", rate=FPS)
        s.width, s.height, s.pix_fmt = SIZE, SIZE, "yuv420p"
        s.bit_rate = 400_000
        for fr in frames:
            for pkt in s.encode(av.VideoFrame.from_ndarray(fr, format="rgb24")):
                c.mux(pkt)
        for pkt in s.encode():
            c.mux(pkt)


def _pct(x: float) -> str:
    return f"{round(x * 100)}%"


def _secs(x: float) -> str:
    return f"{x * FRAMES / FPS:.1f}s"


EDGES = {"left": "left", "right": "right", "up": "top", "down": "bottom"}
LOOSE_COUNT = {
    1: ["a single square", "a lone square"],
    2: ["a pair of squares", "a couple of squares"],
    3: ["a trio of squares", "a triple of squares"],
}
LOOSE_SPAN = {
    (0.0, 0.5): ["early in the clip", "at the start of the clip"],
    (0.25, 0.75): ["in the middle of the clip", "around the middle"],
    (0.5, 1.0): ["late in the clip", "towards the end"],
    (0.0, 1.0): ["from start to finish", "throughout"],
}
CORNERS = {
    "top left": "upper left",
    "top right": "upper right",
    "bottom left": "lower left",
    "bottom right": "lower right",
}


def wordings(clip: Clip) -> dict[str, tuple[list[str], list[str]]]:
    """Per described label kind (:data:`DESCRIBED`), sentences stating the clip's fact.

    Each is (checkable wordings, loose wordings).

    The verifier accepts the first list and rejects the second (tests/test_demo.py checks both
    against the real verifier), though a person would accept either.
    """
    d, n, (a, b), q = clip.direction, clip.count, clip.visible, clip.quadrant
    cx, cy = QUADRANTS[q]
    box = f"[{cx:.2f}, {cy:.2f}, 0.50, 0.50]"
    noun = "square" if n == 1 else "squares"
    first, second = ("the screen flashes white", "the grey marker disappears")
    if not clip.flash_first:
        first, second = second, first
    return {
        "motion": (
            [f"The squares are moving {d}.", f"The shapes move {d}."],
            [
                f"The squares are drifting {d}ward.",
                f"The shapes head toward the {EDGES[d]} edge.",
                f"The squares are going {d}.",
            ],
        ),
        "count": (
            [
                f"There {'is' if n == 1 else 'are'} {n} {noun}.",
                f"{NUMBER_WORDS[n].capitalize()} {noun} cross the frame.",
            ],
            [f"There is {w}." for w in LOOSE_COUNT[n]],
        ),
        "visible": (
            [
                f"The squares are visible from {_pct(a)} to {_pct(b)} of the video.",
                f"They are on screen from {_secs(a)} to {_secs(b)}.",
            ],
            [f"The squares are seen {w}." for w in LOOSE_SPAN[(a, b)]],
        ),
        "marker": (
            [f"The grey marker is at {box}.", f"The grey marker covers {box}."],
            [f"The grey marker sits in the {q}.", f"The grey marker is in the {CORNERS[q]} corner."],
        ),
        "events": (
            [f"{first.capitalize()}, then {second}.", f"First {first}, then {second}."],
            [
                f"{'The screen turns white' if clip.flash_first else 'The grey block goes away'}, and afterwards "
                f"{'the grey block is gone' if clip.flash_first else 'the screen turns white'}.",
                "The grey marker is still there when the screen turns white."
                if clip.flash_first
                else "The marker is already gone by the time of the white flash.",
            ],
        ),
    }


def _state(facts: tuple[list[str], list[str]], rng: random.Random, checkable: float) -> str:
    good, loose = facts
    return rng.choice(good) if rng.random() < checkable else rng.choice(loose)


def colour_sentence(clip: Clip) -> str:
    """The squares' colour, as every caption starts."""
    return f"The {'square is' if clip.count == 1 else 'squares are'} {clip.color}."


def caption(clip: Clip, rng: random.Random, checkable: float = 1 / 3) -> str:
    """A caption of the whole clip: every fact, each in a checkable wording with probability ``checkable``."""
    facts = wordings(clip)
    colour = colour_sentence(clip) + " "
    return colour + " ".join(_state(facts[k], rng, checkable) for k in DESCRIBED)


def instruction_examples(
    clip: Clip,
    rng: random.Random,
    n: int = 2,
    checkable: float = 1 / 3,
    hints: float = 0.25,
    caption_share: float = 0.5,
    restate: float = 0.25,
) -> list[tuple[str, str]]:
    """``n`` (prompt, reply) pairs of the base model's instruction data for one clip.

    Each is a caption of the whole clip (a share ``caption_share``: every fact, always in the
    same order, which is what teaches a tiny model to see) or a description of one aspect; a fraction
    ``hints`` of the aspect descriptions state the fact in the prompt first, in the wording the
    reply uses. With probability ``restate`` a generic example of restating a given answer
    comes first (a number of :data:`RESTATED`, nothing about the clip). Many clips with few
    examples each teach perception; few clips with many examples let a tiny model memorise the
    clips instead.
    """
    facts = wordings(clip)
    out = []
    if rng.random() < restate:
        given = str(rng.choice(RESTATED))
        looked = colour_sentence(clip)  # what the clip shows, then the given answer
        out.append(
            (
                HINT_TEMPLATE.format(question=rng.choice(RESTATE_QUESTIONS), hint=given),
                f"{looked} The answer is {given}.",
            )
        )
    for _ in range(n):
        kind = None if rng.random() < caption_share else rng.choice(DESCRIBED)
        if kind is None:
            out.append((rng.choice(CAPTION_PROMPTS), caption(clip, rng, checkable)))
            continue
        prompt = rng.choice(ASPECT_PROMPTS[kind])
        reply = _state(facts[kind], rng, checkable)
        if rng.random() < hints:
            prompt = HINT_TEMPLATE.format(question=prompt, hint=reply.rstrip("."))
        elif rng.random() < 0.5:
            prompt = COT_TEMPLATE.format(question=prompt)
        out.append((prompt, reply))
    return out


def records(clip: Clip, questions: dict[str, list[str]], rng: random.Random) -> list[dict]:
    """The six labeled questions of a clip."""
    labels = clip.labels()
    return [
        {
            "question_id": f"{clip.name}_{key}",
            "video_path": f"{clip.name}.mp4",
            "question": rng.choice(questions[key]),
            "label": {key: labels[key]},
            "label_type": [key],
            "verifier_type": [kind],
            "duration": FRAMES / FPS,
        }
        for key, kind in KINDS.items()
    ]


@dataclass
class SyntheticConfig:
    """Options of ``vstar prepare synthetic`` (the keyword arguments of :func:`build`)."""

    train: int = field(default=60, metadata={"help": "training clips (six questions each)"})
    test: int = field(default=40, metadata={"help": "held-out clips (six questions each)"})
    caption_clips: int = field(
        default=2000,
        metadata={"help": "clips rendered for the base model's instruction data only (0: describe the training clips)"},
    )
    captions_per_clip: int = field(default=2, metadata={"help": "instruction examples per captioned clip"})
    checkable: float = field(
        default=1 / 3, metadata={"help": "share of the base data's facts stated in a wording the verifier accepts"}
    )
    restate: float = field(
        default=0.25,
        metadata={"help": "chance that a captioned clip also gets a generic example of restating a given number"},
    )
    seed: int = field(default=0, metadata={"help": "seed of the rendering and the phrasing draw"})

    def __post_init__(self) -> None:
        for name in ("train", "test", "caption_clips", "captions_per_clip", "seed"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 0:
                raise ValueError(f"{name} must be an integer >= 0")
        for name in ("checkable", "restate"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be between 0 and 1")


def build(
    out: str | Path,
    train: int = 60,
    test: int = 40,
    seed: int = 0,
    caption_clips: int = 2000,
    captions_per_clip: int = 2,
    checkable: float = 1 / 3,
    restate: float = 0.25,
) -> dict:
    """Render the clips and write ``train.jsonl``, ``test.jsonl`` and ``captions.jsonl`` into ``out``.

    ``captions.jsonl`` (the base model's instruction data, the analogue of Video-LLaVA's) describes
    ``caption_clips`` clips of their own, rendered apart from the labeled splits; with
    ``caption_clips=0`` it describes the training clips instead.
    """
    out = Path(out)
    (out / "videos").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    files = {name: (out / f"{name}.jsonl").open("w", encoding="utf-8") for name in ("train", "test", "captions")}
    splits = [("train", train), ("test", test)] + ([("caption", caption_clips)] if caption_clips else [])
    described = "caption" if caption_clips else "train"
    n_captions = 0
    try:
        for split, n in splits:
            for i in range(n):
                clip = sample_clip(rng, f"{split}{i:04d}")
                write_video(render(clip), out / "videos" / f"{clip.name}.mp4")
                if split != "caption":
                    qs = QUESTIONS if split == "train" else TEST_QUESTIONS
                    for rec in records(clip, qs, rng):
                        files[split].write(json.dumps(rec) + "\n")
                if split == described:
                    for k, (prompt, reply) in enumerate(
                        instruction_examples(clip, rng, captions_per_clip, checkable, restate=restate)
                    ):
                        conv = [{"from": "human", "value": "<video>\n" + prompt}, {"from": "gpt", "value": reply}]
                        rec = {"id": f"{clip.name}_cap{k}", "video": f"{clip.name}.mp4", "conversations": conv}
                        files["captions"].write(json.dumps(rec) + "\n")
                        n_captions += 1
    finally:
        for f in files.values():
            f.close()
    return {"train": train * len(KINDS), "test": test * len(KINDS), "captions": n_captions}
