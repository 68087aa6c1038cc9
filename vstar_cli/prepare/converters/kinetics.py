"""Kinetics-400/600/700: action recognition questions from the annotation CSVs.

The CSVs have ``label, youtube_id, time_start, time_end, split`` (K400 adds ``is_cc``). The
validation split is spelled ``validate`` in the Kinetics-700 (2019) file and ``val`` in the
K400/K600 and 2020 files: both spellings select it. Test CSVs have no ``label`` column.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from vstar_cli.prepare.base import FormatError, ItemError, Skip, fill, record
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
    """Rows of the CSV, numbered by their line (the header is line 1).

    A BOM is allowed; a row with bytes that are not UTF-8, or that the CSV reader cannot
    parse, becomes that row's error record instead of stopping the file.
    """
    with open(path, newline="", encoding="utf-8-sig", errors="surrogateescape") as fh:
        reader = csv.DictReader(fh)
        try:
            header = reader.fieldnames or []
        except csv.Error as exc:
            raise FormatError(f"not a Kinetics CSV ({exc})") from None
        if any(_undecodable(c) for c in header):
            raise FormatError("not a Kinetics CSV (the header is not UTF-8 text)")
        cols = {c.strip() for c in header}
        if {"youtube_id", "time_start", "time_end"} <= cols and "label" not in cols:
            raise FormatError(
                "this looks like a Kinetics test CSV (no label column); labeled questions need train.csv "
                "or val.csv / validate.csv"
            )
        if not set(NEED) <= cols:
            found = ", ".join(sorted(cols))
            found = found if len(found) <= 80 else found[:80] + "…"
            raise FormatError(f"not a Kinetics CSV (needs columns {', '.join(NEED)}; found {found or 'no header'})")
        want = canonical_split(ctx.opts.split) if ctx.opts.split else None
        ctx.shared["split"] = want
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield line, {BROKEN: f"malformed CSV row: {exc}"}
                continue
            yield line, row


BROKEN = "__unreadable__"


def _undecodable(value) -> bool:
    return isinstance(value, str) and not value.isascii() and any("\udc80" <= ch <= "\udcff" for ch in value)


def _time(value) -> int:
    try:
        t = float(value)
    except (TypeError, ValueError):
        raise ItemError(f"time not a number: {value!r}") from None
    if not math.isfinite(t) or t < 0:
        raise ItemError(f"time not a finite second >= 0: {value!r}")
    return int(t)


def convert(row: dict, ctx: Context):
    """One ``simple`` action label per row."""
    if BROKEN in row:
        raise ItemError(row[BROKEN])
    bad = [k for k, v in row.items() if _undecodable(v) or (isinstance(v, list) and any(map(_undecodable, v)))]
    if bad:
        raise ItemError(f"bytes that are not UTF-8 in {', '.join(str(k) for k in bad)}")
    row = {(k.strip() if isinstance(k, str) else k): v for k, v in row.items()}
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
    start, end = _time(row["time_start"]), _time(row["time_end"])
    if end <= start:
        raise ItemError(f"time_end {row['time_end']!r} is not after time_start {row['time_start']!r}")
    fields = {
        "label": row["label"].strip(),
        "youtube_id": row["youtube_id"].strip(),
        "time_start": start,
        "time_end": end,
        "split": split,
    }
    video = fill(ctx.opts.video_pattern, **fields)
    yield record(
        f"k700_{fields['youtube_id']}_{start:06d}",
        video,
        ctx.phraser("action recognition"),
        {"action": row["label"].strip()},
        ["simple"],
        duration=float(end - start),
        source_dataset="kinetics",
    )


def detect(head) -> str | None:
    """A Kinetics CSV (train, val or test) by its header."""
    cols = head.columns
    if {"youtube_id", "time_start", "time_end"} <= cols:
        return "a Kinetics CSV (`vstar prepare kinetics700`)" + (
            "" if "label" in cols else ", a test file without labels"
        )
    return None


def example(folder: Path) -> list[str]:
    """A two-row Kinetics CSV (the fixture of the test every converter runs)."""
    path = folder / "train.csv"
    path.write_text(
        "label,youtube_id,time_start,time_end,split\nplaying guitar,vid001,0,10,train\nriding a bike,vid002,5,15,val\n",
        encoding="utf-8",
    )
    return [str(path), "--split", "train"]


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
    detect=detect,
    example=example,
)
