"""A decoder that hangs on a video is given up after --decode-timeout: that record becomes an
error record and the others are answered, inline and with worker processes."""

import pytest

import vstar_cli.model as model_mod
from tests.fixtures.hang import hanging_load_clip
from vstar_cli.io import ErrorRecord, Record
from vstar_cli.stages.generate import GenerateConfig, run


class FakeProcessor:
    video_processor = None


@pytest.mark.parametrize("workers", [0, 1])
def test_hung_decoder_becomes_an_error_record(monkeypatch, workers):
    monkeypatch.setattr(model_mod, "generate", lambda proc, model, prompts, clips, params: ["ok"] * len(prompts))
    monkeypatch.setattr("vstar_cli.stages.generate.load_clip", hanging_load_clip)
    records = [
        Record({"question_id": f"q{i}", "video_path": name, "question": "what?"}, lineno=i + 1)
        for i, name in enumerate(["a.mp4", "hang.mp4", "b.mp4", "c.mp4"])
    ]
    cfg = GenerateConfig(model="x/y", batch_size=2, decode_workers=workers, decode_timeout=1.0, num_samples=2)
    out = list(run(records, cfg, runtime=(FakeProcessor(), object())))
    errors = [r for r in out if isinstance(r, ErrorRecord)]
    answers = [r for r in out if not isinstance(r, ErrorRecord)]
    assert len(errors) == 1 and errors[0].record["question_id"] == "q1"
    assert "timed out after 1s" in errors[0].reason
    assert sorted(r["question_id"] for r in answers) == ["q0", "q0", "q2", "q2", "q3", "q3"]


def test_decode_timeout_must_be_positive():
    with pytest.raises(ValueError, match="decode_timeout"):
        GenerateConfig(model="x/y", decode_timeout=0)
