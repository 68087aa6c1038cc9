"""Something-Something v2 (and the Something-Else re-splits): objects and relationship questions.

Train and validation files are JSON lists of ``{id, label, template, placeholders}``; the
template's bracketed blanks ("[something]", "[something in it]", "[number of]") are filled by
the placeholders in order. ``labels.json`` (template -> class index) and test files (ids only)
hold no labels and are refused with a message naming them.
"""

from __future__ import annotations

import re
from pathlib import Path

from vstar_cli.prepare.base import FormatError, ItemError, fill, read_json, record, text
from vstar_cli.prepare.converter import Context, Converter

BLANK = re.compile(r"\[[^\[\]]+\]")

PHRASINGS = {
    "relationship, one object": [
        "What happens to {objects} in the video?",
        "Describe what is done with {objects}.",
        "What does the person do with {objects} in this clip?",
    ],
}


def blanks(template: str) -> tuple[str, int]:
    """The template with each bracketed blank as ``___``, and the number of blanks.

    >>> blanks("Putting [number of] [something] onto [something in it]")
    ('Putting ___ ___ onto ___', 3)
    """
    return BLANK.subn("___", template)


def read(path: Path, ctx: Context):
    """The videos of an SSv2 / Something-Else split file."""
    data = read_json(path)
    if isinstance(data, dict):
        if data and all(isinstance(v, (int, str)) and str(v).strip().isdigit() for v in data.values()):
            raise FormatError(
                "this looks like SSv2 labels.json (template -> class index); give a train or validation file"
            )
        raise FormatError("not an SSv2 annotation file (a JSON list of {id, label, template, placeholders})")
    objs = [x for x in data if isinstance(x, dict)] if isinstance(data, list) else []
    if not isinstance(data, list) or (data and not objs):
        raise FormatError("not an SSv2 annotation file (a JSON list of {id, label, template, placeholders})")
    if objs and all(set(x) <= {"id"} for x in objs):
        raise FormatError(
            "this looks like an SSv2 test file (ids only, no labels); labeled questions need a train or validation file"
        )
    if objs and not any({"template", "placeholders"} & set(x) for x in objs[:50]):
        raise FormatError("not an SSv2 annotation file (items have no template / placeholders)")
    yield from enumerate(data, start=1)


def convert(item: dict, ctx: Context):
    """Fill-in objects (``simple``) and the relationship sentence (``sentence``)."""
    if not isinstance(item, dict):
        raise ItemError(f"item is {type(item).__name__ if item is not None else 'null'}, not an object")
    if "id" not in item:
        raise ItemError("no id")
    if not isinstance(item.get("template"), str) or not isinstance(item.get("placeholders"), list):
        raise ItemError("no template or placeholders (a test item?)")
    if isinstance(item["id"], float):
        raise ItemError(f"id is a fraction, not an SSv2 id: {item['id']!r}")
    vid = text(item["id"], "id")
    video = fill(ctx.opts.video_pattern, id=vid)
    template, n_blanks = blanks(item["template"])
    objects = [text(p, "a placeholder") for p in item["placeholders"]]
    if n_blanks != len(objects):
        raise ItemError(f"template has {n_blanks} blanks but {len(objects)} placeholders")
    if not objects:
        raise ItemError("no placeholder")
    yield record(
        f"ssv2_{vid}_obj",
        video,
        ctx.phraser("fill in objects", template=template),
        {"objects": objects},
        ["simple"],
        source_dataset="ssv2",
    )
    label = text(item["label"], "label") if item.get("label") is not None else item["template"]
    task = "relationship" if len(objects) > 1 else "relationship, one object"
    yield record(
        f"ssv2_{vid}_rel",
        video,
        ctx.phraser(task, objects=" and ".join(objects)),
        {"relationship": str(label)},
        ["sentence"],
        source_dataset="ssv2",
    )


def detect(head) -> str | None:
    """SSv2 annotation files, ``labels.json`` and test files (ids only)."""
    labels = head.mapping
    if labels is not None:
        vals = list(labels.values())[:20]
        if vals and all(isinstance(v, (int, str)) and str(v).strip().isdigit() for v in vals):
            return "SSv2 labels.json (template -> class index): `vstar prepare ssv2` needs a train or validation file"
        return None
    if head.rows is None:
        return None
    if {"template", "placeholders"} <= head.keys:
        return "a Something-Something v2 annotation file (`vstar prepare ssv2`)"
    if head.keys <= {"id"}:
        return "an SSv2 test file (ids only, no labels)"
    return None


def example(folder: Path) -> list[str]:
    """A one-video SSv2 train file (the fixture of the test every converter runs)."""
    import json

    item = {
        "id": "101",
        "label": "Putting a cup onto a table",
        "template": "Putting [something] onto [something]",
        "placeholders": ["a cup", "a table"],
    }
    path = folder / "something-something-v2-train.json"
    path.write_text(json.dumps([item]), encoding="utf-8")
    return [str(path)]


CONVERTER = Converter(
    name="ssv2",
    summary="Object ([italic]simple[/]) and relationship ([italic]sentence[/]) questions from Something-Something v2.",
    input_help="something-something-v2-train.json or -validation.json (id, label, template, placeholders); "
    "Something-Else split files too.",
    files="`something-something-v2-{train,validation}.json` (or Something-Else split files)",
    kinds=("simple", "sentence"),
    read=read,
    convert=convert,
    phrasings=PHRASINGS,
    video_pattern="{id}.webm",
    video_fields="{id}",
    unit="videos",
    detect=detect,
    example=example,
)
