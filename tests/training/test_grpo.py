"""vstar grpo's trainer: video tensors reach generation and the log-prob pass; rewards are the verifier's."""

import json
from pathlib import Path

import pytest

from vstar_cli.rewards import format_reward
from vstar_cli.stages.grpo import GrpoConfig, build_trainer, check_records, train
from vstar_cli.verify.scope import has_container as container_ok


@pytest.fixture(scope="module")
def tiny_onevision(tmp_path_factory):
    """A tiny random-weight LLaVA-OneVision (SigLIP tower, Qwen2 language model)."""
    from vstar_cli.demo.tiny_models import build

    return str(build("llava_onevision", tmp_path_factory.mktemp("models") / "llava_onevision"))


def _records(videos: Path, n: int = 2, count: bool = True) -> list[dict]:
    recs = [json.loads(x) for x in videos.read_text().splitlines()][:n]
    if count:  # a second label: answers get partial credit, as the verifier judges each label
        for r in recs:
            r["label"]["bars"] = 1
            r["label_type"].append("bars")
            r["verifier_type"].append("float")
    return recs


def _cfg(model, videos, out, **kw):
    base = dict(
        model=model,
        out=str(out),
        method="full",
        video_dir=str(videos.parent),
        frames=4,
        num_generations=2,
        max_completion_length=10,
        max_steps=2,
        device="cpu",
        gradient_checkpointing=False,
        lora_r=4,
        save_steps=50,
    )
    base.update(kw)
    return GrpoConfig(**base)


def _rows(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_qwen2_vl_trains_and_its_rewards_are_vstar_verify(parrot_qwen, videos, tmp_path):
    from vstar_cli.stages.verify import VerifyConfig
    from vstar_cli.stages.verify import run as verify_run

    out = tmp_path / "grpo"
    cfg = _cfg(parrot_qwen, videos, out, max_steps=3, max_completion_length=12, questions_per_step=2)
    summary = train(cfg, _records(videos))
    assert summary["steps"] == 3 and summary["seconds_per_step"] > 0
    assert (out / "vstar_grpo.yaml").exists() and (out / "model.safetensors").exists()
    log = _rows(out / "reward_log.jsonl")
    assert [r["step"] for r in log] == [1, 2, 3]
    scored = _rows(out / "completions.jsonl")
    assert len(scored) == 3 * 2 * 2  # steps x questions x group
    verdicts = list(verify_run([{k: v for k, v in r.items() if k != "reward"} for r in scored], VerifyConfig()))
    partial = [sum(v["ok"] for v in rec["verdict"].values()) / len(rec["verdict"]) for rec in verdicts]
    assert [r["reward"]["verifier_reward"] for r in scored] == partial
    assert {0.5, 1.0} & set(partial), "the parrot's answers should verify at least one label sometimes"
    # the logged step reward is the mean of that step's completion rewards
    for row in log:
        step = [r["reward"]["verifier_reward"] for r in scored if r["step"] == row["step"]]
        assert row["reward"] == pytest.approx(sum(step) / len(step), abs=1e-5)


def test_llava_onevision_lora_with_kl_trains(tiny_onevision, videos, tmp_path):
    out = tmp_path / "ov"
    summary = train(
        _cfg(tiny_onevision, videos, out, method="lora", beta=0.04, format_reward_weight=0.5), _records(videos)
    )
    assert summary["steps"] == 2
    assert (out / "adapter_config.json").exists()
    log = _rows(out / "reward_log.jsonl")
    assert all("kl" in r and "rewards/format_reward/mean" in r for r in log)


def _video_rows(trainer, videos: Path, names: list[str]):
    from vstar_cli.training.grpo import encode_row

    prompt = trainer.train_dataset[0]["prompt"]
    return [encode_row(trainer.processing_class, prompt, trainer.clip_loader({"video_path": n})) for n in names]


@pytest.mark.parametrize("arch", ["qwen2_vl", "llava_onevision"])
def test_the_video_reaches_generation_logprobs_and_projector(arch, tiny_qwen, tiny_onevision, videos, tmp_path):
    import torch

    from vstar_cli.training.lora import PROJECTOR_PARTS

    model = tiny_qwen if arch == "qwen2_vl" else tiny_onevision
    trainer, _ = build_trainer(_cfg(model, videos, tmp_path / "t"), _records(videos, count=False))
    a, b = _video_rows(trainer, videos, ["clip0.mp4", "clip1.mkv"])
    assert any(k.startswith("pixel_values_videos") for k in a["video"]), a["video"].keys()
    assert not torch.equal(a["video"]["pixel_values_videos"], b["video"]["pixel_values_videos"])

    # generation: the projector sees each clip's frames while answers are sampled
    projector = next(m for n, m in trainer.model.named_modules() if n.split(".")[-1] in PROJECTOR_PARTS)
    seen = []
    hook = projector.register_forward_hook(lambda mod, args, out: seen.append(out.detach().clone()))

    def sample(row):
        trainer._video_rows = [row] * 2
        ids, images, fields = trainer._tokenize_prompts(["unused"] * 2)
        assert images is None and "pixel_values_videos" in fields
        seen.clear()
        completions = trainer._generate_single_turn(ids, None, fields, 2)[0]
        assert len(completions) == 2 and seen, "generation never ran the projector"
        return seen[0]

    trainer.model.eval()
    try:
        assert not torch.allclose(sample(a), sample(b))
    finally:
        hook.remove()

    # log-prob pass (the loss's): other frames -> other log-probs; gradients reach the projector
    trainer.model.train()
    prompt = torch.tensor([a["prompt_ids"]])
    completion = trainer.processing_class.tokenizer(
        " the bar moves right", add_special_tokens=False, return_tensors="pt"
    )
    ids = torch.cat([prompt, completion.input_ids], dim=1)
    mask = torch.ones_like(ids)
    logps = {}
    for name, row in (("a", a), ("b", b)):
        trainer._video_rows = [row]
        logps[name] = trainer._get_per_token_logps_and_entropies(
            trainer.model, ids, mask, completion.input_ids.size(1)
        )[0]
    trainer._video_rows = None
    assert not torch.allclose(logps["a"], logps["b"])
    trainer.model.zero_grad()
    logps["a"].sum().backward()
    grads = [
        p.grad.abs().sum().item()
        for n, p in trainer.model.named_parameters()
        if any(part in n.split(".") for part in PROJECTOR_PARTS) and p.grad is not None
    ]
    assert grads and max(grads) > 0


def test_records_it_cannot_train_on_become_error_records(videos, tiny_qwen, tmp_path):
    recs = _records(videos, n=4, count=False)
    recs[1]["video"] = "missing.mp4"
    recs[2]["verifier_type"] = ["no_such_kind"]
    recs[3]["label"] = {"direction": "right", "span": "not a range"}
    recs[3]["label_type"] = ["direction", "span"]
    recs[3]["verifier_type"] = ["simple", "temporal_range"]
    good, bad = check_records(recs, _cfg(tiny_qwen, videos, tmp_path))
    assert [r["id"] for r in good] == ["q0"]
    reasons = [e.reason for e in bad]
    assert len(reasons) == 3, reasons
    assert "missing.mp4" in reasons[0]
    assert "no_such_kind" in reasons[1]
    assert "temporal_range" in reasons[2] or "not a range" in reasons[2], reasons[2]
    assert [e.record["id"] for e in bad] == ["q1", "q2", "q3"]


def test_format_reward_scores_answer_containers():
    assert format_reward(["<answer>right</answer>", "<answer>right", "right", "Answer: right"]) == [1.0, 0.0, 0.0, 1.0]
    assert not container_ok("<answer><answer>x</answer></answer>")
    assert not container_ok("\\boxed{3")
