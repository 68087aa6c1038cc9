"""Question phrasings per task: several per task, drawn with a seed, never naming the label.

A converter asks :class:`Phraser` for a question of a task; it draws from the built-in
templates, from a question bank (``vstar questions`` output, ``--questions``), or both, with a
seeded round robin so that every phrasing is used about equally often.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

TEMPLATES: dict[str, list[str]] = {
    "action recognition": [
        "What is happening in this video?",
        "What activity is being performed in the clip?",
        "Describe the main action the person carries out.",
        "What is the person in the video doing?",
        "Which activity does this footage show?",
        "What are the people in the video engaged in?",
    ],
    "sub-action sequence": [
        "Describe, in order, the stages of this dive.",
        "What sequence of movements does the diver perform?",
        "Walk through the dive from take-off to entry.",
        "List the diver's sub-actions in the order they happen.",
    ],
    "action quality": [
        "How well was this dive executed? Give the score you expect from the judges.",
        "What score would the judges award this dive?",
        "Assess this dive and predict its final score.",
        "Rate the execution of this dive with a numeric score.",
    ],
    "difficulty": [
        "What is the degree of difficulty of this dive?",
        "How difficult is the dive shown here (its difficulty value)?",
        "Estimate the difficulty rating of this dive.",
    ],
    "action after": [
        "What does the diver do right after {action}?",
        "Which movement follows {action} in this dive?",
        "After {action}, what comes next?",
    ],
    "action before": [
        "What does the diver do just before {action}?",
        "Which movement comes right before {action}?",
        "What happens immediately prior to {action}?",
    ],
    "video qa": ["{question}"],
    "reversed qa": [
        "Here is an answer about the video: '{answer}' What question does it answer?",
        "Which question about this video has the answer '{answer}'?",
        "Propose the question whose answer is '{answer}'.",
    ],
    "temporal localization": [
        "When in the video does the following happen: {event}? Give the start and end.",
        "During which part of the video does this take place: {event}?",
        "Find the time span in which {event}.",
    ],
    "object identification": [
        "What object is at {box} at {time} of the video?",
        "Name the object found at {box} when the video is {time} through.",
        "Which object occupies the region {box} at {time} of the clip?",
    ],
    "object comparison": [
        "Is the object at {box1} at {time1} the same as the object at {box2} at {time2}?",
        "Compare the object at {box1} ({time1}) with the one at {box2} ({time2}): are they the same?",
    ],
    "fill in objects": [
        "Fill in the blanks to describe the video: {template}",
        "Complete this description of the clip: {template}",
        "Which objects complete the sentence '{template}'?",
    ],
    "relationship": [
        "What happens between {objects} in the video?",
        "Describe what is done with {objects}.",
        "How do {objects} interact in this clip?",
    ],
}


def load_bank(path: str | Path) -> dict[str, list[str]]:
    """Questions per task from a ``vstar questions`` bank (JSONL with ``task`` and ``question``)."""
    bank: dict[str, list[str]] = defaultdict(list)
    for n, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"question bank {Path(path).name} line {n}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise ValueError(f"question bank {Path(path).name} line {n}: not a JSON object")
        if isinstance(row.get("question"), str) and isinstance(row.get("task"), str) and row["question"].strip():
            bank[row["task"]].append(row["question"].strip())
    return dict(bank)


class Phraser:
    """Draws a phrasing per task: seeded, balanced, from templates and/or a question bank.

    >>> p = Phraser(seed=1)
    >>> p("difficulty") in TEMPLATES["difficulty"]
    True
    """

    def __init__(
        self,
        seed: int = 0,
        bank: dict[str, list[str]] | None = None,
        mode: str = "both",
        templates: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        if mode not in {"templates", "bank", "both"}:
            raise ValueError("mode must be templates, bank or both")
        # A converter's own phrasings add to (or replace) the built-in tasks.
        self.templates = {**TEMPLATES, **{k: list(v) for k, v in (templates or {}).items()}}
        self.rng = random.Random(seed)
        # Bank questions are used as written: braces in them are text, not placeholders.
        self.bank = {t: [q.replace("{", "{{").replace("}", "}}") for q in qs] for t, qs in (bank or {}).items()}
        self.mode = mode
        self._decks: dict[str, list[str]] = {}

    def options(self, task: str) -> list[str]:
        """Every phrasing available for ``task``."""
        own = self.templates.get(task, []) if self.mode != "bank" else []
        banked = self.bank.get(task, []) if self.mode != "templates" else []
        # A bank question has no placeholders: it only stands in for templates without any.
        if banked and any("{" in t for t in self.templates.get(task, [])):
            banked = []
        opts = own + banked
        if not opts:
            opts = self.templates.get(task, [])
        if not opts:
            raise KeyError(f"no phrasings for task {task!r}")
        return opts

    def __call__(self, task: str, **fields: object) -> str:
        """A phrasing of ``task`` with ``fields`` filled in; each is used once before any repeats."""
        deck = self._decks.get(task)
        if not deck:
            deck = list(self.options(task))
            self.rng.shuffle(deck)
            self._decks[task] = deck
        return deck.pop().format(**fields)
