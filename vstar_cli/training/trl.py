"""Train on ``vstar merge`` output with TRL's ``SFTTrainer``, videos included.

TRL's own vision collator only knows images: given the ``messages`` output it trains the
video placeholder as text and the model never sees a frame. :class:`VideoSFTCollator` decodes
every video of a row as ``vstar generate`` does (same sampler, same decoder, same downscale
for the processor) and builds the batch with the processor, so it carries
``pixel_values_videos`` and labels only on the assistant's answers. Use it as::

    from trl import SFTConfig, SFTTrainer
    from vstar_cli.training.trl import VideoSFTCollator, load_rows, sft_args

    collator = VideoSFTCollator(processor, video_dir="videos/", frames=8)
    args = SFTConfig(output_dir="out", **sft_args())
    SFTTrainer(model=model, args=args, train_dataset=load_rows("sft.jsonl"),
               data_collator=collator, processing_class=processor).train()
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from vstar_cli.model import decode_short_side
from vstar_cli.training.data import Collator, parse_example
from vstar_cli.video import load_clip


def sft_args() -> dict:
    """``SFTConfig`` settings the collator needs: rows reach it untouched (no tokenizing, no column pruning)."""
    return {"remove_unused_columns": False, "dataset_kwargs": {"skip_prepare_dataset": True}}


def load_rows(path: str | Path):
    """A ``datasets.Dataset`` of a merge output; each row keeps its record as one JSON string.

    Rows are stored as strings because the formats mix types Arrow cannot hold in one column
    (a ``video`` that is a path in one row and a list in another, content parts).
    """
    from datasets import Dataset

    from vstar_cli.io import ErrorRecord, read_records

    rows = []
    for rec in read_records(path):
        if isinstance(rec, ErrorRecord):
            raise ValueError(f"{path}: line {rec.to_json()['line']}: {rec.reason}")
        rows.append(json.dumps(rec, ensure_ascii=False))
    return Dataset.from_dict({"record": rows})


class VideoSFTCollator:
    """Rows of a merge output (any format ``vstar finetune`` reads) -> a training batch with the videos.

    ``frames``/``fps``/``backend`` mean what they mean for ``vstar generate``.
    """

    def __init__(
        self,
        processor,
        video_dir: str | Path = ".",
        frames: int | None = 8,
        fps: float | None = None,
        backend: str = "auto",
    ) -> None:
        self.processor = processor
        self.video_dir = str(video_dir)
        self.frames, self.fps, self.backend = frames, fps, backend
        self.short_side = decode_short_side(processor)
        self.collator = Collator(processor)

    def item(self, row: dict) -> dict:
        """One row (a record, or ``{"record": json}`` from :func:`load_rows`) decoded for the collator."""
        rec = json.loads(row["record"]) if isinstance(row.get("record"), str) else row
        ex = parse_example(rec)
        if ex is None:
            raise ValueError(f"not a training example (needs conversations or messages, and a video): {rec!r:.200}")
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
        return {"clip": clips[0], "clips": clips, "turns": ex.turns, "system": ex.system}

    def __call__(self, rows: list[dict]) -> dict:
        return self.collator([self.item(r) for r in rows])
