"""How converters come in: built-ins by the plugin route, each with its own detection and example;
plugins from a test-only module (by option or entry point); broken plugins; ``--config`` and ``VSTAR_*``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vstar_cli.cli import app
from vstar_cli.prepare import registry
from vstar_cli.prepare.detect import looks_like
from vstar_cli.prepare.registry import REGISTRY, Registry

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
TOY = "tests.prepare.plugins.toy_converter"
BROKEN = "tests.prepare.plugins.broken_converter"
WIDE = {"COLUMNS": "200", "TERMINAL_WIDTH": "200"}


def lines(text):
    return [json.loads(x) for x in text.splitlines() if x.strip()]


class FakeEntryPoint:
    def __init__(self, name, value):
        self.name, self.value = name, value

    def load(self):
        return registry.import_target(self.value)


@pytest.fixture
def entry_points(monkeypatch):
    """A fresh registry whose ``vstar.converters`` entry points are the given ones; records each scan."""
    import importlib.metadata as md

    scans = []
    given: list[FakeEntryPoint] = []

    def fake(group=None):
        if group == registry.ENTRY_POINT_GROUP:
            scans.append(group)
            return list(given)
        return []

    monkeypatch.setattr(md, "entry_points", fake)
    monkeypatch.setattr(registry, "REGISTRY", Registry())
    return given, scans


@pytest.mark.parametrize("name", REGISTRY.builtin_names())
def test_each_builtin_converter_converts_its_example_and_detects_it(name, tmp_path):
    conv = REGISTRY.get(name)
    assert conv.example is not None and conv.detect is not None, (
        f"{name}: a converter carries its example and detection"
    )
    args = conv.example(tmp_path)
    res = runner.invoke(app, ["prepare", name, *args, "-q"])
    assert res.exit_code == 0, res.output
    recs = lines(res.stdout)
    assert recs and all(set(r["verifier_type"]) <= set(conv.kinds) for r in recs)
    assert f"prepare {name}" in (looks_like(args[0]) or ""), looks_like(args[0])


def test_builtins_are_the_modules_of_the_converters_package():
    import pkgutil

    import vstar_cli.prepare.converters as pkg

    modules = [m.name for m in pkgutil.iter_modules(pkg.__path__)]
    assert len(REGISTRY.builtin_names()) == len(modules) >= 7
    assert all(REGISTRY.sources[n] == "built-in" for n in REGISTRY.builtin_names())


def test_readme_table_of_datasets_matches_the_registry():
    """The README's dataset table names each built-in converter once, with the verifier kinds it declares."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    header = text.index("| dataset | files it reads | label kinds |")
    rows = {}
    for row in text[header:].splitlines()[2:]:
        if not row.startswith("|"):
            break
        cells = [c.strip() for c in row.strip("|").split("|")]
        rows[cells[0]] = re.findall(r"`(\w+)`", cells[2])
    assert sorted(rows) == sorted(REGISTRY.builtin_names())
    for name, kinds in rows.items():
        assert tuple(kinds) == REGISTRY.get(name).kinds, name


def test_plugin_by_option_is_listed_and_converts(tmp_path, entry_points):
    given, scans = entry_points
    help_text = runner.invoke(app, ["prepare", "--converter-plugin", TOY, "--help"], env=WIDE).stdout
    assert "toy-lines" in help_text and "kinetics700" in help_text
    sub = " ".join(
        runner.invoke(app, ["prepare", "--converter-plugin", TOY, "toy-lines", "--help"], env=WIDE).stdout.split()
    )
    assert "--prefix" in sub and "Question id prefix." in sub and "--config" in sub
    path = tmp_path / "toy.txt"
    path.write_text("#toy\nv1\tred\nv2\tblue\n")
    res = runner.invoke(app, ["prepare", "--converter-plugin", TOY, "toy-lines", str(path), "--prefix", "t"])
    assert res.exit_code == 0, res.output
    assert [r["question_id"] for r in lines(res.stdout)] == ["t_v1", "t_v2"]
    assert "read 2 lines = 2 converted" in " ".join(res.stderr.split())


def test_plugin_by_entry_point_is_listed_detected_and_converts(tmp_path, entry_points):
    given, scans = entry_points
    given.append(FakeEntryPoint("toy", TOY))
    assert "toy-lines" in runner.invoke(app, ["prepare", "--help"], env=WIDE).stdout
    args = registry.REGISTRY.get("toy-lines").example(tmp_path)
    res = runner.invoke(app, ["prepare", "toy-lines", *args])
    assert res.exit_code == 0, res.output
    assert len(lines(res.stdout)) == 2
    # Its detection names its files in another converter's format error.
    res = runner.invoke(app, ["prepare", "kinetics700", args[0]])
    assert res.exit_code == 2 and "it looks like a toy file" in " ".join(res.stderr.split())


def test_entry_points_are_scanned_only_when_needed(tmp_path, entry_points):
    given, scans = entry_points
    given.append(FakeEntryPoint("toy", TOY))
    assert runner.invoke(app, ["--help"]).exit_code == 0
    args = REGISTRY.get("kinetics700").example(tmp_path)
    assert runner.invoke(app, ["prepare", "kinetics700", *args, "-q"]).exit_code == 0
    assert runner.invoke(app, ["prepare", "kinetics700", "--help"]).exit_code == 0
    assert scans == []  # built-in names need no scan
    runner.invoke(app, ["prepare", "--help"])
    assert scans  # the full list does


def test_broken_entry_point_warns_naming_it_and_is_skipped(tmp_path, entry_points, caplog):
    given, scans = entry_points
    given.append(FakeEntryPoint("broken-one", BROKEN))
    given.append(FakeEntryPoint("toy", TOY))
    with caplog.at_level("WARNING", logger="vstar.prepare"):
        res = runner.invoke(app, ["prepare", "--help"], env=WIDE)
    assert res.exit_code == 0 and "kinetics700" in res.stdout and "toy-lines" in res.stdout
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "broken-one" in warnings[0] and "broken on purpose" in warnings[0]
    assert "\n" not in warnings[0]
    path = tmp_path / "toy.txt"
    path.write_text("#toy\nv1\tred\n")
    assert runner.invoke(app, ["prepare", "toy-lines", str(path)]).exit_code == 0


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        (BROKEN, "broken on purpose"),
        ("tests.prepare.plugins.no_such_module", "ModuleNotFoundError"),
        ("vstar_cli.prepare.base", "defines no CONVERTER"),
        (f"{TOY}:read", "not a Converter"),
    ],
)
def test_broken_plugin_asked_by_option_is_a_usage_error(spec, why, entry_points):
    res = runner.invoke(app, ["prepare", "--converter-plugin", spec, "--help"])
    assert res.exit_code == 2
    err = " ".join(res.stderr.split())
    assert spec in err and why in err and "Traceback" not in res.output


def test_config_section_and_environment(tmp_path):
    args = REGISTRY.get("kinetics700").example(tmp_path)[:1]
    cfg = tmp_path / "vstar.yaml"
    cfg.write_text("prepare:\n  split: val\n  seed: 3\n  fps: 12\n")  # fps: FineDiving's, allowed and unused here
    res = runner.invoke(app, ["prepare", "kinetics700", *args, "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    assert [r["label"]["action"] for r in lines(res.stdout)] == ["riding a bike"]
    flag = runner.invoke(app, ["prepare", "kinetics700", *args, "--config", str(cfg), "--split", "train"])
    assert [r["label"]["action"] for r in lines(flag.stdout)] == ["playing guitar"]  # flags win
    env = runner.invoke(app, ["prepare", "kinetics700", *args], env={"VSTAR_PREPARE_SPLIT": "val"})
    assert [r["label"]["action"] for r in lines(env.stdout)] == ["riding a bike"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("prepare:\n  splitt: val\n")
    res = runner.invoke(app, ["prepare", "kinetics700", *args, "--config", str(bad)])
    assert res.exit_code == 2 and "splitt" in res.stderr
    bad.write_text("prepare:\n  split: sometimes\n")
    res = runner.invoke(app, ["prepare", "kinetics700", *args, "--config", str(bad)])
    assert res.exit_code == 2 and "unknown --split value 'sometimes'" in res.stderr
    bad.write_text("prepare:\n  max_per_sub_activity: many\n")
    res = runner.invoke(app, ["prepare", "moma", *REGISTRY.get("moma").example(tmp_path), "--config", str(bad)])
    assert res.exit_code == 2 and "max_per_sub_activity must be an integer" in res.stderr


def test_a_dataset_option_is_not_a_shared_key(tmp_path):
    """Generate's top-level ``fps`` (or ``VSTAR_FPS``) is not FineDiving's frame rate; ``prepare: fps`` is."""
    args = REGISTRY.get("finediving").example(tmp_path)

    def durations(*extra, env=None):
        res = runner.invoke(app, ["prepare", "finediving", *args, *extra, "-q"], env=env)
        assert res.exit_code == 0, res.output
        return {r["duration"] for r in lines(res.stdout)}

    cfg = tmp_path / "run.yaml"
    cfg.write_text("fps: 2\n")
    assert durations() == durations("--config", str(cfg)) == durations(env={"VSTAR_FPS": "2"}) == {0.8}
    cfg.write_text("fps: 2\nprepare:\n  fps: 10\n")
    assert durations("--config", str(cfg)) == durations(env={"VSTAR_PREPARE_FPS": "10"}) == {2.0}
