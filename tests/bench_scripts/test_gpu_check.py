"""`make gpu-check`'s script in its reduced CPU mode, so the GPU acceptance check cannot rot.

The script runs as `make gpu-check` runs it, in its own process (tests import nothing from bench/)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_gpu_check_reduced_mode_runs_every_check(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gpu_check.py"), "--reduced", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads((tmp_path / "gpu_check.json").read_text())
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
