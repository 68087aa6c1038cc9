"""``vstar merge``: filtering, dedupe, formats, conversions, balance, shuffle."""

import json

import pytest
from typer.testing import CliRunner

from vstar_cli.cli import app

runner = CliRunner()


def rec(qid, answer, verified=True, source="generate", k=0, label="playing guitar", ltype="action", video=None):
    return {
        "question_id": qid,
        "video_path": video or f"{qid}.mp4",
        "question": f"What happens in {qid}?",
        "label": {ltype: label},
        "label_type": [ltype],
        "verifier_type": ["simple"],
        "output": answer,
        "source": source,
        "sample_index": k,
        "verified": verified,
    }


DATA = [
    rec("q1", "He plays guitar.", k=0),
    rec("q1", "he plays  GUITAR", k=1),  # duplicate after normalization
    rec("q1", "A man strums a guitar.", k=2),
    rec("q2", "She rides a bike.", source="rationalize", label="riding bike"),
    rec("q3", "Skiing.", verified=False, label="surfing"),
    rec("q4", "The ball falls at 30%.", label=0.3, ltype="time"),
    {
        "id": "aux1",
        "video": "d.mp4",
        "conversations": [{"from": "human", "value": "<video>\nDescribe."}, {"from": "gpt", "value": "A dog runs."}],
    },
]


def write(tmp_path, recs, name="in.jsonl"):
    p = tmp_path / name
    p.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return p


def lines(text):
    return [json.loads(x) for x in text.splitlines() if x.strip()]


def test_llava_default_filters_and_dedupes(tmp_path):
    res = runner.invoke(app, ["merge", str(write(tmp_path, DATA)), "--no-shuffle"])
    assert res.exit_code == 0, res.output
    out = lines(res.stdout)
    assert [o["id"] for o in out] == ["q1:generate:0", "q1:generate:2", "q2:rationalize:0", "q4:generate:0", "aux1"]
    first = out[0]
    assert first["video"] == "q1.mp4"
    assert first["conversations"] == [
        {"from": "human", "value": "<video>\nWhat happens in q1?"},
        {"from": "gpt", "value": "He plays guitar."},
    ]
    assert first["vstar"]["variant"] == "cot" and first["vstar"]["source"] == "generate"
    assert out[-1]["conversations"][1]["value"] == "A dog runs."
    # the summary table names the counts
    assert "duplicates" in res.stderr and "unverified" in res.stderr and "5 examples written" in res.stderr


def test_formats(tmp_path):
    src = str(write(tmp_path, DATA[:1]))
    sg = lines(runner.invoke(app, ["merge", src, "-f", "sharegpt"]).stdout)[0]
    assert sg["messages"] == [
        {"role": "user", "content": "<video>What happens in q1?"},
        {"role": "assistant", "content": "He plays guitar."},
    ]
    assert sg["videos"] == ["q1.mp4"]
    ms = lines(runner.invoke(app, ["merge", src, "-f", "messages"]).stdout)[0]
    assert ms["messages"][0]["content"][0] == {"type": "video", "path": "q1.mp4"}
    assert ms["messages"][1]["content"] == [{"type": "text", "text": "He plays guitar."}]


def test_max_per_question_and_keep_unverified(tmp_path):
    src = str(write(tmp_path, DATA))
    out = lines(runner.invoke(app, ["merge", src, "--no-shuffle", "--max-per-question", "1"]).stdout)
    assert [o["id"] for o in out].count("q1:generate:2") == 0
    out = lines(runner.invoke(app, ["merge", src, "--no-shuffle", "--keep-unverified"]).stdout)
    assert "q3:generate:0" in [o["id"] for o in out]


def test_conversions_are_marked(tmp_path):
    recs = [
        rec(f"q{i}", f"Answer {i}.", label=lab)
        for i, lab in enumerate(["playing guitar", "riding bike", "surfing", "juggling", "swimming"])
    ]
    src = str(write(tmp_path, recs))
    out = lines(runner.invoke(app, ["merge", src, "--no-shuffle", "--direct", "--multiple-choice"]).stdout)
    variants = [o["vstar"]["variant"] for o in out]
    assert variants.count("cot") == 5 and variants.count("direct") == 5 and variants.count("multiple_choice") == 5
    direct = next(o for o in out if o["vstar"]["variant"] == "direct")
    assert direct["conversations"][1]["value"] == "playing guitar"
    mc = next(o for o in out if o["vstar"]["variant"] == "multiple_choice")
    q, a = mc["conversations"][0]["value"], mc["conversations"][1]["value"]
    assert "(A)" in q and "(D)" in q and "(E)" not in q
    letter = a[1]
    assert f"({letter}) playing guitar" in q and a.endswith("playing guitar")


def test_balance_caps_label_types(tmp_path):
    recs = [rec(f"a{i}", f"x{i}", ltype="action", label=f"class {i}") for i in range(6)]
    recs += [rec(f"t{i}", f"y{i}", ltype="time", label=i / 10) for i in range(2)]
    res = runner.invoke(app, ["merge", str(write(tmp_path, recs)), "--balance"])
    out = lines(res.stdout)
    kinds = [o["vstar"]["label_type"][0] for o in out]
    assert kinds.count("action") == 2 and kinds.count("time") == 2
    assert "balanced" in res.stderr
    assert runner.invoke(app, ["merge", "--balance"], input="").exit_code == 2


def test_shuffle_is_seeded_and_complete(tmp_path):
    recs = [rec(f"q{i}", f"answer {i}") for i in range(50)]
    src = str(write(tmp_path, recs))
    a = [o["id"] for o in lines(runner.invoke(app, ["merge", src, "--seed", "1"]).stdout)]
    b = [o["id"] for o in lines(runner.invoke(app, ["merge", src, "--seed", "1"]).stdout)]
    c = [o["id"] for o in lines(runner.invoke(app, ["merge", src, "--seed", "2"]).stdout)]
    assert a == b != c and sorted(a) == sorted(f"q{i}:generate:0" for i in range(50))


def test_several_inputs_and_stdin_and_errors(tmp_path):
    a = write(tmp_path, DATA[:2], "a.jsonl")
    bad = {"question_id": "z", "verified": True}
    res = runner.invoke(
        app,
        ["merge", str(a), "-", "--no-shuffle", "--errors", str(tmp_path / "e.jsonl")],
        input=json.dumps(DATA[3]) + "\n" + json.dumps(bad) + "\nnot json\n",
    )
    assert res.exit_code == 1
    assert [o["id"] for o in lines(res.stdout)] == ["q1:generate:0", "q2:rationalize:0"]
    errs = lines((tmp_path / "e.jsonl").read_text())
    assert len(errs) == 2 and "output" in errs[0]["reason"]


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "alpaca"],
        ["--max-per-question", "0"],
        ["--max-per-question", "-3"],
        ["--num-choices", "1"],
        ["--num-choices", "9"],
        ["--num-choices", "-1"],
    ],
)
def test_bad_options(tmp_path, args):
    res = runner.invoke(app, ["merge", str(write(tmp_path, DATA)), *args])
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1 and not res.stdout


@pytest.mark.parametrize(
    "yaml_text",
    ["seed: banana", "max_per_question: 1.5", "num_choices: .nan", "num_choices: true", "direct: 'yes please'"],
)
def test_bad_config_values(tmp_path, yaml_text):
    cfg = tmp_path / "merge.yaml"
    cfg.write_text(yaml_text + "\n")
    res = runner.invoke(app, ["merge", str(write(tmp_path, DATA)), "--config", str(cfg)])
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1, res.output
