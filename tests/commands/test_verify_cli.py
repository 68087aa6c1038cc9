"""``vstar verify`` end to end through CliRunner (file and stdin) and a real pipe."""

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from tests.conftest import make_record
from vstar_cli.cli import app

runner = CliRunner()

GOOD = make_record("The man plays the guitar.", "playing guitar", "simple", extra="kept")
BAD = make_record("He is not playing guitar; he plays piano.", "playing guitar", "simple")
SEQ = make_record(
    "He jumps off the board. Then he performs a tuck. Finally he enters the water.",
    ["the diver jumps from the board", "the diver tucks", "the diver enters the water"],
    "sentence_sequence",
)


def jsonl(*recs):
    return "".join(json.dumps(r) + "\n" for r in recs)


def read_jsonl(path):
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


def test_help_documents_every_kind():
    from vstar_cli.verify.registry import registry

    res = runner.invoke(app, ["verify", "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0
    for kind in registry():
        assert kind.name in res.output
        for p in kind.params:  # each declared parameter is a flag, with its default
            assert p.option in res.output
    assert "0.1" in res.output and "IoU" in res.output
    for flag in ("--float-tol", "--timestamp-tol", "--range-iou", "--bbox-iou", "--sequence-threshold"):
        assert flag in res.output


def test_unreadable_gold_labels_are_errors_not_rejections(tmp_path):
    broken = [
        make_record("It starts at 20% and ends at 50%.", [0.2], "temporal_range"),
        make_record("The ball is at [0.5, 0.5, 0.2, 0.2].", [0.5, 0.5, 0.2], "bbox"),
        make_record("The score is 80.", "eighty-ish", "float"),
        make_record("He jumps.", "", "sentence"),
    ]
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl(GOOD, *broken, BAD), encoding="utf-8")
    out, rej, err = tmp_path / "ok.jsonl", tmp_path / "rej.jsonl", tmp_path / "err.jsonl"
    res = runner.invoke(app, ["verify", str(src), "-o", str(out), "--rejected", str(rej), "--errors", str(err)])
    assert res.exit_code == 1
    e = read_jsonl(err)
    assert [x["line"] for x in e] == [2, 3, 4, 5]
    assert all(x["reason"].startswith("cannot judge label 'lbl'") for x in e)
    assert "2 numbers" in e[0]["reason"] and "4 numbers" in e[1]["reason"] and "not a number" in e[2]["reason"]
    assert e[0]["record"]["label"] == {"lbl": [0.2]}  # the record is kept whole
    assert len(read_jsonl(rej)) == 1 and read_jsonl(rej)[0]["output"] == BAD["output"]
    assert len(read_jsonl(out)) == 2
    assert "6 records" in res.stderr and "4 errors" in res.stderr


def test_file_input_split(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl(GOOD, BAD, SEQ), encoding="utf-8")
    res = runner.invoke(
        app, ["verify", str(src), "-o", str(tmp_path / "ok.jsonl"), "--rejected", str(tmp_path / "rej.jsonl")]
    )
    assert res.exit_code == 0, res.output
    out = read_jsonl(tmp_path / "ok.jsonl")
    assert [r["verified"] for r in out] == [True, False, True]
    # unknown fields pass through, in their original order, with the new fields appended
    assert list(out[0])[: len(GOOD)] == list(GOOD) and out[0]["extra"] == "kept"
    assert out[0]["verdict"]["lbl"]["ok"] is True and out[0]["verdict"]["lbl"]["extracted"] == "plays the guitar"
    rej = read_jsonl(tmp_path / "rej.jsonl")
    assert len(rej) == 1 and "negates" in rej[0]["verdict"]["lbl"]["reason"]
    assert "3 records" in res.stderr and "1 rejected" in res.stderr


def test_stdin_only_verified():
    res = runner.invoke(app, ["verify", "--only-verified"], input=jsonl(GOOD, BAD))
    assert res.exit_code == 0
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert len(lines) == 1 and lines[0]["verified"] is True


def test_json_array_input(tmp_path):
    src = tmp_path / "star.json"
    official = dict(GOOD)
    official["id"] = official.pop("question_id")
    official["video"] = "v/0001.mp4"
    src.write_text(json.dumps([official]), encoding="utf-8")
    res = runner.invoke(app, ["verify", str(src)])
    assert res.exit_code == 0
    rec = json.loads(res.stdout)
    assert rec["verified"] is True and rec["id"] == "q" and rec["video"] == "v/0001.mp4"


def test_errors_are_counted_and_kept(tmp_path):
    mismatch = make_record("x", "y", "simple")
    mismatch["verifier_type"] = ["simple", "float"]
    unknown = make_record("x", "y", "telepathy")
    no_output = make_record("x", "y", "simple")
    del no_output["output"]
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl(GOOD) + "{broken\n" + jsonl(mismatch, unknown, no_output, BAD), encoding="utf-8")
    errs = tmp_path / "err.jsonl"
    res = runner.invoke(app, ["verify", str(src), "--errors", str(errs), "-o", str(tmp_path / "out.jsonl")])
    assert res.exit_code == 1
    e = read_jsonl(errs)
    assert [x["line"] for x in e] == [2, 3, 4, 5]
    assert "raw" in e[0] and "malformed JSON" in e[0]["reason"]
    assert "entries" in e[1]["reason"] and "unknown verifier kind" in e[2]["reason"] and "output" in e[3]["reason"]
    assert e[1]["record"]["label"] == {"lbl": "y"}
    # records in = records out + errors
    assert len(read_jsonl(tmp_path / "out.jsonl")) + len(e) == 6
    assert "4 errors" in res.stderr
    assert "Traceback" not in res.output


def test_errors_without_errors_file_go_to_stderr():
    res = runner.invoke(app, ["verify"], input="nope\n" + jsonl(GOOD))
    assert res.exit_code == 1
    assert "line 1" in res.stderr and "malformed" in res.stderr
    assert len(res.stdout.splitlines()) == 1


def test_usage_errors_exit_2(tmp_path):
    res = runner.invoke(app, ["verify", str(tmp_path / "missing.jsonl")])
    assert res.exit_code == 2 and "not found" in res.stderr
    res = runner.invoke(app, ["verify", "--bbox-iou", "3"], input=jsonl(GOOD))
    assert res.exit_code == 2 and "bbox_iou" in res.stderr
    res = runner.invoke(app, ["verify", "--no-such-flag"], input="")
    assert res.exit_code == 2


def test_config_file_then_flags(tmp_path):
    rec = make_record("The final score is 95.", 80, "float")
    cfg = tmp_path / "verify.yaml"
    cfg.write_text("float_tol: 0.25\n", encoding="utf-8")
    res = runner.invoke(app, ["verify", "--config", str(cfg)], input=jsonl(rec))
    assert json.loads(res.stdout)["verified"] is True
    res = runner.invoke(app, ["verify", "--config", str(cfg), "--float-tol", "0.1"], input=jsonl(rec))
    assert json.loads(res.stdout)["verified"] is False
    bad = tmp_path / "bad.yaml"
    bad.write_text("flot_tol: 1\n", encoding="utf-8")
    res = runner.invoke(app, ["verify", "--config", str(bad)], input=jsonl(rec))
    assert res.exit_code == 2 and "flot_tol" in res.stderr


def test_output_streams_per_record():
    """A record comes out of a real pipe before the input is closed."""
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "vstar_cli", "verify", "-q"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        proc.stdin.write(jsonl(GOOD))
        proc.stdin.flush()
        line = proc.stdout.readline()
        assert json.loads(line)["verified"] is True
        proc.stdin.write(jsonl(BAD))
        proc.stdin.close()
        assert json.loads(proc.stdout.readline())["verified"] is False
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
