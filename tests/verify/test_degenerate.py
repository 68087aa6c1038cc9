"""Degenerate answers (issue 12): every check stays linear and bounded.

Each case runs in a subprocess with a generous time limit, so a quadratic or exponential
regular expression fails the test instead of hanging the suite. No timing is asserted
beyond that guard; `bench/verify.py` reports the per-label milliseconds.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
N = 100_000


def rep(s: str) -> str:
    return (s * (N // len(s) + 1))[:N]


CASES = [
    ("simple", "he plays" + " " * N + "guitar", "playing guitar", {}),
    ("sentence_space_runs", "he jumps" + " " * N + "x", None, {}),
    ("timestamp", rep("1:05 "), 0.3, {"duration": 40}),
    ("temporal_range", rep("1:05 "), [0.1, 0.3], {"duration": 400}),
    ("temporal_range", rep("starts at 0.1 and "), [0.1, 0.3], {}),
    ("simple", "\n" * N + "maybe", True, {}),
    ("simple", "\n" * N + "yes", True, {}),
    ("float", rep("so ") + "5", 5.0, {}),
    ("float", rep("so 1 "), 5.0, {}),
    ("bbox", "[" + "1" * N, [0.5, 0.5, 0.2, 0.2], {}),
    ("bbox", "[0." + "1" * N + ", 0.2", [0.5, 0.5, 0.2, 0.2], {}),
    ("bbox", rep("[0.5, 0.5, 0.2, "), [0.5, 0.5, 0.2, 0.2], {}),
    ("simple", rep("playing guitar, "), "playing guitar", {}),
    ("simple", rep("the man is on a stage "), "riding a horse", {}),
    ("simple", rep("the answer is a dog or a cat "), "B", {"choices": ["A. a cat", "B. a dog"]}),
    ("same_or_not", rep("not "), "the same", {}),
    ("float", "9" * N, 5.0, {}),
    ("float", rep("twenty "), 5.0, {}),
    ("float", rep("8.5 out of "), 8.5, {}),
    ("simple", rep("option a, "), "A", {"question": "Which? A. x B. y"}),
    ("simple", rep("(A) "), "A", {"question": rep("(A) x (B) y ")}),
]

SCRIPT = """
import json, sys
from vstar_cli.verify import classes, clauses, numeric
from vstar_cli.verify.verdict import CannotJudge
cases = json.loads(sys.stdin.read())
for i, (kind, answer, label, record) in enumerate(cases):
    if kind == "sentence_space_runs":
        clauses.clauses(answer); clauses.units(answer, ordered=False)
        continue
    fn = {"simple": classes.verify_simple, "same_or_not": classes.verify_same_or_not,
          "float": numeric.verify_float, "timestamp": numeric.verify_timestamp,
          "temporal_range": numeric.verify_temporal_range, "bbox": numeric.verify_bbox}[kind]
    v = fn(answer, label, record, None)
    assert v.span is None or 0 <= v.span[0] <= v.span[1] <= len(answer), (kind, v)
    print("done", i, flush=True)
print("ok")
"""


def test_degenerate_answers_are_bounded():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    try:
        res = subprocess.run(
            [sys.executable, "-c", SCRIPT],
            input=json.dumps(CASES),
            capture_output=True,
            text=True,
            timeout=60,  # a guard, not a timing: each linear check takes milliseconds
            env=env,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired as exc:
        done = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        n = done.count("done")
        pytest.fail(f"case {n} {CASES[n][0]!r} ({CASES[n][1][:30]!r}...) did not finish")
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip().endswith("ok")
