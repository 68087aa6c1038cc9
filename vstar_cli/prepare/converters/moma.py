"""MOMA-LRG: activity, sub-activity and atomic-action questions from ``anns/anns.json``.

The annotation file is a list of videos, each ``{file_name, num_frames, width, height,
duration, activity}``; an activity has ``id, class_name, start_time, end_time,
sub_activities``; a sub-activity has ``id, class_name, start_time, end_time,
higher_order_interactions``; an interaction has ``time``, ``actors`` / ``objects`` (``id,
class_name, bbox [x, y, width, height]`` in pixels) and atomic actions (``relationships``,
``transitive_actions`` with ``source_id, target_id``; ``attributes``, ``intransitive_actions``
with ``source_id``) whose ``class_name`` holds ``[src]`` / ``[trg]``. As in the official
Video-STaR processor, classes with "unsure" or "unclassified" are not asked about.
Activity questions use the activity clip (``--video-pattern``), the others the sub-activity
clip (``--sub-activity-pattern``), with times normalized to that clip.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from pathlib import Path

from vstar_cli.prepare.base import FormatError, ItemError, Omit, fill, read_json, record
from vstar_cli.prepare.converter import Context, Converter, Option

PHRASINGS = {
    "activity recognition": [
        "What activity takes place in this video?",
        "Which activity do the people in the clip carry out?",
        "What is going on in this video overall?",
    ],
    "sub-activity sequence": [
        "List, in order, the steps of the activity in this video.",
        "What stages does this activity go through, from first to last?",
        "Describe in order what the people do in this video.",
    ],
    "step after": [
        "What happens right after {action} in this video?",
        "Which step follows {action}?",
    ],
    "step before": [
        "What happens just before {action} in this video?",
        "Which step comes right before {action}?",
    ],
    "atomic action": [
        "At {time} of the clip, what is the {src} at {box} doing?",
        "Describe what the {src} at {box} is doing at {time} of the clip.",
    ],
    "atomic interaction": [
        "At {time} of the clip, how does the {src} at {box} relate to the {trg} at {box2}?",
        "What is the {src} at {box} doing with the {trg} at {box2} at {time} of the clip?",
    ],
}
SKIP_WORDS = ("unsure", "unclassified")


def read(path: Path, ctx: Context):
    """The videos of ``anns.json``."""
    data = read_json(path)
    objs = [x for x in data if isinstance(x, dict)] if isinstance(data, list) else []
    if not isinstance(data, list) or (data and not objs):
        raise FormatError("not a MOMA annotation file (a JSON list of videos with an activity)")
    if objs and not any(isinstance(x.get("activity"), dict) for x in objs[:50]):
        raise FormatError("not a MOMA annotation file (items have no activity)")
    if ctx.opts.max_per_sub_activity < 0:
        raise FormatError("--max-per-sub-activity must be 0 or more")
    yield from enumerate(data, start=1)


def _box(b, w: float, h: float) -> list[float]:
    x, y, bw, bh = (float(v) for v in b)
    if not all(math.isfinite(v) for v in (x, y, bw, bh)) or bw <= 0 or bh <= 0:
        raise ItemError(f"bbox {b!r} is not [x, y, width, height] in pixels")
    return [round((x + bw / 2) / w, 3), round((y + bh / 2) / h, 3), round(bw / w, 3), round(bh / h, 3)]


def _bad(name: str) -> bool:
    return any(w in name.lower() for w in SKIP_WORDS)


def convert(x: dict, ctx: Context):
    """Activity (``simple``), sub-activity order (``sentence_sequence``), steps and atomic actions (``sentence``)."""
    if not isinstance(x, dict):
        raise ItemError(f"item is {type(x).__name__ if x is not None else 'null'}, not an object")
    act = x.get("activity")
    if not isinstance(act, dict) or not act.get("id") or not act.get("class_name"):
        raise ItemError("no activity id / class_name")
    width, height = float(x.get("width") or 0), float(x.get("height") or 0)
    opts = ctx.opts
    act_id = str(act["id"])
    video = fill(opts.video_pattern, activity_id=act_id, file_name=x.get("file_name", ""))
    subs = sorted(act.get("sub_activities") or [], key=lambda s: float(s.get("start_time", 0)))
    duration = float(act["end_time"]) - float(act["start_time"]) if "end_time" in act and "start_time" in act else None
    extra = {"duration": round(duration, 2) if duration else None, "source_dataset": "moma"}
    yield record(
        f"moma_{act_id}_act",
        video,
        ctx.phraser("activity recognition"),
        {"activity": str(act["class_name"])},
        ["simple"],
        **extra,
    )
    seq: list[str] = []
    for s in subs:
        name = str(s.get("class_name", ""))
        if name and (not seq or seq[-1] != name):
            seq.append(name)
    if len(seq) >= 2 and not any(_bad(s) for s in seq):
        yield record(
            f"moma_{act_id}_seq",
            video,
            ctx.phraser("sub-activity sequence"),
            {"action_sequence": seq},
            ["sentence_sequence"],
            **extra,
        )
        count = Counter(seq)
        rng = random.Random(act_id)
        after = [k for k in range(len(seq) - 1) if count[seq[k]] == 1]
        before = [k for k in range(len(seq) - 1) if count[seq[k + 1]] == 1]
        if after:
            k = rng.choice(after)
            yield record(
                f"moma_{act_id}_after",
                video,
                ctx.phraser("step after", action=seq[k].lower()),
                {"action_after_action": seq[k + 1]},
                ["sentence"],
                **extra,
            )
        else:
            yield Omit("step after: every step occurs twice (ambiguous)")
        if before:
            k = rng.choice(before)
            yield record(
                f"moma_{act_id}_before",
                video,
                ctx.phraser("step before", action=seq[k + 1].lower()),
                {"action_before_action": seq[k]},
                ["sentence"],
                **extra,
            )
        else:
            yield Omit("step before: every step occurs twice (ambiguous)")
    elif len(seq) < 2:
        yield Omit("sub-activity order: fewer than two sub-activities")
    else:
        yield Omit("sub-activity order: an unsure / unclassified sub-activity")
    if not (0 < width < math.inf and 0 < height < math.inf):
        yield Omit("atomic actions: no frame width / height")
        return
    for s in subs:
        yield from _atomic(s, act_id, x, width, height, ctx)


def _atomic(sub: dict, act_id: str, x: dict, width: float, height: float, ctx: Context):
    opts = ctx.opts
    sid = str(sub.get("id", ""))
    start, end = float(sub.get("start_time", 0)), float(sub.get("end_time", 0))
    if not sid or end <= start:
        yield Omit("atomic actions: sub-activity without id or time span")
        return
    video = fill(
        opts.sub_activity_pattern,
        "--sub-activity-pattern",
        sub_activity_id=sid,
        activity_id=act_id,
        file_name=x.get("file_name", ""),
    )
    made = []
    for hoi in sub.get("higher_order_interactions") or []:
        ents = {str(e["id"]): e for e in (hoi.get("actors") or []) + (hoi.get("objects") or []) if "id" in e}
        t = f"{round(100 * min(1.0, max(0.0, (float(hoi.get('time', start)) - start) / (end - start))))}%"
        pairs = (hoi.get("relationships") or []) + (hoi.get("transitive_actions") or [])
        singles = (hoi.get("attributes") or []) + (hoi.get("intransitive_actions") or [])
        for a in pairs + singles:
            src, trg = ents.get(str(a.get("source_id"))), ents.get(str(a.get("target_id")))
            cls = str(a.get("class_name", ""))
            if src is None or (a in pairs and trg is None):
                raise ItemError(f"atomic action {cls!r} names an entity that is not in its interaction")
            if _bad(cls) or _bad(src["class_name"]) or (trg is not None and _bad(trg["class_name"])):
                continue
            label = cls.replace("[src]", src["class_name"]).replace("[trg]", trg["class_name"] if trg else "")
            box = _box(src["bbox"], width, height)
            if a in pairs:
                q = ctx.phraser(
                    "atomic interaction",
                    src=src["class_name"],
                    trg=trg["class_name"],
                    box=box,
                    box2=_box(trg["bbox"], width, height),
                    time=t,
                )
            else:
                q = ctx.phraser("atomic action", src=src["class_name"], box=box, time=t)
            made.append((q, " ".join(label.split())))
    if len(made) > opts.max_per_sub_activity:
        made = random.Random(sid).sample(made, opts.max_per_sub_activity)
    for i, (q, label) in enumerate(made):
        yield record(
            f"moma_{sid}_atomic{i}",
            video,
            q,
            {"atomic_action": label},
            ["sentence"],
            duration=round(end - start, 2),
            source_dataset="moma",
        )


def detect(head) -> str | None:
    """MOMA-LRG ``anns.json``: a list of videos with ``activity`` and ``file_name``."""
    keys = head.keys
    if "activity" in keys and "file_name" in keys:
        return "MOMA-LRG anns.json (`vstar prepare moma`)"
    return None


def example(folder: Path) -> list[str]:
    """A one-video MOMA-LRG anns.json (the fixture of the test every converter runs)."""
    import json

    sub = {
        "id": "s1",
        "class_name": "guests arriving",
        "start_time": 0.0,
        "end_time": 10.0,
        "higher_order_interactions": [],
    }
    second = {**sub, "id": "s2", "class_name": "dining", "start_time": 10.0, "end_time": 30.0}
    video = {
        "file_name": "abc.mp4",
        "num_frames": 900,
        "width": 640,
        "height": 480,
        "duration": 30.0,
        "activity": {
            "id": "act7",
            "class_name": "dining",
            "start_time": 0.0,
            "end_time": 30.0,
            "sub_activities": [sub, second],
        },
    }
    path = folder / "anns.json"
    path.write_text(json.dumps([video]), encoding="utf-8")
    return [str(path)]


CONVERTER = Converter(
    name="moma",
    summary="Activity, sub-activity order and atomic-action questions from MOMA-LRG's anns.json.",
    input_help="MOMA-LRG anns/anns.json (videos -> activity -> sub-activities -> interactions).",
    files="`anns/anns.json` (MOMA-LRG)",
    kinds=("simple", "sentence_sequence", "sentence"),
    read=read,
    convert=convert,
    options=(
        Option(
            "sub_activity_pattern",
            str,
            "{sub_activity_id}.mp4",
            "Sub-activity clip from {sub_activity_id}, {activity_id}, {file_name} (MOMA-LRG: videos/sub_activity).",
        ),
        Option("max_per_sub_activity", int, 10, "At most this many atomic-action questions per sub-activity (seeded)."),
    ),
    phrasings=PHRASINGS,
    video_pattern="{activity_id}.mp4",
    video_fields="{activity_id} and {file_name} (MOMA-LRG: videos/activity)",
    unit="videos",
    detect=detect,
    example=example,
)
