"""Training examples from a merge output, and the collator that masks everything but the answers."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from vstar_cli.io import ErrorRecord, read_records
from vstar_cli.model import processor_inputs
from vstar_cli.video import VideoError, load_clip

IGNORE = -100


class NoUsableVideos(ValueError):
    """Every training video failed to decode: there is nothing to train on."""


@dataclass(frozen=True)
class Example:
    """One conversation about one or more videos: ``(user, assistant)`` turns, the videos first."""

    video: str
    turns: tuple[tuple[str, str], ...]
    system: str | None = None
    more_videos: tuple[str, ...] = ()

    @property
    def videos(self) -> tuple[str, ...]:
        """Every video of the conversation, in order."""
        return (self.video, *self.more_videos)


def parse_example(rec: dict) -> Example | None:
    """An :class:`Example` from a record in any format merge reads or writes (None when it is none of them)."""
    from vstar_cli import chat

    if not chat.is_conversation(rec):
        return None
    try:
        conv = chat.parse(rec)
    except ValueError:
        return None
    if not conv.videos:
        return None
    return Example(conv.videos[0], conv.turns, conv.system, conv.videos[1:])


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
    :class:`NoUsableVideos` is raised.
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

        n = len(self.examples)
        for k in range(n):
            j = (i + k) % n
            if j in self.bad:
                continue
            ex = self.examples[j]
            try:
                clips = [
                    load_clip(
                        os.path.join(self.video_dir, v),
                        None if self.fps else self.frames,
                        self.fps,
                        self.backend,
                        self.short_side,
                    )
                    for v in ex.videos
                ]
            except (VideoError, OSError, ValueError, RuntimeError, MemoryError) as exc:
                self.bad.add(j)
                self._skip(ex, exc)
                continue
            return {"clip": clips[0], "clips": clips, "turns": ex.turns, "system": ex.system}
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


def _messages(
    turns: tuple[tuple[str, str], ...], system: str | None, n_videos: int, last_answer: bool = True
) -> list[dict]:
    messages = [{"role": "system", "content": [{"type": "text", "text": system}]}] if system else []
    for i, (u, a) in enumerate(turns):
        content = ([{"type": "video"}] * n_videos if i == 0 else []) + [{"type": "text", "text": u}]
        messages.append({"role": "user", "content": content})
        if last_answer or i < len(turns) - 1:
            messages.append({"role": "assistant", "content": [{"type": "text", "text": a}]})
    return messages


def conversation_text(
    processor, turns: tuple[tuple[str, str], ...], upto: int | None = None, system: str | None = None, n_videos: int = 1
) -> str:
    """The chat-template text of the first ``upto`` turns (the videos go with the first user turn)."""
    messages = _messages(turns[: upto if upto is not None else len(turns)], system, n_videos)
    return processor.apply_chat_template(messages, tokenize=False)


def assistant_spans(
    processor, turns: tuple[tuple[str, str], ...], system: str | None = None, n_videos: int = 1
) -> tuple[str, list[tuple[int, int]]]:
    """Full text and, per assistant turn, its token span counted **from the end** of the text.

    Spans are measured on text tokens (no video expansion); the videos sit in the first user
    turn, before every answer, so distances from the end are the same after the processor
    expands them.
    """
    tok = processor.tokenizer
    full = conversation_text(processor, turns, system=system, n_videos=n_videos)
    n_full = len(tok(full, add_special_tokens=False)["input_ids"])
    spans = []
    for k in range(len(turns)):
        prompt = processor.apply_chat_template(
            _messages(turns[: k + 1], system, n_videos, last_answer=False), add_generation_prompt=True, tokenize=False
        )
        upto = conversation_text(processor, turns, upto=k + 1, system=system, n_videos=n_videos)
        n_prompt = len(tok(prompt, add_special_tokens=False)["input_ids"])
        n_upto = len(tok(upto, add_special_tokens=False)["input_ids"])
        spans.append((n_full - n_prompt, n_full - n_upto))
    return full, spans


class Collator:
    """Batches for training: right padding, labels only on the assistant's tokens."""

    def __init__(self, processor, max_length: int | None = None) -> None:
        self.processor = processor
        self.max_length = max_length

    def __call__(self, items: list[dict]) -> dict:
        tok = self.processor.tokenizer
        texts, spans = [], []
        for it in items:
            n_videos = len(it.get("clips") or [it["clip"]])
            text, sp = assistant_spans(self.processor, it["turns"], it.get("system"), n_videos)
            texts.append(text)
            spans.append(sp)
        side = tok.padding_side
        tok.padding_side = "right"
        try:
            clips = [c for it in items for c in (it.get("clips") or [it["clip"]])]
            batch = processor_inputs(self.processor, texts, clips)
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
