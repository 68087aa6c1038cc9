"""Verifier kinds from a test-only module: help, verify, eval; broken plugins; lazy entry points; the README."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import make_record
from vstar_cli.cli import app
from vstar_cli.options import show_default
from vstar_cli.verify import registry

runner = CliRunner()
ECHO = "tests.verify.kinds_for_tests:ECHO"
BROKEN = "tests.verify.broken_kind_plugin:BROKEN"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def fresh_registry():
    registry.reset()
    yield
    registry.reset()


def jsonl(*recs):
    return "".join(json.dumps(r) + "\n" for r in recs)


def read_jsonl(path):
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


@pytest.fixture
def broken_entry_point(tmp_path, monkeypatch):
    """An installed package whose ``vstar.verifiers`` entry point cannot be imported."""
    dist = tmp_path / "broken_kinds-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-kinds\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(f"[vstar.verifiers]\nbroken_kind = {BROKEN}\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry.reset()


def test_a_plugin_kind_appears_in_verify_help():
    res = runner.invoke(app, ["verify", "--kind-plugin", ECHO, "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "echo" in res.output and "the gold text, word for word" in res.output and "--echo-case" in res.output
    res = runner.invoke(app, ["verify", f"--kind-plugin={ECHO}", "--help"], env={"COLUMNS": "200"})
    assert "the gold text, word for word" in res.output


def test_a_plugin_kind_works_in_verify(tmp_path):
    recs = [
        make_record("He says: Hello There.", "hello there", "echo"),
        make_record("He says goodbye.", "hello there", "echo"),
        make_record("He says hello.", "", "echo"),
    ]
    err = tmp_path / "err.jsonl"
    res = runner.invoke(app, ["verify", "--kind-plugin", ECHO, "--errors", str(err)], input=jsonl(*recs))
    assert res.exit_code == 1, res.output
    out = [json.loads(x) for x in res.stdout.splitlines()]
    assert [r["verified"] for r in out] == [True, False]
    assert out[0]["verdict"]["lbl"] == {"ok": True, "extracted": "Hello There", "reason": "echoed", "span": [9, 20]}
    (e,) = read_jsonl(err)
    assert "cannot judge label 'lbl' (echo)" in e["reason"]
    # its parameter, declared once, read from the context
    res = runner.invoke(app, ["verify", "--kind-plugin", ECHO, "--kind-param", "echo_case=true"], input=jsonl(recs[0]))
    assert res.exit_code == 0 and json.loads(res.stdout)["verified"] is False


def test_eval_scores_an_unanswered_record_of_a_plugin_kind_as_wrong(tmp_path):
    test = tmp_path / "test.jsonl"
    answered = make_record("Hello there!", "hello there", "echo", question_id="q1")
    unanswered = make_record(None, "good night", "echo", question_id="q2")
    test.write_text(jsonl(answered, unanswered), encoding="utf-8")
    answers = tmp_path / "answers.jsonl"
    answers.write_text(jsonl(answered), encoding="utf-8")
    metrics, details = tmp_path / "m.json", tmp_path / "d.jsonl"
    args = ["eval", str(test), "--answers", str(answers), "-o", str(metrics), "--details", str(details)]
    res = runner.invoke(app, [*args, "--kind-plugin", ECHO])
    assert res.exit_code == 0, res.output
    m = json.loads(metrics.read_text())
    assert m["errors"] == 0 and m["overall"]["n"] == 2 and m["overall"]["accuracy"] == 0.5
    assert m["answers"]["missing"] == 1
    missing = [r for r in read_jsonl(details) if r["question_id"] == "q2"]
    assert missing[0]["verified"] is False and missing[0]["verdict"]["lbl"]["reason"] == "no answer"


def test_a_broken_installed_plugin_warns_once_and_its_records_are_error_records(broken_entry_point, tmp_path):
    recs = [
        make_record("The man plays the guitar.", "playing guitar", "simple"),
        make_record("anything", "x", "broken_kind"),
    ]
    err = tmp_path / "err.jsonl"
    res = runner.invoke(app, ["verify", "--errors", str(err)], input=jsonl(*recs), env={"COLUMNS": "300"})
    assert res.exit_code == 1, res.output
    assert [json.loads(x)["verified"] for x in res.stdout.splitlines()] == [True]  # the others still verify
    (e,) = read_jsonl(err)
    assert e["reason"].startswith(
        f"unknown verifier kind 'broken_kind' (plugin 'broken_kind' ({BROKEN}) failed to load: ModuleNotFoundError"
    )
    warnings = [line for line in res.stderr.splitlines() if "failed to load, skipped" in line]
    assert len(warnings) == 1 and "'broken_kind'" in warnings[0] and "Traceback" not in res.stderr
    # help still lists every kind, and says which plugin is broken
    res = runner.invoke(app, ["verify", "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0 and "temporal_range" in res.output and "failed to load" in res.output


def test_a_broken_plugin_asked_for_is_a_usage_error():
    res = runner.invoke(app, ["verify", "--kind-plugin", BROKEN], input="")
    assert res.exit_code == 2 and "cannot import kind plugin" in res.stderr and "no_such_dependency" in res.stderr
    assert "Traceback" not in res.output
    res = runner.invoke(app, ["eval", "x.jsonl", "--answers", "x.jsonl", "--kind-plugin", BROKEN])
    assert res.exit_code == 2


COLD = """
import json, sys
from typer.testing import CliRunner
from vstar_cli.cli import app
from vstar_cli.verify import registry
runner = CliRunner()
heavy = lambda: sorted(m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules)
rec = {"question_id": "q", "output": "It is 0.5.", "label": {"n": 0.5}, "label_type": ["n"], "verifier_type": ["float"]}
exits = [runner.invoke(app, ["--help"]).exit_code]
res = runner.invoke(app, ["verify", "-q"], input=json.dumps(rec) + "\\n")
exits.append(res.exit_code)
got = {"out": res.stdout, "heavy": heavy(), "scanned": registry.registry().pending is None}
exits.append(runner.invoke(app, ["verify", "--help"]).exit_code)  # the full list: reads the entry points
got.update(exits=exits, heavy_after_help=heavy())
print(json.dumps(got))
"""


def test_help_and_rule_kinds_import_no_torch_and_read_no_entry_points():
    proc = subprocess.run(
        [sys.executable, "-c", COLD], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )
    got = json.loads(proc.stdout.splitlines()[-1])
    assert got["exits"] == [0, 0, 0] and json.loads(got["out"])["verified"] is True
    assert got["heavy"] == [] and got["scanned"] is False and got["heavy_after_help"] == []


def test_a_record_of_an_unknown_kind_reads_the_entry_points_once():
    reg = registry.registry()
    assert reg.pending is not None  # built-ins only so far
    assert "float" in reg and reg.pending is not None
    assert "no_such_kind" not in reg and reg.pending is None
    assert "unknown verifier kind 'no_such_kind' (known: " in reg.unknown("no_such_kind")


def _readme_rows() -> list[tuple[list[str], str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("| kind | verified when |", 1)[1].split("\n\n", 1)[0]
    rows = []
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        rows.append((re.findall(r"`([a-z_]+)`", cells[0]), cells[-1]))
    return rows


def test_the_readme_table_of_kinds_matches_the_registry():
    rows = _readme_rows()
    listed = [name for names, _ in rows for name in names]
    assert listed == registry.builtin().names()
    for names, params in rows:
        for name in names:
            for p in registry.builtin().get(name).params:
                assert f"`{p.option} {show_default(p.default)}`" in params, (name, p.name)
