"""TRL's SFTTrainer on ``vstar merge`` output: the videos reach the model as pixel_values_videos."""

import json

import pytest
from typer.testing import CliRunner

from vstar_cli.cli import app

runner = CliRunner()
pytest.importorskip("trl")


@pytest.fixture(scope="module")
def merged(videos, tmp_path_factory):
    """merge output in each format over the shared test videos (verified answers)."""
    recs = [json.loads(x) for x in videos.read_text().splitlines()]
    ver = [dict(r, output="The white bar moves to the right.", verified=True) for r in recs]
    src = tmp_path_factory.mktemp("trl") / "ver.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in ver), encoding="utf-8")
    out = {}
    for fmt in ("llava", "sharegpt", "messages"):
        path = src.parent / f"sft-{fmt}.jsonl"
        res = runner.invoke(app, ["merge", str(src), "-f", fmt, "-o", str(path), "-q"])
        assert res.exit_code == 0, res.output
        out[fmt] = path
    return out


@pytest.mark.parametrize("fmt", ["llava", "sharegpt", "messages"])
def test_collator_batches_carry_the_video(fmt, tiny_qwen, videos, merged):
    from vstar_cli.model import ModelConfig, load_processor
    from vstar_cli.training.data import IGNORE
    from vstar_cli.training.trl import VideoSFTCollator, load_rows

    proc = load_processor(ModelConfig(model=tiny_qwen))
    rows = load_rows(merged[fmt])
    batch = VideoSFTCollator(proc, video_dir=videos.parent, frames=4)([rows[0], rows[1]])
    assert batch["pixel_values_videos"].shape[0] > 0
    assert batch["video_grid_thw"].shape[0] == 2
    tok = proc.tokenizer
    video_id = tok.convert_tokens_to_ids("<|video_pad|>")
    assert ((batch["input_ids"] == video_id).sum(dim=1) > 0).all()
    answer = tok.decode(batch["input_ids"][0][batch["labels"][0] != IGNORE])
    assert answer.startswith("The white bar moves to the right.")


def test_sft_trainer_step_sees_pixel_values_videos(tiny_qwen, videos, merged, tmp_path):
    import torch
    from trl import SFTConfig, SFTTrainer

    from vstar_cli.model import ModelConfig, load_model, load_processor
    from vstar_cli.training.trl import VideoSFTCollator, load_rows, sft_args

    cfg = ModelConfig(model=tiny_qwen, device="cpu", dtype="float32")
    proc, model = load_processor(cfg), load_model(cfg, for_training=True)
    seen = []

    def record_inputs(module, args, kwargs):
        seen.append(kwargs.get("pixel_values_videos"))

    model.register_forward_pre_hook(record_inputs, with_kwargs=True)
    before = {n: p.detach().clone() for n, p in model.named_parameters() if "visual" in n}
    args = SFTConfig(
        output_dir=str(tmp_path / "out"),
        per_device_train_batch_size=2,
        max_steps=1,
        learning_rate=1e-2,
        report_to=[],
        save_strategy="no",
        use_cpu=True,
        **sft_args(),
    )
    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=load_rows(merged["messages"]),
        data_collator=VideoSFTCollator(proc, video_dir=videos.parent, frames=4),
        processing_class=proc,
    )
    result = trainer.train()
    assert result.global_step == 1
    assert seen and all(v is not None and v.numel() > 0 for v in seen)
    # the gradient went through the vision tower: the frames were trained on, not just their placeholders
    changed = [n for n, p in model.named_parameters() if n in before and not torch.equal(p.detach(), before[n])]
    assert changed
