"""STAR (situated reasoning over Charades): QA, reversed QA, temporal and object questions.

A STAR file is a JSON list of questions (``question_id, question, video_id, start, end,
answer, choices, situations``); a single question object is read too. ``situations`` maps a
keyframe number to its boxes and class codes (``o027``), named by ``classes/*_classes.txt``;
keyframe numbers become times with each video's own rate (``classes/video_fps``, a pickle
``"6H78U.mp4" -> fps``). Class names with a slash ("paper/notebook") are alternatives: the
``simple`` / ``obj_identify`` verifier accepts either. Temporal and object questions need the
video's duration and frame size (``--video-dir``).
"""

from __future__ import annotations

import random
from pathlib import Path

from vstar_cli.prepare.base import FormatError, ItemError, Omit, fill, read_json, record, text
from vstar_cli.prepare.converter import Context, Converter, Option
from vstar_cli.prepare.safe_pickle import load as load_pickle

PHRASINGS = {
    "temporal qa": [
        "When in the video can this question be answered: '{question}' (answer: '{answer}')? Give the start and end.",
        "Find the part of the video that shows the answer to '{question}', which is '{answer}'.",
        "During which time span does the video show that the answer to '{question}' is '{answer}'?",
    ],
}


def class_names(classes_dir: Path | None) -> dict[str, str]:
    """Code -> name from STAR's ``*_classes.txt`` files (``o003 closet/cabinet``)."""
    names: dict[str, str] = {}
    if classes_dir is None:
        return names
    for f in sorted(Path(classes_dir).glob("*_classes.txt")):
        for line in f.read_text(encoding="utf-8-sig").splitlines():
            code, _, text = line.strip().partition(" ")
            if text:
                names[code] = text.strip()
    return names


def video_rates(classes_dir: Path | None) -> dict[str, float]:
    """Video id -> frame rate from ``classes/video_fps`` (keys with or without ``.mp4``)."""
    if classes_dir is None or not (Path(classes_dir) / "video_fps").is_file():
        return {}
    table = load_pickle(Path(classes_dir) / "video_fps")
    if not isinstance(table, dict):
        raise FormatError("classes/video_fps: not a video -> fps table")
    return {str(k).rsplit(".", 1)[0] if str(k).endswith(".mp4") else str(k): float(v) for k, v in table.items()}


def probe(path: Path) -> tuple[float, int, int, float] | None:
    """(duration seconds, width, height, fps) of a video from its container, or None."""
    try:
        import av

        with av.open(str(path)) as c:
            s = c.streams.video[0]
            dur = float(c.duration / 1e6) if c.duration else float(s.duration * s.time_base) if s.duration else 0.0
            fps = float(s.average_rate) if s.average_rate else 0.0
            return dur, s.codec_context.width, s.codec_context.height, fps
    except Exception:  # any container error means "unknown": the caller skips what needs it
        return None


def box_cxcywh(box, w: int, h: int) -> list[float]:
    """``[x1, y1, x2, y2]`` pixels -> normalized ``[xc, yc, w, h]``.

    >>> box_cxcywh([0, 0, 32, 24], 64, 48)
    [0.25, 0.25, 0.5, 0.5]
    """
    x1, y1, x2, y2 = (float(v) for v in box)
    return [round((x1 + x2) / 2 / w, 3), round((y1 + y2) / 2 / h, 3), round((x2 - x1) / w, 3), round((y2 - y1) / h, 3)]


def iou(a, b) -> float:
    """Intersection over union of two ``[x1, y1, x2, y2]`` boxes.

    >>> iou([0, 0, 2, 2], [1, 0, 3, 2])
    0.3333333333333333
    """
    (ax1, ay1, ax2, ay2), (bx1, by1, bx2, by2) = ([float(v) for v in a], [float(v) for v in b])
    inter = max(0.0, min(ax2, bx2) - max(ax1, bx1)) * max(0.0, min(ay2, by2) - max(ay1, by1))
    union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter
    return inter / union if union > 0 else 0.0


def clear(boxes, labels, limit: float = 0.5) -> list[int]:
    """Indices of the boxes no box of another class overlaps by more than ``limit`` IoU.

    >>> clear([[0, 0, 10, 10], [0, 0, 10, 9], [20, 20, 30, 30]], ["o1", "o2", "o3"])
    [2]
    """
    return [
        i
        for i, (b, lab) in enumerate(zip(boxes, labels, strict=True))
        if not any(
            lab2 != lab and iou(b, b2) > limit for j, (b2, lab2) in enumerate(zip(boxes, labels, strict=True)) if j != i
        )
    ]


def read(path: Path, ctx: Context):
    """The questions of a STAR JSON file."""
    data = read_json(path)
    if isinstance(data, dict) and "question_id" in data:
        data = [data]
    objs = [q for q in data if isinstance(q, dict)] if isinstance(data, list) else []
    if not isinstance(data, list) or (data and not objs):
        raise FormatError("not a STAR question file (a JSON list of questions)")
    if objs and not any("question" in q and "video_id" in q for q in objs[:50]):
        raise FormatError("not a STAR question file (items have no question / video_id)")
    opts = ctx.opts
    ctx.shared["names"] = class_names(opts.classes_dir)
    ctx.shared["fps"] = video_rates(opts.classes_dir)
    if opts.classes_dir is None:
        ctx.note("no --classes-dir: object questions are not asked (their labels would be raw codes such as o027)")
    elif not ctx.shared["names"]:
        raise FormatError(f"--classes-dir {opts.classes_dir}: no *_classes.txt files")
    if opts.video_dir is None:
        ctx.note("no --video-dir: temporal and object questions need each video's duration and size")
    yield from enumerate(data, start=1)


def convert(q: dict, ctx: Context):
    """QA and reversed QA (``sentence``); with the video, temporal range and object questions."""
    if not isinstance(q, dict):
        raise ItemError(f"item is {type(q).__name__ if q is not None else 'null'}, not an object")
    opts = ctx.opts
    for k in ("question_id", "question", "video_id"):
        if q.get(k) is None or q.get(k) == "":
            raise ItemError(f"no {k}")
        if isinstance(q[k], float):
            raise ItemError(f"{k} is a number with a fraction, not an id: {q[k]!r}")
        text(q[k], k)
    if not isinstance(q.get("answer"), str) or not q["answer"].strip():
        raise ItemError("no answer (a STAR test file has none: labeled questions need train or val)")
    qid, vid, answer, question = str(q["question_id"]), str(q["video_id"]), q["answer"].strip(), q["question"].strip()
    video = fill(opts.video_pattern, video_id=vid)
    raw = q.get("choices") if isinstance(q.get("choices"), list) else []
    choices = [c["choice"].strip() for c in raw if isinstance(c, dict) and isinstance(c.get("choice"), str)] or None
    yield record(
        f"star_{qid}",
        video,
        ctx.phraser("video qa", question=question),
        {"answer": answer},
        ["open_answer"],
        choices=choices,
        source_dataset="star",
    )
    yield record(
        f"star_{qid}_r",
        video,
        ctx.phraser("reversed qa", answer=answer),
        {"question_from_answer": question},
        ["sentence"],
        source_dataset="star",
    )
    info = probe(Path(opts.video_dir) / video) if opts.video_dir else None
    if info is None or info[0] <= 0:
        yield Omit("temporal and object questions: no readable video")
        return
    duration, width, height, container_fps = info
    start, end = max(0.0, float(q.get("start", 0.0))), min(float(q.get("end", duration)), duration)
    if end > start:
        yield record(
            f"star_{qid}_t",
            video,
            ctx.phraser("temporal qa", question=question, answer=answer),
            {"temporal_range": [round(start / duration, 3), round(end / duration, 3)]},
            ["temporal_range"],
            duration=round(duration, 2),
            source_dataset="star",
        )
    else:
        yield Omit("temporal: empty start-end span")
    yield from _objects(q, qid, vid, video, duration, width, height, container_fps, ctx)


def _objects(q, qid, vid, video, duration, width, height, container_fps, ctx: Context):
    names = ctx.shared["names"]
    if not names:
        yield Omit("object questions: no --classes-dir")
        return
    fps = ctx.shared["fps"].get(vid) or container_fps
    if not fps:
        yield Omit("object questions: no frame rate for the video")
        return
    frames = []
    for f, s in (q.get("situations") or {}).items():
        if isinstance(s, dict) and s.get("bbox") and s.get("bbox_labels"):
            n = min(len(s["bbox"]), len(s["bbox_labels"]))
            frames.append((int(f), s["bbox"][:n], s["bbox_labels"][:n]))
    frames.sort(key=lambda x: x[0])
    if len(frames) < 2:
        yield Omit("object questions: fewer than two keyframes with boxes")
        return
    # A box that mostly covers another class's box at the same keyframe (a person holding the
    # clothes, a towel on a towel-sized "clothes" box) has two right names: ask only about the rest.
    frames = [(f, b, lab, clear(b, lab)) for f, b, lab in frames]
    frames = [x for x in frames if x[3]]
    if len(frames) < 2:
        yield Omit("object questions: boxes overlap another object's (two right names)")
        return
    rng = random.Random(qid)
    (f1, b1, l1, ok1), (f2, b2, l2, ok2) = rng.sample(frames, 2)
    i1 = rng.choice(ok1)
    same = [i for i in ok2 if l2[i] == l1[i1]]
    i2 = same[0] if same and rng.random() < 0.5 else rng.choice(ok2)
    if l1[i1] not in names or l2[i2] not in names:
        raise ItemError(f"object code {l1[i1] if l1[i1] not in names else l2[i2]} not in --classes-dir")
    t1, t2 = min(1.0, f1 / fps / duration), min(1.0, f2 / fps / duration)
    box1, box2 = box_cxcywh(b1[i1], width, height), box_cxcywh(b2[i2], width, height)
    if not all(0.0 <= v <= 1.0 for v in box1 + box2):
        # STAR's boxes are pixels of the original Charades video: a resized copy puts them off the frame.
        yield Omit("object questions: boxes outside the video frame (a resized copy of the video?)")
        return
    extra = {"duration": round(duration, 2), "source_dataset": "star"}
    yield record(
        f"star_{qid}_obj",
        video,
        ctx.phraser("object identification", box=box1, time=f"{round(t1 * 100)}%"),
        {"identify": names[l1[i1]]},
        ["obj_identify"],
        **extra,
    )
    yield record(
        f"star_{qid}_cmp",
        video,
        ctx.phraser(
            "object comparison", box1=box1, time1=f"{round(t1 * 100)}%", box2=box2, time2=f"{round(t2 * 100)}%"
        ),
        {
            "first_object": names[l1[i1]],
            "second_object": names[l2[i2]],
            "same": "the same" if l1[i1] == l2[i2] else "not the same",
        },
        ["simple", "simple", "same_or_not"],
        **extra,
    )


def detect(head) -> str | None:
    """STAR's question files, one question, the class lists and ``classes/video_fps``."""
    if head.form == "text":
        line = head.line
        if line[:1] in {"o", "a", "v", "r"} and line[1:4].isdigit():
            return "a STAR class list (classes/*_classes.txt: give its folder with --classes-dir)"
        return None
    if head.form == "pickle":
        obj = head.data
        if isinstance(obj, dict) and obj and all(isinstance(k, str) for k in list(obj)[:20]):
            if all(isinstance(v, (int, float)) for v in list(obj.values())[:20]):
                return "a video -> number table (STAR's classes/video_fps?)"
        return None
    one = head.mapping
    if one is not None:
        return "a STAR question (`vstar prepare star`)" if "question_id" in one and "video_id" in one else None
    keys = head.keys
    if "situations" in keys or {"question_id", "video_id", "choices"} <= keys:
        return "a STAR question file (`vstar prepare star`)"
    return None


def example(folder: Path) -> list[str]:
    """A one-question STAR file, without classes or videos (the fixture of the test every converter runs)."""
    import json

    question = {
        "question_id": "Interaction_T1_1",
        "question": "Which object was taken by the person?",
        "answer": "The cup.",
        "video_id": "ABC12",
        "start": 1.0,
        "end": 6.0,
        "choices": [{"choice": "The cup."}, {"choice": "The book."}],
        "situations": {},
    }
    path = folder / "STAR_train.json"
    path.write_text(json.dumps([question]), encoding="utf-8")
    return [str(path)]


CONVERTER = Converter(
    name="star",
    summary="QA, reversed QA, temporal ranges and object identity/comparison from the STAR benchmark.",
    input_help="STAR_train.json / STAR_val.json (a JSON list of questions).",
    files="`STAR_train.json` / `STAR_val.json`, `classes/*_classes.txt`, `classes/video_fps`, Charades videos",
    kinds=("open_answer", "sentence", "temporal_range", "obj_identify", "simple", "same_or_not"),
    read=read,
    convert=convert,
    options=(
        Option(
            "classes_dir",
            Path,
            None,
            "STAR's classes/ folder: code -> name (*_classes.txt) and each video's frame rate (video_fps).",
            is_path=True,
        ),
        Option(
            "video_dir",
            Path,
            None,
            "Charades videos, for durations and frame sizes (temporal and object questions).",
            is_path=True,
        ),
    ),
    phrasings=PHRASINGS,
    video_pattern="{video_id}.mp4",
    video_fields="{video_id}",
    unit="questions",
    detect=detect,
    example=example,
)
