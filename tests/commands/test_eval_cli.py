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


def _jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _strict(text):
    """json.loads that refuses NaN and Infinity, as strict JSON readers do."""

    def refuse(const):
        raise ValueError(f"not JSON: {const}")

    return json.loads(text, parse_constant=refuse)


def test_answers_are_joined_to_the_test_records_by_id(tmp_path):
    test = _jsonl(
        tmp_path / "test.jsonl",
        [
            make_record("", "dog", "simple", key="animal", question_id="a"),
            make_record("", "cat", "simple", key="animal", question_id=5),
            make_record("", "cow", "simple", key="animal", question_id="c"),  # never answered
        ],
    )
    ans = _jsonl(
        tmp_path / "ans.jsonl",
        [
            # the answer's own label is not the gold: the test file's is
            {"question_id": "a", "output": "A dog barks.", "label": {"animal": "horse"}},
            {"question_id": "5", "output": "A cat sleeps."},  # 5 and "5" are the same id
            {"question_id": "zz", "output": "A dog."},  # not in the test file
            {"question_id": "a", "output": "A horse."},  # a second answer to "a"
        ],
    )
    res = runner.invoke(
        app,
        ["eval", str(test), "--answers", str(ans), "-o", str(tmp_path / "m.json"), "--details", str(tmp_path / "d")],
    )
    assert res.exit_code == 0, res.output
    m = _strict((tmp_path / "m.json").read_text())
    assert m["answers"] == {
        "test_records": 3,
        "answered": 2,
        "missing": 1,
        "missing_scored_as": "wrong",
        "unknown": 1,
        "duplicate": 1,
    }
    assert m["overall"]["n"] == 3 and m["overall"]["accuracy"] == pytest.approx(2 / 3, abs=1e-3)
    assert "1 missing (scored as wrong)" in res.stderr and "1 answers for unknown ids" in res.stderr
    details = [json.loads(x) for x in (tmp_path / "d").read_text().splitlines()]
    assert [d["question_id"] for d in details] == ["a", "5", "c"]
    assert details[0]["label"] == {"animal": "dog"} and details[2]["verdict"]["animal"]["reason"] == "no answer"


def test_sample_index_joins_when_the_test_record_has_one(tmp_path):
    test = _jsonl(
        tmp_path / "t.jsonl",
        [make_record("", "dog", "simple", question_id="q", sample_index=k) for k in range(2)],
    )
    ans = _jsonl(tmp_path / "a.jsonl", [{"question_id": "q", "sample_index": 1, "output": "dog"}])
    res = runner.invoke(app, ["eval", str(test), "--answers", str(ans), "-q"])
    assert res.exit_code == 0, res.output
    m = _strict(res.stdout)
    assert m["answers"]["answered"] == 1 and m["answers"]["missing"] == 1 and m["overall"]["accuracy"] == 0.5


def test_unjoinable_test_records_are_errors(tmp_path):
    test = _jsonl(
        tmp_path / "t.jsonl",
        [
            make_record("", "dog", "simple", question_id="a"),
            make_record("", "dog", "simple", question_id="a"),  # duplicate id
            {"label": {"x": "dog"}, "label_type": ["x"], "verifier_type": ["simple"]},  # no id
            {"question_id": "b", "label": {"x": 1}, "label_type": ["x"], "verifier_type": ["nope"]},
        ],
    )
    ans = _jsonl(tmp_path / "a.jsonl", [{"question_id": "a", "output": "dog"}])
    res = runner.invoke(app, ["eval", str(test), "--answers", str(ans), "--errors", str(tmp_path / "e"), "-q"])
    assert res.exit_code == 1
    reasons = [json.loads(x)["reason"] for x in (tmp_path / "e").read_text().splitlines()]
    assert len(reasons) == 3 and "duplicate" in reasons[0] and "question_id" in reasons[1] and "nope" in reasons[2]
    assert _strict(res.stdout)["errors"] == 3


@pytest.mark.parametrize(
    "rows",
    [
        [],  # nothing to score
        [{"question_id": "q", "output": ""}],  # an empty answer
    ],
)
def test_metrics_are_valid_json_without_answers(tmp_path, rows):
    test = _jsonl(tmp_path / "t.jsonl", [make_record("", 70.0, "float", key="score", question_id="q")] if rows else [])
    ans = _jsonl(tmp_path / "a.jsonl", rows)
    res = runner.invoke(app, ["eval", str(test), "--answers", str(ans), "-o", str(tmp_path / "m.json"), "-q"])
    assert res.exit_code == 0, res.output
    m = _strict((tmp_path / "m.json").read_text())
    assert m["overall"]["n"] == len(rows)
    if rows:
        assert m["overall"]["accuracy"] == 0.0 and m["float"]["score"]["spearman"] is None
    else:
        assert m["overall"]["accuracy"] is None and m["overall"]["ci95"] is None


def test_non_finite_numbers_never_reach_the_metrics_file(tmp_path):
    test = tmp_path / "t.jsonl"
    test.write_text(
        "".join(
            json.dumps(make_record("", 1.0, "float", key="score", question_id=f"q{i}"))[:-1]
            + (', "duration": NaN}' if i else "}")
            + "\n"
            for i in range(3)
        )
    )
    ans = tmp_path / "a.jsonl"
    ans.write_text(
        '{"question_id": "q0", "output": "the score is 1"}\n'
        '{"question_id": "q1", "output": "the score is 1.05", "extra": Infinity}\n'
        '{"question_id": "q2", "output": "the score is 0.99"}\n'
    )
    res = runner.invoke(app, ["eval", str(test), "--answers", str(ans), "-o", str(tmp_path / "m.json"), "-q"])
    assert res.exit_code in (0, 1), res.output  # NaN lines are records or error records, as the reader decides
    m = _strict((tmp_path / "m.json").read_text())
    assert m["overall"]["accuracy"] == 1.0 and m["float"]["score"]["relative_l2"] is None


def test_compute_with_non_finite_values_gives_strict_json():
    from vstar_cli.stages.evaluate import to_json

    nan, inf = float("nan"), float("inf")
    recs = [
        {
            "label": {"s": gold},
            "label_type": ["s"],
            "verifier_type": ["float"],
            "verified": ok,
            "verdict": {"s": {"ok": ok, "extracted": ext}},
        }
        for gold, ext, ok in [(nan, 1.0, False), (2.0, inf, False), (3.0, 3.0, True), ("x", 1.0, False), (1e400, 2, 0)]
    ]
    recs.append({"label_type": [["unhashable"]], "verifier_type": [{}], "verdict": "not an object", "verified": 1})
    m = _strict(to_json(compute(recs)))
    assert m["overall"]["n"] == 6 and m["float"]["s"]["n"] == 5 and m["float"]["s"]["coverage"] == 0.2
    assert m["float"]["s"]["spearman"] is None and m["float"]["s"]["relative_l2"] is None


@pytest.mark.parametrize(
    "args", [["--bootstrap", "0"], ["--bootstrap", "1000000"], ["--bootstrap", "-3"], ["--seed", "-1"]]
)
def test_bad_numeric_options_are_usage_errors(tmp_path, args):
    ans = answers(tmp_path)
    res = runner.invoke(app, ["eval", str(ans), "--answers", str(ans), *args])
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.output
    assert "bootstrap" in res.stderr or "seed" in res.stderr


def test_json_safe_metrics_helpers():
    from vstar_cli.output import json_safe
    from vstar_cli.stages.evaluate import id_key, to_json

    assert _strict(to_json({"a": float("nan"), "b": [float("-inf"), 1.5]})) == {"a": None, "b": [None, 1.5]}
    assert json_safe({"x": (1, float("inf"))}) == {"x": [1, None]}
    assert id_key(7) == id_key("7") and id_key(10**5000) is None and id_key([1, 2]) == "[1, 2]"


def test_eval_samples_several_answers_and_scores_each_question_by_their_mean(tiny_qwen, videos, tmp_path):
    args = ["eval", str(videos), "--model", tiny_qwen, "--video-dir", str(videos.parent), "--max-new-tokens", "4"]
    res = runner.invoke(
        app,
        [*args, "--device", "cpu", "--num-samples", "3", "--temperature", "1.0", "-o", str(tmp_path / "m.json"),
         "--details", str(tmp_path / "d.jsonl")],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    m = json.loads((tmp_path / "m.json").read_text())
    details = [json.loads(x) for x in (tmp_path / "d.jsonl").read_text().splitlines()]
    assert len(details) == 18 and m["overall"]["n"] == 6  # three answers per question, scored per question
    assert sorted({d["sample_index"] for d in details}) == [0, 1, 2]
    assert m["config"]["generate"]["num_samples"] == 3 and m["config"]["generate"]["temperature"] == 1.0
    per_q: dict = {}
    for d in details:
        per_q.setdefault(d.get("question_id", d.get("id")), []).append(1.0 if d["verified"] else 0.0)
    expected = sum(sum(v) / len(v) for v in per_q.values()) / len(per_q)
    assert abs(m["overall"]["accuracy"] - round(expected, 4)) < 1e-3


def test_compute_averages_samples_per_question():
    def rec(qid, ok):
        return {"question_id": qid, "verified": ok, "label_type": ["a"], "verifier_type": ["simple"],
                "verdict": {"a": {"ok": ok}}}  # fmt: skip

    m = compute([rec("q1", True), rec("q1", False), rec("q2", True), rec("q2", True)], n_boot=10)
    assert m["overall"]["accuracy"] == 0.75 and m["overall"]["n"] == 2
    assert m["per_label_type"]["a"]["accuracy"] == 0.75 and m["per_label_type"]["a"]["n"] == 2
    # records without an id each count once, as before
    m = compute([{k: v for k, v in rec("x", ok).items() if k != "question_id"} for ok in (True, False)], n_boot=10)
    assert m["overall"]["n"] == 2 and m["overall"]["accuracy"] == 0.5


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["--num-samples", "0"], "num_samples"),
        (["--temperature", "-1"], "temperature"),
        (["--temperature", "nan"], "temperature"),
        (["--top-p", "0"], "top_p"),
        (["--top-p", "1.5"], "top_p"),
    ],
)
@pytest.mark.parametrize("command", ["eval", "generate"])
def test_bad_sampling_options_are_one_line_usage_errors(tiny_qwen, tmp_path, args, word, command):
    ans = answers(tmp_path)
    res = runner.invoke(app, [command, str(ans), "--model", tiny_qwen, "-o", str(tmp_path / "out"), *args])
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.output
    assert word in res.stderr and not (tmp_path / "out").exists()


@pytest.mark.parametrize("where", ["/dev/full", "FILE/metrics.json"])
def test_an_unwritable_metrics_file_is_a_one_line_error(tmp_path, where):
    ans = answers(tmp_path)
    out = where.replace("FILE", str(ans))  # a path below a regular file: no directory can be made there
    res = runner.invoke(app, ["eval", str(ans), "--answers", str(ans), "-o", out, "-q"])
    assert res.exit_code == 2 and "Traceback" not in res.output, res.output
    assert res.stderr.strip().splitlines() == [res.stderr.strip()] and "cannot write" in res.stderr
