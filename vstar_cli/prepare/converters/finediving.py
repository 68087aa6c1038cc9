"""FineDiving: sub-action sequence, before/after, difficulty and score questions.

FineDiving publishes six pickles (read with a restricted unpickler): the fine-grained
annotation (``(competition, index) -> {action_type, dive_score, difficulty,
steps_transit_frames, frames_labels, sub-action_types}``), the same as lists without names
(``fine-grained_annotation_aqa.pkl``: ``[action_type, dive_score, difficulty,
steps_transit_frames, frames_labels]``, names from ``Sub_action_Types_Table.pkl``), the coarse
annotation (frame span, scores; no sub-actions) and the train / test splits (lists of keys).
Frame indices come without a rate: durations use ``--fps``.
"""

from __future__ import annotations

import math
import pickle
import random
from collections import Counter
from pathlib import Path

from vstar_cli.prepare.base import FormatError, ItemError, Omit, Skip, fill, record
from vstar_cli.prepare.converter import Context, Converter, Option
from vstar_cli.prepare.safe_pickle import UnsafePickleError
from vstar_cli.prepare.safe_pickle import load as load_pickle

FPS_HELP = (
    "Frame rate of your dive videos, for durations: FineDiving's pickles give frame indices only, no rate. "
    "Use the rate at which you encoded the frame folders into videos (the official Video-STaR code "
    "encodes them at 12 fps; the recipe's videos are expected at 25)."
)


def _is_key(k) -> bool:
    return isinstance(k, tuple) and len(k) == 2 and isinstance(k[0], str)


def classify(obj) -> str:
    """Which FineDiving pickle ``obj`` is: fine, aqa, coarse, table, split or unknown.

    >>> classify({1: "Forward", 2: "Back"}), classify([("01", 1)])
    ('table', 'split')
    """
    if isinstance(obj, (list, tuple)) and obj and all(_is_key(k) for k in obj[:50]):
        return "split"
    if not isinstance(obj, dict) or not obj:
        return "unknown"
    keys, values = list(obj)[:50], list(obj.values())[:50]
    if all(isinstance(k, int) for k in keys) and all(isinstance(v, str) for v in values):
        return "table"
    if not all(_is_key(k) for k in keys):
        return "unknown"
    if all(isinstance(v, dict) and "frames_labels" in v for v in values):
        return "fine"
    if all(isinstance(v, (list, tuple)) and len(v) == 5 for v in values):
        return "aqa"
    if all(isinstance(v, dict) and "dive_score" in v and "start_frame" in v for v in values):
        return "coarse"
    return "unknown"


def _pickle(path, role: str):
    """A pickle's content; a file that is not a (whole) pickle is a :class:`FormatError`."""
    try:
        return load_pickle(path)
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError, KeyError, AttributeError) as exc:
        if isinstance(exc, UnsafePickleError):
            raise
        why = (
            "empty file"
            if isinstance(exc, EOFError) and not Path(path).stat().st_size
            else f"{exc or type(exc).__name__}"
        )
        where = "" if role == "FILE" else f"{role}: "
        raise FormatError(f"{where}not a FineDiving pickle (not a readable Python pickle: {why})") from None


def _load(path, role: str):
    obj = _pickle(path, role)
    kind = classify(obj)
    if kind == "table":
        raise FormatError(
            "this is FineDiving's sub-action type table (Sub_action_Types_Table.pkl); give it with "
            "--sub-action-types, and an annotation pickle (FineDiving_fine-grained_annotation.pkl or "
            f"fine-grained_annotation_aqa.pkl) as {role}"
        )
    if kind == "split":
        raise FormatError(
            f"this is a FineDiving split (train_split.pkl / test_split.pkl); give it with --split, and "
            f"FineDiving_fine-grained_annotation.pkl as {role}"
        )
    if kind == "unknown":
        raise FormatError("not a FineDiving annotation pickle ((competition, index) -> annotation)")
    return kind, obj


def read(path: Path, ctx: Context):
    """The dives of the annotation pickle, in file order."""
    opts = ctx.opts
    if not (opts.fps > 0 and math.isfinite(opts.fps)):
        raise FormatError(f"--fps must be positive, not {opts.fps}")
    kind, anns = _load(path, "FILE")
    table = None
    if opts.sub_action_types is not None:
        table = _pickle(opts.sub_action_types, "--sub-action-types")
        if classify(table) != "table":
            raise FormatError(f"--sub-action-types {Path(opts.sub_action_types).name}: not Sub_action_Types_Table.pkl")
    if kind == "aqa" and table is None:
        raise FormatError(
            "this is FineDiving's fine-grained_annotation_aqa.pkl (lists without sub-action names); give "
            "Sub_action_Types_Table.pkl with --sub-action-types, or use FineDiving_fine-grained_annotation.pkl"
        )
    if kind == "coarse":
        ctx.note(
            "coarse annotation: no sub-action labels, so only difficulty and score questions "
            "(FineDiving_fine-grained_annotation.pkl has the sub-actions)"
        )
    keep = None
    if opts.split is not None:
        split = _pickle(opts.split, "--split")
        if classify(split) != "split":
            raise FormatError(
                f"--split {Path(opts.split).name}: not a FineDiving split (a list of (competition, index))"
            )
        keep = {tuple(k) for k in split}
    ctx.shared.update(kind=kind, table=table or {}, keep=keep)
    for n, (key, ann) in enumerate(anns.items(), start=1):
        yield n, {"key": key, "annotation": ann}


def _fields(item: dict, ctx: Context) -> dict:
    ann, kind = item["annotation"], ctx.shared["kind"]
    if kind == "aqa":
        action_type, score, difficulty, _transit, labels = ann
        return {"dive_score": score, "difficulty": difficulty, "frames_labels": labels, "names": ctx.shared["table"]}
    if kind == "coarse":
        return {
            "dive_score": ann.get("dive_score"),
            "difficulty": ann.get("difficulty"),
            "n_frames": int(ann["end_frame"]) - int(ann["start_frame"]) + 1,
        }
    names = {**ctx.shared["table"], **{int(k): v for k, v in (ann.get("sub-action_types") or {}).items()}}
    return {
        "dive_score": ann.get("dive_score"),
        "difficulty": ann.get("difficulty"),
        "frames_labels": ann.get("frames_labels"),
        "names": names,
    }


def sub_actions(labels, names: dict) -> list[str]:
    """Sub-action names in order, one per run of equal frame labels.

    >>> sub_actions([1, 1, 15, 15, 32, 15, 36], {1: "Forward", 15: "Pike", 32: "Twist", 36: "Entry"})
    ['Forward', 'Pike', 'Twist', 'Pike', 'Entry']
    """
    seq: list[str] = []
    for lab in labels:
        lab = int(lab)
        if lab not in names:
            raise ItemError(f"frame label {lab} has no sub-action name (give --sub-action-types)")
        name = str(names[lab])
        if not seq or seq[-1] != name:
            seq.append(name)
    return seq


def convert(item: dict, ctx: Context):
    """Sequence (``sentence_sequence``), after / before (``sentence``), difficulty and score."""
    key = item["key"]
    keep = ctx.shared["keep"]
    if keep is not None and tuple(key) not in keep:
        yield Skip("not in --split")
        return
    comp, idx = key
    f = _fields(item, ctx)
    opts = ctx.opts
    n_frames = f.get("n_frames") or (len(f["frames_labels"]) if f.get("frames_labels") is not None else 0)
    if n_frames < 0:
        raise ItemError("end_frame is before start_frame")
    video = fill(opts.video_pattern, competition=comp, index=idx)
    vid = f"fd_{comp}_{idx}"
    common = {"duration": round(n_frames / opts.fps, 3) if n_frames else None, "source_dataset": "finediving"}
    if f.get("frames_labels") is not None:
        seq = sub_actions(f["frames_labels"], f["names"])
        if len(seq) >= 2:
            yield record(
                f"{vid}_seq",
                video,
                ctx.phraser("sub-action sequence"),
                {"action_sequence": seq},
                ["sentence_sequence"],
                **common,
            )
            yield from _before_after(seq, vid, video, ctx, common)
        else:
            yield Omit("sequence, before/after: fewer than two sub-actions")
    if f.get("difficulty") is not None:
        yield record(
            f"{vid}_difficulty",
            video,
            ctx.phraser("difficulty"),
            {"difficulty": float(f["difficulty"])},
            ["simple"],
            **common,
        )
    if f.get("dive_score") is not None:
        yield record(
            f"{vid}_score",
            video,
            ctx.phraser("action quality"),
            {"final_score": float(f["dive_score"])},
            ["float"],
            **common,
        )


def _before_after(seq: list[str], vid: str, video: str, ctx: Context, common: dict):
    # A sub-action done twice in a dive (a pike before and after a twist) makes "what comes
    # after the pike?" have two right answers: ask only about sub-actions that occur once.
    count = Counter(seq)
    rng = random.Random(vid)
    after = [k for k in range(len(seq) - 1) if count[seq[k]] == 1]
    before = [k for k in range(len(seq) - 1) if count[seq[k + 1]] == 1]
    if after:
        k = rng.choice(after)
        yield record(
            f"{vid}_after",
            video,
            ctx.phraser("action after", action=seq[k]),
            {"action_after_action": seq[k + 1]},
            ["sentence"],
            **common,
        )
    else:
        yield Omit("after: every sub-action with a successor occurs twice (ambiguous)")
    if before:
        k = rng.choice(before)
        yield record(
            f"{vid}_before",
            video,
            ctx.phraser("action before", action=seq[k + 1]),
            {"action_before_action": seq[k]},
            ["sentence"],
            **common,
        )
    else:
        yield Omit("before: every sub-action with a predecessor occurs twice (ambiguous)")


def detect(head) -> str | None:
    """FineDiving's pickles: the sub-action table, or an annotation or split (tuple keys)."""
    obj = head.data if head.form == "pickle" else None
    if isinstance(obj, dict) and obj and all(isinstance(k, int) for k in list(obj)[:20]):
        if all(isinstance(v, str) for v in list(obj.values())[:20]):
            return "an id -> name table (FineDiving's Sub_action_Types_Table.pkl?: give it with --sub-action-types)"
    if (isinstance(obj, dict) and obj and all(isinstance(k, tuple) for k in list(obj)[:20])) or (
        isinstance(obj, list) and obj and all(isinstance(k, tuple) for k in obj[:20])
    ):
        return "a FineDiving pickle (`vstar prepare finediving`)"
    return None


def example(folder: Path) -> list[str]:
    """A one-dive fine-grained annotation pickle (the fixture of the test every converter runs)."""
    dive = {
        "dive_score": 72.0,
        "difficulty": 3.2,
        "sub-action_types": {0: "Forward", 2: "2.5 Soms.Pike", 3: "Entry"},
        "frames_labels": [0] * 5 + [2] * 10 + [3] * 5,
        "steps_transit_frames": [5, 15],
    }
    path = folder / "FineDiving_fine-grained_annotation.pkl"
    path.write_bytes(pickle.dumps({("FINAWorldChampionships2019_Women10m_final_r1", 1): dive}))
    return [str(path)]


CONVERTER = Converter(
    name="finediving",
    summary="Sub-action sequence, before/after, difficulty and score questions from FineDiving (pickles read safely).",
    input_help="FineDiving_fine-grained_annotation.pkl (or fine-grained_annotation_aqa.pkl with --sub-action-types, "
    "or FineDiving_coarse_annotation.pkl: scores only).",
    files="`FineDiving_fine-grained_annotation.pkl` (+ `train_split.pkl` / `test_split.pkl`); "
    "`fine-grained_annotation_aqa.pkl` + `Sub_action_Types_Table.pkl`; `FineDiving_coarse_annotation.pkl`",
    kinds=("sentence_sequence", "sentence", "simple", "float"),
    read=read,
    convert=convert,
    options=(
        Option("split", Path, None, "train_split.pkl or test_split.pkl (keys to keep).", is_path=True),
        Option("sub_action_types", Path, None, "Sub_action_Types_Table.pkl (sub-action id -> name).", is_path=True),
        Option("fps", float, 25.0, FPS_HELP),
    ),
    video_pattern="{competition}_{index}.mp4",
    video_fields="{competition} and {index}",
    unit="dives",
    detect=detect,
    example=example,
)
