"""Benchmark of the ``open_answer`` kind: records/s on answers of 50-150 words, and how it compares.

Speed (issue 25: >= 200 records/s on 2 cores for answers of 50-150 words): the answers of the
open-answer corpus (tests/data/open_answer_corpus.jsonl), each lengthened to 50-150 words with
neutral narration sentences ("The camera stays steady ..."), streamed through ``vstar verify``'s
pipeline in process (``stages.verify.run``, embedder batching as in the CLI) with torch on 2
threads. Each record is a new answer text, so no cache is warm for it.

Quality: on the same corpus, ``open_answer`` against ``sentence`` (the gold as one statement to
be stated) and, on yes/no questions, against the rule "the leading yes/no agree".

Run with `make bench` or `python bench/verify_open_answer.py [--records 2000]`. Results go to
stdout and bench/out/verify_open_answer.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.verify.agreement import LEADING_YES_NO  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

CORPUS = ROOT / "tests" / "data" / "open_answer_corpus.jsonl"
NARRATION = [
    "The camera stays steady for most of the clip and the lighting does not change.",
    "Some furniture can be seen in the background, including a lamp and a low cabinet.",
    "The scene is filmed indoors during the day, with light coming from the side.",
    "There is some background noise, and the video lasts around twenty seconds.",
    "Let me describe what happens in the video step by step before answering.",
    "The framing is fairly wide, so most of the room is visible at once.",
    "A few small objects rest on the surfaces, but they are not the focus of the clip.",
    "The colors are natural and the picture is reasonably sharp throughout.",
]


def lengthen(output: str, rng: random.Random, lo: int = 50, hi: int = 150) -> str:
    """The answer with neutral narration added until it has ``lo``-``hi`` words (a leading yes/no stays first)."""
    target = rng.randint(lo, hi)
    m = LEADING_YES_NO.match(output)
    head, body = (output[: m.end()], output[m.end() :]) if m else ("", output)
    before, after = [], []
    words = len(output.split())
    while words < target:
        s = rng.choice(NARRATION)
        (before if rng.random() < 0.6 else after).append(s)
        words += len(s.split())
    return " ".join(x for x in [head.strip(), *before, body.strip(), *after] if x)


def records(n: int, seed: int = 0) -> list[dict]:
    rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8")]
    rng = random.Random(seed)
    out = []
    for i in range(n):
        r = dict(rng.choice(rows))
        r["question_id"] = f"b{i}"
        r["output"] = lengthen(r["output"], rng) + f" (Clip {i}.)"
        out.append(r)
    return out


def bench_speed(n: int, threads: int = 2) -> dict:
    import torch

    from vstar_cli.io import Record
    from vstar_cli.stages.verify import VerifyConfig, run

    torch.set_num_threads(threads)
    recs = records(n)
    words = [len(r["output"].split()) for r in recs]
    cfg = VerifyConfig()
    list(run([Record(r, lineno=0) for r in records(8, seed=1)], cfg))  # warm-up: loads the embedder
    t = time.perf_counter()
    out = list(run([Record(r, lineno=i + 1) for i, r in enumerate(recs)], cfg))
    dt = time.perf_counter() - t
    return {
        "records": n,
        "words_min": min(words),
        "words_max": max(words),
        "words_mean": round(sum(words) / n, 1),
        "seconds": round(dt, 2),
        "records_per_s": round(n / dt, 1),
        "verified": sum(1 for r in out if isinstance(r, dict) and r.get("verified")),
        "threads": threads,
        "load_average_1min": round(os.getloadavg()[0], 2),  # other work on the machine slows torch most
    }


def quality() -> dict:
    import verify_quality

    from tests.verify.agreement import leading_yes_no

    rows = verify_quality.load(CORPUS)
    got = verify_quality.judge_all(rows)
    res = {"open_answer": verify_quality.report(rows, got)}
    as_sentence = [{**r, "verifier_type": ["sentence"]} for r in rows]
    res["sentence"] = verify_quality.report(as_sentence, verify_quality.judge_all(as_sentence))
    both = [(r, g) for r, g in zip(rows, got, strict=True) if leading_yes_no(r["output"], r["label"]["t"]) is not None]
    rule = [(bool(r["expected"]), leading_yes_no(r["output"], r["label"]["t"])) for r, _ in both]
    ours = [(bool(r["expected"]), g["got"]) for r, g in both]
    res["both_lead_with_yes_no"] = {
        "n": len(both),
        "leading_yes_no_rule": verify_quality.scores(rule),
        "open_answer": verify_quality.scores(ours),
    }
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=2000, help="records for the speed figure")
    ap.add_argument("--no-quality", action="store_true", help="only the speed figure")
    ap.add_argument("--threads", type=int, default=2, help="torch threads for the embedder (the target is 2 cores)")
    args = ap.parse_args()
    results: dict = {"speed_2_cores": bench_speed(args.records, args.threads)}
    print(f"open_answer, 50-150 words, torch on {args.threads} threads:", results["speed_2_cores"], flush=True)
    if not args.no_quality:
        q = quality()
        results["quality"] = q
        for name in ("open_answer", "sentence"):
            print(f"{name} on the open-answer corpus:", q[name]["overall"], flush=True)
        for c, s in q["open_answer"]["class"].items():
            if "/" not in c:
                print(f"  open_answer class {c}: {s}", flush=True)
        yn = q["both_lead_with_yes_no"]
        print(
            f"answers and golds both leading with yes/no ({yn['n']}): rule agreement"
            f" {yn['leading_yes_no_rule']['agreement']}, open_answer {yn['open_answer']['agreement']}",
            flush=True,
        )
    results["targets_met"] = {"open_answer_>=200_per_s": results["speed_2_cores"]["records_per_s"] >= 200}
    print("targets:", results["targets_met"])
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "verify_open_answer.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
