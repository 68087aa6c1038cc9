"""Hostile inputs for ``merge``, ``eval`` and ``finetune``: error records and one-line errors, never a traceback."""

import json
from pathlib import Path

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
    "videos is a string, bad role": json.dumps(
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
    assert "nan" in reasons.lower() and "no answer" in reasons and "object" in reasons


# --- eval --answers with hostile answer and test files ---------------------------------------------------------


def test_eval_answers_hostile_records_never_raise(tmp_path):
    test = tmp_path / "test.jsonl"
    test.write_text(
        "\n".join(
            [
                json.dumps(
                    {"question_id": "a", "label": {"x": "dog"}, "label_type": ["x"], "verifier_type": ["simple"]}
                ),
                json.dumps({"question_id": [1], "label": {"x": 5}, "label_type": ["x"], "verifier_type": ["float"]}),
                '{"question_id": NaN, "label": {"x": "dog"}, "label_type": ["x"], "verifier_type": ["simple"]}',
                json.dumps({"question_id": "s", "label": {"x": 2.0}, "label_type": ["x"], "verifier_type": ["float"]}),
                json.dumps({"question_id": "u", "label": "dog", "label_type": {"x": 1}, "verifier_type": "simple"}),
                "not json",
            ]
        )
        + "\n"
    )
    ans = tmp_path / "ans.jsonl"
    ans.write_text(
        "\n".join(
            [
                json.dumps({"question_id": "a", "output": ["not", "text"]}),
                json.dumps({"question_id": [1], "output": "The score is 5."}),
                json.dumps({"question_id": {"k": "a"}, "output": "x"}),
                json.dumps({"question_id": None, "output": "x"}),
                '{"question_id": "s", "output": "the score is Infinity", "sample_index": NaN}',
                json.dumps({"question_id": "u", "output": "dog"}),
                "[1, 2]",
            ]
        )
        + "\n"
    )
    m_path = tmp_path / "m.json"
    res = runner.invoke(
        app, ["eval", str(test), "--answers", str(ans), "-o", str(m_path), "--errors", str(tmp_path / "e")]
    )
    assert res.exit_code == 1, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    m = json.loads(m_path.read_text(), parse_constant=lambda c: pytest.fail(f"{c} in metrics.json"))
    counts = m["answers"]
    assert counts["test_records"] == 4 and counts["unknown"] == 1  # {"k": "a"} is no test id
    assert counts["answered"] + counts["missing"] == counts["test_records"]
    assert m["overall"]["n"] >= 2 and m["errors"] >= 4  # bad test lines, unusable answers and labels


# --- finetune: videos that cannot be decoded, malformed training lines -------------------------------------------


def _sft(videos, dest, corrupt):
    """The fixture videos copied to ``dest`` (those in ``corrupt`` replaced by garbage) and a training file."""
    import shutil

    dest.mkdir()
    rows = []
    for r in (json.loads(x) for x in videos.read_text().splitlines()):
        target = dest / r["video"]
        if r["video"] in corrupt:
            target.write_bytes(b"\x00\x00\x00 this is not a video " * 50)
        else:
            shutil.copy(videos.parent / r["video"], target)
        for k in range(2):
            rows.append(
                {
                    "id": f"{r['id']}:{k}",
                    "video": r["video"],
                    "conversations": [
                        {"from": "human", "value": "<video>\n" + r["question"]},
                        {"from": "gpt", "value": "The white bar moves to the right."},
                    ],
                }
            )
    path = dest / "sft.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in rows), encoding="utf-8")
    return path


def _finetune(sft, model, out, *extra):
    args = ["finetune", str(sft), "--model", model, "--video-dir", str(sft.parent), "--out", str(out)]
    return runner.invoke(app, [*args, "--batch-size", "4", "--grad-accum", "1", "--device", "cpu", *extra])


@pytest.mark.parametrize("workers", [0, pytest.param(2, marks=pytest.mark.slow)])
def test_finetune_skips_a_corrupt_video_met_mid_training(tiny_qwen, videos, tmp_path, workers):
    """Decoded in the main process or in dataloader workers, the bad video is skipped and reported."""
    names = [json.loads(x)["video"] for x in videos.read_text().splitlines()]
    sft = _sft(videos, tmp_path / "data", {names[2]})
    out = tmp_path / "out"
    cfg = tmp_path / "workers.yaml"
    cfg.write_text(f"dataloader_workers: {workers}\n")
    res = _finetune(sft, tiny_qwen, out, "--errors", str(tmp_path / "errors.jsonl"), "--config", str(cfg), "-q")
    assert res.exit_code == 1, res.output  # trained, with an error record for the video
    assert (out / "adapter_model.safetensors").is_file()
    summary = json.loads((out / "train_summary.json").read_text())
    assert summary["skipped_videos"] == 1 and summary["steps"] == 3 and summary["last_loss"] is not None
    errs = [json.loads(x) for x in (tmp_path / "errors.jsonl").read_text().splitlines()]
    assert len(errs) == 1 and errs[0]["record"]["video"] == names[2] and "decoded" in errs[0]["reason"]


def test_finetune_with_no_decodable_video_stops_with_one_line(tiny_qwen, videos, tmp_path):
    names = {json.loads(x)["video"] for x in videos.read_text().splitlines()}
    sft = _sft(videos, tmp_path / "data", names)
    res = _finetune(sft, tiny_qwen, tmp_path / "out", "--errors", str(tmp_path / "errors.jsonl"))
    assert res.exit_code == 2 and "Traceback" not in res.output
    errors = [line for line in res.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "could be decoded" in errors[0], res.stderr
    assert len((tmp_path / "errors.jsonl").read_text().splitlines()) == len(names)


def test_finetune_unusable_video_names_are_error_records(tiny_qwen, videos, tmp_path):
    names = [json.loads(x)["video"] for x in videos.read_text().splitlines()]
    sft = _sft(videos, tmp_path / "data", set())
    bad = [("x" * 300) + ".mp4", "nul\x00byte.mp4", "../" * 40 + "etc/passwd", "", "   "]
    turns = [{"from": "human", "value": "<video>\nq"}, {"from": "gpt", "value": "a"}]
    rows = [{"id": f"b{i}", "video": v, "conversations": turns} for i, v in enumerate(bad)]
    rows.append({"id": "ok", "video": names[0], "conversations": turns})
    sft.write_text("".join(json.dumps(r) + "\n" for r in rows))
    res = _finetune(sft, tiny_qwen, tmp_path / "out", "--errors", str(tmp_path / "e.jsonl"), "--max-steps", "1", "-q")
    assert res.exit_code == 1 and "Traceback" not in res.output, res.output
    assert len((tmp_path / "e.jsonl").read_text().splitlines()) == len(bad)
    assert json.loads((tmp_path / "out" / "train_summary.json").read_text())["steps"] == 1


def test_finetune_videos_stay_inside_the_video_dir(tiny_qwen, videos, tmp_path):
    """A real video outside --video-dir (absolute path, '..', outward symlink) is refused unless allowed."""
    names = [json.loads(x)["video"] for x in videos.read_text().splitlines()]
    sft = _sft(videos, tmp_path / "data", set())
    outside = str(videos.parent / names[0])  # exists, but not under --video-dir
    (sft.parent / "link.mp4").symlink_to(outside)
    turns = [{"from": "human", "value": "<video>\nq"}, {"from": "gpt", "value": "a"}]
    escaping = [outside, "../" + Path(outside).name, "link.mp4"]
    (tmp_path / Path(outside).name).write_bytes(Path(outside).read_bytes())
    rows = [{"id": f"o{i}", "video": v, "conversations": turns} for i, v in enumerate(escaping)]
    rows.append({"id": "ok", "video": names[0], "conversations": turns})
    sft.write_text("".join(json.dumps(r) + "\n" for r in rows))
    res = _finetune(sft, tiny_qwen, tmp_path / "out", "--errors", str(tmp_path / "e.jsonl"), "--max-steps", "1", "-q")
    assert res.exit_code == 1, res.output
    reasons = [json.loads(x)["reason"] for x in (tmp_path / "e.jsonl").read_text().splitlines()]
    assert len(reasons) == len(escaping) and all("outside --video-dir" in r for r in reasons)
    res = _finetune(sft, tiny_qwen, tmp_path / "out2", "--allow-outside-video-dir", "--max-steps", "1", "-q")
    assert res.exit_code == 0, res.output


def test_finetune_training_lines_of_any_shape_are_error_records(tmp_path):
    from vstar_cli.training.data import load_examples

    lines = [
        {"video": "v.mp4", "conversations": ["hi", "there"]},
        {"video": "v.mp4", "conversations": [{"from": "human", "value": 1}, {"from": "gpt", "value": "a"}]},
        {"videos": "v.mp4", "messages": ["user: hi", 5]},
        {"videos": {"0": "v"}, "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]},
        {"messages": [{"role": "user", "content": [1, {"type": "video", "path": "v.mp4"}]}]},
        {"video": "v.mp4", "messages": [{"role": "user", "content": {"text": "q"}}, {"role": "assistant"}]},
        {"video": "v.mp4", "conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]},  # fine
    ]
    path = tmp_path / "sft.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines) + "NaN\n{\n")
    examples, errors = load_examples(path)
    # a list under "video" is a list of videos (LLaMA-Factory's form), not an error
    assert len(examples) == 1 and len(errors) == len(lines) - 1 + 2
