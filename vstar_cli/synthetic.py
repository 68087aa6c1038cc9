"""The embedded default dataset: rendered clips of coloured squares with labels of five kinds.

Each clip shows 1-3 squares of one colour crossing the frame in one direction while visible
during part of the clip, a grey marker in one quadrant that disappears at some point, and a
white flash. Every clip gets five labeled questions:

- ``motion`` (``simple``): "moving left" / "moving right" / "moving up" / "moving down"
- ``count`` (``float``): how many squares
- ``visible`` (``temporal_range``): when the squares are on screen, as fractions of the clip
- ``marker`` (``bbox``): the grey marker's box
- ``events`` (``sentence_sequence``): the flash and the marker's disappearance, in order

Captions for the base model's instruction tuning (of clips rendered for them alone, so the base
model has never seen a labeled clip) state every fact, half the time in wordings
the verifier does not accept ("drifting leftward", "a pair of squares", "in the middle of the
clip", "in the top left"): the analogue of a captioning model that describes well but was
never trained to answer the task's questions, or to answer them in checkable terms.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

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
SIZE, FRAMES, FPS, SQUARE = 56, 16, 8, 12
FLASH, VANISH = "the screen flashes white", "the grey marker disappears"

QUESTIONS = {  # the labeled task's phrasings: none of them is a captioning prompt
    "motion": [
        "Which way are the squares travelling?",
        "In what direction do the shapes go?",
        "Where are the squares heading?",
    ],
    "count": ["How many squares cross the frame?", "Count the moving shapes.", "What is the number of squares?"],
    "visible": [
        "During which part of the clip are the squares on screen?",
        "When can the shapes be seen?",
        "Over what span of the video are the squares visible?",
    ],
    "marker": [
        "Where is the grey marker? Give its box.",
        "Locate the grey block.",
        "What region does the grey marker cover?",
    ],
    "events": [
        "What happens in the clip, in order?",
        "Which events take place, and in what order?",
        "Describe the sequence of events.",
    ],
}
CAPTION_PROMPTS = [
    "Describe the video.",
    "What do you see in this clip?",
    "Write a caption for the video.",
    "Tell me about this clip.",
    "Give a short description of the footage.",
]
TEST_QUESTIONS = {  # held-out phrasings, different again
    "motion": ["Tell me the direction the squares move in.", "Which direction is the motion?"],
    "count": ["How many shapes are there?", "Give the count of squares."],
    "visible": ["When are the shapes present in the video?", "Which time span shows the squares?"],
    "marker": ["Give the position of the grey marker as a box.", "Find the grey marker."],
    "events": ["List the events of the video in the order they occur.", "What takes place, from first to last?"],
}


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
        """Gold values of the five label kinds."""
        cx, cy = QUADRANTS[self.quadrant]
        return {
            "motion": f"moving {self.direction}",
            "count": float(self.count),
            "visible": list(self.visible),
            "marker": [cx, cy, 0.5, 0.5],
            "events": [FLASH, VANISH] if self.flash_first else [VANISH, FLASH],
        }


KINDS = {
    "motion": "simple",
    "count": "float",
    "visible": "temporal_range",
    "marker": "bbox",
    "events": "sentence_sequence",
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


def render(clip: Clip) -> np.ndarray:
    """Frames ``(16, 56, 56, 3)`` of a clip."""
    frames = np.zeros((FRAMES, SIZE, SIZE, 3), np.uint8)
    frames[:] = (16, 16, 16)
    cx, cy = QUADRANTS[clip.quadrant]
    x0, y0 = int((cx - 0.25) * SIZE), int((cy - 0.25) * SIZE)
    flash_at, vanish_at = (4, 12) if clip.flash_first else (12, 4)
    frames[:vanish_at, y0 : y0 + SIZE // 2, x0 : x0 + SIZE // 2] = (110, 110, 110)
    start, end = int(round(clip.visible[0] * FRAMES)), int(round(clip.visible[1] * FRAMES))
    span = max(1, end - start)
    lanes = {1: [0.5], 2: [0.25, 0.75], 3: [0.15, 0.5, 0.85]}[clip.count]
    rgb = COLORS[clip.color]
    for f in range(start, end):
        progress = (f - start + 0.5) / span
        travel = progress if clip.direction in ("right", "down") else 1 - progress
        pos = int(travel * (SIZE - SQUARE))
        for lane in lanes:
            other = min(SIZE - SQUARE, max(0, int(lane * SIZE) - SQUARE // 2))
            if clip.direction in ("left", "right"):
                frames[f, other : other + SQUARE, pos : pos + SQUARE] = rgb
            else:
                frames[f, pos : pos + SQUARE, other : other + SQUARE] = rgb
    frames[flash_at : flash_at + 2] = np.maximum(frames[flash_at : flash_at + 2], 200)
    return frames


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


def caption(clip: Clip, rng: random.Random, checkable: float = 0.5) -> str:
    """A caption stating every fact; each in a checkable wording with probability ``checkable``."""
    n, col, d = clip.count, clip.color, clip.direction
    noun = "square" if n == 1 else "squares"
    a, b = clip.visible
    cx, cy = QUADRANTS[clip.quadrant]

    def pick(good: list[str], loose: list[str]) -> str:
        return rng.choice(good) if rng.random() < checkable else rng.choice(loose)

    count = pick(
        [f"{NUMBER_WORDS[n]} {col} {noun}", f"{n} {col} {noun}"],
        [{1: f"a single {col} square", 2: f"a pair of {col} squares", 3: f"a trio of {col} squares"}[n]],
    )
    motion = pick(
        [f"moving {d}"],
        ["drifting " + {"left": "leftward", "right": "rightward", "up": "upward", "down": "downward"}[d]],
    )
    visible = pick(
        [f"visible from {_pct(a)} to {_pct(b)} of the video"],
        [
            {
                (0.0, 0.5): "seen in the first half",
                (0.25, 0.75): "seen in the middle of the clip",
                (0.5, 1.0): "seen in the second half",
                (0.0, 1.0): "seen for the whole clip",
            }[(a, b)]
        ],
    )
    marker = pick(
        [f"A grey marker sits at [{cx:.2f}, {cy:.2f}, 0.50, 0.50]."], [f"A grey marker sits in the {clip.quadrant}."]
    )
    first, second = (
        ("a white flash", "the marker vanishing") if clip.flash_first else ("the marker vanishing", "a white flash")
    )
    events = pick(
        [
            (
                "The screen flashes white, then the grey marker disappears."
                if clip.flash_first
                else "The grey marker disappears, then the screen flashes white."
            )
        ],
        [f"There is {first} before {second}."],
    )
    text = f"{count[0].upper()}{count[1:]} {motion}, {visible}. {marker} {events}"
    return text


def records(clip: Clip, questions: dict[str, list[str]], rng: random.Random) -> list[dict]:
    """The five labeled questions of a clip."""
    labels = clip.labels()
    out = []
    for key, kind in KINDS.items():
        out.append(
            {
                "question_id": f"{clip.name}_{key}",
                "video_path": f"{clip.name}.mp4",
                "question": rng.choice(questions[key]),
                "label": {key: labels[key]},
                "label_type": [key],
                "verifier_type": [kind],
                "duration": FRAMES / FPS,
            }
        )
    return out


@dataclass
class SyntheticConfig:
    """Options of ``vstar prepare synthetic`` (the keyword arguments of :func:`build`)."""

    train: int = field(default=160, metadata={"help": "training clips (five questions each)"})
    test: int = field(default=60, metadata={"help": "held-out clips (five questions each)"})
    caption_clips: int = field(
        default=600,
        metadata={"help": "clips rendered for the base model's captions only (0: caption the training clips)"},
    )
    captions_per_clip: int = field(default=2, metadata={"help": "captions per captioned clip"})
    seed: int = field(default=0, metadata={"help": "seed of the rendering and the phrasing draw"})

    def __post_init__(self) -> None:
        for name in ("train", "test", "caption_clips", "captions_per_clip", "seed"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 0:
                raise ValueError(f"{name} must be an integer >= 0")


def build(
    out: str | Path,
    train: int = 160,
    test: int = 60,
    captions_per_clip: int = 2,
    seed: int = 0,
    caption_clips: int = 600,
) -> dict:
    """Render the clips and write ``train.jsonl``, ``test.jsonl`` and ``captions.jsonl`` into ``out``.

    The captions (the base model's instruction data, the analogue of Video-LLaVA's pretraining
    data) describe ``caption_clips`` clips of their own, rendered apart from the labeled splits;
    with ``caption_clips=0`` they describe the training clips instead.
    """
    out = Path(out)
    (out / "videos").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    files = {name: (out / f"{name}.jsonl").open("w", encoding="utf-8") for name in ("train", "test", "captions")}
    splits = [("train", train), ("test", test)] + ([("caption", caption_clips)] if caption_clips else [])
    described = "caption" if caption_clips else "train"
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
                    for k in range(captions_per_clip):
                        conv = [
                            {"from": "human", "value": "<video>\n" + rng.choice(CAPTION_PROMPTS)},
                            {"from": "gpt", "value": caption(clip, rng)},
                        ]
                        files["captions"].write(
                            json.dumps(
                                {"id": f"{clip.name}_cap{k}", "video": f"{clip.name}.mp4", "conversations": conv}
                            )
                            + "\n"
                        )
    finally:
        for f in files.values():
            f.close()
    return {
        "train": train * len(KINDS),
        "test": test * len(KINDS),
        "captions": (caption_clips or train) * captions_per_clip,
    }
