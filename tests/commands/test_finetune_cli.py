"""``vstar finetune`` on tiny models on CPU: LoRA, QLoRA, full; masking; adapters; DDP."""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from tests.conftest import accelerate_launch
from vstar_cli.cli import app
from vstar_cli.model import ModelConfig, load_processor
from vstar_cli.training.data import IGNORE, Collator
from vstar_cli.video import Clip

runner = CliRunner()
ANSWERS = ["The white bar moves to the right.", "A bright bar slides right across the frame."]


@pytest.fixture(scope="module")
def sft(videos, tmp_path_factory):
    """Two dozen training examples (merge's llava format) over the shared test videos."""
    recs = [json.loads(x) for x in videos.read_text().splitlines()]
    rows = []
    for rep in range(2):
        for r in recs:
            for k, ans in enumerate(ANSWERS):
                rows.append(
                    {
                        "id": f"{r['id']}:{rep}:{k}",
                        "video": r["video"],
                        "conversations": [
                            {"from": "human", "value": "<video>\n" + r["question"]},
                            {"from": "gpt", "value": ans},
                        ],
                    }
                )
    path = videos.parent / "sft.jsonl"  # beside the videos it names
    path.write_text("".join(json.dumps(x) + "\n" for x in rows), encoding="utf-8")
    return path


def train_args(sft, model, out, *extra):
    return [
        "finetune",
        str(sft),
        "--model",
        model,
        "--video-dir",
        str(sft.parent),
        "--out",
        str(out),
        "--epochs",
        "3",
        "--batch-size",
        "4",
        "--grad-accum",
        "1",
        "--lr",
        "2e-3",
        "--device",
        "cpu",
        "-q",
        *extra,
    ]


def losses(out):
    return [json.loads(x)["loss"] for x in (out / "loss_log.jsonl").read_text().splitlines()]


def test_label_masking_only_assistant_tokens(tiny_qwen):
    proc = load_processor(ModelConfig(model=tiny_qwen))
    clip = Clip(np.zeros((8, 48, 64, 3), np.uint8), list(range(8)), 8.0, 2.0, 16, "x")
    items = [
        {"clip": clip, "turns": (("What moves?", "The bar moves left."),)},
        {"clip": clip, "turns": (("Q1?", "A1."), ("Second question?", "Second answer."))},
    ]
    batch = Collator(proc)(items)
    tok = proc.tokenizer
    video_id = tok.convert_tokens_to_ids("<|video_pad|>")
    for row, expected in enumerate(["The bar moves left.<|im_end|>\n", "A1.<|im_end|>\nSecond answer.<|im_end|>\n"]):
        labels, ids = batch["labels"][row], batch["input_ids"][row]
        assert tok.decode(ids[labels != IGNORE]) == expected
        assert not (labels == video_id).any()  # no loss on video tokens
        assert (labels[batch["attention_mask"][row] == 0] == IGNORE).all()  # nor on padding
    assert "Q1?" not in tok.decode(batch["input_ids"][1][batch["labels"][1] != IGNORE])


@pytest.mark.parametrize("method", ["lora", "qlora", "full"])
def test_methods_train_and_save(method, tiny_qwen, sft, tmp_path):
    out = tmp_path / method
    res = runner.invoke(app, train_args(sft, tiny_qwen, out, "--method", method))
    assert res.exit_code == 0, res.output
    curve = losses(out)
    assert len(curve) == 18 and np.mean(curve[-3:]) < np.mean(curve[:3]) - 0.05
    saved = set(os.listdir(out))
    assert {"vstar_finetune.yaml", "loss_log.jsonl", "processor_config.json", "train_summary.json"} <= saved
    assert ("adapter_model.safetensors" in saved) is (method != "full")
    assert ("model.safetensors" in saved) is (method == "full")
    assert f"method: {method}" in (out / "vstar_finetune.yaml").read_text()


def test_adapter_and_merged_model_generate_the_same(tiny_qwen, sft, videos, tmp_path):
    out = tmp_path / "lora"
    res = runner.invoke(app, train_args(sft, tiny_qwen, out, "--merge-adapter"))
    assert res.exit_code == 0, res.output
    gen = [
        "generate",
        str(videos),
        "--video-dir",
        str(videos.parent),
        "--max-new-tokens",
        "6",
        "--device",
        "cpu",
        "--shard",
        "0/3",
    ]
    with_adapter = runner.invoke(app, [*gen, "--model", tiny_qwen, "--adapter", str(out)])
    merged = runner.invoke(app, [*gen, "--model", str(out / "merged")])
    base = runner.invoke(app, [*gen, "--model", tiny_qwen])
    assert with_adapter.exit_code == merged.exit_code == 0
    a = [json.loads(x) for x in with_adapter.stdout.splitlines()]
    m = [json.loads(x) for x in merged.stdout.splitlines()]
    b = [json.loads(x) for x in base.stdout.splitlines()]
    assert [x["output"] for x in a] == [x["output"] for x in m]
    assert [x["output"] for x in a] != [x["output"] for x in b]
    assert a[0]["model"] == f"{tiny_qwen}+{out}"


def test_resume_from_checkpoint(tiny_qwen, sft, tmp_path):
    out = tmp_path / "resume"
    res = runner.invoke(app, train_args(sft, tiny_qwen, out, "--max-steps", "4", "--save-steps", "2"))
    assert res.exit_code == 0, res.output
    assert len(list((out / "checkpoints").glob("run-*/checkpoint-4"))) == 1
    res = runner.invoke(
        app,
        train_args(sft, tiny_qwen, out, "--max-steps", "6", "--save-steps", "2", "--resume-from-checkpoint", "last"),
    )
    assert res.exit_code == 0, res.output
    steps = [json.loads(x)["step"] for x in (out / "loss_log.jsonl").read_text().splitlines()]
    assert steps[-1] == 6 and 5 in steps and steps.count(1) == 1  # continued, not restarted
    other = sft.parent / "resume_other.jsonl"  # different training data: its checkpoints are not this run's
    other.write_text("".join(sft.read_text().splitlines(keepends=True)[::-1]))
    res = runner.invoke(app, train_args(other, tiny_qwen, out, "--max-steps", "2", "--resume-from-checkpoint", "last"))
    assert res.exit_code == 2 and "other training data or settings" in res.stderr
    res = runner.invoke(app, train_args(other, tiny_qwen, out, "--max-steps", "2", "--resume-from-checkpoint", "auto"))
    assert res.exit_code == 0, res.output
    steps = [json.loads(x)["step"] for x in (out / "loss_log.jsonl").read_text().splitlines()]
    assert steps[0] == 1 and steps[-1] == 2  # started afresh


def test_resume_restores_full_model_weights(tiny_qwen, sft, tmp_path):
    """A resumed full finetune continues from the checkpoint's weights, not the starting model's."""
    from safetensors.torch import load_file

    constant = tmp_path / "constant.yaml"  # the same learning rate at every step, however many are planned
    constant.write_text("lr_scheduler: constant\nwarmup_ratio: 0\n")
    full = ("--method", "full", "--lr", "1e-3", "--save-steps", "2", "--config", str(constant))
    straight, resumed = tmp_path / "straight", tmp_path / "resumed"
    res = runner.invoke(app, train_args(sft, tiny_qwen, straight, *full, "--max-steps", "6"))
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, train_args(sft, tiny_qwen, resumed, *full, "--max-steps", "4"))
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        app, train_args(sft, tiny_qwen, resumed, *full, "--max-steps", "6", "--resume-from-checkpoint", "last")
    )
    assert res.exit_code == 0, res.output
    a, b = load_file(straight / "model.safetensors"), load_file(resumed / "model.safetensors")
    start = load_file(Path(tiny_qwen) / "model.safetensors")
    assert a.keys() == b.keys()
    changed = [k for k in a if not torch.equal(a[k], start[k])]
    assert changed  # training moved the weights
    for k in a:  # 4 steps + 2 resumed steps == 6 steps in one go
        assert torch.allclose(a[k], b[k], atol=1e-5), k


def test_clear_errors_before_training(tiny_qwen, sft, tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    res = runner.invoke(app, ["finetune", str(empty), "--model", tiny_qwen, "--out", str(tmp_path / "x")])
    assert res.exit_code == 2 and "no usable training examples" in res.stderr
    res = runner.invoke(
        app, ["finetune", str(tmp_path / "nope.jsonl"), "--model", tiny_qwen, "--out", str(tmp_path / "x")]
    )
    assert res.exit_code == 2 and "not found" in res.stderr
    res = runner.invoke(
        app, ["finetune", str(sft), "--model", tiny_qwen, "--out", str(tmp_path / "x"), "--video-dir", str(tmp_path)]
    )
    assert res.exit_code == 2 and "no usable" in res.stderr  # every video missing
    from transformers import GPT2Config, GPT2LMHeadModel

    from vstar_cli.demo.tiny_models import train_tokenizer

    lm = tmp_path / "lm"
    tok = train_tokenizer(["a b c"] * 4, ["<|endoftext|>"], vocab_size=300)
    tok.save_pretrained(lm)
    GPT2LMHeadModel(GPT2Config(n_layer=1, n_embd=32, n_head=2, vocab_size=len(tok))).save_pretrained(lm)
    res = runner.invoke(app, train_args(sft, str(lm), tmp_path / "y"))
    assert res.exit_code == 2 and "cannot train" in res.stderr
    assert not (tmp_path / "y" / "loss_log.jsonl").exists()


def test_dry_run_estimates_memory(tiny_qwen):
    res = runner.invoke(app, ["finetune", "unused.jsonl", "--model", tiny_qwen, "--method", "qlora", "--dry-run"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["peak_gib"] > 0
    assert "activations" in res.stderr and "visual tokens per video" in res.stderr


def test_accelerate_two_process_finetune(tiny_qwen, sft, tmp_path):
    """DDP over two CPU processes through `accelerate launch` (its torchrun launcher)."""
    out = tmp_path / "ddp"
    cmd = [
        *accelerate_launch(2),
        *train_args(sft, tiny_qwen, out, "--epochs", "1"),
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert res.returncode == 0, res.stderr[-3000:]
    summary = json.loads((out / "train_summary.json").read_text())
    # 24 examples, 4 per process per step, 2 processes: 3 steps (one process would take 6)
    assert summary["steps"] == 3
    assert (out / "adapter_model.safetensors").exists()


def _snapshot(out):
    """Every file under ``out`` with its bytes and modification time."""
    return {
        str(p.relative_to(out)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(out.rglob("*")) if p.is_file()
    }


def _steps(out):
    return [json.loads(x)["step"] for x in (out / "loss_log.jsonl").read_text().splitlines()]


def _no_nulls(summary):
    assert all(summary[k] is not None for k in ("steps", "train_loss", "first_loss", "last_loss", "run")), summary


def test_finished_run_is_reported_not_retrained(tiny_qwen, sft, tmp_path):
    out = tmp_path / "done"
    args = train_args(sft, tiny_qwen, out, "--max-steps", "4", "--save-steps", "2", "--resume-from-checkpoint", "auto")
    assert runner.invoke(app, args).exit_code == 0
    summary = json.loads((out / "train_summary.json").read_text())
    _no_nulls(summary)
    assert summary["steps"] == 4 and summary["target"] == {"epochs": 3.0, "max_steps": 4}
    before = _snapshot(out)
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "already finished" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert _snapshot(out) == before  # nothing retrained, nothing overwritten
    # a longer target for the same run goes on from its last checkpoint
    longer = train_args(
        sft, tiny_qwen, out, "--max-steps", "6", "--save-steps", "2", "--resume-from-checkpoint", "auto"
    )
    assert runner.invoke(app, longer).exit_code == 0
    assert _steps(out) == [1, 2, 3, 4, 5, 6]
    summary = json.loads((out / "train_summary.json").read_text())
    _no_nulls(summary)
    assert summary["steps"] == 6 and summary["resumed_from"] == 4 and summary["first_loss"] == before_first(before)


def before_first(snapshot):
    return json.loads(snapshot["loss_log.jsonl"][0].decode().splitlines()[0])["loss"]


def _cut(path, keep=0.5):
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


DAMAGE = {
    "trainer state missing": lambda d: (d / "trainer_state.json").unlink(),
    "trainer state cut": lambda d: _cut(d / "trainer_state.json"),
    "adapter cut": lambda d: _cut(d / "adapter_model.safetensors"),
    "adapter header only": lambda d: _cut(d / "adapter_model.safetensors", 0.02),
    "optimizer cut": lambda d: _cut(d / "optimizer.pt", 0.9),
    "optimizer missing": lambda d: (d / "optimizer.pt").unlink(),
    "scheduler empty": lambda d: (d / "scheduler.pt").write_bytes(b""),
    "rng state cut": lambda d: _cut(d / "rng_state.pth"),
    "adapter config cut": lambda d: _cut(d / "adapter_config.json"),
}


FAST_DAMAGE = {"trainer state missing", "adapter cut", "optimizer cut", "rng state cut"}


@pytest.fixture(scope="module")
def four_steps(tiny_qwen, sft, tmp_path_factory):
    """A LoRA run of 4 steps with checkpoints at 2 and 4, trained once for the tests that damage copies of it."""
    out = tmp_path_factory.mktemp("four") / "out"
    assert runner.invoke(app, train_args(sft, tiny_qwen, out, "--max-steps", "4", "--save-steps", "2")).exit_code == 0
    return out


@pytest.mark.parametrize("damage", [d if d in FAST_DAMAGE else pytest.param(d, marks=pytest.mark.slow) for d in DAMAGE])
def test_resume_skips_a_half_written_checkpoint(tiny_qwen, sft, four_steps, tmp_path, damage):
    """A run killed while saving checkpoint-4 (simulated: files of it cut or missing) resumes from checkpoint-2."""
    import shutil

    out = tmp_path / "killed"
    shutil.copytree(four_steps, out)
    (out / "train_summary.json").unlink()  # killed before the end: no summary, no final weights
    (out / "adapter_model.safetensors").unlink()
    (run,) = (out / "checkpoints").glob("run-*")
    DAMAGE[damage](run / "checkpoint-4")
    resume = train_args(
        sft, tiny_qwen, out, "--max-steps", "6", "--save-steps", "2", "--resume-from-checkpoint", "auto"
    )
    res = runner.invoke(app, [a for a in resume if a != "-q"])  # the warning is not an error: -q would hide it
    assert res.exit_code == 0, res.output
    said = " ".join(res.stderr.split())
    assert "incomplete checkpoint" in said and "resuming from checkpoint-2" in said
    assert _steps(out) == [1, 2, 3, 4, 5, 6]  # steps 3 and 4 redone once, not logged twice
    assert (run / "incomplete-checkpoint-4").is_dir() and (run / "checkpoint-6").is_dir()
    summary = json.loads((out / "train_summary.json").read_text())
    _no_nulls(summary)
    assert summary["steps"] == 6 and summary["resumed_from"] == 2


def test_resume_with_only_broken_checkpoints(tiny_qwen, sft, tmp_path):
    out = tmp_path / "broken"
    assert runner.invoke(app, train_args(sft, tiny_qwen, out, "--max-steps", "4", "--save-steps", "2")).exit_code == 0
    (run,) = (out / "checkpoints").glob("run-*")
    for d in run.glob("checkpoint-*"):
        _cut(d / "adapter_model.safetensors")
    last = train_args(sft, tiny_qwen, out, "--max-steps", "4", "--save-steps", "2", "--resume-from-checkpoint", "last")
    (out / "train_summary.json").unlink()
    res = runner.invoke(app, last)
    assert res.exit_code == 2 and "no complete checkpoint" in res.stderr and "Traceback" not in res.output
    res = runner.invoke(app, [*last[:-1], "auto"])
    assert res.exit_code == 0, res.output
    assert _steps(out) == [1, 2, 3, 4]  # a fresh start
    res = runner.invoke(app, [*last[:-1], str(run / "incomplete-checkpoint-2")])
    assert res.exit_code == 2 and "not a complete checkpoint" in res.stderr
    res = runner.invoke(app, [*last[:-1], str(tmp_path / "nowhere")])
    assert res.exit_code == 2 and "checkpoint not found" in res.stderr


def test_killed_while_writing_the_final_weights(tiny_qwen, sft, tmp_path):
    """Killed after the last checkpoint, during the final save: the rerun finishes it, losses kept."""
    out = tmp_path / "final"
    args = train_args(sft, tiny_qwen, out, "--max-steps", "4", "--save-steps", "2", "--resume-from-checkpoint", "auto")
    assert runner.invoke(app, args).exit_code == 0
    first = json.loads((out / "train_summary.json").read_text())
    (out / "train_summary.json").unlink()
    _cut(out / "adapter_model.safetensors")
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "train_summary.json").read_text())
    _no_nulls(summary)
    assert summary["steps"] == 4 and summary["first_loss"] == first["first_loss"]
    assert summary["last_loss"] == first["last_loss"] and _steps(out) == [1, 2, 3, 4]
    res = runner.invoke(app, args)
    assert res.exit_code == 0 and "already finished" in res.stderr


@pytest.mark.slow
def test_sigkill_mid_run_then_auto_resume(tiny_qwen, sft, tmp_path):
    """A real kill -9 as soon as checkpoint-3's directory appears (usually mid-save), then `auto` finishes."""
    import signal
    import sys
    import time

    out = tmp_path / "sigkill"
    args = train_args(sft, tiny_qwen, out, "--max-steps", "12", "--save-steps", "1", "--resume-from-checkpoint", "auto")
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    proc = subprocess.Popen([sys.executable, "-m", "vstar_cli", *args], env=env, stderr=subprocess.PIPE)
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        if list(out.glob("checkpoints/run-*/checkpoint-3")):
            break
        time.sleep(0.02)
    assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "train_summary.json").exists()
    res = subprocess.run([sys.executable, "-m", "vstar_cli", *args], env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    assert _steps(out) == list(range(1, 13))
    summary = json.loads((out / "train_summary.json").read_text())
    _no_nulls(summary)
    assert summary["steps"] == 12 and 2 <= summary["resumed_from"] < 12
    res = subprocess.run([sys.executable, "-m", "vstar_cli", *args], env=env, capture_output=True, text=True)
    assert res.returncode == 0 and "already finished" in res.stderr


@pytest.mark.parametrize(
    "flags",
    [
        ["--lora-r", "0"],
        ["--lora-r", "-4"],
        ["--lr", "nan"],
        ["--lr", "-1e-4"],
        ["--lr", "inf"],
        ["--epochs", "-1"],
        ["--epochs", "0"],
        ["--epochs", "nan"],
        ["--batch-size", "0"],
        ["--batch-size", "-2"],
        ["--grad-accum", "0"],
        ["--frames", "0"],
        ["--fps", "0"],
        ["--save-steps", "0"],
        ["--max-steps", "0"],
        ["--max-steps", "-5"],
        ["--seed", "-1"],
        ["--lora-dropout", "1.5"],
        ["--lora-alpha", "0"],
        ["--warmup-ratio", "2"],
    ],
)
def test_bad_numbers_are_usage_errors(tiny_qwen, sft, tmp_path, flags):
    res = runner.invoke(app, ["finetune", str(sft), "--model", tiny_qwen, "--out", str(tmp_path / "x"), *flags])
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1, res.output
    assert flags[0].lstrip("-").split("-")[-1] in res.stderr.replace("_", "-") and not (tmp_path / "x").exists()


@pytest.mark.parametrize("yaml_text", ["lr_scheduler: banana", "lora_targets: 5", "learning_rate: .nan", "epochs: x"])
def test_bad_config_values_are_usage_errors(tiny_qwen, sft, tmp_path, yaml_text):
    cfg = tmp_path / "ft.yaml"
    cfg.write_text(yaml_text + "\n")
    res = runner.invoke(
        app, ["finetune", str(sft), "--model", tiny_qwen, "--out", str(tmp_path / "x"), "--config", str(cfg)]
    )
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1, res.output


def test_full_finetuning_trains_the_projector_and_freezes_the_vision_tower(tiny_qwen):
    from transformers import AutoModelForImageTextToText

    from vstar_cli.stages.finetune import FinetuneConfig
    from vstar_cli.training.trainer import freeze_vision as _freeze_vision

    model = AutoModelForImageTextToText.from_pretrained(tiny_qwen)
    _freeze_vision(model)
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    merger = [n for n, _ in model.named_parameters() if ".merger." in n]
    tower = [n for n, _ in model.named_parameters() if ".visual." in n and ".merger." not in n]
    assert merger and tower
    assert set(merger) <= trainable  # Qwen2-VL's projector sits inside `visual`, and is trained
    assert not set(tower) & trainable
    assert any("language_model" in n for n in trainable)
    with pytest.raises(ValueError, match="train-vision"):
        FinetuneConfig(model=tiny_qwen, out="x", method="lora", train_vision=True)


def test_train_vision_trains_the_tower_too(tiny_qwen, sft, tmp_path):
    from safetensors.torch import load_file

    out = tmp_path / "ft"
    res = runner.invoke(
        app,
        ["finetune", str(sft), "--model", tiny_qwen, "--method", "full", "--train-vision", "--video-dir",
         str(sft.parent), "--out", str(out), "--max-steps", "2", "--lr", "1e-2", "--batch-size", "2",
         "--grad-accum", "1", "--device", "cpu", "--no-gradient-checkpointing", "-q"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    before = load_file(f"{tiny_qwen}/model.safetensors")
    after = load_file(out / "model.safetensors")
    patch = [k for k in before if "patch_embed" in k]
    assert patch and all(not (before[k] == after[k]).all() for k in patch)
