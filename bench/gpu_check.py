"""One-command acceptance check on an NVIDIA GPU machine with no internet: `make gpu-check`.

Needs torch, transformers, peft and accelerate; bitsandbytes is optional (without it the 4/8-bit
rows say "skipped: bitsandbytes not installed" and the training step is LoRA on bf16, not
QLoRA). No video decoder is needed: frames are made as tensors already in the shape the
Qwen2-VL vision tower takes (8 frames of 364x644, the size a 360p frame is resized to).

For the 2B and 7B class (presets ``qwen2-vl-2b`` / ``qwen2-vl-7b``: the published layer sizes,
random weights, built on the GPU and saved locally so the 4/8-bit rows load through
``vstar_cli.model.load_model`` like a user's checkpoint) it measures:

- generation throughput: videos/min at 8 frames, 128 new tokens, rising batch sizes
  (bf16, 8-bit, 4-bit), with peak memory beside `vstar plan`'s estimate;
- one QLoRA (or LoRA) training step at 7B: seconds and peak memory, beside the estimate;
- the out-of-memory halving of `vstar generate` (``_generate_batch``): the GPU is capped
  (``torch.cuda.set_per_process_memory_fraction``) so a batch of 32 cannot fit, and the check
  records the batch sizes tried and that every video still got its answer.

Writes bench/out/gpu_check.json and bench/out/gpu_check.md; aims at under 8 minutes on one
H100 (``--budget-s`` skips what is left past it). ``--reduced`` runs the same code on CPU with
tiny sizes (the OOM is then simulated), which the tests do so this script cannot rot.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import sys
import time
from concurrent.futures import Future
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PATCH, MERGE, TEMPORAL = 14, 2, 2


class Check:
    """Settings of one run and the rows it collects."""

    def __init__(self, args) -> None:
        import torch

        self.reduced = args.reduced
        self.device = "cpu" if args.reduced else "cuda"
        self.dtype = torch.float32 if args.reduced else torch.bfloat16
        self.frames = 4 if args.reduced else 8
        self.height, self.width = (56, 56) if args.reduced else (364, 644)
        self.new_tokens = 4 if args.reduced else 128
        self.batches = [1, 2] if args.reduced else [1, 4, 16]
        self.oom_batch = 8 if args.reduced else 32
        self.presets = ["qwen2-vl-2b"] if args.reduced else ["qwen2-vl-2b", "qwen2-vl-7b"]
        self.out = Path(args.out)
        self.budget = args.budget_s
        self.t0 = time.time()
        self.rows: list[dict] = []
        self.notes: list[str] = []

    def over_budget(self) -> bool:
        return time.time() - self.t0 > self.budget


def model_config(name: str, reduced: bool):
    """The preset's configuration (tiny text and vision sizes when ``reduced``)."""
    from transformers import AutoConfig

    from vstar_cli.planning.presets import PRESETS

    p = PRESETS[name]
    text, vision = dict(p.text), dict(p.vision)
    if reduced:
        text.update(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2)
        text.update(intermediate_size=128, rope_parameters={**text["rope_parameters"], "mrope_section": [2, 3, 3]})
        vision.update(depth=1, embed_dim=32, num_heads=2, hidden_size=64)
        text["vocab_size"] = 1000
        ids = {"image_token_id": 996, "vision_start_token_id": 997, "vision_end_token_id": 998, "video_token_id": 999}
        return AutoConfig.for_model(p.model_type, text_config=text, vision_config=vision, **p.top, **ids)
    return AutoConfig.for_model(p.model_type, text_config=text, vision_config=vision, **p.top)


def build(name: str, chk: Check) -> tuple[object, Path]:
    """Random-weight model on the device, saved under bench/out so 4/8-bit can load it back."""
    import torch
    from transformers import AutoModelForImageTextToText

    cfg = model_config(name, chk.reduced)
    torch.manual_seed(0)
    with torch.device(chk.device):
        model = AutoModelForImageTextToText.from_config(cfg, dtype=chk.dtype)
    model.eval()
    path = chk.out / "models" / (name + ("-reduced" if chk.reduced else ""))
    if not (path / "config.json").exists():
        model.save_pretrained(path)
    return model, path


def video_batch(model, chk: Check, batch: int, answer: int = 0) -> dict:
    """Token ids and pixel patches of ``batch`` videos, as the Qwen2-VL processor would make them."""
    import torch

    cfg = model.config
    gt, gh, gw = chk.frames // TEMPORAL, chk.height // PATCH, chk.width // PATCH
    patches = gt * gh * gw
    g = torch.Generator().manual_seed(batch)
    prompt = torch.randint(100, 900, (32,), generator=g).tolist()
    ids = [cfg.vision_start_token_id] + [cfg.video_token_id] * (patches // MERGE**2) + [cfg.vision_end_token_id]
    ids += prompt + torch.randint(100, 900, (answer,), generator=g).tolist()
    dev = next(model.parameters()).device
    out = {
        "input_ids": torch.tensor([ids] * batch, device=dev),
        "attention_mask": torch.ones(batch, len(ids), dtype=torch.long, device=dev),
        "pixel_values_videos": torch.randn(batch * patches, 3 * TEMPORAL * PATCH * PATCH, generator=g).to(
            dev, chk.dtype
        ),
        "video_grid_thw": torch.tensor([[gt, gh, gw]] * batch, device=dev),
    }
    # Modality of each token (0 text, 2 video), as transformers' processors return it for M-RoPE.
    out["mm_token_type_ids"] = (out["input_ids"] == cfg.video_token_id).long() * 2
    if answer:
        labels = out["input_ids"].clone()
        labels[:, : len(ids) - answer] = -100
        out["labels"] = labels
    return out


def _sync(chk: Check) -> None:
    import torch

    if chk.device == "cuda":
        torch.cuda.synchronize()


def _peak_gib(chk: Check) -> float | None:
    import torch

    return round(torch.cuda.max_memory_allocated() / 2**30, 2) if chk.device == "cuda" else None


def _reset_peak(chk: Check) -> None:
    import torch

    if chk.device == "cuda":
        torch.cuda.reset_peak_memory_stats()


def _free() -> None:
    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def plan_peak(path: Path, chk: Check, **kw) -> float:
    """`vstar plan`'s estimate for the same settings (GiB)."""
    from vstar_cli.planning.arch import describe
    from vstar_cli.planning.memory import PlanConfig, estimate

    dtype = "float32" if chk.reduced else "bfloat16"
    plan = PlanConfig(model=str(path), dtype=dtype, frames=chk.frames, height=chk.height, width=chk.width, **kw)
    return round(estimate(describe(str(path)), plan, gpu=not chk.reduced).peak, 4)


def throughput(model, path: Path, name: str, quant: str, chk: Check) -> None:
    """Videos/min at rising batch sizes until one does not fit (or the time budget ends)."""
    import torch

    for batch in chk.batches:
        row = {"check": "generate", "model": name, "quantize": quant, "batch": batch}
        if chk.over_budget():
            chk.rows.append({**row, "skipped": "time budget"})
            continue
        inputs = video_batch(model, chk, batch)
        _reset_peak(chk)
        try:
            _sync(chk)
            t0 = time.perf_counter()
            with torch.inference_mode():
                out = model.generate(
                    **inputs,
                    max_new_tokens=chk.new_tokens,
                    min_new_tokens=chk.new_tokens,
                    do_sample=False,
                    pad_token_id=0,
                )
            _sync(chk)
            secs = time.perf_counter() - t0
        except torch.OutOfMemoryError:
            chk.rows.append({**row, "result": "out of memory"})
            _free()
            break
        new = out.shape[1] - inputs["input_ids"].shape[1]
        q = {"bf16": "none", "8-bit": "8bit", "4-bit": "4bit"}[quant]
        chk.rows.append(
            {
                **row,
                "seconds": round(secs, 2),
                "new_tokens": int(new),
                "videos_per_min": round(batch / secs * 60, 1),
                "peak_gib": _peak_gib(chk),
                "plan_gib": plan_peak(
                    path, chk, quantize=q, batch_size=batch, new_tokens=chk.new_tokens, prompt_tokens=32
                ),
            }
        )
        print(chk.rows[-1], flush=True)
        del inputs, out
        _free()


def train_step(path: Path, name: str, chk: Check, has_bnb: bool) -> None:
    """Two optimizer steps of QLoRA (LoRA without bitsandbytes) through vstar's prepare_model."""
    import torch

    from vstar_cli.model import load_model
    from vstar_cli.stages.finetune import FinetuneConfig
    from vstar_cli.training.trainer import prepare_model

    method = "qlora" if has_bnb else "lora"
    dtype = "float32" if chk.reduced else "bfloat16"
    cfg = FinetuneConfig(model=str(path), out=str(chk.out / "ft"), method=method, device=chk.device, dtype=dtype)
    answer = 16 if chk.reduced else 256
    row = {"check": "train step", "model": name, "method": method, "frames": chk.frames, "answer_tokens": answer}
    if chk.over_budget():
        chk.rows.append({**row, "skipped": "time budget"})
        return
    _free()
    _reset_peak(chk)
    model = prepare_model(load_model(cfg, for_training=True), cfg)
    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})  # as the Trainer does
    model.enable_input_require_grads()
    model.config.use_cache = False
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    inputs = video_batch(model, chk, 1, answer=answer)
    times = []
    try:
        for _ in range(2):
            _sync(chk)
            t0 = time.perf_counter()
            loss = model(**inputs).loss
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
            _sync(chk)
            times.append(time.perf_counter() - t0)
    except torch.OutOfMemoryError:
        chk.rows.append({**row, "result": "out of memory"})
        return
    finally:
        del model, opt
        _free()
    chk.rows.append(
        {
            **row,
            "seconds_per_step": round(times[-1], 2),
            "loss": round(loss.item(), 3),
            "peak_gib": _peak_gib(chk),
            "plan_gib": plan_peak(
                path, chk, method=method, new_tokens=256 if not chk.reduced else 16, prompt_tokens=32
            ),
        }
    )
    print(chk.rows[-1], flush=True)


def oom_halving(model, path: Path, name: str, chk: Check) -> None:
    """Force a batch that cannot fit and let `vstar generate`'s `_generate_batch` halve it."""
    import torch

    import vstar_cli.model as model_mod
    from vstar_cli.io import Record
    from vstar_cli.stages.generate import GenerateConfig, _generate_batch, _Item

    tried: list[int] = []
    cap = None

    def tensor_generate(processor, model, prompts, clips, params):
        tried.append(len(prompts))
        if chk.reduced and len(prompts) > 2:  # no CUDA allocator to exhaust on CPU: simulated
            raise torch.OutOfMemoryError("CUDA out of memory (simulated on CPU)")
        inputs = video_batch(model, chk, len(prompts))
        with torch.inference_mode():
            out = model.generate(**inputs, max_new_tokens=8, min_new_tokens=8, do_sample=False, pad_token_id=0)
        return ["x"] * out.shape[0]

    real = model_mod.generate
    model_mod.generate = tensor_generate
    try:
        if not chk.reduced:
            # Room for the weights plus about 3 videos' activations: a batch of 32 cannot fit.
            one = next(
                (r for r in chk.rows if r.get("model") == name and r.get("batch") == 1 and "peak_gib" in r), None
            )
            weights = torch.cuda.memory_allocated() / 2**30
            extra = max(0.5, (one["peak_gib"] - weights) if one else 2.0)
            total = torch.cuda.get_device_properties(0).total_memory / 2**30
            cap = min(0.95, (weights + 3 * extra) / total)
            torch.cuda.set_per_process_memory_fraction(cap)
        import numpy as np

        from vstar_cli.video import Clip

        done = Future()  # the frames are made as tensors by tensor_generate; this stands for them
        done.set_result(
            Clip(np.zeros((chk.frames, 1, 1, 3), np.uint8), list(range(chk.frames)), 30.0, 1.0, 1, "tensor")
        )
        items = [
            _Item(Record({"question_id": f"q{i}", "video_path": "v", "question": "?"}), 0, "?", done)
            for i in range(chk.oom_batch)
        ]
        cfg = GenerateConfig(model=str(path), max_new_tokens=8, batch_size=chk.oom_batch, device=chk.device)
        logging.getLogger("vstar.generate").setLevel(logging.ERROR)
        results = list(_generate_batch(items, (None, model), cfg))
    finally:
        model_mod.generate = real
        if cap is not None:
            torch.cuda.set_per_process_memory_fraction(1.0)
        _free()
    answered = sum(1 for r in results if "output" in r)
    chk.rows.append(
        {
            "check": "oom halving",
            "model": name,
            "forced": "simulated OOM above batch 2 (CPU)" if chk.reduced else f"GPU capped at {cap:.0%}",
            "batch_sizes_tried": tried,
            "answered": answered,
            "errors": len(results) - answered,
            "ok": answered == chk.oom_batch and tried[0] == chk.oom_batch and min(tried) < chk.oom_batch,
        }
    )
    print(chk.rows[-1], flush=True)


def environment(chk: Check) -> dict:
    import importlib.util

    import torch
    import transformers

    env = {
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "bitsandbytes": importlib.util.find_spec("bitsandbytes") is not None,
        "device": torch.cuda.get_device_name(0) if chk.device == "cuda" else "cpu (reduced mode)",
    }
    if chk.device == "cuda":
        env["gpu_memory_gib"] = round(torch.cuda.get_device_properties(0).total_memory / 2**30, 1)
    return env


def run(args) -> dict:
    """The whole check; returns the report (also written as JSON and Markdown)."""
    import torch

    from vstar_cli.model import ModelConfig, load_model

    chk = Check(args)
    if not chk.reduced and not torch.cuda.is_available():
        raise SystemExit("gpu-check: no CUDA GPU visible (run with --reduced for the CPU smoke mode)")
    chk.out.mkdir(parents=True, exist_ok=True)
    env = environment(chk)
    for name in chk.presets:
        model, path = build(name, chk)
        throughput(model, path, name, "bf16", chk)
        if name == chk.presets[0]:
            oom_halving(model, path, name, chk)
        del model
        _free()
        for quant, q in (("8-bit", "8bit"), ("4-bit", "4bit")):
            if not env["bitsandbytes"]:
                chk.rows.append(
                    {"check": "generate", "model": name, "quantize": quant, "skipped": "bitsandbytes not installed"}
                )
                continue
            if chk.reduced and q == "8bit":
                chk.rows.append(
                    {"check": "generate", "model": name, "quantize": quant, "skipped": "LLM.int8 needs a GPU"}
                )
                continue
            qmodel = load_model(
                ModelConfig(
                    model=str(path), quantize=q, device=chk.device, dtype="float32" if chk.reduced else "bfloat16"
                )
            )
            throughput(qmodel, path, name, quant, chk)
            del qmodel
            _free()
        if name == chk.presets[-1]:
            train_step(path, name, chk, env["bitsandbytes"])
    report = {"environment": env, "seconds": round(time.time() - chk.t0, 1), "rows": chk.rows}
    (chk.out / "gpu_check.json").write_text(json.dumps(report, indent=2))
    (chk.out / "gpu_check.md").write_text(markdown(report))
    print(markdown(report))
    return report


def markdown(report: dict) -> str:
    """The rows as Markdown tables (generation, training step, OOM halving)."""
    env = report["environment"]
    lines = [
        f"gpu-check on {env['device']} (torch {env['torch']}, transformers {env['transformers']}), {report['seconds']}s",
        "",
    ]
    lines += ["| model | weights | batch | videos/min | peak GiB | plan GiB |", "|---|---|---:|---:|---:|---:|"]
    for r in report["rows"]:
        if r["check"] == "generate":
            what = r.get("skipped") or r.get("result")
            if what:
                lines.append(f"| {r['model']} | {r['quantize']} | {r.get('batch', '-')} | {what} | | |")
            else:
                lines.append(
                    f"| {r['model']} | {r['quantize']} | {r['batch']} | {r['videos_per_min']} | {r['peak_gib']} | {r['plan_gib']} |"
                )
    for r in report["rows"]:
        if r["check"] == "train step":
            what = (
                r.get("skipped")
                or r.get("result")
                or f"{r['seconds_per_step']} s/step, peak {r['peak_gib']} GiB (plan {r['plan_gib']} GiB)"
            )
            lines += ["", f"{r['method']} step, {r['model']}, {r['frames']} frames: {what}"]
        if r["check"] == "oom halving":
            lines += [
                "",
                f"OOM halving ({r['forced']}): batch sizes {r['batch_sizes_tried']}, {r['answered']}/{r['answered'] + r['errors']} answered, ok={r['ok']}",
            ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reduced", action="store_true", help="tiny sizes on CPU (the tests' smoke mode)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out"))
    ap.add_argument("--budget-s", type=float, default=450.0, help="skip remaining measurements past this")
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    main()
