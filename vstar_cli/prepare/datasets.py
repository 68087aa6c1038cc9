"""Converters from public annotation formats to the record contract.

Each is a generator of labeled records; label types and verifier kinds are set as the
paper's data-generation code sets them (Kinetics: ``simple``; FineDiving: ``sentence_sequence``,
``sentence``, ``simple`` and ``float``; STAR: ``sentence``, ``temporal_range``,
``obj_identify``, ``simple`` and ``same_or_not``; SSv2: ``simple`` and ``sentence``).
"""

from __future__ import annotations

import csv
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

from vstar_cli.prepare.phrasing import Phraser
from vstar_cli.prepare.safe_pickle import load as load_pickle


def _record(qid: str, video: str, question: str, label: dict, kinds: list[str], **extra) -> dict:
    rec = {
        "question_id": qid,
        "video_path": video,
        "question": question,
        "label": label,
        "label_type": list(label),
        "verifier_type": kinds,
    }
    rec.update({k: v for k, v in extra.items() if v is not None})
    return rec


# -- Kinetics-700 --------------------------------------------------------------------------


def kinetics700(
    csv_path: str | Path,
    phraser: Phraser,
    split: str | None = None,
    video_pattern: str = "{youtube_id}_{time_start:06d}_{time_end:06d}.mp4",
) -> Iterator[dict]:
    """Action recognition questions from the Kinetics-700 CSV (label, youtube_id, time_start, time_end, split)."""
    with open(csv_path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        need = {"label", "youtube_id", "time_start", "time_end"}
        if not need <= set(reader.fieldnames or []):
            raise ValueError(f"{csv_path}: not a Kinetics CSV (needs columns {', '.join(sorted(need))})")
        for row in reader:
            if split and row.get("split") and row["split"] != split:
                continue
            start, end = int(float(row["time_start"])), int(float(row["time_end"]))
            fields = {
                "label": row["label"],
                "youtube_id": row["youtube_id"],
                "time_start": start,
                "time_end": end,
                "split": row.get("split", ""),
            }
            video = video_pattern.format(**fields)
            qid = f"k700_{row['youtube_id']}_{start:06d}"
            yield _record(
                qid,
                video,
                phraser("action recognition"),
                {"action": row["label"]},
                ["simple"],
                duration=float(end - start),
                source_dataset="kinetics700",
            )


# -- FineDiving ----------------------------------------------------------------------------


def _split_keys(path: str | Path | None) -> set[tuple] | None:
    if path is None:
        return None
    return {tuple(k) for k in load_pickle(path)}


def finediving(
    annotation_pkl: str | Path,
    phraser: Phraser,
    split_pkl: str | Path | None = None,
    video_pattern: str = "{competition}_{index}.mp4",
    fps: float = 25.0,
) -> Iterator[dict]:
    """Sub-action sequence, before/after, difficulty and score questions from FineDiving's pickles.

    ``annotation_pkl`` maps ``(competition, index)`` to a dict with ``dive_score``,
    ``difficulty``, ``frames_labels`` (sub-action id per frame) and ``sub-action_types``
    (id -> name); ``split_pkl`` (train or test split) lists the keys to keep.
    """
    anns = load_pickle(annotation_pkl)
    if not isinstance(anns, dict):
        raise ValueError(f"{annotation_pkl}: expected a dict of (competition, index) -> annotation")
    keep = _split_keys(split_pkl)
    for key, ann in anns.items():
        key = tuple(key) if isinstance(key, (list, tuple)) else (str(key), 0)
        if keep is not None and key not in keep:
            continue
        comp, idx = key[0], key[1]
        names = ann.get("sub-action_types") or {}
        labels = [int(x) for x in list(ann.get("frames_labels", []))]
        seq: list[str] = []
        for lab in labels:
            name = names.get(lab)
            if name is not None and (not seq or seq[-1] != name):
                seq.append(str(name))
        video = video_pattern.format(competition=comp, index=idx)
        vid = f"fd_{comp}_{idx}"
        duration = len(labels) / fps if labels else None
        common = {"duration": duration, "source_dataset": "finediving"}
        if len(seq) >= 2:
            yield _record(
                f"{vid}_seq",
                video,
                phraser("sub-action sequence"),
                {"action_sequence": seq},
                ["sentence_sequence"],
                **common,
            )
            k = random.Random(f"{comp}{idx}").randrange(len(seq) - 1)
            yield _record(
                f"{vid}_after",
                video,
                phraser("action after", action=seq[k]),
                {"action_after_action": seq[k + 1]},
                ["sentence"],
                **common,
            )
            yield _record(
                f"{vid}_before",
                video,
                phraser("action before", action=seq[k + 1]),
                {"action_before_action": seq[k]},
                ["sentence"],
                **common,
            )
        if ann.get("difficulty") is not None:
            yield _record(
                f"{vid}_difficulty",
                video,
                phraser("difficulty"),
                {"difficulty": float(ann["difficulty"])},
                ["simple"],
                **common,
            )
        if ann.get("dive_score") is not None:
            yield _record(
                f"{vid}_score",
                video,
                phraser("action quality"),
                {"final_score": float(ann["dive_score"])},
                ["float"],
                **common,
            )


# -- STAR ----------------------------------------------------------------------------------


def _class_names(classes_dir: str | Path | None) -> dict[str, str]:
    names: dict[str, str] = {}
    if classes_dir is None:
        return names
    for f in Path(classes_dir).glob("*_classes.txt"):
        for line in f.read_text(encoding="utf-8").splitlines():
            code, _, text = line.partition(" ")
            if text:
                names[code] = text.strip()
    return names


def _probe(path: Path) -> tuple[float, int, int] | None:
    """(duration seconds, width, height) of a video from its container, or None."""
    try:
        import av

        with av.open(str(path)) as c:
            s = c.streams.video[0]
            dur = float(c.duration / 1e6) if c.duration else float(s.duration * s.time_base) if s.duration else 0.0
            return dur, s.codec_context.width, s.codec_context.height
    except Exception:  # any container error means "unknown": the caller skips what needs it
        return None


def _xyxy_to_cxcywh(box, w: int, h: int) -> list[float]:
    x1, y1, x2, y2 = (float(v) for v in box)
    return [round((x1 + x2) / 2 / w, 3), round((y1 + y2) / 2 / h, 3), round((x2 - x1) / w, 3), round((y2 - y1) / h, 3)]


def star(
    json_path: str | Path,
    phraser: Phraser,
    classes_dir: str | Path | None = None,
    video_dir: str | Path | None = None,
    video_pattern: str = "{video_id}.mp4",
    stats: dict | None = None,
) -> Iterator[dict]:
    """QA, reversed QA, temporal ranges and object identity / comparison from STAR's JSON.

    Temporal and spatial questions need each video's duration and frame size: they are made
    when ``video_dir`` holds the videos, and counted in ``stats['skipped_no_video']`` otherwise.
    """
    data = json.loads(Path(json_path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{json_path}: expected a list of STAR questions")
    names = _class_names(classes_dir)
    stats = stats if stats is not None else {}
    rng = random.Random(0)
    for q in data:
        qid, vid = str(q["question_id"]), str(q["video_id"])
        video = video_pattern.format(video_id=vid)
        answer = str(q.get("answer", "")).strip()
        yield _record(
            f"star_{qid}",
            video,
            phraser("video qa", question=q["question"]),
            {"answer": answer},
            ["sentence"],
            choices=[c["choice"] for c in q.get("choices", [])] or None,
            source_dataset="star",
        )
        yield _record(
            f"star_{qid}_r",
            video,
            phraser("reversed qa", answer=answer),
            {"question_from_answer": q["question"]},
            ["sentence"],
            source_dataset="star",
        )
        probe = _probe(Path(video_dir) / video) if video_dir else None
        if probe is None or probe[0] <= 0:
            stats["skipped_no_video"] = stats.get("skipped_no_video", 0) + 1
            continue
        duration, width, height = probe
        start, end = float(q.get("start", 0.0)), min(float(q.get("end", duration)), duration)
        if end > start:
            event = answer.rstrip(".").lower() if answer else q["question"].rstrip("?").lower()
            yield _record(
                f"star_{qid}_t",
                video,
                phraser("temporal localization", event=f"'{event}'"),
                {"temporal_range": [round(start / duration, 3), round(end / duration, 3)]},
                ["temporal_range"],
                duration=round(duration, 2),
                source_dataset="star",
            )
        frames = sorted(
            (int(f), s) for f, s in (q.get("situations") or {}).items() if s.get("bbox") and s.get("bbox_labels")
        )
        if len(frames) >= 2:
            fps = 30.0
            (f1, s1), (f2, s2) = rng.sample(frames, 2) if len(frames) > 2 else frames
            i1 = rng.randrange(len(s1["bbox_labels"]))
            obj1 = names.get(s1["bbox_labels"][i1], s1["bbox_labels"][i1])
            box1 = _xyxy_to_cxcywh(s1["bbox"][i1], width, height)
            t1 = min(1.0, f1 / fps / duration)
            yield _record(
                f"star_{qid}_obj",
                video,
                phraser("object identification", box=box1, time=f"{round(t1 * 100)}%"),
                {"identify": obj1},
                ["obj_identify"],
                duration=round(duration, 2),
                source_dataset="star",
            )
            same = [i for i, lab in enumerate(s2["bbox_labels"]) if lab == s1["bbox_labels"][i1]]
            i2 = same[0] if same and rng.random() < 0.5 else rng.randrange(len(s2["bbox_labels"]))
            obj2 = names.get(s2["bbox_labels"][i2], s2["bbox_labels"][i2])
            box2 = _xyxy_to_cxcywh(s2["bbox"][i2], width, height)
            t2 = min(1.0, f2 / fps / duration)
            yield _record(
                f"star_{qid}_cmp",
                video,
                phraser(
                    "object comparison", box1=box1, time1=f"{round(t1 * 100)}%", box2=box2, time2=f"{round(t2 * 100)}%"
                ),
                {
                    "first_object": obj1,
                    "second_object": obj2,
                    "same": "the same" if s1["bbox_labels"][i1] == s2["bbox_labels"][i2] else "not the same",
                },
                ["simple", "simple", "same_or_not"],
                duration=round(duration, 2),
                source_dataset="star",
            )


# -- Something-Something v2 ----------------------------------------------------------------


def ssv2(json_path: str | Path, phraser: Phraser, video_pattern: str = "{id}.webm") -> Iterator[dict]:
    """Objects (``simple``) and relationship (``sentence``) questions from SSv2's label JSON."""
    data = json.loads(Path(json_path).read_text(encoding="utf-8"))
    for item in data:
        if "template" not in item or "placeholders" not in item:
            continue
        vid = str(item["id"])
        video = video_pattern.format(id=vid)
        blanks = re.sub(r"\[(something|some\w*|\w+)\]", "___", item["template"], flags=re.I)
        objects = [str(p) for p in item["placeholders"]]
        yield _record(
            f"ssv2_{vid}_obj",
            video,
            phraser("fill in objects", template=blanks),
            {"objects": objects},
            ["simple"],
            source_dataset="ssv2",
        )
        label = item.get("label") or item["template"]
        yield _record(
            f"ssv2_{vid}_rel",
            video,
            phraser("relationship", objects=" and ".join(objects)),
            {"relationship": str(label)},
            ["sentence"],
            source_dataset="ssv2",
        )


# -- TempCompass (evaluation) --------------------------------------------------------------

_OPT_RE = re.compile(r"^\s*([A-H])[.)]\s*(.+)$")


def tempcompass(json_path: str | Path, video_pattern: str = "{video_id}.mp4") -> Iterator[dict]:
    """Evaluation records from TempCompass's multi-choice or yes/no JSON (video -> dimension -> items)."""
    data = json.loads(Path(json_path).read_text(encoding="utf-8"))
    for video_id, dims in data.items():
        for dim, items in dims.items():
            for n, item in enumerate(items):
                lines = item["question"].split("\n")
                options = [m.group(0).strip() for m in (_OPT_RE.match(x) for x in lines[1:]) if m]
                qid = f"tc_{video_id}_{dim}_{n}"
                video = video_pattern.format(video_id=video_id)
                answer = str(item["answer"]).strip()
                if options:
                    letter = answer[0].upper()
                    yield _record(
                        qid,
                        video,
                        lines[0].strip(),
                        {"answer": letter},
                        ["simple"],
                        choices=options,
                        dimension=dim,
                        task="multi-choice",
                        source_dataset="tempcompass",
                    )
                else:
                    yes = answer.lower().startswith("yes")
                    yield _record(
                        qid,
                        video,
                        item["question"].strip(),
                        {"answer": yes},
                        ["simple"],
                        dimension=dim,
                        task="yes_no",
                        source_dataset="tempcompass",
                    )
