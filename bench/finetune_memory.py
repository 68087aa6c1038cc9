"""Peak memory of QLoRA on a 7B-class video LVLM: the --dry-run estimate, and a measurement on a GPU.

Builds a Qwen2-VL-7B-sized model directory (the published dimensions, random weights, a small
local tokenizer, the stock Qwen2-VL processor sizes) and prints `vstar finetune --dry-run`'s
estimate for qlora, lora and full. With CUDA available it also trains a few QLoRA steps
(8 frames, batch 1, gradient checkpointing) on synthetic videos and reports the measured peak.
Run with `python bench/finetune_memory.py` (part of `make bench`); results in
bench/out/finetune_memory.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QWEN2_VL_7B = {
    "text_config": {
        "hidden_size": 3584,
        "intermediate_size": 18944,
        "num_hidden_layers": 28,
        "num_attention_heads": 28,
        "num_key_value_heads": 4,
        "max_position_embeddings": 32768,
        "rope_parameters": {"rope_type": "default", "rope_theta": 1000000.0, "mrope_section": [16, 24, 24]},
    },
    "vision_config": {
        "depth": 32,
        "embed_dim": 1280,
        "hidden_size": 3584,
        "num_heads": 16,
        "mlp_ratio": 4,
        "patch_size": 14,
        "spatial_merge_size": 2,
        "temporal_patch_size": 2,
    },
}


def build_7b_dir(out: Path, with_weights: bool) -> Path:
    """A Qwen2-VL-7B-sized directory; weights (random, bf16) only when ``with_weights``."""
    import torch
    from transformers import (
        Qwen2VLConfig,
        Qwen2VLForConditionalGeneration,
        Qwen2VLImageProcessor,
        Qwen2VLProcessor,
        Qwen2VLVideoProcessor,
    )

    from vstar_cli.demo.tiny_models import QWEN_TEMPLATE, qwen_tokenizer

    tok, ids = qwen_tokenizer(["a video of a person doing things"] * 8)
    text = dict(
        QWEN2_VL_7B["text_config"], vocab_size=152064, eos_token_id=ids["<|im_end|>"], pad_token_id=ids["<|endoftext|>"]
    )
    cfg = Qwen2VLConfig(
        text_config=text,
        vision_config=QWEN2_VL_7B["vision_config"],
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"],
    )
    out.mkdir(parents=True, exist_ok=True)
    cfg.save_pretrained(out)
    Qwen2VLProcessor(
        image_processor=Qwen2VLImageProcessor(),
        video_processor=Qwen2VLVideoProcessor(),
        tokenizer=tok,
        chat_template=QWEN_TEMPLATE,
    ).save_pretrained(out)
    if with_weights:
        torch.manual_seed(0)
        with torch.device("cuda"):
            model = Qwen2VLForConditionalGeneration(cfg).to(torch.bfloat16)
        model.save_pretrained(out)
        del model
        torch.cuda.empty_cache()
    return out


def main() -> None:
    import torch
    from typer.testing import CliRunner

    from vstar_cli.cli import app

    out = ROOT / "bench" / "out"
    gpu = torch.cuda.is_available()
    model_dir = build_7b_dir(out / "qwen2_vl_7b_random", with_weights=gpu)
    runner = CliRunner()
    results: dict = {"model": "Qwen2-VL-7B dimensions, random weights", "estimates_gib": {}}
    for method in ("qlora", "lora", "full"):
        res = runner.invoke(
            app, ["finetune", "unused", "--model", str(model_dir), "--method", method, "--dry-run", "--frames", "8"]
        )
        results["estimates_gib"][method] = json.loads(res.stdout.strip().splitlines()[-1])[
            "peak_gib"
        ]  # vstar plan's record
    print("dry-run estimates (GiB):", results["estimates_gib"], flush=True)
    if gpu:
        from tests.fixtures.media import write_video

        vids = out / "ft_videos"
        vids.mkdir(exist_ok=True)
        rows = []
        for i in range(8):
            write_video(vids / f"v{i}.mp4", n_frames=64, fps=24, size=(640, 360), seed=i)
            rows.append(
                {
                    "id": str(i),
                    "video": f"v{i}.mp4",
                    "conversations": [
                        {"from": "human", "value": "<video>\nWhat happens in the video?"},
                        {
                            "from": "gpt",
                            "value": "A bright bar moves from left to right across a plain background. " * 4,
                        },
                    ],
                }
            )
        sft = vids / "sft.jsonl"
        sft.write_text("".join(json.dumps(r) + "\n" for r in rows))
        torch.cuda.reset_peak_memory_stats()
        res = runner.invoke(
            app,
            [
                "finetune",
                str(sft),
                "--model",
                str(model_dir),
                "--method",
                "qlora",
                "--video-dir",
                str(vids),
                "--out",
                str(out / "qlora_7b"),
                "--max-steps",
                "4",
                "--grad-accum",
                "1",
                "-q",
            ],
        )
        summary = (
            json.loads((out / "qlora_7b" / "train_summary.json").read_text())
            if res.exit_code == 0
            else {"error": res.output[-2000:]}
        )
        results["measured_qlora"] = summary
        print("measured QLoRA:", summary, flush=True)
    else:
        results["measured_qlora"] = "no GPU on this machine: estimate only"
    (out / "finetune_memory.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
