"""`vstar plan`'s activation model against measured peaks on CPU, at small sizes.

A Qwen2-VL of real architecture and small sizes (4 layers of width 256, MLP 1024, 2 KV heads,
a 4,000-token vocabulary, one vision block) takes 16 frames of 448x448 as tensors (2,048
visual tokens). In a fresh process per case, the peak resident memory is reset
(``/proc/self/clear_refs``) once the model and inputs are ready, and the growth of the peak
during the measured work is compared with the plan's estimate of everything but the weights
(activations, KV cache, logits, adapters, gradients, optimizer states), in fp32 (CPU):

  generate   prefill + 16 new tokens, batch 1 and 4
  lora       one forward/backward/AdamW step, with and without gradient checkpointing
  full       one full-finetuning step with gradient checkpointing

Linux only. Run with `python bench/plan_check.py` (part of `make bench`); results in
bench/out/plan_check.{json,md}.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FRAMES, SIDE, PROMPT, NEW = 16, 448, 96, 16
CASES = [
    ("generate", {"method": "none", "batch_size": 1}),
    ("generate", {"method": "none", "batch_size": 4}),
    ("lora", {"method": "lora", "gradient_checkpointing": True}),
    ("lora", {"method": "lora", "gradient_checkpointing": False}),
    ("full", {"method": "full", "gradient_checkpointing": True}),
]


def model_dir(out: Path) -> Path:
    """Config and random fp32 weights of the small Qwen2-VL."""
    path = out / "small-qwen2-vl"
    if (path / "config.json").exists():
        return path
    import torch
    from transformers import AutoConfig, AutoModelForImageTextToText

    cfg = AutoConfig.for_model(
        "qwen2_vl",
        text_config={
            "hidden_size": 256, "intermediate_size": 1024, "num_hidden_layers": 4, "num_attention_heads": 4,
            "num_key_value_heads": 2, "vocab_size": 4000, "tie_word_embeddings": False,
            "rope_parameters": {"rope_type": "default", "rope_theta": 1e6, "mrope_section": [8, 12, 12]},
        },
        vision_config={"depth": 1, "embed_dim": 64, "num_heads": 2, "hidden_size": 256, "mlp_ratio": 4},
        image_token_id=3996, vision_start_token_id=3997, vision_end_token_id=3998, video_token_id=3999,
    )  # fmt: skip
    torch.manual_seed(0)
    AutoModelForImageTextToText.from_config(cfg).save_pretrained(path)
    return path


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def measure(path: str, kind: str, opts: dict) -> float:
    """Growth of the peak RSS (GiB) during the work of one case (run in a fresh process)."""
    import torch
    from transformers import AutoModelForImageTextToText

    torch.set_num_threads(1)
    model = AutoModelForImageTextToText.from_pretrained(path, dtype=torch.float32)
    cfg = model.config
    b = opts.get("batch_size", 1)
    gt, g = FRAMES // 2, SIDE // 14
    ids = [cfg.vision_start_token_id] + [cfg.video_token_id] * (gt * g * g // 4) + [cfg.vision_end_token_id]
    ids += list(range(100, 100 + PROMPT - 2))
    if kind != "generate":
        ids += list(range(200, 200 + NEW))
    inputs = {
        "input_ids": torch.tensor([ids] * b),
        "attention_mask": torch.ones(b, len(ids), dtype=torch.long),
        "pixel_values_videos": torch.randn(b * gt * g * g, 3 * 2 * 14 * 14),
        "video_grid_thw": torch.tensor([[gt, g, g]] * b),
    }
    inputs["mm_token_type_ids"] = (inputs["input_ids"] == cfg.video_token_id).long() * 2
    if kind == "generate":
        model.eval()
    else:
        from vstar_cli.stages.finetune import FinetuneConfig
        from vstar_cli.training.trainer import prepare_model

        fc = FinetuneConfig(model=path, out="unused", method=opts["method"], device="cpu", dtype="float32")
        model = prepare_model(model, fc)
        if opts.get("gradient_checkpointing"):
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
            model.enable_input_require_grads()
        model.config.use_cache = False
        labels = inputs["input_ids"].clone()
        labels[:, : len(ids) - NEW] = -100
        inputs["labels"] = labels
        opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
    base = _rss_kib("VmRSS")
    if kind == "generate":
        with torch.inference_mode():
            model.generate(**inputs, max_new_tokens=NEW, min_new_tokens=NEW, do_sample=False, pad_token_id=0)
    else:
        model(**inputs).loss.backward()
        opt.step()  # AdamW allocates its states here: part of the step's peak, as on a GPU
    return (_rss_kib("VmHWM") - base) / 2**20


def estimate(path: str, kind: str, opts: dict) -> dict:
    from vstar_cli.planning.arch import describe
    from vstar_cli.planning.memory import PlanConfig
    from vstar_cli.planning.memory import estimate as plan_estimate

    cfg = PlanConfig(
        model=path,
        dtype="float32",
        frames=FRAMES,
        height=SIDE,
        width=SIDE,
        prompt_tokens=PROMPT,
        new_tokens=NEW,
        **opts,
    )
    parts = plan_estimate(describe(path), cfg, gpu=False).parts
    return {k: round(v, 3) for k, v in parts.items()}


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        kind, opts = sys.argv[2], json.loads(sys.argv[3])
        print(json.dumps(measure(str(model_dir(ROOT / "bench" / "out")), kind, opts)))
        return
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    path = str(model_dir(out))
    rows = []
    for kind, opts in CASES:
        res = subprocess.run(
            [sys.executable, __file__, "--one", kind, json.dumps(opts)], capture_output=True, text=True, check=True
        )
        measured = json.loads(res.stdout.strip().splitlines()[-1])
        parts = estimate(path, kind, opts)
        planned = parts["peak"] - parts["weights"]
        rows.append(
            {"case": kind, **opts, "measured_gib": round(measured, 3), "plan_gib": round(planned, 3), "parts": parts}
        )
        print(rows[-1], flush=True)
    lines = [
        "| case | measured peak growth (GiB) | plan, weights excluded (GiB) | plan / measured |",
        "|---|---:|---:|---:|",
    ]
    for r in rows:
        label = r["case"] + "".join(f", {k}={v}" for k, v in r.items() if k in ("batch_size", "gradient_checkpointing"))
        lines.append(
            f"| {label} | {r['measured_gib']:.3f} | {r['plan_gib']:.3f} | {r['plan_gib'] / r['measured_gib']:.2f} |"
        )
    (out / "plan_check.json").write_text(json.dumps(rows, indent=2))
    (out / "plan_check.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
