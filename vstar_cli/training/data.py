"""Training examples from a merge output, and the collator that masks everything but the answers."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vstar_cli.io import ErrorRecord, read_records
from vstar_cli.model import processor_inputs
from vstar_cli.video import VideoError, load_clip

IGNORE = -100


@dataclass(frozen=True)
class Example:
    """One conversation about one video: ``(user, assistant)`` turns, the video first."""

    video: str
    turns: tuple[tuple[str, str], ...]


def _text(content: Any) -> str | None:
    """A message's text: a string, or the text parts of a content list (None when it is neither)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        if not all(isinstance(c, dict) for c in content):
            return None
        texts = [c.get("text") for c in content if c.get("type") == "text"]
        return " ".join(texts) if all(isinstance(t, str) for t in texts) else None
    return None


def _strip_video(text: str) -> str:
    return text.replace("<video>\n", "").replace("<video>", "").strip()


def parse_example(rec: dict) -> Example | None:
    """An :class:`Example` from a record in any of merge's formats (None when it is none of them)."""
    if isinstance(rec.get("conversations"), list):
        conv = rec["conversations"]
        if not all(isinstance(c, dict) and isinstance(c.get("value"), str) for c in conv):
            return None
        users = [_strip_video(c["value"]) for c in conv[::2]]
        bots = [c["value"] for c in conv[1::2]]
        video = rec.get("video") or rec.get("video_path")
    elif isinstance(rec.get("messages"), list):
        msgs = rec["messages"]
        if not all(isinstance(m, dict) for m in msgs):
            return None
        texts = [(m.get("role"), _text(m.get("content"))) for m in msgs]
        if any(t is None for _, t in texts):
            return None
        users = [_strip_video(t) for role, t in texts if role == "user"]
        bots = [t for role, t in texts if role == "assistant"]
        videos = rec.get("videos")
        video = videos[0] if isinstance(videos, list) and videos else None
        video = video or rec.get("video")
        if video is None:
            for m in msgs:
                for c in m.get("content") if isinstance(m.get("content"), list) else []:
                    if c.get("type") == "video":
                        video = c.get("path") or c.get("video")
    else:
        return None
    if not isinstance(video, str) or not video or not users or len(users) != len(bots):
        return None
    return Example(video, tuple(zip(users, bots, strict=True)))


def load_examples(path: str | Path) -> tuple[list[Example], list[ErrorRecord]]:
    """All examples of a training file, plus error records for lines that are not examples."""
    examples, errors = [], []
    for item in read_records(path):
        if isinstance(item, ErrorRecord):
            errors.append(item)
            continue
        ex = parse_example(item)
        if ex is None:
            errors.append(ErrorRecord("not a training example (needs conversations or messages, and a video)", item))
        else:
            examples.append(ex)
    return examples, errors


class VideoChatDataset:
    """Map-style dataset over examples; videos are decoded when an item is fetched.

    A video that cannot be decoded is skipped: the next decodable example takes its place,
    and the bad one is appended to ``skipped_log`` (JSONL, shared by dataloader workers and
    processes, so the main process can report them). When no video decodes at all,
    :class:`~vstar_cli.stages.finetune.NoUsableVideos` is raised.
    """

    def __init__(
        self,
        examples: list[Example],
        video_dir: str,
        frames: int | None,
        fps: float | None,
        backend: str = "auto",
        short_side: int | None = None,
        skipped_log: Path | None = None,
    ) -> None:
        self.examples = examples
        self.video_dir = video_dir
        self.frames, self.fps, self.backend, self.short_side = frames, fps, backend, short_side
        self.skipped_log = skipped_log
        self.bad: set[int] = set()

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, i: int) -> dict:
        from vstar_cli.stages.finetune import NoUsableVideos

        n = len(self.examples)
        for k in range(n):
            j = (i + k) % n
            if j in self.bad:
                continue
            ex = self.examples[j]
            path = os.path.join(self.video_dir, ex.video)
            try:
                clip = load_clip(path, None if self.fps else self.frames, self.fps, self.backend, self.short_side)
            except (VideoError, OSError, ValueError, RuntimeError, MemoryError) as exc:
                self.bad.add(j)
                self._skip(ex, exc)
                continue
            return {"clip": clip, "turns": ex.turns}
        raise NoUsableVideos(f"none of the {n} training videos could be decoded")

    def _skip(self, ex: Example, exc: BaseException) -> None:
        if self.skipped_log is None:
            return
        line = json.dumps(
            {"video": ex.video, "reason": str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__}
        )
        with open(self.skipped_log, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def read_skipped(path: Path) -> dict[str, str]:
    """Videos skipped during training (video -> reason), from the log :class:`VideoChatDataset` writes."""
    out: dict[str, str] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if isinstance(doc, dict) and isinstance(doc.get("video"), str):
            out.setdefault(doc["video"], str(doc.get("reason", "")))
    return out


def conversation_text(processor, turns: tuple[tuple[str, str], ...], upto: int | None = None) -> str:
    """The chat-template text of the first ``upto`` turns (the video goes with the first user turn)."""
    messages = []
    for i, (u, a) in enumerate(turns[: upto if upto is not None else len(turns)]):
        content = ([{"type": "video"}] if i == 0 else []) + [{"type": "text", "text": u}]
        messages.append({"role": "user", "content": content})
        messages.append({"role": "assistant", "content": [{"type": "text", "text": a}]})
    return processor.apply_chat_template(messages, tokenize=False)


def assistant_spans(processor, turns: tuple[tuple[str, str], ...]) -> tuple[str, list[tuple[int, int]]]:
    """Full text and, per assistant turn, its token span counted **from the end** of the text.

    Spans are measured on text tokens (no video expansion); the video sits in the first user
    turn, before every answer, so distances from the end are the same after the processor
    expands it.
    """
    tok = processor.tokenizer
    full = conversation_text(processor, turns)
    n_full = len(tok(full, add_special_tokens=False)["input_ids"])
    spans = []
    for k in range(len(turns)):
        prompt = _prompt_text(processor, turns[: k + 1])
        upto = conversation_text(processor, turns, upto=k + 1)
        n_prompt = len(tok(prompt, add_special_tokens=False)["input_ids"])
        n_upto = len(tok(upto, add_special_tokens=False)["input_ids"])
        spans.append((n_full - n_prompt, n_full - n_upto))
    return full, spans


def _prompt_text(processor, turns_with_last_user: tuple[tuple[str, str], ...]) -> str:
    """Text up to and including the generation prompt of the last user turn."""
    messages = []
    for i, (u, a) in enumerate(turns_with_last_user):
        content = ([{"type": "video"}] if i == 0 else []) + [{"type": "text", "text": u}]
        messages.append({"role": "user", "content": content})
        if i < len(turns_with_last_user) - 1:
            messages.append({"role": "assistant", "content": [{"type": "text", "text": a}]})
    return processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)


class Collator:
    """Batches for training: right padding, labels only on the assistant's tokens."""

    def __init__(self, processor, max_length: int | None = None) -> None:
        self.processor = processor
        self.max_length = max_length

    def __call__(self, items: list[dict]) -> dict:
        tok = self.processor.tokenizer
        texts, spans = [], []
        for it in items:
            text, sp = assistant_spans(self.processor, it["turns"])
            texts.append(text)
            spans.append(sp)
        side = tok.padding_side
        tok.padding_side = "right"
        try:
            batch = processor_inputs(self.processor, texts, [it["clip"] for it in items])
        finally:
            tok.padding_side = side
        ids = batch["input_ids"]
        labels = ids.new_full(ids.shape, IGNORE)
        lengths = batch["attention_mask"].sum(dim=1).tolist()
        for row, (length, sp) in enumerate(zip(lengths, spans, strict=True)):
            for from_end_start, from_end_stop in sp:
                a, b = length - from_end_start, length - from_end_stop
                labels[row, max(a, 0) : max(b, 0)] = ids[row, max(a, 0) : max(b, 0)]
        batch["labels"] = labels
        return dict(batch)
