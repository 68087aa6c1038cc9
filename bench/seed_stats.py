"""How long `vstar report`'s several-seed statistics take for the demo's size.

The demo's summary computes a two-level bootstrap interval (seeds, then questions) for each of
7 evaluations, the gain, and each label type of each: about 48 intervals over 3 seeds of 300
held-out questions. Target: under 2 s in all (median of 5 repeats). Run with
`python bench/seed_stats.py` (part of `make bench`); results in bench/out/seed_stats.json.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import numpy as np

from vstar_cli.reporting.seeds import mean_ci

TARGET_S = 2.0
CALLS = 7 + 1 + 5 * 8  # 7 evaluations, the gain, 5 label types of each


def main() -> dict:
    x = (np.random.default_rng(0).random((3, 300)) < 0.4).astype(float)
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(CALLS):
            mean_ci(x)
        runs.append(time.perf_counter() - start)
    median = statistics.median(runs)
    result = {"intervals": CALLS, "seeds": 3, "questions": 300, "seconds_median": round(median, 3),
              "seconds_runs": [round(r, 3) for r in runs], "target_s": TARGET_S, "ok": median < TARGET_S}  # fmt: skip
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "seed_stats.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
