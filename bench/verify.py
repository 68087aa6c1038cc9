"""Benchmark of `vstar verify`: records/s for rule-based and semantic kinds, and peak RSS.

Run with `make bench` (or `python bench/verify.py --records 200000`). Targets (issue 2):
>= 5,000 records/s on one core for rule-based kinds; >= 200 records/s for semantic kinds
on 2 cores (batched); peak memory flat in the number of records streamed through the CLI;
a 100,000-character degenerate answer verified in under 50 ms per label (rule kinds; issue 12).
Results go to stdout and bench/out/verify.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ACTIONS = [
    "playing guitar",
    "riding a bike",
    "dribbling basketball",
    "tying bow tie",
    "juggling balls",
    "surfing water",
]
FILLER = (
    "Let me explain step by step. First, I look at the setting of the video and the people in it. "
    "The camera is steady and the lighting is good. "
)


def rule_record(i: int, rng: random.Random) -> dict:
    kind = ["simple", "float", "timestamp", "temporal_range", "bbox", "same_or_not"][i % 6]
    if kind == "simple":
        a = rng.choice(ACTIONS)
        out, label = (
            f"{FILLER}The person in the clip is {a.replace('playing', 'plays')} with energy. So the action is {a}.",
            a,
        )
    elif kind == "float":
        s = rng.uniform(20, 100)
        out, label = (
            f"{FILLER}The entry is clean with little splash. Past dives scored 55 and 70. I would say the score is {s + rng.uniform(-9, 9):.1f}.",
            s,
        )
    elif kind == "timestamp":
        t = rng.random()
        out, label = (
            f"{FILLER}The ball falls about {round((t + rng.uniform(-0.15, 0.15)) * 100)}% of the way through the video.",
            t,
        )
    elif kind == "temporal_range":
        a = rng.uniform(0, 0.5)
        out, label = (
            f"{FILLER}The jump happens from {a * 20:.1f} to {(a + 0.3) * 20:.1f} seconds.",
            [a, a + rng.uniform(0.2, 0.4)],
        )
        return {
            "question_id": str(i),
            "output": out,
            "label": {"t": label},
            "label_type": ["t"],
            "verifier_type": [kind],
            "duration": 20.0,
        }
    elif kind == "bbox":
        x, y = rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8)
        out, label = (
            f"{FILLER}The cup is at [{x + rng.uniform(-0.05, 0.05):.2f}, {y:.2f}, 0.20, 0.20].",
            [x, y, 0.2, 0.2],
        )
    else:
        same = rng.random() < 0.5
        out, label = (
            f"{FILLER}Comparing both frames, they are {'' if rng.random() < 0.5 else 'not '}the same object.",
            "the same" if same else "not the same",
        )
    return {"question_id": str(i), "output": out, "label": {"t": label}, "label_type": ["t"], "verifier_type": [kind]}


def semantic_record(i: int, rng: random.Random) -> dict:
    steps = rng.sample(
        [
            "the diver jumps from the board",
            "the diver tucks",
            "the diver twists twice",
            "the diver enters the water",
            "the diver surfaces",
        ],
        3,
    )
    phr = [s.replace("the diver", "he") for s in steps]
    if i % 2:
        out = f"{FILLER}First, {phr[0]}. Then {phr[1]}. Finally {phr[2]}. It was an impressive dive number {i}."
        return {
            "question_id": str(i),
            "output": out,
            "label": {"s": steps},
            "label_type": ["s"],
            "verifier_type": ["sentence_sequence"],
        }
    out = f"{FILLER}In the clip {phr[0]} (take {i}). The crowd cheers afterwards."
    return {
        "question_id": str(i),
        "output": out,
        "label": {"s": steps[0]},
        "label_type": ["s"],
        "verifier_type": ["sentence"],
    }


def bench_inprocess(make, n: int, threads: int, **cfg_kw) -> dict:
    import torch

    from vstar_cli.io import Record
    from vstar_cli.stages.verify import VerifyConfig, run

    torch.set_num_threads(threads)
    rng = random.Random(0)
    recs = [Record(make(i, rng), lineno=i + 1) for i in range(n)]
    cfg = VerifyConfig(**cfg_kw)
    # warm up (loads the embedder for semantic kinds; not counted)
    list(run([Record(make(10**6 + i, rng), lineno=0) for i in range(4)], cfg))
    t = time.perf_counter()
    out = list(run(recs, cfg))
    dt = time.perf_counter() - t
    ok = sum(1 for r in out if isinstance(r, dict) and r.get("verified"))
    return {
        "records": n,
        "seconds": round(dt, 2),
        "records_per_s": round(n / dt, 1),
        "verified": ok,
        "threads": threads,
    }


def bench_cli_memory(n: int, path: Path) -> dict:
    rng = random.Random(1)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(rule_record(i, rng)) + "\n")
    cmd = [
        sys.executable,
        "-c",
        "import resource,sys,runpy; sys.argv=['vstar','verify',sys.argv[1],'-o','/dev/null','-q'];"
        "from vstar_cli.cli import app\ntry:\n app()\nexcept SystemExit: pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)",
        str(path),
    ]
    t = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, HF_HUB_OFFLINE="1"), cwd=ROOT)
    dt = time.perf_counter() - t
    rss_kb = int(res.stderr.strip().splitlines()[-1])
    return {
        "records": n,
        "seconds": round(dt, 1),
        "records_per_s": round(n / dt, 1),
        "peak_rss_mb": round(rss_kb / 1024, 1),
    }


def _long(s: str, n: int = 100_000) -> str:
    return (s * (n // len(s) + 1))[:n]


LONG_CASES = [
    ("simple", "label mentioned thousands of times", _long("playing guitar, "), "playing guitar", {}),
    ("simple", "phrase repeated", _long("the man is on a stage "), "riding a horse", {}),
    ("simple", "whitespace run", "he plays" + " " * 100_000 + "guitar", "playing guitar", {}),
    ("simple", "newline run before yes/no", "\n" * 100_000 + "maybe", True, {}),
    ("simple", "options restated", _long("the answer is a dog or a cat "), "B", {"choices": ["A. a cat", "B. a dog"]}),
    ("float", "'so' markers before numbers", _long("so 1 "), 5.0, {}),
    ("float", "digit run", "9" * 100_000, 5.0, {}),
    ("timestamp", "repeated clock times", _long("1:05 "), 0.3, {"duration": 40}),
    ("temporal_range", "repeated clock times", _long("1:05 "), [0.1, 0.3], {"duration": 400}),
    ("temporal_range", "repeated start cues", _long("starts at 0.1 and "), [0.1, 0.3], {}),
    ("bbox", "digit run in a box", "[0." + "1" * 100_000 + ", 0.2", [0.5, 0.5, 0.2, 0.2], {}),
    ("same_or_not", "repeated negation", _long("not "), "the same", {}),
    ("sentence", "repeated sentence", _long("The man walks his dog. "), "the man opens the door", {}),
    ("sentence_sequence", "whitespace run", "he jumps" + " " * 100_000 + "then he tucks", ["he jumps", "he tucks"], {}),
]


def bench_long_answers(repeats: int = 3) -> dict:
    """Milliseconds per label for 100,000-character degenerate answers (target < 50 ms, rule kinds)."""
    import torch

    from vstar_cli.stages.verify import Context, VerifyConfig
    from vstar_cli.verify.registry import builtin
    from vstar_cli.verify.verdict import CannotJudge

    kinds = {k.name: k for k in builtin()}

    torch.set_num_threads(1)
    ctx = Context(VerifyConfig())
    out = {}
    for kind, what, answer, label, record in LONG_CASES:
        check = kinds[kind].check
        try:
            check(answer[:200], label, record, ctx)  # warm-up (loads the embedder once)
        except CannotJudge:
            pass
        best = float("inf")
        for _ in range(repeats):
            t = time.perf_counter()
            check(answer, label, record, ctx)
            best = min(best, time.perf_counter() - t)
        out[f"{kind}: {what}"] = {"ms": round(best * 1000, 1), "semantic": kinds[kind].needs_embedder}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--records", type=int, default=200_000, help="records streamed through the CLI for the memory check"
    )
    ap.add_argument("--rule", type=int, default=30_000, help="records for the in-process rule-based timing")
    ap.add_argument("--semantic", type=int, default=2_000, help="records for the semantic timing")
    args = ap.parse_args()

    # The CLI runs first: Linux carries a parent's peak RSS into forked children, so the
    # parent must not have loaded torch yet.
    results: dict = {}
    with tempfile.TemporaryDirectory() as d:
        small = bench_cli_memory(args.records // 10, Path(d) / "small.jsonl")
        large = bench_cli_memory(args.records, Path(d) / "large.jsonl")
    results["cli_memory"] = {
        "small": small,
        "large": large,
        "rss_growth_mb": round(large["peak_rss_mb"] - small["peak_rss_mb"], 1),
    }
    print("CLI streaming:", results["cli_memory"], flush=True)
    results["rule_based_1_core"] = bench_inprocess(rule_record, args.rule, 1)
    print("rule-based (1 core):", results["rule_based_1_core"], flush=True)
    results["semantic_2_cores"] = bench_inprocess(semantic_record, args.semantic, 2)
    print("semantic (2 cores, batched):", results["semantic_2_cores"], flush=True)
    results["semantic_2_cores_fp32"] = bench_inprocess(
        semantic_record, args.semantic // 2, 2, embedder_precision="fp32"
    )
    print("semantic (2 cores, batched, fp32 embedder):", results["semantic_2_cores_fp32"], flush=True)
    results["long_answers_100k_chars"] = bench_long_answers()
    for name, r in results["long_answers_100k_chars"].items():
        print(f"100k-char answer, {name}: {r['ms']} ms", flush=True)
    rule_ms = [r["ms"] for r in results["long_answers_100k_chars"].values() if not r["semantic"]]
    results["targets_met"] = {
        "long_answer_rule_kinds_<50ms_per_label": max(rule_ms) < 50,
        "rule_based_>=5000_per_s": results["rule_based_1_core"]["records_per_s"] >= 5000,
        "semantic_>=200_per_s": results["semantic_2_cores"]["records_per_s"] >= 200,
        "memory_flat_(<20MB_growth)": results["cli_memory"]["rss_growth_mb"] < 20,
    }
    print("targets:", results["targets_met"])
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "verify.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
