"""`vstar env`, shell completion, launching through accelerate/torchrun, and processor dependencies."""

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from vstar_cli.cli import app

runner = CliRunner()
BIN = os.path.dirname(sys.executable)


def test_env_reports_versions_and_devices():
    res = runner.invoke(app, ["env", "--json"])
    assert res.exit_code == 0, res.output
    info = json.loads(res.stdout)
    import torch
    import transformers

    assert torch.__version__.startswith(info["torch"])
    assert info["transformers"] == transformers.__version__
    assert info["python"] == sys.version.split()[0]
    assert info["cuda available"] == torch.cuda.is_available()
    for key in ("bitsandbytes", "peft", "accelerate", "decord", "PyAV"):
        assert key in info
    text = runner.invoke(app, ["env"]).stdout
    assert "transformers" in text and "cuda available" in text


def test_shell_completion_is_on():
    env = dict(os.environ, _VSTAR_COMPLETE="complete_bash", COMP_WORDS="vstar fine", COMP_CWORD="1")
    vstar = os.path.join(BIN, "vstar")
    if not os.path.exists(vstar):
        pytest.skip("the vstar console script is not installed in this environment")
    res = subprocess.run([vstar], env=env, capture_output=True, text=True, timeout=120)
    assert res.stdout.split() == ["finetune"]
    assert "--install-completion" in runner.invoke(app, ["--help"]).stdout


def launched(cmd, tmp_path):
    """Run a launcher from an empty directory, with the venv's scripts on PATH as after activation."""
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""), HF_HUB_OFFLINE="1")
    return subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    "launcher",
    [
        ["accelerate", "launch", "--cpu", "--num_processes", "1", "--no_python", "vstar"],
        ["torchrun", "--nproc-per-node", "2", "--no-python", "vstar"],
        pytest.param(
            ["accelerate", "launch", "--cpu", "--num_processes", "1", "-m", "vstar_cli"], marks=pytest.mark.slow
        ),
        pytest.param(["torchrun", "--nproc-per-node", "1", "-m", "vstar_cli"], marks=pytest.mark.slow),
    ],
    ids=["accelerate-no-python", "torchrun-no-python", "accelerate-module", "torchrun-module"],
)
def test_launchers_run_vstar(launcher, tmp_path):
    """The forms the README gives: the console script with --no-python, or the module with -m."""
    if not os.path.exists(os.path.join(BIN, "vstar")) and "vstar" in launcher:
        pytest.skip("the vstar console script is not installed in this environment")
    res = launched([*launcher, "env", "--json"], tmp_path)
    assert res.returncode == 0, res.stderr[-2000:]
    reports = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    processes = 2 if "2" in launcher[:4] else 1
    assert len(reports) == processes and all(r["vstar"] for r in reports)


def test_smolvlm2_processor_loads(tmp_path):
    """SmolVLM2's processor needs num2words: a locally built one loads through vstar's loader."""
    from transformers import SmolVLMImageProcessor, SmolVLMProcessor, SmolVLMVideoProcessor

    from vstar_cli.demo.tiny_models import BASE_CORPUS, train_tokenizer
    from vstar_cli.model import ModelConfig, load_processor

    specials = ["<|endoftext|>", "<fake_token_around_image>", "<image>", "<global-img>", "<end_of_utterance>"]
    tok = train_tokenizer([BASE_CORPUS], [*specials, "<video>", "<row_1_col_1>"], 400)
    tok.pad_token = "<|endoftext|>"
    SmolVLMProcessor(
        image_processor=SmolVLMImageProcessor(),
        video_processor=SmolVLMVideoProcessor(),
        tokenizer=tok,
        image_seq_len=4,
    ).save_pretrained(tmp_path)
    proc = load_processor(ModelConfig(model=str(tmp_path)))
    assert type(proc).__name__ == "SmolVLMProcessor" and proc.video_processor is not None
