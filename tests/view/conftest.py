"""Records for the viewer's tests: verified, rejected, rationalized, erroneous; spans, no spans; broken videos."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fixtures.media import write_video
from vstar_cli import prompts


def span_of(text: str, part: str) -> list[int]:
    """Code-point offsets of ``part`` in ``text`` (what a verifier writes)."""
    start = text.index(part)
    return [start, start + len(part)]


@dataclass
class Crafted:
    """The files written, and what the page must show for them."""

    answers: Path
    errors: Path
    videos: Path
    records: list[dict]
    n_errors: int

    @property
    def total(self) -> int:
        return len(self.records) + self.n_errors


def write_jsonl(path: Path, docs: list[dict], extra: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs) + extra, encoding="utf-8")
    return path


def base(i: int, video: str, **extra) -> dict:
    rec = {
        "question_id": f"q{i}",
        "video_path": video,
        "question": "Which way does the white bar move?",
        "label": {"direction": "right"},
        "label_type": ["direction"],
        "verifier_type": ["simple"],
        "duration": 2.0,
        "source": "generate",
        "sample_index": 0,
        "model": "tiny-qwen",
        "prompt": prompts.build_prompt(
            prompts.GENERATE_TEMPLATE, {"question": "Which way does the white bar move?"}, False
        ),
    }
    rec.update(extra)
    return rec


def craft(root: Path) -> Crafted:
    """Seven answered records over three good videos, one missing and one corrupt, plus an errors file."""
    videos = root / "videos"
    videos.mkdir(parents=True, exist_ok=True)
    for i in range(3):
        write_video(videos / f"clip{i}.mp4", n_frames=24, seed=i)
    (videos / "corrupt.mp4").write_bytes(b"\x00\x01not a video at all" * 50)
    recs = []
    # A non-BMP character before the span: offsets are code points, as Python counts them.
    out = "🎸 Step by step: the bar slides, so it moves right across the clip."
    recs.append(
        base(0, "clip0.mp4", output=out, verified=True,
             verdict={"direction": {"ok": True, "extracted": "right", "reason": "label asserted", "span": span_of(out, "right")}})
    )  # fmt: skip
    out = "The bar goes left. It is a red bar."
    recs.append(
        base(1, "clip1.mp4", output=out, verified=False,
             label={"direction": "right", "color": "red"}, label_type=["direction", "color"], verifier_type=["simple", "simple"],
             verdict={"direction": {"ok": False, "extracted": "left", "reason": "label 'right' not found in the answer", "span": span_of(out, "left")},
                      "color": {"ok": True, "extracted": "red", "reason": "label asserted", "span": span_of(out, "red")}})
    )  # fmt: skip
    rat = base(2, "clip2.mp4", source="rationalize", label={"direction": "right"})
    rat["prompt"] = prompts.build_prompt(prompts.RATIONALIZE_TEMPLATE, rat, True)
    out = "Given the hint, the bar indeed moves right."
    rat.update(output=out, verified=True,
               verdict={"direction": {"ok": True, "extracted": "right", "reason": "label asserted", "span": span_of(out, "right")}})  # fmt: skip
    recs.append(rat)
    # No span (an older verifier): no highlight, and nothing is re-parsed.
    recs.append(
        base(3, "clip0.mp4", output="It moves to the right.", verified=True,
             verdict={"direction": {"ok": True, "extracted": "right", "reason": "label asserted"}})
    )  # fmt: skip
    # Markup in an answer is text, never HTML: this must not load anything.
    out = "<img src='http://example.invalid/x.png'> moves right <script>alert(1)</script>"
    recs.append(
        base(4, "clip1.mp4", output=out, verified=True, question="Where? <b>bold</b>",
             verdict={"direction": {"ok": True, "extracted": "right", "reason": "label asserted", "span": span_of(out, "right")}})
    )  # fmt: skip
    recs.append(
        base(5, "gone.mp4", output="It moves up.", verified=False,
             verdict={"direction": {"ok": False, "extracted": None, "reason": "label 'right' not found in the answer"}})
    )  # fmt: skip
    recs.append(
        base(6, "corrupt.mp4", output="Left, I think.", verified=False, source="rationalize",
             verdict={"direction": {"ok": False, "extracted": "left", "reason": "the answer negates 'right'", "span": [0, 4]}})
    )  # fmt: skip
    answers = write_jsonl(root / "answers.jsonl", recs)
    errors = write_jsonl(
        root / "errors.jsonl",
        [
            {
                "line": 9,
                "record": base(9, "clip2.mp4", verifier_type=["nope"]),
                "reason": "unknown verifier kind 'nope'",
            },
            {"line": 12, "raw": "{not json", "reason": "malformed JSON: Expecting property name at column 2"},
        ],
    )
    return Crafted(answers, errors, videos, recs, 2)


@pytest.fixture
def crafted(tmp_path) -> Crafted:
    return craft(tmp_path / "data")


def fabricate_run(root: Path, data: Crafted, cycles: int = 2, report_png: bool = True) -> Path:
    """A run folder laid out like recipes/cycle.mk's, from crafted records."""
    run = root
    (run / "base").mkdir(parents=True, exist_ok=True)
    for c in range(1, cycles + 1):
        cdir = run / f"cycle{c}"
        gen = [dict(r, question_id=f"c{c}-{r['question_id']}") for r in data.records if r["source"] == "generate"]
        rat = [dict(r, question_id=f"c{c}-{r['question_id']}") for r in data.records if r["source"] == "rationalize"]
        write_jsonl(cdir / "gen.jsonl", gen)
        write_jsonl(cdir / "ver.jsonl", gen)
        write_jsonl(cdir / "rej.jsonl", [r for r in gen if not r["verified"]])
        write_jsonl(cdir / "ratver.jsonl", rat)
        write_jsonl(cdir / "sft.jsonl", [r for r in gen + rat if r["verified"]])
        write_jsonl(cdir / "verify.errors.jsonl", [{"line": 3, "raw": "{oops", "reason": "malformed JSON"}])
    if report_png:
        from vstar_cli.reporting.report import write

        write(run)
    return run


def fabricate_summary(root: Path, data: Crafted) -> tuple[Path, Path, Path]:
    """A run, its ablation and their ``vstar report --summary`` file: one motion question, evaluated at
    base and cycle 1, right only in the run's cycle 1 (so rationalization's effect is +100 points)."""
    from vstar_cli.reporting.seeds import summarize

    run = fabricate_run(root / "seed0" / "vstar", data, cycles=1)
    abl = fabricate_run(root / "seed0" / "no-rationalization", data, cycles=1, report_png=False)
    for r in (run, abl):
        for d in ("base", "cycle1"):
            ok = r == run and d == "cycle1"
            rec = {"question_id": "q", "label_type": ["motion"], "verified": ok, "verdict": {"motion": {"ok": ok}}}
            write_jsonl(r / d / "details.jsonl", [rec])
    summary = root / "summary.json"
    summary.write_text(json.dumps(summarize([run], [abl])), encoding="utf-8")
    return run, abl, summary
