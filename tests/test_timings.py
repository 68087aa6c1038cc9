"""VSTAR_TIMINGS: each vstar process appends its seconds, startup and model and embedder loading apart."""

import json
import os
import subprocess
import sys
import time

from vstar_cli import timings


def test_sections_count_once_when_nested_and_add_up():
    timings._sections.pop("demo_part", None)
    with timings.section("demo_part"):
        with timings.section("demo_part"):
            pass
    first = timings._sections["demo_part"]

    @timings.timed("demo_part")
    def f():
        return 7

    assert f() == 7
    assert timings._sections["demo_part"] >= first >= 0 and "demo_part" not in timings._active
    timings._sections.pop("demo_part")


def test_process_start_is_in_the_past():
    assert timings.process_start() <= time.time()


def test_read_skips_what_is_not_a_timing_line_and_says_how_many(tmp_path, caplog):
    path = tmp_path / "t.jsonl"
    path.write_text(
        '{"command": "eval", "seconds": 2}\n[1]\n{"seconds": 3}\nnot json\n{"command": "x", "seconds": "9"}\n'
    )
    with caplog.at_level("WARNING", logger="vstar.timings"):
        assert timings.read(path) == [{"command": "eval", "seconds": 2}]
    assert [r.getMessage() for r in caplog.records] == [
        f"timings: 4 of 5 lines of {path} are not timing records; skipped"
    ]
    assert timings.read(tmp_path / "absent.jsonl") == []


def _verify(rec: dict, env: dict, tmp_path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(rec) + "\n")
    res = subprocess.run([sys.executable, "-m", "vstar_cli", "verify", str(src), "-q"], env=env,
                         capture_output=True, text=True, check=False)  # fmt: skip
    assert res.returncode == 0 and json.loads(res.stdout)["verified"] is True, res.stderr


def test_a_vstar_process_appends_its_line(tmp_path):
    """The real command line: `vstar verify` appends one line per process; the embedder only when records need it."""
    out = tmp_path / "t.jsonl"
    env = dict(os.environ, VSTAR_TIMINGS=str(out), HF_HUB_OFFLINE="1")
    rule = {"question_id": "q", "label": {"n": 3.0}, "label_type": ["n"], "verifier_type": ["float"], "output": "3"}
    sentence = {"question_id": "s", "output": "The diver jumps from the board, then enters the water.",
                "label": {"s": "the diver jumps off the board"}, "label_type": ["s"], "verifier_type": ["sentence"]}  # fmt: skip
    _verify(rule, env, tmp_path)
    _verify(sentence, env, tmp_path)
    lines = timings.read(out)
    assert [x["command"] for x in lines] == ["verify", "verify"]
    assert all(x["seconds"] >= x["startup"] > 0 for x in lines)
    assert "embedder_load" not in lines[0] and lines[1]["embedder_load"] > 0  # a rule kind loads no embedder
    assert all("model_load" not in x for x in lines)
    env.pop("VSTAR_TIMINGS")
    _verify(rule, env, tmp_path)
    assert len(timings.read(out)) == 2  # unset: nothing written
