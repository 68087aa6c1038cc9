"""vstar plan: parameter counts against the meta-device model and published sizes, token counts
against the processor, and one implementation behind plan, generate --dry-run and finetune --dry-run."""

import json

import pytest
from typer.testing import CliRunner

from vstar_cli.cli import app

runner = CliRunner()


@pytest.mark.parametrize("name", ["qwen2-vl-2b", "qwen2-vl-7b", "qwen2.5-vl-3b"])
def test_preset_counts_match_meta_model_and_published_size(name):
    from vstar_cli.planning.arch import describe, meta_model
    from vstar_cli.planning.presets import PRESETS, preset_config

    arch = describe(name)
    meta = sum(p.numel() for p in meta_model(preset_config(name)).parameters())
    assert arch.total == meta
    assert arch.total / 1e9 == pytest.approx(PRESETS[name].published_params, rel=0.01)
    assert 0 < arch.quantizable < arch.params["language"] <= arch.total


def test_local_counts_match_loaded_weights(tiny_qwen):
    from vstar_cli.model import ModelConfig, load_model
    from vstar_cli.planning.arch import describe

    arch = describe(tiny_qwen)
    model = load_model(ModelConfig(model=tiny_qwen, device="cpu"))
    assert arch.total == sum(p.numel() for p in model.parameters())
    linear = sum(
        m.weight.numel()
        for n, m in model.named_modules()
        if type(m).__name__ == "Linear" and "visual" not in n and not n.endswith("lm_head")
    )
    assert arch.quantizable == linear


@pytest.mark.parametrize(("frames", "height", "width", "max_pixels"), [(8, 360, 640, None), (4, 96, 200, 56 * 56)])
def test_token_rule_matches_processor(tiny_qwen, frames, height, width, max_pixels):
    from vstar_cli.planning.arch import describe
    from vstar_cli.planning.tokens import processor_bounds, processor_tokens, rule_tokens

    arch = describe(tiny_qwen)
    tokens, _, _ = rule_tokens(
        arch.model_type, arch.vision, frames, height, width, max_pixels, processor_bounds(tiny_qwen)
    )
    assert tokens == processor_tokens(tiny_qwen, frames, height, width, max_pixels)


def test_qwen_frame_size_is_transformers_rule():
    from transformers.models.qwen2_vl.image_processing_qwen2_vl import smart_resize

    from vstar_cli.planning.tokens import qwen_frame_size

    for h, w, top in [(360, 640, 602112), (720, 1280, 602112), (480, 854, 200704), (1080, 1920, 50176)]:
        assert qwen_frame_size(h, w, 28, 100352 if top > 100352 else top // 2, top) == smart_resize(
            h, w, 28, 100352 if top > 100352 else top // 2, top
        )


def _plan(*args):
    res = runner.invoke(app, ["plan", *args])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_plan_orders_quantizations_and_methods():
    bf16, q8, q4 = (_plan("qwen2-vl-2b", "--quantize", q)["gib"]["weights"] for q in ("none", "8bit", "4bit"))
    assert q4 < q8 < bf16
    qlora, lora, full = (_plan("qwen2-vl-7b", "--method", m)["peak_gib"] for m in ("qlora", "lora", "full"))
    assert qlora < lora < full
    small, big = (_plan("qwen2-vl-7b", "--frames", f)["visual_tokens_per_video"] for f in ("8", "32"))
    assert big == 4 * small


def test_gpu_memory_fits_and_proposals_fit():
    rec = _plan("qwen2-vl-7b", "--method", "qlora", "--frames", "64", "--gpu-memory", "24GiB")
    assert rec["fits"] is False
    best = rec["largest_that_fit"]
    assert best["frames"] is not None and best["frames"] < 64
    at_best = _plan("qwen2-vl-7b", "--method", "qlora", "--frames", str(best["frames"]), "--gpu-memory", "24GiB")
    assert at_best["fits"] is True
    beyond = _plan("qwen2-vl-7b", "--method", "qlora", "--frames", str(best["frames"] + 2), "--gpu-memory", "24GiB")
    assert beyond["fits"] is False
    none_fit = _plan("qwen2-vl-7b", "--method", "full", "--gpu-memory", "8GiB")
    assert none_fit["fits"] is False and none_fit["largest_that_fit"]["batch_size"] is None


def test_dry_runs_are_the_plan(tiny_qwen):
    gen = runner.invoke(
        app, ["generate", "-", "-m", tiny_qwen, "--dry-run", "--frames", "16", "--batch-size", "4", "-q"]
    )
    assert gen.exit_code == 0, gen.output
    plan = _plan(tiny_qwen, "--frames", "16", "--batch-size", "4", "-q")
    assert json.loads(gen.stdout) == plan
    ft = runner.invoke(app, ["finetune", "x.jsonl", "-m", tiny_qwen, "--method", "qlora", "--dry-run", "-q"])
    assert ft.exit_code == 0, ft.output
    assert json.loads(ft.stdout) == _plan(tiny_qwen, "--method", "qlora", "-q")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-model"], "not a local model directory"),
        (["qwen2-vl-2b", "--gpu-memory", "lots"], "cannot read 'lots'"),
        (["qwen2-vl-2b", "--method", "lora", "--quantize", "4bit"], "--method qlora"),
    ],
)
def test_bad_input_is_one_line(args, message):
    res = runner.invoke(app, ["plan", *args])
    assert res.exit_code == 2 and message in res.stderr
    assert "Traceback" not in res.output
