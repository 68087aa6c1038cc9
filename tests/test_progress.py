"""Progress bars: on stderr only, only for a terminal (or VSTAR_PROGRESS=1), never with -q."""

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from tests.conftest import make_record
from vstar_cli import progress
from vstar_cli.cli import app

runner = CliRunner()
RECS = [make_record(f"The count is {i}.", i, "float") for i in range(5)]


def _jsonl(recs):
    return "".join(json.dumps(r) + "\n" for r in recs)


def test_enabled_follows_quiet_the_variable_and_the_terminal(monkeypatch):
    monkeypatch.setenv("VSTAR_PROGRESS", "1")
    assert progress.enabled(False) and not progress.enabled(True)
    monkeypatch.setenv("VSTAR_PROGRESS", "0")
    assert not progress.enabled(False)
    monkeypatch.delenv("VSTAR_PROGRESS")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert not progress.enabled(False)


def test_count_lines(tmp_path, monkeypatch):
    monkeypatch.setenv("VSTAR_PROGRESS", "1")
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text('{"x": 1}\n{"x": 2}\n')
    b.write_text('{"x": 3}')  # no final newline
    assert progress.count_lines([a, b]) == 3
    assert progress.count_lines(["-"]) is None
    (tmp_path / "c.json").write_text('[{"x": 1}, {"x": 2}]')
    assert progress.count_lines([tmp_path / "c.json"]) is None
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert progress.count_lines([fifo]) is None  # a pipe is never read ahead (it would lose records)
    monkeypatch.setenv("VSTAR_PROGRESS", "0")
    assert progress.count_lines([a]) is None  # no bar, no counting


def test_verify_progress_goes_to_stderr_and_never_to_stdout(tmp_path):
    src = tmp_path / "answers.jsonl"
    src.write_text(_jsonl(RECS))
    res = runner.invoke(app, ["verify", str(src)], env={"VSTAR_PROGRESS": "1"})
    assert res.exit_code == 0, res.output
    assert [json.loads(x)["verified"] for x in res.stdout.splitlines()] == [True] * 5
    assert "5/5" in res.stderr and "records/s" in res.stderr and "verify" in res.stderr
    quiet = runner.invoke(app, ["verify", str(src), "-q"], env={"VSTAR_PROGRESS": "1"})
    assert quiet.stderr == "" and quiet.stdout == res.stdout


def test_stdin_has_no_total_but_still_counts():
    res = runner.invoke(app, ["verify"], input=_jsonl(RECS), env={"VSTAR_PROGRESS": "1"})
    assert res.exit_code == 0 and "5 records" in res.stderr and "/5" not in res.stderr
    assert len(res.stdout.splitlines()) == 5


def test_merge_progress_on_stderr(tmp_path):
    recs = [
        {**r, "verified": True, "video_path": f"v{i}.mp4", "question_id": f"q{i}", "question": "How many?"}
        for i, r in enumerate(RECS)
    ]
    src = tmp_path / "ver.jsonl"
    src.write_text(_jsonl(recs))
    res = runner.invoke(app, ["merge", str(src)], env={"VSTAR_PROGRESS": "1"})
    assert res.exit_code == 0, res.output
    assert len([json.loads(x) for x in res.stdout.splitlines()]) == 5 and "5/5" in res.stderr


def test_real_pipes_no_bar_without_a_terminal_and_stdout_stays_records(tmp_path):
    src = tmp_path / "answers.jsonl"
    src.write_text(_jsonl(RECS))
    env = {k: v for k, v in os.environ.items() if k != "VSTAR_PROGRESS"}
    cmd = [sys.executable, "-m", "vstar_cli", "verify", str(src)]
    plain = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert plain.returncode == 0 and "records/s" in plain.stderr and "5/5" not in plain.stderr  # the summary only
    forced = subprocess.run(cmd, capture_output=True, text=True, env={**env, "VSTAR_PROGRESS": "1"}, timeout=120)
    assert forced.stdout == plain.stdout and all(json.loads(x) for x in forced.stdout.splitlines())
    assert "5/5" in forced.stderr


def test_eval_and_prepare_progress_on_stderr_only(tmp_path):
    from pathlib import Path

    recs = [{**r, "question_id": f"q{i}"} for i, r in enumerate(RECS)]
    src = tmp_path / "answers.jsonl"
    src.write_text(_jsonl(recs))
    res = runner.invoke(app, ["eval", str(src), "--answers", str(src)], env={"VSTAR_PROGRESS": "1"})
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["overall"]["n"] == 5 and "5/5" in res.stderr  # stdout: the metrics JSON only

    csv = Path(__file__).parent / "data" / "real" / "kinetics_k400_val.csv"
    res = runner.invoke(app, ["prepare", "kinetics700", str(csv)], env={"VSTAR_PROGRESS": "1"})
    assert res.exit_code == 0, res.output
    n = len(res.stdout.splitlines())
    assert n > 0 and all(json.loads(x) for x in res.stdout.splitlines())
    assert f"prepare kinetics700 {n} records" in res.stderr and "records/s" in res.stderr  # the bar, not the summary


def test_generate_progress_and_its_config_beside_the_output(tiny_qwen, videos, tmp_path):
    import yaml

    out = tmp_path / "gen.jsonl"
    args = ["generate", str(videos), "--model", tiny_qwen, "--video-dir", str(videos.parent), "-o", str(out)]
    res = runner.invoke(app, [*args, "--max-new-tokens", "2", "--device", "cpu"], env={"VSTAR_PROGRESS": "1"})
    assert res.exit_code == 0, res.output
    assert res.stdout == "" and "6/6" in res.stderr and "generate" in res.stderr
    saved = yaml.safe_load((tmp_path / "gen.config.yaml").read_text())
    assert saved["model"] == tiny_qwen and saved["max_new_tokens"] == 2 and saved["source"] == "generate"


def test_finetune_steps_bar_shows_steps_and_loss_on_stderr(monkeypatch, capsys):
    monkeypatch.setenv("VSTAR_PROGRESS", "1")
    with progress.steps_bar("finetune", 4, quiet=True) as update:
        assert update is None  # -q: no bar; the trainer gets no callback
    with progress.steps_bar("finetune", 4) as update:
        update(2, 4, 0.5)
        update(4, 4, 0.25)
    out, err = capsys.readouterr()
    assert out == "" and "4/4" in err and "loss 0.2500" in err
