"""``vstar eval``: metrics from answers or a model, details, compare."""

import json

import pytest
from typer.testing import CliRunner

from tests.conftest import make_record
from vstar_cli.cli import app
from vstar_cli.stages.evaluate import bootstrap_ci, compute, relative_l2, spearman

runner = CliRunner()


def answers(tmp_path):
    recs = [
        make_record("He plays guitar.", "playing guitar", "simple", key="action"),
        make_record("He plays piano.", "playing guitar", "simple", key="action"),
        make_record("The score is 80.", 82.0, "float", key="score"),
        make_record("The score is 50.", 70.0, "float", key="score"),
        make_record("The score is 91.", 90.0, "float", key="score"),
        make_record("I pick (B).", "B", "simple", key="answer", choices=["A. cat", "B. dog"]),
        make_record("Hard to say.", "A", "simple", key="answer", choices=["A. cat", "B. dog"]),
    ]
    for i, r in enumerate(recs):
        r["question_id"] = f"q{i}"
    p = tmp_path / "answers.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in recs))
    return p


def test_scores_existing_answers(tmp_path):
    ans = answers(tmp_path)
    res = runner.invoke(
        app,
        [
            "eval",
            str(ans),
            "--answers",
            str(ans),
            "-o",
            str(tmp_path / "m.json"),
            "--details",
            str(tmp_path / "d.jsonl"),
        ],
    )
    assert res.exit_code == 0, res.output
    m = json.loads((tmp_path / "m.json").read_text())
    assert m["overall"]["n"] == 7 and m["overall"]["accuracy"] == pytest.approx(4 / 7, abs=1e-3)
    lo, hi = m["overall"]["ci95"]
    assert lo < 4 / 7 < hi
    assert m["per_label_type"]["action"]["accuracy"] == 0.5 and m["per_verifier"]["float"]["n"] == 3
    assert m["multiple_choice"] == {"accuracy": 0.5, "n": 2, "ci95": m["multiple_choice"]["ci95"], "answered": 1}
    f = m["float"]["score"]
    assert (
        f["spearman"] == 1.0
        and f["coverage"] == 1.0
        and f["relative_l2"] == pytest.approx(((2 / 20) ** 2 + (20 / 20) ** 2 + (1 / 20) ** 2) / 3 * 100, abs=1e-3)
    )
    assert m["errors"] == 0 and m["config"]["answers"] == str(ans)
    assert len((tmp_path / "d.jsonl").read_text().splitlines()) == 7
    assert "overall" in res.stderr


def test_eval_with_a_model(tiny_qwen, videos, tmp_path):
    res = runner.invoke(
        app,
        [
            "eval",
            str(videos),
            "--model",
            tiny_qwen,
            "--video-dir",
            str(videos.parent),
            "--max-new-tokens",
            "4",
            "--device",
            "cpu",
            "-o",
            str(tmp_path / "m.json"),
            "--details",
            str(tmp_path / "d.jsonl"),
        ],
    )
    assert res.exit_code == 0, res.output
    m = json.loads((tmp_path / "m.json").read_text())
    assert (
        m["overall"]["n"] == 6 and m["config"]["model"] == tiny_qwen and m["config"]["generate"]["temperature"] == 0.0
    )
    details = [json.loads(x) for x in (tmp_path / "d.jsonl").read_text().splitlines()]
    assert all("verdict" in d and d["source"] == "generate" for d in details)


def test_compare(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({"overall": {"accuracy": 0.4, "n": 10}, "errors": 0}))
    b.write_text(json.dumps({"overall": {"accuracy": 0.55, "n": 10}, "errors": 1}))
    res = runner.invoke(app, ["eval", "compare", str(a), str(b)])
    assert res.exit_code == 0 and "+0.15" in res.stderr and "overall.accuracy" in res.stderr
    assert runner.invoke(app, ["eval", "compare", str(a)]).exit_code == 2


def test_usage_errors(tmp_path):
    ans = answers(tmp_path)
    assert runner.invoke(app, ["eval", str(ans)]).exit_code == 2  # neither --model nor --answers
    assert runner.invoke(app, ["eval", str(tmp_path / "nope.jsonl"), "--answers", str(ans)]).exit_code == 2


def test_metric_helpers():
    assert spearman([1, 2, 3], [3, 2, 1]) == -1.0
    assert spearman([1, 1, 1], [1, 2, 3]) is None
    assert relative_l2([1], [1]) is None
    assert bootstrap_ci([0, 1] * 50)[0] < 0.5 < bootstrap_ci([0, 1] * 50)[1]
    m = compute([{"verified": True, "label_type": ["a"], "verifier_type": ["simple"], "verdict": {"a": {"ok": True}}}])
    assert m["overall"]["accuracy"] == 1.0 and "float" not in m
