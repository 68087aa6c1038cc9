"""Hostile inputs for ``merge``, ``eval`` and ``finetune``: error records and one-line errors, never a traceback."""

import json

import pytest
from typer.testing import CliRunner

from vstar_cli.cli import app

runner = CliRunner()


def good(qid, label="playing guitar", ltype="action", kind="simple", **extra):
    rec = {
        "question_id": qid,
        "video_path": f"{qid}.mp4",
        "question": f"What happens in {qid}?",
        "label": {ltype: label},
        "label_type": [ltype],
        "verifier_type": [kind],
        "output": f"Answer about {qid}.",
        "source": "generate",
        "sample_index": 0,
        "verified": True,
    }
    rec.update(extra)
    return json.dumps(rec)


# Lines of a merge input that merge --direct --multiple-choice must turn into error records.
# Written as raw text: some are not strict JSON (NaN, Infinity), as Python's own json writes them.
BAD_MERGE_LINES = {
    "nan label": good("b1").replace('"playing guitar"', "NaN"),
    "infinite label": good("b2").replace('"playing guitar"', "-Infinity"),
    "400-digit label": good("b3").replace('"playing guitar"', "9" * 400),
    "boolean label": good("b4", label=True),
    "null label": good("b5", label=None),
    "object label": good("b6", label={"a": 1}),
    "nested list label": good("b7", label=[["a"], ["b"]]),
    "empty label": good("b8", label="  "),
    "label is a list": good("b9").replace('"label": {"action": "playing guitar"}', '"label": ["playing guitar"]'),
    "label is a string": good("b10").replace('"label": {"action": "playing guitar"}', '"label": "guitar"'),
    "unhashable label_type": good("b11").replace('"label_type": ["action"]', '"label_type": [["action"]]'),
    "numeric verifier_type": good("b12").replace('"verifier_type": ["simple"]', '"verifier_type": [3]'),
    "label_type not in label": good("b13").replace('"label_type": ["action"]', '"label_type": ["other"]'),
    "timestamp nan": good("b14", ltype="time", kind="timestamp").replace('"playing guitar"', "NaN"),
    "range of strings": good("b15", label=["a", "b"], ltype="span", kind="temporal_range", duration=10),
    "bbox of strings": good("b16", label=["x", "y", "z", "w"], ltype="box", kind="bbox"),
    "conversations of strings": json.dumps({"id": "c1", "video": "v.mp4", "conversations": ["hi", "there"]}),
    "conversation value not text": json.dumps(
        {"id": "c2", "video": "v.mp4", "conversations": [{"from": "human", "value": 1}, {"from": "gpt", "value": 2}]}
    ),
    "odd conversation": json.dumps({"id": "c3", "video": "v.mp4", "conversations": [{"from": "human", "value": "q"}]}),
    "messages not objects": json.dumps({"id": "m1", "videos": ["v.mp4"], "messages": ["user: hi", 5]}),
    "content parts not objects": json.dumps(
        {"id": "m2", "video": "v.mp4", "messages": [{"role": "user", "content": ["hi"]}, {"role": "assistant"}]}
    ),
    "videos is a string": json.dumps(
        {"id": "m3", "videos": "v.mp4", "messages": [{"role": "user", "content": "q"}, {"role": "a", "content": "a"}]}
    ),
    "videos is an object": json.dumps(
        {
            "id": "m4",
            "videos": {"0": "v"},
            "messages": [{"role": "user", "content": "q"}, {"role": "a", "content": "a"}],
        }
    ),
    "output not text": good("b17", output=["a"]),
    "question not text": good("b18", question=None),
}


@pytest.mark.parametrize("fmt", ["llava", "sharegpt", "messages"])
def test_merge_turns_every_hostile_record_into_an_error_record(tmp_path, fmt):
    goods = [good(f"g{i}", label=f"class {i}") for i in range(6)]
    weird_but_fine = [
        good("w1", label=1e308, ltype="score", kind="float"),
        good("w2", sample_index={"k": 1}, source=["x"], question_id=[1, 2]),
        good("w3", label=["jump", "tuck"], ltype="steps", kind="sentence_sequence", duration="long"),
    ]
    lines = [*goods, *BAD_MERGE_LINES.values(), *weird_but_fine]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = tmp_path / "errors.jsonl"
    out = tmp_path / "out.jsonl"
    args = ["merge", str(src), "--direct", "--multiple-choice", "-f", fmt, "--errors", str(errors), "-o", str(out)]
    res = runner.invoke(app, args)
    assert res.exit_code == 1, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    errs = [json.loads(x) for x in errors.read_text().splitlines()]
    written = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(errs) == len(BAD_MERGE_LINES), [e["reason"] for e in errs]
    assert {e["line"] for e in errs} == set(range(len(goods) + 1, len(goods) + len(BAD_MERGE_LINES) + 1))
    cot = [w for w in written if w["vstar"]["variant"] == "cot"]
    assert len(cot) == len(goods) + len(weird_but_fine)  # records in = out + errors (nothing else filtered here)
    assert sum(w["vstar"]["variant"] == "direct" for w in written) == len(goods) + len(weird_but_fine)
    for text in out.read_text().splitlines():  # strict JSON out, whatever came in
        json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in the output"))
    reasons = " | ".join(e["reason"] for e in errs)
    assert "nan" in reasons.lower() and "pairs" in reasons and "object" in reasons
