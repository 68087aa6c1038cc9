"""Benchmark of `vstar generate` against the official one-video-at-a-time loop.

Same tiny Qwen2-VL (random weights, built locally), same 64 videos, one run each:
  loop      decode one video, generate for it, repeat (the official approach)
  vstar     the generate stage: batches of 16, decoding overlapped in worker processes
  ceiling   bare model.generate on pre-decoded inputs, batches of 16 (no decoding at all)
Targets (issue 3): vstar >= 3x faster than loop, and within 25% of the ceiling.

On a CPU-only machine the model and the decoders share the cores. To stand in for an
accelerator, torch gets `--torch-threads` (default 1) and vstar's decode worker processes get
the remaining core(s); all three variants use the same torch threads, so the ceiling is
the same "device" time.
Results go to stdout and bench/out/generate.json. Run with `make bench`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--videos", type=int, default=64)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--frames-per-video", type=int, default=96, help="length of each synthetic video")
    ap.add_argument("--max-new-tokens", type=int, default=256, help="the CLI default; step-by-step answers are long")
    ap.add_argument("--decode-workers", type=int, default=1, help="decode processes for vstar (0: inline)")
    ap.add_argument("--torch-threads", type=int, default=1, help="threads of the stand-in accelerator")
    args = ap.parse_args()

    import torch

    from tests.fixtures.media import write_video
    from vstar_cli.demo.tiny_models import build
    from vstar_cli.io import Record
    from vstar_cli.model import GenParams, ModelConfig, generate, load
    from vstar_cli.stages.generate import GenerateConfig, run
    from vstar_cli.video import load_clip

    out = ROOT / "bench" / "out"
    vdir = out / "videos"
    vdir.mkdir(parents=True, exist_ok=True)
    model_dir = out / "tiny_qwen2_vl"
    if not (model_dir / "config.json").exists():
        build("qwen2_vl", model_dir)
    recs = []
    for i in range(args.videos):
        p = vdir / f"v{i}.mp4"
        if not p.exists():
            write_video(p, n_frames=args.frames_per_video, fps=24, size=(320, 240), seed=i)
        recs.append({"question_id": f"q{i}", "video_path": p.name, "question": "What moves in the video?"})
    torch.set_num_threads(args.torch_threads)
    processor, model = load(ModelConfig(model=str(model_dir), device="cpu"))
    params = GenParams(max_new_tokens=args.max_new_tokens)
    prompt = "Question: What moves in the video?\nCan you explain step-by-step how one can arrive at this conclusion?"
    # warm up
    generate(processor, model, [prompt], [load_clip(vdir / "v0.mp4")], params)

    t = time.perf_counter()
    for r in recs:
        clip = load_clip(vdir / r["video_path"], frames=8)
        generate(processor, model, [prompt], [clip], params)
    loop_s = time.perf_counter() - t

    cfg = GenerateConfig(
        model=str(model_dir),
        device="cpu",
        video_dir=str(vdir),
        batch_size=args.batch_size,
        max_new_tokens=args.max_new_tokens,
        decode_workers=args.decode_workers,
    )
    # warm up the decode worker processes (started once per process), as the model was warmed up
    list(run([Record(r, lineno=0) for r in recs[: args.batch_size]], cfg, runtime=(processor, model)))
    t = time.perf_counter()
    n = sum(1 for _ in run([Record(r, lineno=i) for i, r in enumerate(recs)], cfg, runtime=(processor, model)))
    vstar_s = time.perf_counter() - t
    assert n == len(recs)

    t = time.perf_counter()
    clips = [load_clip(vdir / r["video_path"], frames=8) for r in recs]
    decode_s = time.perf_counter() - t
    t = time.perf_counter()
    for i in range(0, len(clips), args.batch_size):
        chunk = clips[i : i + args.batch_size]
        generate(processor, model, [prompt] * len(chunk), chunk, params)
    ceiling_s = time.perf_counter() - t

    res = {
        "videos": len(recs),
        "batch_size": args.batch_size,
        "frames_per_video": args.frames_per_video,
        "max_new_tokens": args.max_new_tokens,
        "torch_threads": args.torch_threads,
        "decode_workers": args.decode_workers,
        "loop_s": round(loop_s, 2),
        "vstar_s": round(vstar_s, 2),
        "ceiling_s": round(ceiling_s, 2),
        "decode_only_s": round(decode_s, 2),
        "speedup_vs_loop": round(loop_s / vstar_s, 2),
        "overhead_vs_ceiling": round(vstar_s / ceiling_s - 1, 3),
        "vstar_videos_per_min": round(len(recs) / vstar_s * 60, 1),
    }
    res["targets_met"] = {
        "speedup_>=3x": res["speedup_vs_loop"] >= 3,
        "within_25%_of_ceiling": res["overhead_vs_ceiling"] <= 0.25,
    }
    print(json.dumps(res, indent=2))
    (out / "generate.json").write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
