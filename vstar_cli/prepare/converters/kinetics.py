"""Kinetics-400/600/700: action recognition questions from the annotation CSVs.

The CSVs have ``label, youtube_id, time_start, time_end, split`` (K400 adds ``is_cc``). The
validation split is spelled ``validate`` in the Kinetics-700 (2019) file and ``val`` in the
K400/K600 and 2020 files: both spellings select it. Test CSVs have no ``label`` column.
"""

from __future__ import annotations

import csv
from pathlib import Path

from vstar_cli.prepare.base import FormatError, ItemError, Skip, record
from vstar_cli.prepare.converter import Context, Converter, Option

SPLITS = {"train": "train", "val": "val", "validate": "val", "validation": "val", "test": "test"}
NEED = ("label", "youtube_id", "time_start", "time_end")


def canonical_split(value: str) -> str:
    """``val``, ``validate`` and ``validation`` are one split.

    >>> canonical_split("validate"), canonical_split("train")
    ('val', 'train')
    """
    key = value.strip().lower()
    if key not in SPLITS:
        raise ValueError(f"unknown split {value!r} (known: train, val or validate, test)")
    return SPLITS[key]


def read(path: Path, ctx: Context):
    """Rows of the CSV, numbered from 2 (the header is line 1)."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        cols = set(reader.fieldnames or [])
        if {"youtube_id", "time_start", "time_end"} <= cols and "label" not in cols:
            raise FormatError(
                "this looks like a Kinetics test CSV (no label column); labeled questions need train.csv "
                "or val.csv / validate.csv"
            )
        if not set(NEED) <= cols:
            raise FormatError(f"not a Kinetics CSV (needs columns {', '.join(NEED)}; found {', '.join(sorted(cols))})")
        want = canonical_split(ctx.opts.split) if ctx.opts.split else None
        ctx.shared["split"] = want
        yield from enumerate(reader, start=2)


def convert(row: dict, ctx: Context):
    """One ``simple`` action label per row."""
    want = ctx.shared.get("split")
    split = (row.get("split") or "").strip()
    if want and split:
        try:
            if canonical_split(split) != want:
                yield Skip(f"split {split}, not {ctx.opts.split}")
                return
        except ValueError:
            raise ItemError(f"unknown split value {split!r} in the row") from None
    if not (row.get("label") or "").strip() or not (row.get("youtube_id") or "").strip():
        raise ItemError("empty label or youtube_id")
    try:
        start, end = int(float(row["time_start"])), int(float(row["time_end"]))
    except (TypeError, ValueError):
        raise ItemError(
            f"time_start / time_end not numbers: {row.get('time_start')!r}, {row.get('time_end')!r}"
        ) from None
    fields = {
        "label": row["label"],
        "youtube_id": row["youtube_id"],
        "time_start": start,
        "time_end": end,
        "split": split,
    }
    try:
        video = ctx.opts.video_pattern.format(**fields)
    except (KeyError, IndexError, ValueError) as exc:
        raise ItemError(f"--video-pattern cannot be filled: {exc}") from None
    yield record(
        f"k700_{row['youtube_id']}_{start:06d}",
        video,
        ctx.phraser("action recognition"),
        {"action": row["label"].strip()},
        ["simple"],
        duration=float(end - start) if end > start else None,
        source_dataset="kinetics",
    )


CONVERTER = Converter(
    name="kinetics700",
    summary="Action recognition questions ([italic]simple[/] labels) from a Kinetics-400/600/700 CSV.",
    input_help="Kinetics annotation CSV: train.csv, val.csv or validate.csv (label, youtube_id, time_start, "
    "time_end, split).",
    files="`train.csv`, `val.csv` / `validate.csv` (K400/600/700)",
    kinds=("simple",),
    read=read,
    convert=convert,
    options=(
        Option(
            "split",
            str,
            None,
            "Keep rows of this split only: train, val (= validate, as the K700 file spells it) or test.",
            choices=tuple(SPLITS),
        ),
    ),
    video_pattern="{youtube_id}_{time_start:06d}_{time_end:06d}.mp4",
    video_fields="{label} {youtube_id} {time_start} {time_end} {split}",
    unit="rows",
)
