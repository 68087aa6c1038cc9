"""``vstar generate`` / ``rationalize`` with a tiny Qwen2-VL on CPU."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from tests.conftest import accelerate_launch
from tests.fixtures.media import write_video
from vstar_cli.cli import app

runner = CliRunner()
GEN = ["--max-new-tokens", "4", "--device", "cpu"]


def read(path):
    return [json.loads(x) for x in open(path, encoding="utf-8") if x.strip()]


def test_generate_file_to_file(tiny_qwen, videos, tmp_path):
    out = tmp_path / "gen.jsonl"
    res = runner.invoke(
        app,
        [
            "generate",
            str(videos),
            "--model",
            tiny_qwen,
            "--video-dir",
            str(videos.parent),
            "-o",
            str(out),
            "--batch-size",
            "4",
            "-k",
            "2",
            *GEN,
        ],
    )
    assert res.exit_code == 0, res.output
    recs = read(out)
    assert sorted((r["id"], r["sample_index"]) for r in recs) == [(f"q{i}", k) for i in range(6) for k in range(2)]
    r = recs[0]
    assert r["source"] == "generate" and r["model"] == tiny_qwen and isinstance(r["output"], str)
    assert r["prompt"].startswith("Question: Which way") and "step-by-step" in r["prompt"]
    assert list(r)[:3] == ["id", "video", "question"]  # input fields first, untouched
    assert "12 answers" in res.stderr


def test_stdin_to_stdout_and_errors(tiny_qwen, videos, tmp_path):
    vdir = videos.parent
    lines = videos.read_text().splitlines()[:2]
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "bad.mp4").write_bytes(b"not a video at all" * 50)
    for name in ["empty.mp4", "bad.mp4"]:
        shutil.copy(tmp_path / name, vdir / name)
    write_video(vdir / "two.mp4", n_frames=2)
    extra = [
        {"id": "e1", "video": "empty.mp4", "question": "q?"},
        {"id": "e2", "video": "bad.mp4", "question": "q?"},
        {"id": "e3", "video": "absent.mp4", "question": "q?"},
        {"id": "e4", "video": "two.mp4"},
        {"id": "s1", "video": "two.mp4", "question": "q?"},
    ]
    data = "\n".join(lines + [json.dumps(x) for x in extra]) + "\nnot json\n"
    errs = tmp_path / "err.jsonl"
    res = runner.invoke(
        app, ["generate", "--model", tiny_qwen, "--video-dir", str(vdir), "--errors", str(errs), *GEN], input=data
    )
    assert res.exit_code == 1
    out = [json.loads(x) for x in res.stdout.splitlines()]
    assert [r["id"] for r in out] == ["q0", "q1", "s1"]
    assert "2 frames" in out[2]["video_note"]
    e = read(errs)
    reasons = {x.get("record", {}).get("id", "raw"): x["reason"] for x in e}
    assert "empty" in reasons["e1"] and reasons["e2"] and "not found" in reasons["e3"]
    assert "question" in reasons["e4"] and "malformed" in reasons["raw"]
    assert len(out) + len(e) == 8  # every line accounted for


def test_rationalize_uses_the_label(tiny_qwen, videos, tmp_path):
    rec = json.loads(videos.read_text().splitlines()[0])
    rec.update(output="old answer", verified=False, verdict={"direction": {"ok": False}})
    res = runner.invoke(
        app,
        ["rationalize", "--model", tiny_qwen, "--video-dir", str(videos.parent), *GEN],
        input=json.dumps(rec) + "\n",
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["source"] == "rationalize" and "Answer: right." in out["prompt"]
    assert "verified" not in out and "verdict" not in out and out["output"] != "old answer"


def test_prompt_template_file(tiny_qwen, videos, tmp_path):
    tpl = tmp_path / "tpl.txt"
    tpl.write_text("Look closely. {question} (id {id})\n")
    res = runner.invoke(
        app,
        [
            "generate",
            str(videos),
            "--model",
            tiny_qwen,
            "--video-dir",
            str(videos.parent),
            "--prompt-template",
            str(tpl),
            "--shard",
            "0/3",
            *GEN,
        ],
    )
    assert res.exit_code == 0, res.output
    out = [json.loads(x) for x in res.stdout.splitlines()]
    assert [r["id"] for r in out] == ["q0", "q3"]
    assert out[1]["prompt"] == "Look closely. Which way does the white bar move? (id q3)"


def test_usage_errors(tiny_qwen, videos, tmp_path):
    assert runner.invoke(app, ["generate", str(videos)]).exit_code == 2
    res = runner.invoke(app, ["generate", str(videos), "--model", tiny_qwen, "--quantize", "3bit"])
    assert res.exit_code == 2 and "quantize" in res.stderr
    res = runner.invoke(app, ["generate", str(videos), "--model", tiny_qwen, "--shard", "3/3"])
    assert res.exit_code == 2
    out = tmp_path / "exists.jsonl"
    out.write_text("{}\n")
    res = runner.invoke(app, ["generate", str(videos), "--model", tiny_qwen, "-o", str(out)])
    assert res.exit_code == 2 and "--resume" in res.stderr


def test_shards_cover_the_input_exactly_once(tiny_qwen, videos, tmp_path):
    ids = []
    for i in range(3):
        res = runner.invoke(
            app,
            [
                "generate",
                str(videos),
                "--model",
                tiny_qwen,
                "--video-dir",
                str(videos.parent),
                "--shard",
                f"{i}/3",
                *GEN,
            ],
        )
        assert res.exit_code == 0
        ids += [json.loads(x)["id"] for x in res.stdout.splitlines()]
    assert sorted(ids) == [f"q{i}" for i in range(6)]


def test_resume_after_kill(tiny_qwen, tmp_path):
    """kill -9 mid-run, a torn last line, then --resume: exactly one answer per pair."""
    from tests.fixtures.media import make_dataset

    data = make_dataset(tmp_path / "v", 12)
    out = tmp_path / "gen.jsonl"
    cmd = [
        sys.executable,
        "-m",
        "vstar_cli",
        "generate",
        str(data),
        "--model",
        tiny_qwen,
        "--video-dir",
        str(data.parent),
        "-o",
        str(out),
        "--batch-size",
        "1",
        "-k",
        "2",
        "--max-new-tokens",
        "24",
        "--device",
        "cpu",
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, HF_HUB_OFFLINE="1")
    )
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or len(out.read_text().splitlines()) < 3):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = len(read(out))
    assert 3 <= before < 24
    with open(out, "a", encoding="utf-8") as fh:
        fh.write('{"id": "q11", "sample_index": 1, "outp')  # a torn write
    res = runner.invoke(
        app,
        [
            "generate",
            str(data),
            "--model",
            tiny_qwen,
            "--video-dir",
            str(data.parent),
            "-o",
            str(out),
            "--resume",
            "-k",
            "2",
            *GEN,
        ],
    )
    assert res.exit_code == 0, res.output
    pairs = [(r["id"], r["sample_index"]) for r in read(out)]
    assert sorted(pairs) == sorted({(f"q{i}", k) for i in range(12) for k in range(2)})
    assert f"{before} already done" in res.stderr


@pytest.mark.parametrize("bits", ["4bit", "8bit"])
def test_quantized_loading_on_cpu(tiny_qwen, videos, bits):
    from vstar_cli.model import ModelConfig, load

    processor, model = load(ModelConfig(model=tiny_qwen, quantize=bits, device="cpu"))
    import bitsandbytes as bnb

    kinds = {type(m) for m in model.modules()}
    assert (bnb.nn.Linear4bit if bits == "4bit" else bnb.nn.Linear8bitLt) in kinds
    res = runner.invoke(
        app,
        [
            "generate",
            str(videos),
            "--model",
            tiny_qwen,
            "--video-dir",
            str(videos.parent),
            "--quantize",
            bits,
            "--shard",
            "0/6",
            *GEN,
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["id"] == "q0"


def test_accelerate_two_processes_write_part_files(tiny_qwen, videos, tmp_path):
    """Under `accelerate launch` each process takes its shard and writes its own part file.

    accelerate's `--cpu` launcher starts one process unless MPI is set up, so this uses its
    torchrun-based launcher, which also runs on a CPU-only machine.
    """
    out = tmp_path / "gen.jsonl"
    cmd = [
        *accelerate_launch(2),
        "generate",
        str(videos),
        "--model",
        tiny_qwen,
        "--video-dir",
        str(videos.parent),
        "--max-new-tokens",
        "4",
        "--device",
        "cpu",
        "-o",
        str(out),
        "-q",
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert res.returncode == 0, res.stderr[-2000:]
    parts = sorted(tmp_path.glob("gen.part*-of-2.jsonl"))
    assert [p.name for p in parts] == ["gen.part0-of-2.jsonl", "gen.part1-of-2.jsonl"]
    ids = [r["id"] for p in parts for r in read(p)]
    assert sorted(ids) == [f"q{i}" for i in range(6)]
    assert {r["id"] for r in read(parts[0])} == {"q0", "q2", "q4"}
