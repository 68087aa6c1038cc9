"""Outputs are safe and usage mistakes are one-line errors (issue 12, points 5 and 9)."""

import fcntl
import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from tests.hostile.catalogue import good_record
from vstar_cli.cli import app

runner = CliRunner()
PY = sys.executable


def one_line_error(res, code=2) -> str:
    assert res.exit_code == code, (res.exit_code, res.stderr, res.exception)
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), res.stderr
    return lines[0]


@pytest.fixture
def answers(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text("".join(json.dumps(good_record("float", i)) + "\n" for i in range(50)), encoding="utf-8")
    return path


def test_output_equal_to_input_is_refused_and_input_kept(answers, tmp_path):
    before = answers.read_bytes()
    (tmp_path / "link.jsonl").symlink_to(answers)
    os.link(answers, tmp_path / "hard.jsonl")
    for out in (str(answers), str(tmp_path / "link.jsonl"), str(tmp_path / "hard.jsonl"), f"{tmp_path}/./x.jsonl"):
        assert "also an input" in one_line_error(runner.invoke(app, ["verify", str(answers), "-o", out]))
    for opt in ("--rejected", "--errors"):
        assert "also an input" in one_line_error(runner.invoke(app, ["verify", str(answers), opt, str(answers)]))
    assert answers.read_bytes() == before


def test_two_outputs_on_one_path_are_refused(answers, tmp_path):
    out = tmp_path / "o.jsonl"
    for a, b in (("-o", "--rejected"), ("-o", "--errors"), ("--rejected", "--errors")):
        res = runner.invoke(app, ["verify", str(answers), a, str(out), b, str(tmp_path / "." / "o.jsonl")])
        assert "same file" in one_line_error(res)
    res = runner.invoke(app, ["merge", str(answers), "-o", str(out), "--errors", str(out)])
    assert "same file" in one_line_error(res)
    res = runner.invoke(app, ["merge", str(answers), str(tmp_path / "y.jsonl"), "-o", str(answers)])
    one_line_error(res)
    res = runner.invoke(app, ["eval", str(answers), "--answers", str(answers), "-o", str(answers)])
    assert "also an input" in one_line_error(res)
    res = runner.invoke(app, ["eval", str(answers), "--answers", str(answers), "--details", str(out), "-o", str(out)])
    assert "same file" in one_line_error(res)


def test_questions_outputs_are_checked(answers, tmp_path):
    out = tmp_path / "bank.jsonl"
    base = ["questions", "--task", "t", "--example", "What?", "--labels", "a,b", "-m", str(tmp_path)]
    res = runner.invoke(app, [*base, "-o", str(out), "--rejected", str(out)])
    assert "same file" in one_line_error(res)
    res = runner.invoke(app, [*base, "--labels-from", str(answers), "-o", str(answers)])
    assert "also an input" in one_line_error(res)
    assert "unknown device" in one_line_error(runner.invoke(app, [*base, "--device", "banana"]))


def test_special_files_may_take_several_outputs(answers):
    res = runner.invoke(app, ["verify", str(answers), "-o", "/dev/null", "--rejected", "/dev/null", "-q"])
    assert res.exit_code == 0, res.stderr


def test_outputs_are_replaced_atomically_and_locked(answers, tmp_path):
    out = tmp_path / "o.jsonl"
    out.write_text("previous\n", encoding="utf-8")
    with open(out, "a") as holder:  # another vstar process writing the same output
        fcntl.flock(holder, fcntl.LOCK_EX)
        res = runner.invoke(app, ["verify", str(answers), "-o", str(out)])
        assert "another process" in one_line_error(res)
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert runner.invoke(app, ["verify", str(answers), "-o", str(out), "-q"]).exit_code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 50
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.jsonl", "x.jsonl"]  # no temporary left


def test_generate_output_is_locked_for_resume_and_fresh_runs(answers, tmp_path):
    out = tmp_path / "gen.jsonl"
    model = tmp_path / "model"
    model.mkdir()
    with open(out, "a") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        for extra in ([], ["--resume"]):
            res = runner.invoke(app, ["generate", str(answers), "--model", str(model), "-o", str(out), *extra])
            assert "another process" in one_line_error(res)
    res = runner.invoke(app, ["generate", str(answers), "--model", str(model), "-o", str(answers)])
    assert "also an input" in one_line_error(res)


def test_duplicate_ids_are_reported_not_skipped(tmp_path):
    from vstar_cli.io import ErrorRecord, flag_duplicate_ids, read_records

    path = tmp_path / "in.jsonl"
    rows = [good_record("float", 5), dict(good_record("float", 6), question_id=5), dict(good_record("float"), id="5")]
    rows[0]["question_id"] = "5"
    rows[2].pop("question_id")
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    items = list(flag_duplicate_ids(read_records(path)))
    assert [isinstance(i, ErrorRecord) for i in items] == [False, True, True]
    assert "duplicate question_id '5' (first on line 1)" in items[1].reason


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--device", "banana"], "unknown device"),
        (["--device", "cuda:99"], "cuda"),
        (["--config", "{dir}"], "directory"),
        (["--config", "{latin1}"], "not UTF-8"),
        (["--config", "{missing}"], "not found"),
        (["--errors", "{dir}"], "directory"),
        (["-o", "{dir}"], "directory"),
        (["-o", "/dev/full"], "No space left"),
        (["--errors", "/dev/full"], "No space left"),
        (["{dir}"], "directory"),
        (["{missing}"], "not found"),
    ],
)
def test_usage_and_environment_mistakes(answers, tmp_path, args, message):
    (tmp_path / "bad.yaml").write_bytes(b"float_tol: 0.1\n# caf\xe9\n")
    subs = {"{dir}": str(tmp_path), "{latin1}": str(tmp_path / "bad.yaml"), "{missing}": str(tmp_path / "nope")}
    args = [subs.get(a, a) for a in args]
    first = [] if args[0].startswith(str(tmp_path)) and len(args) == 1 else [str(answers)]
    res = runner.invoke(app, ["verify", *first, *args])
    if "/dev/full" in args and args[0] == "--errors":
        bad = tmp_path / "bad.jsonl"
        bad.write_text("not json\n", encoding="utf-8")
        res = runner.invoke(app, ["verify", str(bad), *args])
    assert message in one_line_error(res)


def test_generate_usage_mistakes(answers, tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    base = ["generate", str(answers), "--model", str(model)]
    assert "max_new_tokens" in one_line_error(runner.invoke(app, [*base, "--max-new-tokens", "0"]))
    assert "unknown device" in one_line_error(runner.invoke(app, [*base, "--device", "banana"]))
    assert "CUDA" in one_line_error(runner.invoke(app, [*base, "--device", "cuda"])) or _has_gpu()


def _has_gpu() -> bool:
    import torch

    return torch.cuda.is_available()


def _cli(cmd: str, tmp_path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.getcwd(), HF_HUB_OFFLINE="1")
    return subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)


def test_closed_stdout_ends_quietly(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps(good_record("float", i)) + "\n" for i in range(20000)), encoding="utf-8")
    proc = _cli(f"set -o pipefail; cat {path} | {PY} -m vstar_cli verify - | head -1", tmp_path)
    assert proc.stdout.count("\n") == 1 and json.loads(proc.stdout)["question_id"] == "good0"
    assert (
        "Exception ignored" not in proc.stderr and "Traceback" not in proc.stderr and "Broken pipe" not in proc.stderr
    )


def test_process_substitution_input(answers, tmp_path):
    proc = _cli(f"{PY} -m vstar_cli verify <(cat {answers}) -q | wc -l", tmp_path)
    assert proc.stdout.strip() == "50", proc.stderr


def test_full_disk_on_stdout_is_one_line(answers, tmp_path):
    proc = _cli(f"{PY} -m vstar_cli verify {answers} > /dev/full", tmp_path)
    assert proc.returncode == 2 and proc.stderr.strip().splitlines() == [
        "error: cannot write stdout: No space left on device"
    ]


def test_rationalize_resume_tells_rejected_answers_of_one_question_apart(tiny_qwen, videos, tmp_path):
    """Two rejected answers of q (sample 0 and 1) and a repeated one: each answer is rationalized once,
    a resumed run finishes the one left, the repeat is an error record, nothing is skipped silently."""
    base = json.loads(videos.read_text().splitlines()[0])
    rows = [dict(base, output=f"wrong {k}", sample_index=k, verified=False) for k in (0, 1, 1)]
    rej = tmp_path / "rej.jsonl"
    rej.write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
    out, err = tmp_path / "rat.jsonl", tmp_path / "err.jsonl"
    args = ["--model", tiny_qwen, "--video-dir", str(videos.parent), "-o", str(out), "--max-new-tokens", "3"]
    res = runner.invoke(app, ["rationalize", str(rej), *args, "--device", "cpu"])
    assert res.exit_code == 0, res.stderr
    rej.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    res = runner.invoke(app, ["rationalize", str(rej), *args, "--device", "cpu", "--resume", "--errors", str(err)])
    assert res.exit_code == 1, res.stderr
    done = [(r["id"] if "id" in r else r["question_id"], r["sample_index"]) for r in map(json.loads, out.open())]
    qid = base.get("question_id", base.get("id"))
    assert sorted(done) == [(qid, 0), (qid, 1)]
    errors = [json.loads(x) for x in err.open()]
    assert len(errors) == 1 and "duplicate" in errors[0]["reason"] and errors[0]["line"] == 3
    assert "1 already done" in res.stderr


def test_full_disk_on_eval_metrics_stdout_is_one_line(answers, tmp_path):
    proc = _cli(f"{PY} -m vstar_cli eval {answers} --answers {answers} -q > /dev/full", tmp_path)
    assert proc.returncode == 2 and proc.stderr.strip().splitlines() == [
        "error: cannot write stdout: No space left on device"
    ], proc.stderr


@pytest.mark.parametrize("command", ["generate", "rationalize"])
@pytest.mark.parametrize(
    ("flags", "word"),
    [
        (["--fps", "0"], "fps"),
        (["--fps", "nan"], "fps"),
        (["--frames", "0"], "frames"),
        (["--video-backend", "x"], "video_backend"),
    ],
)
def test_video_options_are_checked_by_every_command_that_reads_videos(answers, tmp_path, command, flags, word):
    """The video group is validated in one place (issue 20): generate and rationalize refuse what finetune and view refuse."""
    model = tmp_path / "model"
    model.mkdir()
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, [command, str(answers), "--model", str(model), "-o", str(out), *flags])
    assert word in one_line_error(res) and not out.exists()


def test_generate_refuses_an_output_that_is_its_redirected_stdin(answers, tmp_path):
    """``generate - -o F --force < F`` would truncate the file it reads (direct writes): refused, F kept."""
    model = tmp_path / "model"
    model.mkdir()
    before = answers.read_bytes()
    for extra in ("--force", "--resume"):
        proc = _cli(f"{PY} -m vstar_cli generate - --model {model} -o {answers} {extra} < {answers}", tmp_path)
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "standard input" in lines[0], proc.stderr
        assert answers.read_bytes() == before
