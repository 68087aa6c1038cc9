"""The online arm beside the cycles: accuracy per point, wall time from file times, equal-time pairs."""

import json
import os

from typer.testing import CliRunner

from tests.reporting.test_seeds import make_run, write_eval
from vstar_cli.cli import app
from vstar_cli.reporting.online import at_time, compare, markdown


def _age(run, name, seconds):
    """Set ``name``'s metrics.json to ``seconds`` after the run's base evaluation."""
    t0 = os.path.getmtime(run / "base" / "metrics.json")
    os.utime(run / name / "metrics.json", (t0 + seconds, t0 + seconds))


def _runs(tmp_path):
    cyc = make_run(tmp_path / "vstar", [0, 0, 0, 0], [[1, 0, 0, 0], [1, 1, 1, 0]])
    _age(cyc, "cycle1", 100)
    _age(cyc, "cycle2", 300)
    online = tmp_path / "grpo"
    write_eval(online / "base", [0, 0, 0, 0])
    for k, (out, secs, steps) in enumerate([([1, 1, 0, 0], 150, 30), ([1, 1, 1, 1], 350, 60)], start=1):
        write_eval(online / f"cycle{k}", out)
        (online / f"cycle{k}" / "train_summary.json").write_text(json.dumps({"steps": steps}))
        _age(online, f"cycle{k}", secs)
    return cyc, online


def test_compare_pairs_each_online_point_with_the_cycles_reached_in_the_same_time(tmp_path):
    cyc, online = _runs(tmp_path)
    d = compare([cyc], [online], seeds=[0])
    assert d["cycles"]["accuracy"] == [0.25, 0.75] and d["cycles"]["seconds"] == [100.0, 300.0]
    assert d["online"]["accuracy"] == [0.5, 1.0] and d["online"]["steps"] == [30, 60]
    assert [(e["seconds"], e["cycle"], e["cycle_accuracy"]) for e in d["equal_time"]] == [
        (150.0, 1, 0.25),
        (350.0, 2, 0.75),
    ]
    assert at_time(d["cycles"], 50) == (0, 0.0)  # before cycle 1: the base
    md = markdown(d)
    assert "| GRPO | 60 steps | 350.0 | 1.000" in md and "at 150 s: GRPO 0.500, Video-STaR 0.250 (cycle 1)" in md


def test_report_online_option_adds_the_arm_to_the_summary(tmp_path):
    cyc, online = _runs(tmp_path)
    out = tmp_path / "summary.json"
    res = CliRunner().invoke(app, ["report", str(cyc), "--online", str(online), "--summary", str(out)])
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["online"]["online"]["accuracy"] == [0.5, 1.0]
    assert "Online GRPO beside the Video-STaR cycles" in (tmp_path / "summary.md").read_text()
    bad = CliRunner().invoke(app, ["report", str(cyc), "--online", str(online)])
    assert bad.exit_code == 2 and "--summary" in bad.output
