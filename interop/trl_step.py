"""One TRL SFTTrainer step on `vstar merge` output, run in TRL's own environment.

Usage: python interop/trl_step.py OUT   (OUT as written by interop/prepare.py)
Fails unless the model's forward received the videos (pixel_values_videos) and the step ran.
"""

from __future__ import annotations

import sys
from pathlib import Path

import trl
from trl import SFTConfig, SFTTrainer

from vstar_cli.model import ModelConfig, load_model, load_processor
from vstar_cli.training.trl import VideoSFTCollator, load_rows, sft_args


def main(out: Path) -> None:
    cfg = ModelConfig(model=str(out / "model"), device="cpu", dtype="float32")
    processor, model = load_processor(cfg), load_model(cfg, for_training=True)
    seen = []
    model.register_forward_pre_hook(lambda m, a, kw: seen.append(kw.get("pixel_values_videos")), with_kwargs=True)
    args = SFTConfig(
        output_dir=str(out / "trl-run"),
        per_device_train_batch_size=2,
        max_steps=1,
        report_to=[],
        save_strategy="no",
        use_cpu=True,
        **sft_args(),
    )
    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=load_rows(out / "data" / "msgs.jsonl"),
        data_collator=VideoSFTCollator(processor, video_dir=out / "videos", frames=4),
        processing_class=processor,
    )
    result = trainer.train()
    shapes = [tuple(v.shape) for v in seen if v is not None]
    assert result.global_step == 1, result
    assert seen and len(shapes) == len(seen), "a forward pass got no pixel_values_videos"
    print(f"TRL {trl.__version__}: 1 step, loss {result.training_loss:.4f}, pixel_values_videos {shapes}")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
