"""``vstar report`` over several seeds: means, two-level bootstrap intervals, per-label gains."""

import doctest
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from vstar_cli.cli import app
from vstar_cli.reporting import report
from vstar_cli.reporting import seeds as seeds_stats
from vstar_cli.reporting.seeds import mean_ci, read_outcomes, summarize

runner = CliRunner()
TYPES = ("count", "motion")


def qid(i: int) -> str:
    return f"q{i:04d}"


def write_eval(d, outcomes, types=TYPES, missing=(), error=()):
    """details.jsonl + metrics.json of one evaluation; an outcome is 0/1, or a list of samples."""
    d.mkdir(parents=True, exist_ok=True)
    lines, flat = [], []
    for i, o in enumerate(outcomes):
        if i in missing:
            continue
        lt = types[i % len(types)]
        for ok in o if isinstance(o, list) else [o]:
            rec = {"question_id": qid(i), "label_type": [lt], "verified": bool(ok), "verdict": {lt: {"ok": bool(ok)}}}
            if i in error:
                rec = {"question_id": qid(i), "label_type": [lt], "error": "model failed", "verified": True}
            lines.append(json.dumps(rec))
            flat.append(float(bool(ok)))
    (d / "details.jsonl").write_text("\n".join(lines) + "\n")
    acc = round(sum(flat) / len(flat), 4) if flat else None
    (d / "metrics.json").write_text(json.dumps({"overall": {"accuracy": acc, "n": len(flat)}, "per_label_type": {}}))


def write_cycle(d, outcomes, kept=(10, 2), **kw):
    write_eval(d, outcomes, **kw)
    (d / "ver.jsonl").write_text(
        "".join(json.dumps({"label_type": ["count"], "verified": True}) + "\n" for _ in range(kept[0]))
    )
    (d / "ratver.jsonl").write_text(
        "".join(json.dumps({"label_type": ["count"], "verified": True}) + "\n" for _ in range(kept[1]))
    )


def make_run(root, base, cycles, kept=(10, 2)):
    """A run dir: base outcomes and one outcome list per cycle."""
    write_eval(root / "base", base)
    for c, out in enumerate(cycles, start=1):
        write_cycle(root / f"cycle{c}", out, kept)
    return root


def test_means_per_seed_and_per_label_type(tmp_path):
    # 4 questions: q0, q2 count; q1, q3 motion.
    r0 = make_run(tmp_path / "s0", [0, 0, 0, 0], [[1, 0, 0, 0], [1, 1, 0, 0]], kept=(10, 2))
    r1 = make_run(tmp_path / "s1", [1, 0, 0, 0], [[1, 1, 0, 0], [1, 1, 1, 1]], kept=(20, 4))
    a0 = make_run(tmp_path / "a0", [0, 0, 0, 0], [[0, 0, 0, 0]])
    a1 = make_run(tmp_path / "a1", [0, 0, 0, 0], [[1, 0, 0, 0]])
    d = summarize([r0, r1], [a0, a1], seeds=[7, 9])
    assert d["seeds"] == [7, 9]
    assert d["base_accuracy"] == 0.125 and d["cycle_accuracy"] == [0.375, 0.75]
    assert d["no_rationalization_accuracy"] == [0.125] and d["rationalization_effect"] == [0.25]
    assert d["no_rationalization_kept_generate"] == [10.0]
    assert d["gain"] == 0.625 and d["gain_cycle"] == 2 and d["gain_seeds"] == 2
    assert d["kept_generate"] == [15.0, 15.0] and d["kept_rationalize"] == [3.0, 3.0]
    assert d["per_seed"]["7"]["cycle_accuracy"] == [0.25, 0.5] and d["per_seed"]["9"]["base_accuracy"] == 0.25
    assert d["per_seed"]["9"]["kept_generate"] == [20, 20]
    # count: base (0 + 0.5)/2, cycle 2 (0.5 + 1)/2; motion: base 0, cycle 2 (0.5 + 1)/2.
    assert d["base_per_label_type"] == {"count": 0.25, "motion": 0.0}
    assert d["per_label_type"]["2"] == {"count": 0.75, "motion": 0.75}
    assert d["per_label_type_gain"] == {"count": 0.5, "motion": 0.75}
    assert d["per_seed"]["7"]["per_label_type"]["1"] == {"count": 0.5, "motion": 0.0}


def test_intervals_contain_the_mean_are_deterministic_and_shrink_with_questions(tmp_path):
    rng = np.random.default_rng(1)

    def runs(n, tag):
        out = []
        for s in range(3):
            base = list((rng.random(n) < 0.3).astype(int))
            cyc = [list((rng.random(n) < p).astype(int)) for p in (0.4, 0.5)]
            out.append(make_run(tmp_path / f"{tag}{s}", base, cyc))
        return out

    small, large = summarize(runs(40, "small")), summarize(runs(800, "large"))
    for d in (small, large):
        for mean, (lo, hi) in [
            (d["base_accuracy"], d["base_ci"]),
            *zip(d["cycle_accuracy"], d["cycle_ci"], strict=True),
        ]:
            assert lo <= mean <= hi and lo < hi
        lo, hi = d["gain_ci"]
        assert lo <= d["gain"] <= hi
        for t, g in d["per_label_type_gain"].items():
            assert d["per_label_type_gain_ci"][t][0] <= g <= d["per_label_type_gain_ci"][t][1]
        for c, row in d["per_label_type"].items():
            for t, m in row.items():
                assert d["per_label_type_ci"][c][t][0] <= m <= d["per_label_type_ci"][c][t][1]
    width = lambda d: d["cycle_ci"][-1][1] - d["cycle_ci"][-1][0]  # noqa: E731
    assert width(large) < 0.5 * width(small)
    again = summarize([tmp_path / f"small{s}" for s in range(3)])
    assert again["cycle_ci"] == small["cycle_ci"] and again["gain_ci"] == small["gain_ci"]


@pytest.mark.parametrize("k", [0.0, 0.5])
def test_a_constant_gain_on_every_question_has_an_exact_interval(tmp_path, k):
    rng = np.random.default_rng(3)
    roots = []
    for s in range(3):
        right = rng.integers(0, 2, 50)  # each question answered twice; at base 0 or 1 of the 2 right
        base = [[1] * h + [0] * (2 - h) for h in right]
        step = int(k * 2)
        cycle = [[1] * (sum(b) + step) + [0] * (2 - sum(b) - step) for b in base]
        roots.append(make_run(tmp_path / f"s{s}", base, [cycle]))
    d = summarize(roots)
    assert d["gain"] == k and d["gain_ci"] == [k, k]
    assert d["base_ci"][1] - d["base_ci"][0] > 0.05  # unpaired, the same data would give a wide interval


def test_missing_questions_and_error_records_count_as_wrong(tmp_path):
    run = make_run(tmp_path / "r", [1, 1, 1, 1], [[1, 1, 1, 1]])
    write_cycle(run / "cycle1", [1, 1, 1, 1], missing={0}, error={1})
    (run / "cycle1" / "details.jsonl").write_text((run / "cycle1" / "details.jsonl").read_text() + "not json\n")
    d = summarize(run)
    assert d["base_accuracy"] == 1.0 and d["cycle_accuracy"] == [0.5]
    assert d["per_label_type"]["1"] == {"count": 0.5, "motion": 0.5}
    assert read_outcomes(tmp_path / "nowhere.jsonl") is None


def test_without_details_the_metrics_accuracy_is_used_without_interval(tmp_path):
    r0 = make_run(tmp_path / "s0", [0, 1, 0, 1], [[1, 1, 1, 0]])
    r1 = make_run(tmp_path / "s1", [0, 0, 0, 1], [[1, 1, 1, 1]])
    (r1 / "cycle1" / "details.jsonl").unlink()
    d = summarize([r0, r1])
    assert d["cycle_accuracy"] == [0.875] and d["cycle_ci"] == [None] and d["gain_ci"] is None
    assert d["base_ci"] is not None and d["gain"] == pytest.approx(0.5)


def test_interval_of_three_seeds_of_300_questions_holds_the_mean_and_repeats():
    """The demo's size (its speed is bench/seed_stats.py's): the interval holds the mean, is seeded."""
    x = (np.random.default_rng(0).random((3, 300)) < 0.4).astype(float)
    mean, (lo, hi) = mean_ci(x)
    assert (
        mean == pytest.approx(x.mean(), abs=1e-4) and 0 <= lo < mean < hi <= 1 and hi - lo < 0.2
    )  # rounded to 4 places
    assert mean_ci(x) == (mean, [lo, hi])


def test_cli_one_run_keeps_working(tmp_path):
    run = make_run(tmp_path / "vstar", [0, 1, 0, 0], [[1, 1, 0, 0]])
    abl = make_run(tmp_path / "no-rat", [0, 1, 0, 0], [[0, 1, 0, 0]])
    summary = tmp_path / "out" / "summary.json"
    res = runner.invoke(app, ["report", str(run), "--ablation", str(abl), "--summary", str(summary)])
    assert res.exit_code == 0, res.output
    d = json.loads(summary.read_text())
    assert d["seeds"] == [0] and d["base_accuracy"] == 0.25 and d["cycle_accuracy"] == [0.5]
    assert d["no_rationalization_accuracy"] == [0.25] and d["seconds"] is None
    assert (run / "report.md").exists() and (run / "report.png").exists()
    md = (tmp_path / "out" / "summary.md").read_text()
    assert "| label type | base | cycle 1 | gain |" in md and "gain after cycle 1: +25.0 points" in md
    assert "gain after cycle 1: +25.0 points" in res.stderr
    assert "with vs without rationalization at cycle 1: +25.0 points" in res.stderr
    res = runner.invoke(app, ["report", str(run), "--summary", str(summary)])  # no ablation: no ablation columns
    assert res.exit_code == 0 and "no rationalization" not in res.stderr
    assert json.loads(summary.read_text())["no_rationalization_accuracy"] is None
    assert max(len(line) for line in res.stderr.splitlines()) <= 110


def test_cli_several_seeds(tmp_path):
    runs = [make_run(tmp_path / f"seed{s}" / "vstar", [0, 0, 1, 0], [[1, 0, 1, 0], [1, 1, 1, 0]]) for s in (3, 4, 5)]
    abls = [make_run(tmp_path / f"seed{s}" / "abl", [0, 0, 1, 0], [[1, 0, 1, 0]]) for s in (3, 4, 5)]
    summary = tmp_path / "summary.json"
    args = ["report", *map(str, runs)]
    for a in abls:
        args += ["--ablation", str(a)]
    res = runner.invoke(app, [*args, "--seeds", "3 4 5", "--summary", str(summary), "--started-at", "1"])
    assert res.exit_code == 0, res.output
    d = json.loads(summary.read_text())
    assert d["seeds"] == [3, 4, 5] and set(d["per_seed"]) == {"3", "4", "5"} and d["seconds"] > 0
    assert d["cycle_accuracy"] == [0.5, 0.75] and d["gain"] == 0.5 and len(d["cycle_ci"]) == 2
    assert all((r / "report.md").exists() for r in runs)
    assert "over 3 seeds" in res.stderr
    res = runner.invoke(app, ["report", *map(str, runs[:2]), "--seed", "a", "--seed", "b", "--summary", str(summary)])
    assert res.exit_code == 0, res.output
    assert json.loads(summary.read_text())["seeds"] == ["a", "b"]


@pytest.mark.parametrize(
    "extra, needle",
    [
        (["--ablation", "{a0}"], "--ablation"),
        (["--seeds", "1 2 3"], "seeds"),
        (["--seeds", "1 1"], "repeated"),
        (["--seeds", "1 2", "--seed", "1", "--seed", "2"], "not both"),
        (["{r0}"], "twice"),
        (["{tmp}/nope"], "not found"),
    ],
)
def test_cli_usage_errors(tmp_path, extra, needle):
    r0 = make_run(tmp_path / "r0", [0, 1], [[1, 1]])
    r1 = make_run(tmp_path / "r1", [0, 1], [[1, 1]])
    extra = [e.format(a0=r0, r0=r0, tmp=tmp_path) for e in extra]
    res = runner.invoke(app, ["report", str(r0), str(r1), *extra, "--summary", str(tmp_path / "s.json")])
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1, res.output
    assert needle in res.stderr and "Traceback" not in res.output
    assert not (tmp_path / "s.json").exists()


def test_doctests_and_library_errors(tmp_path):
    result = doctest.testmod(seeds_stats)
    assert result.failed == 0 and result.attempted > 0
    run = make_run(tmp_path / "r", [0, 1], [[1, 1]])
    with pytest.raises(ValueError, match="one seed each"):
        summarize([run], [run, run])
    with pytest.raises(ValueError, match="one seed each"):
        summarize([run], seeds=[1, 2])


def test_seeds_with_fewer_cycles_count_where_they_have_them(tmp_path):
    r0 = make_run(tmp_path / "s0", [0, 0, 0, 0], [[1, 0, 0, 0], [1, 1, 0, 0]])
    r1 = make_run(tmp_path / "s1", [0, 0, 1, 1], [[1, 1, 1, 1]])
    d = summarize([r0, r1])
    assert d["cycle_accuracy"] == [0.625, 0.5] and d["kept_generate"] == [10.0, 10.0]
    assert d["gain"] == 0.5 and d["gain_seeds"] == 1 and d["per_seed"]["1"]["cycle_accuracy"] == [1.0, None]
    assert "over 1 seed" in report.gain_line(d)
    for _, headers, rows in report.summary_tables(d):
        assert all(len(r) == len(headers) for r in rows)


def test_unwritable_summary_is_a_usage_error(tmp_path):
    run = make_run(tmp_path / "r", [0, 1], [[1, 1]])
    (tmp_path / "file").write_text("")
    res = runner.invoke(app, ["report", str(run), "--summary", str(tmp_path / "file" / "summary.json")])
    assert res.exit_code == 2 and "cannot write the summary" in res.stderr and "Traceback" not in res.output


def test_ablation_per_label_type_and_its_effect(tmp_path):
    """Per label type: the ablation's accuracy and rationalization's effect, paired like the gains."""
    # types alternate count, motion: questions 0 and 2 are count, 1 and 3 motion
    runs = [make_run(tmp_path / f"s{s}" / "vstar", [0, 0, 0, 0], [[1, 1, 1, 0]]) for s in (0, 1)]
    abls = [make_run(tmp_path / f"s{s}" / "abl", [0, 0, 0, 0], [[0, 1, 0, 0]]) for s in (0, 1)]
    d = summarize(runs, abls)
    assert d["no_rationalization_per_label_type"] == {"1": {"count": 0.0, "motion": 0.5}}
    assert d["rationalization_effect_per_label_type"] == {"1": {"count": 1.0, "motion": 0.0}}
    # the same effect on every question and seed: an exact interval
    assert d["rationalization_effect_per_label_type_ci"] == {"1": {"count": [1.0, 1.0], "motion": [0.0, 0.0]}}
    lo, hi = d["no_rationalization_per_label_type_ci"]["1"]["motion"]
    assert lo <= 0.5 <= hi and lo < hi
    assert d["per_seed"]["0"]["no_rationalization_per_label_type"] == {"1": {"count": 0.0, "motion": 0.5}}
    title, headers, rows = report.ablation_table(d)
    assert headers == ["label type", "no rat. 1", "effect 1"]
    assert rows[0] == ["count", "0.000 [0.000, 0.000]", "+100.0 [+100.0, +100.0]"]
    assert rows[1][0] == "motion" and rows[1][2] == "+0.0 [+0.0, +0.0]"
    md = report.summary_markdown(d)
    assert f"### {title}" in md and "| count | 0.000 [0.000, 0.000] | +100.0 [+100.0, +100.0] |" in md
    assert [t for t, _, _ in report.summary_tables(d)].index(title) == 2  # after the gains per label type
    plain = summarize(runs)  # no ablation: the keys are null, no table
    assert plain["rationalization_effect_per_label_type"] is None and plain["no_rationalization_per_label_type"] is None
    assert report.ablation_table(plain) is None and "Without rationalization" not in report.summary_markdown(plain)


def test_the_ablation_tables_through_the_cli(tmp_path):
    run = make_run(tmp_path / "vstar", [0, 0, 0, 0], [[1, 1, 1, 0], [1, 1, 1, 1]])
    abl = make_run(tmp_path / "abl", [0, 0, 0, 0], [[0, 1, 0, 0], [1, 1, 0, 0]])
    summary = tmp_path / "out" / "summary.json"
    res = runner.invoke(app, ["report", str(run), "--ablation", str(abl), "--summary", str(summary)])
    assert res.exit_code == 0, res.output
    d = json.loads(summary.read_text())
    assert d["rationalization_effect_per_label_type"] == {
        "1": {"count": 1.0, "motion": 0.0},
        "2": {"count": 0.5, "motion": 0.5},
    }
    md = (tmp_path / "out" / "summary.md").read_text()
    assert "| label type | no rat. 1 | effect 1 | no rat. 2 | effect 2 |" in md
    assert "Without rationalization by label type" in res.stderr


def test_summary_seconds_by_stage_from_a_timings_file(tmp_path):
    run = make_run(tmp_path / "r", [0, 1], [[1, 1]])
    timings = tmp_path / "timings.jsonl"
    lines = [
        {"command": "eval", "seconds": 10.0, "startup": 1.0, "model_load": 3.0, "embedder_load": 4.0},
        {"command": "eval", "seconds": 6.0, "startup": 1.0, "model_load": 2.0},
        {"command": "verify", "seconds": 5.0, "startup": 1.0, "embedder_load": 3.5},
    ]
    timings.write_text("".join(json.dumps(x) + "\n" for x in lines) + "not json\n")
    summary = tmp_path / "summary.json"
    res = runner.invoke(app, ["report", str(run), "--summary", str(summary), "--timings", str(timings)])
    assert res.exit_code == 0, res.output
    by = json.loads(summary.read_text())["seconds_by_stage"]
    assert list(by) == ["eval", "verify"]  # most seconds first
    assert by["eval"] == {"processes": 2, "seconds": 16.0, "startup": 2.0, "model_load": 5.0, "embedder_load": 4.0}
    assert by["verify"]["embedder_load"] == 3.5
    md = (tmp_path / "summary.md").read_text()
    assert "| stage | processes | seconds | startup | model load | embedder load |" in md
    assert "| eval | 2 | 16.0 | 2.0 | 5.0 | 4.0 |" in md
    res = runner.invoke(app, ["report", str(run), "--summary", str(summary), "--timings", str(tmp_path / "nope")])
    assert res.exit_code == 2 and "timings file not found" in res.stderr
    res = runner.invoke(app, ["report", str(run), "--timings", str(timings)])
    assert res.exit_code == 2 and "--timings needs --summary" in res.stderr
    plain = summarize([run])
    assert plain["seconds_by_stage"] is None and report.stage_table(plain) is None
