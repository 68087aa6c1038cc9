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

import json
from pathlib import Path

from vstar_cli.prepare.base import FormatError, ItemError, record
from vstar_cli.prepare.converter import Context, Converter, Option


def read_mapping(path: Path) -> dict[str, str]:
    """``vid<N>`` number -> clip name from ``youtube_mapping.txt``.

    Lines are ``<clip name> vid<N>``; blank lines are ignored.
    """
    out: dict[str, str] = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2 or not parts[1].startswith("vid"):
            raise FormatError(f"--mapping line {n}: expected '<clip name> vid<N>', got {line.strip()!r}")
        out[parts[1][3:]] = parts[0]
    return out


def read(path: Path, ctx: Context):
    """Questions of either form."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FormatError(f"not JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise FormatError("not an MSVD-QA file (a JSON list of questions)")
    sample = data[:50]
    original = any("video_id" in x and "video_name" not in x for x in sample)
    common = any("video_name" in x for x in sample)
    if data and not (original or common):
        raise FormatError("not an MSVD-QA file (items need video_id or video_name, question, answer)")
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
    question, answer = x.get("question"), x.get("answer")
    if not isinstance(question, str) or not question.strip():
        raise ItemError("no question")
    if not isinstance(answer, (str, int, float)) or not str(answer).strip():
        raise ItemError("no answer")
    mapping = ctx.shared["mapping"]
    if "video_name" in x:
        name = str(x["video_name"])
    else:
        vid = str(x.get("video_id", ""))
        if mapping is None or vid not in mapping:
            raise ItemError(f"video_id {vid!r} not in --mapping")
        name = mapping[vid]
    qid = x.get("question_id", x.get("id"))
    if qid is None:
        raise ItemError("no question_id or id")
    video = ctx.opts.video_pattern.format(video_name=name)
    yield record(
        f"msvd_{qid}", video, question.strip(), {"answer": str(answer).strip()}, ["simple"], source_dataset="msvd_qa"
    )


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
)
