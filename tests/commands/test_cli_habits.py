"""Habits of a good CLI: sources checked before any model loads, --force, --max-pixels."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from vstar_cli.cli import app

runner = CliRunner()


@pytest.fixture
def not_a_model(tmp_path):
    """An existing directory that holds no model: loading it would fail with 'cannot load'."""
    d = tmp_path / "empty-model"
    d.mkdir()
    return str(d)


def one_record(tmp_path):
    p = tmp_path / "in.jsonl"
    rec = {"id": "q", "video": "q.mp4", "question": "Q?", "label": {"a": "x"}, "label_type": ["a"]}
    p.write_text(json.dumps(rec | {"verifier_type": ["simple"]}) + "\n")
    return str(p)


def sft_file(tmp_path):
    p = tmp_path / "sft.jsonl"
    conv = [{"from": "human", "value": "<video>\nQ?"}, {"from": "gpt", "value": "A."}]
    p.write_text(json.dumps({"video": "q.mp4", "conversations": conv}) + "\n")
    return str(p)


COMMANDS = {
    "generate": lambda tmp: ["generate", one_record(tmp)],
    "rationalize": lambda tmp: ["rationalize", one_record(tmp)],
    "eval": lambda tmp: ["eval", one_record(tmp)],
    "finetune": lambda tmp: ["finetune", sft_file(tmp), "--out", str(tmp / "out")],
    "grpo": lambda tmp: ["grpo", one_record(tmp), "--output-dir", str(tmp / "out")],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("model", ["./no-such-model", "/no/such/model", "models/v2/ckpt"])
def test_local_model_path_that_does_not_exist_is_an_error_not_a_hub_lookup(command, model, tmp_path):
    res = runner.invoke(app, [*COMMANDS[command](tmp_path), "--model", model])
    assert res.exit_code == 2
    assert f"model not found: {model}" in res.stderr
    assert "Traceback" not in res.output


@pytest.mark.parametrize("command", list(COMMANDS))
def test_missing_video_dir_is_reported_once_before_the_model_loads(command, not_a_model, tmp_path):
    missing = str(tmp_path / "no-videos")
    res = runner.invoke(app, [*COMMANDS[command](tmp_path), "--model", not_a_model, "--video-dir", missing])
    assert res.exit_code == 2
    assert res.stderr.count("--video-dir not found") == 1
    assert "cannot" not in res.stderr  # the (unloadable) model was never touched


@pytest.mark.parametrize("command", list(COMMANDS))
def test_missing_input_file_is_reported_before_the_model_loads(command, not_a_model, tmp_path):
    args = COMMANDS[command](tmp_path)
    args[1] = str(tmp_path / "missing.jsonl")
    res = runner.invoke(app, [*args, "--model", not_a_model])
    assert res.exit_code == 2 and "not found" in res.stderr and "cannot" not in res.stderr


def test_generate_refuses_to_overwrite_unless_forced(tiny_qwen, videos, tmp_path):
    out = tmp_path / "gen.jsonl"
    out.write_text('{"old": true}\n')
    args = ["generate", str(videos), "--model", tiny_qwen, "--video-dir", str(videos.parent), "-o", str(out)]
    args += ["--max-new-tokens", "4", "--frames", "2", "--device", "cpu", "-q"]
    res = runner.invoke(app, args)
    assert res.exit_code == 2 and "--force" in res.stderr
    assert out.read_text() == '{"old": true}\n'
    res = runner.invoke(app, [*args, "--force"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(rows) == 6 and all("output" in r for r in rows)


def test_max_pixels_caps_the_pixels_per_frame(tiny_qwen):
    from vstar_cli.model import ModelConfig, load_processor, processor_inputs
    from vstar_cli.video import Clip

    clip = Clip(np.zeros((4, 224, 224, 3), np.uint8), list(range(4)), 8.0, 1.0, 8, "x")

    def patches(**kw):
        proc = load_processor(ModelConfig(model=tiny_qwen, **kw))
        text = proc.apply_chat_template(
            [{"role": "user", "content": [{"type": "video"}, {"type": "text", "text": "Q?"}]}], tokenize=False
        )
        thw = processor_inputs(proc, [text], [clip])["video_grid_thw"][0].tolist()
        return thw[1] * thw[2]

    full, capped = patches(), patches(max_pixels=28 * 28)
    assert capped < full
    assert capped * 14 * 14 <= 28 * 28  # 14-pixel patches covering at most 28x28 pixels


def test_max_pixels_on_a_fixed_size_processor_is_a_usage_error():
    from transformers import LlavaOnevisionVideoProcessor

    from vstar_cli.model import set_pixel_budget

    with pytest.raises(ValueError, match="fixed size"):
        set_pixel_budget(LlavaOnevisionVideoProcessor(), 50176)


def test_max_pixels_flag_reaches_the_config(tmp_path):
    res = runner.invoke(app, [*COMMANDS["generate"](tmp_path), "--model", "./x", "--max-pixels", "0"])
    assert res.exit_code == 2 and "max_pixels" in res.stderr
