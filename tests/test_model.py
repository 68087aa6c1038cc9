"""The runtime on three real architectures (tiny, random weights, built and loaded from disk)."""

import json

import pytest
from typer.testing import CliRunner

from vstar_cli.cli import app
from vstar_cli.model import ModelConfig, chat_text, load

runner = CliRunner()


@pytest.fixture(scope="module", params=["qwen2_vl", "llava_onevision", "video_llava"])
def arch_model(request, tmp_path_factory):
    from vstar_cli.demo.tiny_models import build

    return request.param, str(build(request.param, tmp_path_factory.mktemp(request.param) / "model"))


def test_generate_on_each_architecture(arch_model, videos):
    arch, path = arch_model
    res = runner.invoke(
        app,
        [
            "generate",
            str(videos),
            "--model",
            path,
            "--video-dir",
            str(videos.parent),
            "--batch-size",
            "3",
            "--max-new-tokens",
            "4",
            "--device",
            "cpu",
            "--shard",
            "0/2",
        ],
    )
    assert res.exit_code == 0, res.output
    out = [json.loads(x) for x in res.stdout.splitlines()]
    assert [r["id"] for r in out] == ["q0", "q2", "q4"]
    assert all(isinstance(r["output"], str) for r in out)


def test_prompt_has_one_video_placeholder(arch_model):
    _, path = arch_model
    processor, model = load(ModelConfig(model=path, device="cpu"))
    text = chat_text(processor, "What happens?")
    assert "What happens?" in text
    video_token = getattr(processor, "video_token", "<|video_pad|>")
    assert text.count(video_token) == 1
    assert processor.tokenizer.padding_side == "left"
    assert not model.training


def test_not_a_video_model(tmp_path):
    from transformers import GPT2Config, GPT2LMHeadModel

    from vstar_cli.demo.tiny_models import train_tokenizer

    tok = train_tokenizer(["a b c d e f g"] * 4, ["<|endoftext|>"], vocab_size=300)
    tok.save_pretrained(tmp_path)
    GPT2LMHeadModel(GPT2Config(n_layer=1, n_embd=32, n_head=2, vocab_size=len(tok))).save_pretrained(tmp_path)
    with pytest.raises((ValueError, OSError)):
        load(ModelConfig(model=str(tmp_path), device="cpu"))
