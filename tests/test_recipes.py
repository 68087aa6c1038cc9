"""Recipes: every one dry-runs (`make -n`), and the cycle runs end to end on a tiny model."""

import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
RECIPES = sorted((ROOT / "recipes").glob("*.mk"))
# VSTAR_TIMINGS of the caller's shell would change what demo.mk runs: the tests set it themselves.
ENV = {k: v for k, v in os.environ.items() if k != "VSTAR_TIMINGS"}
ENV.update(HF_HUB_OFFLINE="1", VSTAR=str(Path(sys.executable).parent / "vstar"))


def make(*args, cwd):
    # --no-print-directory: under an outer make (make test) a sub-make would print "Entering directory"
    return subprocess.run(
        ["make", "--no-print-directory", *args], cwd=cwd, capture_output=True, text=True, env=ENV, timeout=900
    )


def test_every_recipe_starts_with_its_command():
    for r in RECIPES:
        first = r.read_text().splitlines()[:3]
        assert first[0].startswith("# ") and any(f"make -f recipes/{r.name}" in x or "make " in x for x in first), (
            r.name
        )


@pytest.fixture
def fixture_data(tmp_path):
    """Annotation files of each dataset in its real layout (tiny), plus labeled records."""
    (tmp_path / "k700" / "annotations").mkdir(parents=True)
    for split in ("train", "validate"):
        (tmp_path / "k700" / "annotations" / f"{split}.csv").write_text(
            "label,youtube_id,time_start,time_end,split\nplaying guitar,abc,0,10,train\n"
        )
    fd = tmp_path / "fd"
    (fd / "Annotations").mkdir(parents=True)
    (fd / "train_test_split").mkdir()
    anns = {
        ("comp", 0): {
            "dive_score": 70.0,
            "difficulty": 3.0,
            "sub-action_types": {0: "Forward", 1: "Entry"},
            "frames_labels": np.array([0, 0, 1, 1]),
        }
    }
    (fd / "Annotations" / "FineDiving_fine-grained_annotation.pkl").write_bytes(pickle.dumps(anns))
    for s in ("train", "test"):
        (fd / "train_test_split" / f"{s}_split.pkl").write_bytes(pickle.dumps([("comp", 0)]))
    star = tmp_path / "star"
    star.mkdir()
    for s in ("train", "val"):
        (star / f"STAR_{s}.json").write_text("[]")
    (tmp_path / "d.jsonl").write_text("{}\n")
    (tmp_path / "t.jsonl").write_text("{}\n")
    return tmp_path


@pytest.mark.parametrize("recipe", [r.name for r in RECIPES if r.name not in ("demo.mk", "demo-grpo.mk", "grpo.mk")])
def test_make_dry_run(recipe, fixture_data):
    args = {
        "cycle.mk": ["DATA=d.jsonl", "TEST=t.jsonl"],
        "kinetics700.mk": [f"K700={fixture_data / 'k700'}"],
        "finediving.mk": [f"FD={fixture_data / 'fd'}"],
        "star.mk": [f"STAR={fixture_data / 'star'}"],
    }.get(recipe, [])
    res = make(
        "-n", "-f", str(ROOT / "recipes" / recipe), "BASE=some/model", "CYCLES=3", "RUN=run", *args, cwd=fixture_data
    )
    assert res.returncode == 0, res.stderr
    out = res.stdout
    for step in ("generate", "verify", "rationalize", "merge", "finetune", "eval", "report"):
        assert f" {step} " in out or f"{step} " in out, step
    assert out.count(" finetune ") == 3 and out.count("--model some/model") >= 3  # always from BASE
    assert "--adapter run/cycle2/ckpt" in out  # cycle 3 generates with cycle 2's model
    if recipe == "cycle.mk":  # with rationalization, its answers are verified
        assert "verify run/cycle1/rat.jsonl" in out and ": > run/cycle1/ratver.jsonl" not in out


def test_ablation_and_accelerate_flags(fixture_data):
    res = make(
        "-n",
        "-f",
        str(ROOT / "recipes" / "cycle.mk"),
        "BASE=b",
        "DATA=d.jsonl",
        "TEST=t.jsonl",
        "RUN=run",
        "CYCLES=1",
        "RATIONALIZE=0",
        "ACCELERATE=accelerate launch --num_processes 4",
        "QUANTIZE=4bit",
        cwd=fixture_data,
    )
    assert res.returncode == 0, res.stderr
    assert " rationalize " not in res.stdout and ": > run/cycle1/rat.jsonl" in res.stdout
    # nothing to verify either: an empty ratver.jsonl, no verifier process
    assert ": > run/cycle1/ratver.jsonl" in res.stdout and "verify run/cycle1/rat.jsonl" not in res.stdout
    assert res.stdout.count(" verify ") == 1  # the generated answers only
    assert "accelerate launch --num_processes 4 -m vstar_cli generate" in res.stdout
    assert "--method qlora" in res.stdout and "--quantize 4bit" in res.stdout


@pytest.mark.slow  # the demo smoke test (tests/demo/test_demo.py) runs the same recipe end to end in `make test`
def test_cycle_end_to_end_on_a_tiny_model(parrot_qwen, videos, tmp_path):
    """One real cycle through the recipe: every file appears, the report is written, a rerun does nothing."""
    run = tmp_path / "run"
    args = [
        "-f",
        str(ROOT / "recipes" / "cycle.mk"),
        f"BASE={parrot_qwen}",
        f"DATA={videos}",
        f"TEST={videos}",
        f"VIDEO_DIR={videos.parent}",
        f"RUN={run}",
        "CYCLES=1",
        "DEVICE=cpu",
        "SAMPLES=2",
        "GEN_ARGS=--max-new-tokens 16 --batch-size 4",
        "EVAL_ARGS=--max-new-tokens 16 -q",
        "FT_ARGS=--epochs 1 --grad-accum 1 --batch-size 2 -q",
    ]
    res = make(*args, cwd=tmp_path)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    c1 = run / "cycle1"
    for f in (
        "gen.jsonl",
        "ver.jsonl",
        "rej.jsonl",
        "rat.jsonl",
        "ratver.jsonl",
        "sft.jsonl",
        "ckpt/train_summary.json",
        "metrics.json",
    ):
        assert (c1 / f).exists(), f
    assert len((c1 / "gen.jsonl").read_text().splitlines()) == 12
    assert (run / "report.md").exists() and (run / "report.png").stat().st_size > 1000
    report = json.loads((run / "report.json").read_text())
    assert report["cycles"][0]["generated"] == 12 and report["base"]["overall"]["n"] == 6
    assert report["cycles"][0]["kept_generate"] > 0 and report["cycles"][0]["train"]["steps"] > 0
    again = make(*args, "-q", cwd=tmp_path)
    assert again.returncode == 0  # everything up to date
    shutil.rmtree(c1 / "ckpt")
    res = make(*args, "-n", cwd=tmp_path)
    assert " generate " not in res.stdout and " finetune " in res.stdout  # restarts where it stopped


def test_demo_dry_run(tmp_path):
    res = make("-n", "-f", str(ROOT / "recipes" / "demo.mk"), "DEMO=run", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    out = re.sub(r" *\\\n\s*", " ", res.stdout)  # recipe lines continued with a backslash, as one line
    for step in (
        "prepare synthetic",
        "prepare tiny-model",
        "finetune run/data/captions.jsonl",
        " generate ",
        " rationalize ",
        "RATIONALIZE=0",
        "--num-samples 2 --temperature 1.0",  # eval scores sampled answers
        "report run/seed0/vstar run/seed1/vstar run/seed2/vstar --ablation run/seed0/no-rationalization "
        '--ablation run/seed1/no-rationalization --ablation run/seed2/no-rationalization --seeds "0 1 2" '
        "--summary run/summary.json",
    ):
        assert step in out, step
    assert out.count(" finetune ") == 1 + 3 * (3 + 3)  # the base; per seed 3 cycles and the ablation's 3
    other = make("-n", "-f", str(ROOT / "recipes" / "demo.mk"), "DEMO=run", "SEED=7", "SEEDS=2", "ABLATION_CYCLES=1",
                 cwd=tmp_path)  # fmt: skip
    assert other.stdout.count(" finetune ") == 1 + 2 * (3 + 1) and '--seeds "7 8"' in other.stdout
    assert "--seed 8 " in other.stdout and "seed9" not in other.stdout


def test_demo_records_its_timings(tmp_path):
    """Every vstar process of the demo appends to DEMO/timings.jsonl, emptied first; the summary reads it."""
    res = make("-n", "-f", str(ROOT / "recipes" / "demo.mk"), "DEMO=run", "SEEDS=1", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    timings = tmp_path / "run" / "timings.jsonl"
    lines = [x for x in res.stdout.splitlines() if not x.startswith("make")]
    assert lines[1] == f": > {timings}" and "prepare synthetic" in lines[3]  # emptied before the first process
    out = re.sub(r" *\\\n\s*", " ", res.stdout)
    assert f"--summary run/summary.json --started-at $(cat run/.started) --timings {timings}" in out
    # the export reaches the processes the sub-makes start
    res = make("-f", str(ROOT / "recipes" / "demo.mk"), "DEMO=run", "--eval", "show: ; @echo $$VSTAR_TIMINGS",
               "show", cwd=tmp_path)  # fmt: skip
    assert res.stdout.strip() == str(timings)
    off = make("-n", "-f", str(ROOT / "recipes" / "demo.mk"), "DEMO=run", "SEEDS=1", "VSTAR_TIMINGS=", cwd=tmp_path)
    assert off.returncode == 0 and "timings.jsonl" not in off.stdout and "--timings" not in off.stdout


def test_missing_data_is_a_clear_error(tmp_path):
    res = make(
        "-f",
        str(ROOT / "recipes" / "cycle.mk"),
        "BASE=b",
        "DATA=nope.jsonl",
        "TEST=nope.jsonl",
        "RUN=run",
        cwd=tmp_path,
    )
    assert res.returncode != 0 and "nope.jsonl not found" in res.stderr


def test_grpo_recipe_trains_online_then_evaluates(fixture_data):
    res = make("-n", "-f", str(ROOT / "recipes" / "grpo.mk"), "BASE=some/model", "DATA=d.jsonl", "TEST=t.jsonl",
               "RUN=run", cwd=fixture_data)  # fmt: skip
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "grpo d.jsonl --model some/model --method qlora" in out and "--resume-from-checkpoint auto" in out
    assert "eval t.jsonl --model some/model --adapter run/ckpt --quantize 4bit" in out


def test_demo_grpo_adds_the_online_arm_and_demo_stays_as_it_was(tmp_path):
    res = make("-n", "-f", str(ROOT / "recipes" / "demo-grpo.mk"), "DEMO=run", "SEEDS=1", "GRPO_STAGES=2",
               "GRPO_STEPS=5", cwd=tmp_path)  # fmt: skip
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert out.count(" grpo run/data/train.jsonl --model run/base --method full") == 2
    assert "--steps 5 " in out and "--steps 10 " in out and "--output-dir run/seed0/grpo/ckpt" in out
    assert "--online run/seed0/grpo" in out and "--summary run/summary-grpo.json" in out
    assert " finetune " in out and "--ablation run/seed0/no-rationalization" in out  # the cycles run beside it
    plain = make("-n", "-f", str(ROOT / "recipes" / "demo.mk"), "DEMO=run", "SEEDS=1", cwd=tmp_path)
    assert plain.returncode == 0 and " grpo " not in plain.stdout
