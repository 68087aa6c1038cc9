"""``vstar grpo`` through the CLI: file and stdin input, error records, usage errors, resume, config."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vstar_cli.cli import app

runner = CliRunner()


def grpo_args(data, model, videos: Path, out, *extra):
    return [
        "grpo",
        str(data),
        "--model",
        model,
        "--video-dir",
        str(videos.parent),
        "--output-dir",
        str(out),
        "--method",
        "full",
        "--frames",
        "4",
        "--group-size",
        "2",
        "--completion-length",
        "6",
        "--steps",
        "1",
        "--device",
        "cpu",
        "--no-gradient-checkpointing",
        "-q",
        *extra,
    ]


@pytest.fixture()
def data(videos, tmp_path):
    """Two good records, one whose video is missing, one whose gold label its kind cannot read."""
    recs = [json.loads(x) for x in videos.read_text().splitlines()][:4]
    recs[2]["video"] = "gone.mp4"
    recs[3]["label"] = {"direction": "right", "when": [0.8, "late"]}
    recs[3]["label_type"] = ["direction", "when"]
    recs[3]["verifier_type"] = ["simple", "temporal_range"]
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs) + "not json\n", encoding="utf-8")
    return path


def test_broken_records_become_error_records_and_the_rest_trains(data, tiny_qwen, videos, tmp_path):
    out, errors = tmp_path / "out", tmp_path / "errors.jsonl"
    res = runner.invoke(app, grpo_args(data, tiny_qwen, videos, out, "--errors", str(errors)))
    assert res.exit_code == 1, res.output  # trained, but some records were rejected
    summary = json.loads((out / "train_summary.json").read_text())
    assert summary["steps"] == 1 and summary["records"] == 2
    errs = [json.loads(x) for x in errors.read_text().splitlines()]
    assert len(errs) == 3
    assert [e["line"] for e in errs] == [3, 4, 5]
    assert "gone.mp4" in errs[0]["reason"]
    assert "when" in errs[1]["reason"] or "temporal_range" in errs[1]["reason"]
    cfg = (out / "vstar_grpo.yaml").read_text()
    assert "num_generations: 2" in cfg and "max_completion_length: 6" in cfg
    assert res.stdout == ""  # stdout carries records only; grpo writes none


def test_stdin_input_and_resume_extends_a_run(videos, tiny_qwen, tmp_path):
    good = "".join(videos.read_text().splitlines(keepends=True)[:2])
    out = tmp_path / "out"
    first = runner.invoke(app, grpo_args("-", tiny_qwen, videos, out, "--steps", "2", "--save-steps", "1"), input=good)
    assert first.exit_code == 0, first.output
    more = runner.invoke(
        app, grpo_args("-", tiny_qwen, videos, out, "--steps", "3", "--resume-from-checkpoint", "auto"), input=good
    )
    assert more.exit_code == 0, more.output
    summary = json.loads((out / "train_summary.json").read_text())
    assert summary["steps"] == 3 and summary["resumed_from"] == 2
    steps = [json.loads(x)["step"] for x in (out / "reward_log.jsonl").read_text().splitlines()]
    assert steps == [1, 2, 3]
    again = runner.invoke(
        app,
        grpo_args("-", tiny_qwen, videos, out, "--steps", "3", "--resume-from-checkpoint", "auto"),
        input=good,
        catch_exceptions=False,
    )
    assert again.exit_code == 0
    assert json.loads((out / "train_summary.json").read_text())["steps"] == 3


@pytest.mark.parametrize(
    "extra,message",
    [
        (["--group-size", "1"], "num_generations"),
        (["--beta", "-1"], "beta"),
        (["--method", "dpo"], "method"),
        (["--temperature", "0"], "temperature"),
    ],
)
def test_bad_options_are_one_line_usage_errors(extra, message, videos, tiny_qwen, tmp_path):
    res = runner.invoke(app, grpo_args(videos, tiny_qwen, videos, tmp_path / "o", *extra))
    assert res.exit_code == 2
    assert message in res.output and "Traceback" not in res.output


def test_config_file_sets_options(videos, tiny_qwen, tmp_path):
    cfgfile = tmp_path / "vstar.yaml"
    cfgfile.write_text("grpo:\n  num_generations: 3\n  beta: 0.5\n", encoding="utf-8")
    from vstar_cli import config
    from vstar_cli.stages.grpo import GrpoConfig

    cfg = config.resolve(GrpoConfig, cfgfile, "grpo", model=tiny_qwen, out=str(tmp_path / "o"))
    assert cfg.num_generations == 3 and cfg.beta == 0.5 and cfg.learning_rate == 1e-4


def test_no_usable_record_is_a_usage_error(tiny_qwen, videos, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"question": "q?", "video": "nope.mp4", "label": {"a": "b"}}) + "\n", encoding="utf-8")
    res = runner.invoke(app, grpo_args(bad, tiny_qwen, videos, tmp_path / "o"))
    assert res.exit_code == 2 and "no records to train on" in res.output


@pytest.mark.slow
def test_accelerate_launch_two_processes(videos, tiny_qwen, tmp_path):
    """DDP over two CPU processes: each samples its own questions' groups; rank 0 logs all of them."""
    import os
    import subprocess

    from tests.conftest import accelerate_launch

    data = tmp_path / "train.jsonl"
    data.write_text("".join(videos.read_text().splitlines(keepends=True)[:4]), encoding="utf-8")
    out = tmp_path / "ddp"
    cmd = [*accelerate_launch(2), *grpo_args(data, tiny_qwen, videos, out, "--steps", "2")]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert res.returncode == 0, res.stderr[-3000:]
    assert json.loads((out / "train_summary.json").read_text())["steps"] == 2
    scored = [json.loads(x) for x in (out / "completions.jsonl").read_text().splitlines()]
    assert len(scored) == 2 * 2 * 2  # steps x processes x group
    assert {r["step"] for r in scored} == {1, 2}


def test_a_video_that_does_not_decode_stops_with_one_line_and_an_error_record(videos, tiny_qwen, tmp_path):
    (videos.parent / "broken.mp4").write_bytes(b"not a video at all" * 10)
    rec = json.loads(videos.read_text().splitlines()[0])
    rec["video"] = "broken.mp4"
    data, errors = tmp_path / "d.jsonl", tmp_path / "e.jsonl"
    data.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    res = runner.invoke(app, grpo_args(data, tiny_qwen, videos, tmp_path / "o", "--errors", str(errors)))
    assert res.exit_code == 2 and "broken.mp4" in res.output and "Traceback" not in res.output
    assert "cannot be decoded" in json.loads(errors.read_text())["reason"]
