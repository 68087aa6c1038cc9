"""Generate stage behaviour that needs no real model: OOM halving, error isolation, K samples."""

import numpy as np
import pytest
import torch

import vstar_cli.model as model_mod
from vstar_cli.io import ErrorRecord, Record
from vstar_cli.stages.generate import GenerateConfig, run
from vstar_cli.video import Clip


class FakeProcessor:
    video_processor = None


@pytest.fixture
def fake_runtime(monkeypatch, tmp_path):
    """A runtime whose generate fails with OOM above 2 items and on the prompt 'boom'."""
    calls = []

    def fake_generate(processor, model, prompts, clips, params):
        calls.append(len(prompts))
        if len(prompts) > 2:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2 GiB")
        if any("boom" in p for p in prompts):
            raise RuntimeError("shape mismatch\nmore detail")
        return [f"answer to {p.splitlines()[0]}" for p in prompts]

    clip = Clip(np.zeros((8, 4, 4, 3), np.uint8), list(range(8)), 8.0, 1.0, 8, "fake")
    monkeypatch.setattr(model_mod, "generate", fake_generate)
    monkeypatch.setattr("vstar_cli.stages.generate.load_clip", lambda *a, **k: clip)
    return (FakeProcessor(), object()), calls


def recs(*questions):
    return [
        Record({"question_id": f"q{i}", "video_path": "v.mp4", "question": q}, lineno=i + 1)
        for i, q in enumerate(questions)
    ]


def test_oom_halves_the_batch(fake_runtime):
    runtime, calls = fake_runtime
    cfg = GenerateConfig(model="x/y", batch_size=8, decode_workers=0)
    out = list(run(recs(*[f"question {i}" for i in range(8)]), cfg, runtime=runtime))
    assert all(isinstance(r, Record) for r in out) and len(out) == 8
    assert calls[0] == 2  # the first batch is a quarter of the batch size
    assert 6 in calls and 3 in calls and max(calls[calls.index(6) + 1 :]) <= 3


def test_a_failing_item_is_isolated(fake_runtime):
    runtime, _ = fake_runtime
    cfg = GenerateConfig(model="x/y", batch_size=2, decode_workers=0)
    out = list(run(recs("fine", "boom", "also fine"), cfg, runtime=runtime))
    errors = [r for r in out if isinstance(r, ErrorRecord)]
    assert len(out) == 3 and len(errors) == 1
    assert errors[0].record["question_id"] == "q1" and "shape mismatch" in errors[0].reason
    assert "\n" not in errors[0].reason


def test_k_samples_and_done_pairs(fake_runtime):
    runtime, _ = fake_runtime
    cfg = GenerateConfig(model="x/y", batch_size=4, num_samples=3, decode_workers=0)
    assert cfg.temperature == 0.7
    stats = {}
    out = list(run(recs("a", "b"), cfg, runtime=runtime, done={("q0", 1)}, stats=stats))
    assert sorted((r["question_id"], r["sample_index"]) for r in out) == [
        ("q0", 0),
        ("q0", 2),
        ("q1", 0),
        ("q1", 1),
        ("q1", 2),
    ]
    assert stats["skipped"] == 1
