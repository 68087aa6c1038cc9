"""`make gpu-check`'s script in its reduced CPU mode, so the GPU acceptance check cannot rot."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_gpu_check_reduced_mode_runs_every_check(tmp_path):
    spec = importlib.util.spec_from_file_location("gpu_check", ROOT / "bench" / "gpu_check.py")
    gpu_check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gpu_check)
    report = gpu_check.main(["--reduced", "--out", str(tmp_path)])
    assert json.loads((tmp_path / "gpu_check.json").read_text()) == report
    rows = report["rows"]
    bf16 = [r for r in rows if r["check"] == "generate" and r["quantize"] == "bf16"]
    assert [r["batch"] for r in bf16] == [1, 2]
    assert all(r["new_tokens"] == 4 and r["videos_per_min"] > 0 and r["plan_gib"] > 0 for r in bf16)
    four = [r for r in rows if r["check"] == "generate" and r["quantize"] == "4-bit"]
    assert four and all("videos_per_min" in r or r.get("skipped") == "bitsandbytes not installed" for r in four)
    oom = next(r for r in rows if r["check"] == "oom halving")
    assert oom["ok"] and oom["batch_sizes_tried"][:3] == [8, 4, 2] and oom["answered"] == 8
    step = next(r for r in rows if r["check"] == "train step")
    assert step["seconds_per_step"] > 0 and step["loss"] > 0
    table = (tmp_path / "gpu_check.md").read_text()
    assert "videos/min" in table and "OOM halving" in table and "step" in table
