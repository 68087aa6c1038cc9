"""One LLaMA-Factory training step on `vstar merge` output, run in LLaMA-Factory's own environment.

Usage: python interop/llamafactory_step.py OUT   (OUT as written by interop/prepare.py)
Trains on the dataset named in OUT/data/dataset_info.json exactly as `vstar merge` wrote it, with
the media_dir it printed. Fails unless the model's forward received the videos.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import transformers

seen: list = []


def _spy(cls):
    forward = cls.forward

    def wrapped(self, *args, **kwargs):
        seen.append(kwargs.get("pixel_values_videos"))
        return forward(self, *args, **kwargs)

    cls.forward = wrapped


def main(out: Path) -> None:
    _spy(transformers.Qwen2VLForConditionalGeneration)
    from llamafactory import __version__
    from llamafactory.train.tuner import run_exp

    info = json.loads((out / "data" / "dataset_info.json").read_text())
    for name in ("sft", "llava", "tagged"):  # sharegpt, llava and messages --video-tag
        assert name in info, f"no {name!r} entry in dataset_info.json: {sorted(info)}"
        seen.clear()
        run_exp(
            {
                "model_name_or_path": str(out / "model"),
                "stage": "sft",
                "do_train": True,
                "finetuning_type": "lora",
                "lora_target": "all",
                "dataset": name,
                "dataset_dir": str(out / "data"),
                "media_dir": str(out / "videos"),
                "template": "qwen2_vl",
                "cutoff_len": 2048,
                "video_maxlen": 4,
                "overwrite_cache": True,
                "output_dir": str(out / f"lf-{name}"),
                "overwrite_output_dir": True,
                "per_device_train_batch_size": 2,
                "max_steps": 1,
                "learning_rate": 1e-4,
                "logging_steps": 1,
                "save_strategy": "no",
                "report_to": "none",
            }
        )
        shapes = [tuple(v.shape) for v in seen if v is not None]
        assert seen and len(shapes) == len(seen), f"{name}: a forward pass got no pixel_values_videos"
        print(f"LLaMA-Factory {__version__}, dataset {name}: 1 step, pixel_values_videos {shapes}")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
