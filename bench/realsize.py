"""A real-size run on CPU: a 2B-class video LVLM through every stage, with `vstar plan` beside it.

Builds a model with the published layer sizes of Qwen2-VL-2B (preset ``qwen2-vl-2b``: 28
layers of width 1536, the 32-block vision tower, the 151,936-token embedding), random bf16
weights, a small tokenizer trained here and the stock Qwen2-VL processor sizes, so nothing is
downloaded. Then runs the real `vstar` commands on one 360p clip, 8 frames:

  generate (bf16) -> generate (4-bit, bitsandbytes on CPU) -> verify -> rationalize -> verify
  -> merge (--keep-unverified: random weights never give a verified answer) -> finetune
  (QLoRA, 2 steps, gradient checkpointing) -> eval (with the adapter)

and reports each stage's wall time and peak resident memory (``/usr/bin/time``) beside
`vstar plan`'s estimate for the same settings (on CPU: no CUDA overhead). The process's
baseline (Python, torch and transformers imported, no model) is measured once and shown.

Not in `make test`: generation needs ~6 GB of RAM, the QLoRA stage more than 16 GB (the
Trainer computes in fp32 on a CPU), and the run takes about an hour on two cores.
Run with `make bench-realsize`; results in bench/out/realsize/realsize.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_model(out: Path, preset: str) -> Path:
    """Random-weight bf16 model of ``preset``'s sizes, saved with its processor (once)."""
    if (out / "model.safetensors.index.json").exists() or (out / "model.safetensors").exists():
        return out
    import torch
    from transformers import Qwen2VLImageProcessor, Qwen2VLProcessor, Qwen2VLVideoProcessor
    from vstar_cli.tiny_models import QWEN_TEMPLATE, _uncapped, qwen_tokenizer

    from vstar_cli.planning.arch import _model_class
    from vstar_cli.planning.presets import preset_config

    tok, ids = qwen_tokenizer(["what happens in the video? a person moves the bar left then right"] * 8)
    cfg = preset_config(preset, eos_token_id=ids["<|im_end|>"], pad_token_id=ids["<|endoftext|>"])
    cfg.image_token_id, cfg.video_token_id = ids["<|image_pad|>"], ids["<|video_pad|>"]
    cfg.vision_start_token_id, cfg.vision_end_token_id = ids["<|vision_start|>"], ids["<|vision_end|>"]
    torch.manual_seed(0)
    torch.set_default_dtype(torch.bfloat16)  # fp32 would need 9 GB for a moment
    model = _model_class(cfg).from_config(cfg, dtype=torch.bfloat16)
    torch.set_default_dtype(torch.float32)
    model.generation_config.eos_token_id = ids["<|im_end|>"]
    model.generation_config.pad_token_id = ids["<|endoftext|>"]
    model.save_pretrained(out)
    del model
    Qwen2VLProcessor(
        image_processor=Qwen2VLImageProcessor(),
        video_processor=Qwen2VLVideoProcessor(**_uncapped(Qwen2VLVideoProcessor)),
        tokenizer=tok,
        chat_template=QWEN_TEMPLATE,
    ).save_pretrained(out)
    return out


def make_data(out: Path, records: int) -> Path:
    """One 360p H.264 clip (10 s, 24 fps) and ``records`` labeled questions about it."""
    from tests.fixtures.media import write_video

    videos = out / "videos"
    videos.mkdir(parents=True, exist_ok=True)
    if not (videos / "clip.mkv").exists():
        write_video(videos / "clip.mkv", n_frames=240, fps=24, size=(640, 360))
    rows = [
        {
            "question_id": f"q{i}",
            "video_path": "clip.mkv",
            "question": "Which way does the white bar move?",
            "label": {"direction": "right"},
            "label_type": ["direction"],
            "verifier_type": ["simple"],
        }
        for i in range(records)
    ]
    path = out / "labeled.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def run_stage(name: str, args: list[str], log: Path) -> dict:
    """Run ``vstar ARGS`` under /usr/bin/time: wall seconds, peak RSS (GiB), exit code."""
    fmt = log.with_suffix(".time")
    cmd = ["/usr/bin/time", "-f", "%M %e", "-o", str(fmt), sys.executable, "-m", "vstar_cli", *args]
    # eval takes no --dtype flag: the environment sets it (and inline decoding) for every stage alike.
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT), VSTAR_DTYPE="bfloat16", VSTAR_DECODE_WORKERS="0")
    t0 = time.time()
    with log.open("w") as err:
        rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=ROOT).returncode
    kb, secs = fmt.read_text().split()[-2:]
    row = {"stage": name, "seconds": round(float(secs), 1), "peak_rss_gib": round(int(kb) / 2**20, 2), "rc": rc}
    print(f"{name}: {row} ({time.time() - t0:.0f}s)", flush=True)
    return row


def baseline_gib() -> float:
    """Peak RSS of a process that imports what every stage imports, and loads no model."""
    code = "import torch, transformers, peft, vstar_cli.model, vstar_cli.stages.generate"
    res = subprocess.run(
        ["/usr/bin/time", "-f", "%M", sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT
    )
    return round(int(res.stderr.strip().split()[-1]) / 2**20, 2)


def estimate(model: str, **kw) -> float:
    """`vstar plan`'s peak for these settings, CPU (no CUDA overhead)."""
    from vstar_cli.planning.arch import describe
    from vstar_cli.planning.memory import PlanConfig
    from vstar_cli.planning.memory import estimate as plan_estimate

    return round(plan_estimate(describe(model), PlanConfig(model=model, **kw), gpu=False).peak, 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="qwen2-vl-2b")
    ap.add_argument("--records", type=int, default=1)
    ap.add_argument("--max-new-tokens", type=int, default=16, help="answer length (CPU time grows with it)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "realsize"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    model = str(build_model(out / f"{args.preset}-random", args.preset))
    build_s = round(time.time() - t0, 1)
    labeled = make_data(out, args.records)
    v = str(out / "videos")
    common = ["--device", "cpu", "--video-dir", v, "--frames", "8"]
    gen = [*common, "-m", model, "--dtype", "bfloat16", "--max-new-tokens", str(args.max_new_tokens)]
    gen += ["--batch-size", str(args.records), "--decode-workers", "0", "--force"]
    new = args.max_new_tokens
    plan_gen = dict(frames=8, batch_size=args.records, new_tokens=new)
    stages = [
        ("generate bf16", ["generate", str(labeled), *gen, "-o", str(out / "gen.jsonl")],
         estimate(model, **plan_gen)),
        ("generate 4-bit", ["generate", str(labeled), *gen, "--quantize", "4bit", "-o", str(out / "gen4.jsonl")],
         estimate(model, quantize="4bit", **plan_gen)),
        ("verify", ["verify", str(out / "gen.jsonl"), "-o", str(out / "ver.jsonl"),
                    "--rejected", str(out / "rej.jsonl")], None),
        ("rationalize bf16", ["rationalize", str(out / "rej.jsonl"), *gen, "-o", str(out / "rat.jsonl")],
         estimate(model, **plan_gen)),
        ("verify rationales", ["verify", str(out / "rat.jsonl"), "-o", str(out / "rat_ver.jsonl")], None),
        ("merge", ["merge", str(out / "ver.jsonl"), str(out / "rat_ver.jsonl"), "--keep-unverified",
                   "-o", str(out / "sft.jsonl")], None),
        ("finetune QLoRA", ["finetune", str(out / "sft.jsonl"), "-m", model, "--method", "qlora", "--device", "cpu",
                            "--dtype", "bfloat16", "--video-dir", v, "--frames", "8", "--max-steps", "2",
                            "--grad-accum", "1", "--batch-size", "1", "--lora-r", "16", "--out", str(out / "ckpt")],
         estimate(model, method="qlora", frames=8, lora_r=16, new_tokens=new, dtype="float32")),
        ("eval", ["eval", str(labeled), *common, "-m", model, "--max-new-tokens",
                  str(new), "--batch-size", str(args.records), "--adapter", str(out / "ckpt"),
                            "-o", str(out / "eval.json")], estimate(model, **plan_gen)),
    ]  # fmt: skip
    base = baseline_gib()
    rows = []
    for name, argv, est in stages:
        if name == "eval" and not (out / "ckpt" / "adapter_config.json").exists():
            i = argv.index("--adapter")  # finetune did not finish: evaluate the base model
            argv, name = argv[:i] + argv[i + 2 :], "eval (base model)"
        row = run_stage(name, argv, out / f"{name.replace(' ', '_')}.log")
        row["plan_peak_gib"] = est
        row["plan_plus_baseline_gib"] = round(est + base, 2) if est is not None else None
        rows.append(row)
    report = {"preset": args.preset, "build_seconds": build_s, "baseline_rss_gib": base, "stages": rows,
              "settings": {"frames": 8, "size": "640x360", "records": args.records, "max_new_tokens": new}}  # fmt: skip
    (out / "realsize.json").write_text(json.dumps(report, indent=2))
    lines = [
        f"| stage ({args.preset}, random weights, CPU) | time (s) | peak RSS (GiB) | plan estimate + baseline (GiB) |",
        "|---|---:|---:|---:|",
    ]
    for r in rows:
        est = (
            "-"
            if r["plan_plus_baseline_gib"] is None
            else f"{r['plan_peak_gib']:.2f} + {base:.2f} = {r['plan_plus_baseline_gib']:.2f}"
        )
        flag = "" if r["rc"] == 0 else f" (exit {r['rc']})"
        lines.append(f"| {r['stage']}{flag} | {r['seconds']:.0f} | {r['peak_rss_gib']:.2f} | {est} |")
    (out / "realsize.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
