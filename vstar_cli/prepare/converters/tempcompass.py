"""TempCompass (evaluation): its four question files, video -> dimension -> items.

* ``multi-choice.json``: "question\\nA. ...\\nB. ...", answer "B. ..." -> ``simple`` letter label with choices;
* ``yes_no.json``: answer "yes" / "no" -> ``simple`` boolean label;
* ``caption_matching.json``: options "Sentence A: ...", "Option 1: ...", "Caption A: ..." -> ``simple``
  label (the gold option's text) with the options' texts as choices;
* ``captioning.json``: options "Information A: {...}", answer "B. ..." -> a free-form caption whose
  label is the gold information (``sentence``), all the information kept in ``information``.

The task is part of ``question_id`` (``tc_<task>_<video>_<dimension>_<n>``), so the four outputs
can be merged. Items with an option glued to the question line or a repeated option letter are
converted with the option text as gold and carry ``flags``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from vstar_cli.prepare.base import Flag, FormatError, ItemError, fill, read_json, record
from vstar_cli.prepare.converter import Context, Converter

TASKS = ("multi-choice", "yes_no", "caption_matching", "captioning")
LETTER_OPT = re.compile(r"^\s*([A-H])[.)]\s*(.+?)\s*$")
GLUED_OPT = re.compile(r"(?<=[?.:])\s*([A-H])\.\s+(\S.*)$")
NAMED_OPT = re.compile(r"^\s*(Sentence|Option|Caption|Choice)\s+([A-H]|\d+)\s*[:.)]\s*(.+?)\s*$", re.I)
INFO_OPT = re.compile(r"^\s*Information\s+([A-H])\s*:\s*(.+?)\s*$", re.I)
ANSWER_LETTER = re.compile(r"^\s*\(?([A-H])[.):]?(?:\s+(.*))?$", re.S)


def task_of(item: dict) -> str:
    """Which TempCompass task an item belongs to, from its question and answer."""
    q, a = str(item.get("question", "")), str(item.get("answer", "")).strip()
    lines = q.split("\n")
    if any(INFO_OPT.match(x) for x in lines[1:]):
        return "captioning"
    if any(NAMED_OPT.match(x) for x in lines[1:]):
        return "caption_matching"
    if any(LETTER_OPT.match(x) for x in lines[1:]) or GLUED_OPT.search(lines[0]):
        return "multi-choice"
    if a.lower().rstrip(".") in {"yes", "no"}:
        return "yes_no"
    return "unknown"


def read(path: Path, ctx: Context):
    """Items of one question file, numbered in file order."""
    data = read_json(path)
    if not isinstance(data, dict) or not all(isinstance(d, dict) for d in data.values()):
        raise FormatError("not a TempCompass question file (video -> dimension -> items)")
    first = [it for dims in data.values() for items in dims.values() if isinstance(items, list) for it in items[:1]]
    if data and not any(isinstance(it, dict) and "question" in it and "answer" in it for it in first):
        if any("eval_dim" in d for d in data.values()):
            raise FormatError(
                "this looks like TempCompass meta_info.json; give a file from questions/ "
                "(multi-choice, yes_no, caption_matching or captioning)"
            )
        raise FormatError("not a TempCompass question file (items with question and answer)")
    n = 0
    for video_id, dims in data.items():
        for dim, items in dims.items():
            if not isinstance(items, list):
                # Counted and reported, not dropped: a dimension should hold a list of questions.
                n += 1
                yield n, {"video_id": video_id, "dimension": dim, "index": None, "item": items}
                continue
            for i, item in enumerate(items):
                n += 1
                yield n, {"video_id": video_id, "dimension": dim, "index": i, "item": item}


def _gold_index(answer: str, options: list[tuple[str, str]]) -> int:
    """Index of the gold option: by its text when given (letters can repeat), else by its letter."""
    m = ANSWER_LETTER.match(answer)
    text = (m.group(2) or "").strip() if m else answer.strip()
    texts = [t.strip().lower() for _, t in options]
    if text and text.lower() in texts:
        return texts.index(text.lower())
    letters = [k.upper() for k, _ in options]
    if m and letters.count(m.group(1).upper()) == 1:
        return letters.index(m.group(1).upper())
    raise ItemError(f"answer {answer!r} matches no option")


def convert(x: dict, ctx: Context):
    """One evaluation record per item."""
    item = x["item"]
    if x["index"] is None:
        raise ItemError(f"dimension {x['dimension']!r} of video {x['video_id']!r} is not a list of questions")
    if not isinstance(item, dict) or not isinstance(item.get("question"), str) or "answer" not in item:
        raise ItemError("item without question and answer")
    task = task_of(item)
    if task == "unknown":
        raise ItemError("neither options nor a yes/no answer")
    vid, dim, n = x["video_id"], x["dimension"], x["index"]
    qid = f"tc_{task}_{vid}_{dim}_{n}"
    video = fill(ctx.opts.video_pattern, video_id=vid)
    meta = {"dimension": dim, "task": task, "source_dataset": "tempcompass"}
    answer = str(item["answer"]).strip()
    lines = [ln for ln in item["question"].split("\n") if ln.strip()]
    head = lines[0].strip()
    if task == "yes_no":
        yield record(
            qid, video, item["question"].strip(), {"answer": answer.lower().startswith("yes")}, ["simple"], **meta
        )
        return
    if task == "captioning":
        infos = [(m.group(1), m.group(2)) for m in (INFO_OPT.match(ln) for ln in lines[1:]) if m]
        gold = infos[_gold_index(answer, [(k, _info_value(v)) for k, v in infos])]
        yield record(
            qid,
            video,
            item["question"].strip(),
            {"caption": _info_text(gold[1])},
            ["sentence"],
            information=[_info_text(v) for _, v in infos],
            gold_information=gold[1],
            **meta,
        )
        return
    if task == "caption_matching":
        opts = [(m.group(2), m.group(3)) for m in (NAMED_OPT.match(ln) for ln in lines[1:]) if m]
        gm = NAMED_OPT.match(answer)
        key = (gm.group(2), gm.group(3)) if gm else None
        gold = opts.index(key) if key in opts else _gold_index(answer, opts)
        yield record(
            qid,
            video,
            item["question"].strip(),
            {"answer": opts[gold][1]},
            ["simple"],
            choices=[t for _, t in opts],
            **meta,
        )
        return
    flags = []
    glued = GLUED_OPT.search(head)
    options = []
    if glued:
        flags.append("option glued to the question line")
        options.append((glued.group(1), glued.group(2).strip()))
        head = head[: glued.start()].strip()
    options += [(m.group(1), m.group(2)) for m in (LETTER_OPT.match(ln) for ln in lines[1:]) if m]
    letters = [k for k, _ in options]
    if len(set(letters)) < len(letters):
        flags.append("repeated option letter")
    gold = _gold_index(answer, options)
    for f in flags:
        yield Flag(f)
    if flags:
        # The letters cannot be trusted: options are re-lettered and the gold is its text.
        choices = [f"{chr(65 + i)}. {t}" for i, (_, t) in enumerate(options)]
        question = head + "\n" + "\n".join(choices)
        yield record(qid, video, question, {"answer": chr(65 + gold)}, ["simple"], choices=choices, **meta)
        return
    choices = [f"{k}. {t}" for k, t in options]
    yield record(qid, video, head, {"answer": options[gold][0]}, ["simple"], choices=choices, **meta)


def _info_value(text: str) -> str:
    """The distinguishing value of "{'subject': 'man', 'action': 'dunking'}" (its last field)."""
    try:
        d = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return str(list(d.values())[-1]) if isinstance(d, dict) and d else text


def _info_text(text: str) -> str:
    """An information dict as a phrase: its values joined ("man: dunking a basketball")."""
    try:
        d = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    if isinstance(d, dict):
        vals = [str(v) for v in d.values()]
        return vals[0] + ": " + ", ".join(vals[1:]) if len(vals) > 1 else vals[0]
    return text


def detect(head) -> str | None:
    """TempCompass question files and ``meta_info.json`` (video -> dimension -> ...)."""
    data = head.mapping
    vals = list(data.values())[:20] if data else []
    if not vals or not all(isinstance(v, dict) for v in vals):
        return None
    inner = [x for v in vals for x in v.values() if isinstance(x, list)][:20]
    if inner and any(isinstance(i, dict) and "question" in i for x in inner for i in x[:3]):
        return "a TempCompass question file (`vstar prepare tempcompass`)"
    if any("eval_dim" in v for v in vals):
        return "TempCompass meta_info.json (no questions; give a file from questions/)"
    return None


def example(folder: Path) -> list[str]:
    """A one-question TempCompass yes/no file (the fixture of the test every converter runs)."""
    import json

    data = {"1001": {"direction": [{"question": "Is the car moving to the left?", "answer": "yes"}]}}
    path = folder / "yes_no.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return [str(path)]


CONVERTER = Converter(
    name="tempcompass",
    summary="Evaluation records from TempCompass: multi-choice, yes/no, caption matching and captioning.",
    input_help="A TempCompass questions/*.json file: multi-choice, yes_no, caption_matching or captioning.",
    files="`questions/{multi-choice,yes_no,caption_matching,captioning}.json`",
    kinds=("simple", "sentence"),
    read=read,
    convert=convert,
    video_pattern="{video_id}.mp4",
    video_fields="{video_id}",
    unit="questions",
    detect=detect,
    example=example,
)
