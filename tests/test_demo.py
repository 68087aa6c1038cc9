"""The embedded default, reduced: fewer clips and one cycle, through the real recipe."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from vstar_cli import synthetic

ROOT = Path(__file__).resolve().parent.parent


def test_synthetic_clips_and_labels(tmp_path):
    counts = synthetic.build(tmp_path, train=4, test=2, captions_per_clip=2, seed=3, caption_clips=3)
    assert counts == {"train": 20, "test": 10, "captions": 6}
    train = [json.loads(x) for x in (tmp_path / "train.jsonl").read_text().splitlines()]
    kinds = {r["verifier_type"][0] for r in train}
    assert kinds == {"simple", "float", "temporal_range", "bbox", "sentence_sequence"}
    test_q = {json.loads(x)["question"] for x in (tmp_path / "test.jsonl").read_text().splitlines()}
    train_q = {r["question"] for r in train}
    assert not test_q & train_q  # held-out phrasings differ
    captions = [json.loads(x) for x in (tmp_path / "captions.jsonl").read_text().splitlines()]
    assert {c["video"] for c in captions} == {f"caption{i:04d}.mp4" for i in range(3)}  # clips of their own
    assert all((tmp_path / "videos" / c["video"]).exists() for c in captions)
    from vstar_cli.video import load_clip

    clip = load_clip(tmp_path / "videos" / "train0000.mp4", frames=8)
    assert clip.frames.shape == (8, 56, 56, 3)
    again = tmp_path / "again"
    synthetic.build(again, train=4, test=2, captions_per_clip=2, seed=3, caption_clips=3)
    for name in ("train.jsonl", "captions.jsonl", "videos/caption0002.mp4"):
        assert (again / name).read_bytes() == (tmp_path / name).read_bytes()  # seeded


def test_rendering_shows_the_facts():
    clip = synthetic.Clip("x", "red", "right", 2, (0.0, 0.5), "top left", True)
    frames = synthetic.render(clip).astype(int)
    red = (frames[..., 0] > 180) & (frames[..., 1] < 100)
    assert red[:8].any() and not red[9:].any()  # visible in the first half only
    xs = [np.mean(np.nonzero(red[f])[1]) for f in (1, 6)]
    assert xs[1] > xs[0]  # moving right
    assert (frames[5] >= 200).all()  # the flash (frames 4-5)
    grey = frames[..., 0] == 110
    assert grey[0, 5, 5] and not grey[14, 5, 5]  # marker top left, gone later


def test_reduced_demo_improves_held_out_accuracy(tmp_path):
    demo = tmp_path / "demo"
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    args = [
        "make",
        "-f",
        str(ROOT / "recipes" / "demo.mk"),
        f"DEMO={demo}",
        "CYCLES=1",
        "TRAIN_CLIPS=80",
        "TEST_CLIPS=30",
        f"VSTAR={Path(sys.executable).parent / 'vstar'}",
    ]
    res = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, env=env, timeout=1500)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    summary = json.loads((demo / "summary.json").read_text())
    assert set(summary) >= {"base_accuracy", "cycle_accuracy", "no_rationalization_accuracy", "seconds"}
    assert summary["cycle_accuracy"][0] > summary["base_accuracy"], summary
    assert (demo / "vstar" / "report.md").exists() and (demo / "vstar" / "report.png").exists()
    again = subprocess.run([*args, "-q"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stdout  # a second `make demo` has nothing to do
