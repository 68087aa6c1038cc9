"""MSVD-QA (open-ended video QA, the paper's evaluation): one ``simple`` answer per question.

Two published forms are read:

* the original ``{train,val,test}_qa.json`` (a list of ``{answer, id, question, video_id}``, with
  integer video ids) together with ``youtube_mapping.txt`` (lines ``<clip name> vid<N>``), given
  with ``--mapping``; clips are named by the mapping (``-4wsuPCjDBc_5_15``);
* the common re-release, a list of ``{video_name, question, answer, question_id}`` (the form
  Video-ChatGPT's evaluation uses), where ``video_name`` is the clip name.

Answers are one word (a class), so the label kind is ``simple``.
"""

from __future__ import annotations

from pathlib import Path

from vstar_cli.prepare.base import FormatError, ItemError, fill, read_json, record, text
from vstar_cli.prepare.converter import Context, Converter, Option


def read_mapping(path: Path) -> dict[str, str]:
    """``vid<N>`` number -> clip name from ``youtube_mapping.txt``.

    Lines are ``<clip name> vid<N>``; blank lines are ignored.
    """
    out: dict[str, str] = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2 or not parts[1].startswith("vid"):
            raise FormatError(f"--mapping line {n}: expected '<clip name> vid<N>', got {line.strip()!r}")
        out[parts[1][3:]] = parts[0]
    return out


def _vid_number(value) -> bool:
    """MSVD-QA's original video ids are numbers (``1``, or ``"1"``): ``vid1`` in the mapping."""
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.isdigit())


def read(path: Path, ctx: Context):
    """Questions of either form."""
    data = read_json(path)
    objs = [x for x in data if isinstance(x, dict)] if isinstance(data, list) else []
    if not isinstance(data, list) or (data and not objs):
        raise FormatError("not an MSVD-QA file (a JSON list of questions)")
    sample = objs[:50]
    original = any(_vid_number(x.get("video_id")) and "video_name" not in x for x in sample)
    common = any("video_name" in x for x in sample)
    if objs and not (original or common):
        raise FormatError(
            "not an MSVD-QA file (items need a numeric video_id or a video_name, a question and an answer)"
        )
    mapping = None
    if original:
        if ctx.opts.mapping is None:
            raise FormatError(
                "this is the original MSVD-QA form (integer video_id); give youtube_mapping.txt with --mapping"
            )
        mapping = read_mapping(ctx.opts.mapping)
    ctx.shared["mapping"] = mapping
    yield from enumerate(data, start=1)


def convert(x: dict, ctx: Context):
    """A ``simple`` answer label."""
    if not isinstance(x, dict):
        raise ItemError(f"item is {type(x).__name__ if x is not None else 'null'}, not an object")
    if not isinstance(x.get("question"), str):
        raise ItemError("no question" if x.get("question") is None else "question is not text")
    question, answer = text(x["question"], "question"), text(x.get("answer"), "answer")
    mapping = ctx.shared["mapping"]
    if "video_name" in x:
        name = text(x["video_name"], "video_name")
    else:
        vid = x.get("video_id")
        if not _vid_number(vid):
            raise ItemError(f"video_id {vid!r} is not an MSVD-QA video number")
        if mapping is None or str(vid) not in mapping:
            raise ItemError(f"video_id {vid!r} not in --mapping")
        name = mapping[str(vid)]
    qid = x.get("question_id", x.get("id"))
    if qid is None:
        raise ItemError("no question_id or id")
    if isinstance(qid, float):
        raise ItemError(f"question id is a fraction: {qid!r}")
    qid = text(qid, "question id")
    video = fill(ctx.opts.video_pattern, video_name=name)
    yield record(f"msvd_{qid}", video, question, {"answer": answer}, ["simple"], source_dataset="msvd_qa")


def detect(head) -> str | None:
    """MSVD-QA lists, common form (``video_name``) or original form (numeric ``video_id``)."""
    keys, rows = head.keys, head.rows or []
    if "video_name" in keys and "question" in keys:
        return "an MSVD-QA file, common form (`vstar prepare msvd-qa`)"
    if {"video_id", "question", "answer"} <= keys and all(
        isinstance(x.get("video_id"), int) for x in rows if "video_id" in x
    ):
        return "an MSVD-QA file, original form (`vstar prepare msvd-qa --mapping youtube_mapping.txt`)"
    return None


def example(folder: Path) -> list[str]:
    """A one-question MSVD-QA file in the common form (the fixture of the test every converter runs)."""
    import json

    item = {"video_name": "abc_1_5", "question": "what is a man playing?", "answer": "guitar", "question_id": 1}
    path = folder / "test_qa.json"
    path.write_text(json.dumps([item]), encoding="utf-8")
    return [str(path)]


CONVERTER = Converter(
    name="msvd-qa",
    summary="Open-ended QA records ([italic]simple[/] one-word answers) from MSVD-QA.",
    input_help="train_qa.json / val_qa.json / test_qa.json (with --mapping youtube_mapping.txt), or a list of "
    "{video_name, question, answer, question_id}.",
    files="`{train,val,test}_qa.json` + `youtube_mapping.txt`, or `{video_name, question, answer, question_id}` lists",
    kinds=("simple",),
    read=read,
    convert=convert,
    options=(
        Option(
            "mapping", Path, None, "youtube_mapping.txt (clip name -> vid<N>), for the original form.", is_path=True
        ),
    ),
    video_pattern="{video_name}.avi",
    video_fields="{video_name} (the MSVD clip name)",
    unit="questions",
    detect=detect,
    example=example,
)
