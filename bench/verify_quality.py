"""How well `vstar verify` judges answers: precision, recall and agreement on the judged corpus.

The corpus (tests/data/verify_corpus.jsonl, written by tests/data/make_verify_corpus.py) holds
answers in the styles video LVLMs use, each with the verdict a careful judge gives and the
failure class it exercises. This reports, per class, per kind and per split ("tune": phrasings
the verifier was developed against; "heldout": phrasings it was not tuned on):

* precision: of the answers the verifier accepts, the share a judge accepts;
* recall: of the answers a judge accepts, the share the verifier accepts;
* agreement: the share of answers where both agree;
* errors: records whose gold label the kind cannot read (``CannotJudge``).

The open-answer corpus (tests/data/open_answer_corpus.jsonl, written by
tests/data/make_open_answer_corpus.py: open-ended answers judged against a gold sentence that
answers the record's question, kind ``open_answer``) is reported after it, per class and per
question type (yes/no, entity, number), under ``open_answer`` in the JSON.

Run with `make bench` or `python bench/verify_quality.py [--show 20]`. The JSON goes to
bench/out/verify_quality.json, the tables to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

CORPUS = ROOT / "tests" / "data" / "verify_corpus.jsonl"
STYLES = ROOT / "tests" / "data" / "verify_styles.jsonl"
"""Hand-written answers in the styles of issue 21: captions against options, time ranges followed by
more words or stated apart, reasoning containers (``<think>``/``<answer>``, ``\\boxed{}``, "Final answer:")."""
STYLES_HELDOUT = ROOT / "tests" / "data" / "verify_styles_heldout.jsonl"
"""The same styles by a second hand, not tuned on (tests/data/make_verify_heldout.py), with traps."""
OPEN_CORPUS = ROOT / "tests" / "data" / "open_answer_corpus.jsonl"

from tests.verify.agreement import judge_all, report, scores  # noqa: E402, F401 - the scoring the floor tests assert


def load(path: Path = CORPUS) -> list[dict]:
    """The corpus records."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _table(res: dict) -> str:
    lines = [f"{'group':34s} {'n':>5s} {'prec':>6s} {'recall':>6s} {'agree':>6s} {'fp':>4s} {'fn':>4s} {'err':>4s}"]

    def row(name: str, s: dict) -> str:
        f = lambda x: "  -   " if x is None else f"{x:6.3f}"  # noqa: E731
        return (
            f"{name:34s} {s['n']:5d} {f(s['precision'])} {f(s['recall'])} {f(s['agreement'])}"
            f" {s['fp']:4d} {s['fn']:4d} {s['errors']:4d}"
        )

    lines.append(row("overall", res["overall"]))
    for group in ("split", "class", "kind", "trap", "qtype"):
        if not res.get(group):
            continue
        lines.append(f"-- by {group}")
        lines.extend(row(k, s) for k, s in res[group].items())
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--show", type=int, default=0, help="print this many disagreements to stderr")
    ap.add_argument("--styles-show", action="store_true", help="print every disagreement on the second-hand styles")
    ap.add_argument("--no-semantic", action="store_true", help="skip the embedding kinds (no model load)")
    ap.add_argument("--split", choices=["tune", "heldout"], help="only this split")
    args = ap.parse_args()
    rows = load(args.corpus)
    if args.split:
        rows = [r for r in rows if r.get("split", "tune") == args.split]
    t = time.perf_counter()
    got = judge_all(rows, semantic=not args.no_semantic)
    dt = time.perf_counter() - t
    res = report(rows, got)
    res["seconds"] = round(dt, 2)
    print(_table(res), file=sys.stderr)
    if args.corpus == CORPUS and STYLES.exists():
        styles = load(STYLES)
        res["styles"] = report(styles, judge_all(styles, semantic=not args.no_semantic))
        print("-- hand-written styles (tests/data/verify_styles.jsonl)", file=sys.stderr)
        print(_table(res["styles"]), file=sys.stderr)
    if args.corpus == CORPUS and STYLES_HELDOUT.exists():
        held = load(STYLES_HELDOUT)
        hgot = judge_all(held, semantic=not args.no_semantic)
        res["styles_heldout"] = report(held, hgot)
        print("-- second-hand styles with traps (tests/data/verify_styles_heldout.jsonl)", file=sys.stderr)
        print(_table(res["styles_heldout"]), file=sys.stderr)
        if args.styles_show:
            for r, g in zip(held, hgot, strict=True):
                if g["reason"] != "skipped" and g["got"] is not bool(r["expected"]):
                    print(
                        f"  [{r['class']}/{r.get('trap', '-')}/{r['split']}] expected={r['expected']} got={g['got']} "
                        f"label={r['label']['t']!r} output={r['output'][:220]!r} reason={g['reason'][:120]!r}",
                        file=sys.stderr,
                    )
    shown = 0
    for r, g in zip(rows, got, strict=True):
        if shown >= args.show:
            break
        if g["reason"] != "skipped" and g["got"] is not bool(r["expected"]):
            shown += 1
            print(
                f"[{r['class']}/{r['verifier_type'][0]}/{r.get('split')}] expected={r['expected']} got={g['got']} "
                f"label={r['label']['t']!r} output={r['output'][:160]!r} reason={g['reason'][:100]!r}",
                file=sys.stderr,
            )
    if args.corpus == CORPUS and not args.no_semantic:
        open_rows = load(OPEN_CORPUS)
        if args.split:
            open_rows = [r for r in open_rows if r.get("split", "tune") == args.split]
        open_res = report(open_rows, judge_all(open_rows))
        print("\nopen-answer corpus (kind open_answer):\n" + _table(open_res), file=sys.stderr)
        res["open_answer"] = open_res
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "verify_quality.json").write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
