"""The verifier-kind registry: built-ins, plugins by path and by entry point, duplicates, broken gold labels."""

import dataclasses
import json
import sys
import textwrap

import pytest
from typer.testing import CliRunner

from tests.conftest import BUILTIN_KINDS, OFFICIAL_KINDS, make_record
from vstar_cli.cli import app
from vstar_cli.verify import registry
from vstar_cli.verify.registry import Param, Registry, RegistryError, VerifierKind
from vstar_cli.verify.verdict import CannotJudge, Verdict

runner = CliRunner()

OFFICIAL = list(OFFICIAL_KINDS)

# A third-party kind: one file. It declares a parameter, a gold renderer, a gold validator and a metric.
PARITY_MODULE = """
from vstar_cli.verify.registry import Param, VerifierKind
from vstar_cli.verify.verdict import CannotJudge, Verdict


def check_parity(answer, label, record, ctx):
    words = answer.lower().replace(".", " ").replace(",", " ").split()
    said = "even" if "even" in words else "odd" if "odd" in words else None
    if ctx.parity_strict and len(words) > 1:
        return Verdict(False, said, "strict: the answer must be the word alone")
    return Verdict(said == label, said, f"said {said!r}")


def validate_parity(label):
    if label not in ("even", "odd"):
        raise CannotJudge(f"gold {label!r} is neither even nor odd")


PARITY = VerifierKind(
    "parity",
    check_parity,
    "even / odd stated",
    params=(Param("parity_strict", False, "parity: the answer must be the word alone"),),
    render=lambda value, duration=None: f"an {value} number",
    metrics=("multiple_choice",),
    validate_gold=validate_parity,
)
"""


@pytest.fixture(autouse=True)
def fresh_registry():
    """Each test starts from the built-ins and installed entry points, and leaves no plugin behind."""
    registry.reset()
    yield
    registry.reset()


@pytest.fixture
def plugin_module(tmp_path, monkeypatch):
    """Write ``PARITY_MODULE`` as an importable module with a name unique to the test; returns the name."""
    name = f"parity_kind_{abs(hash(str(tmp_path))) % 10**8}"
    (tmp_path / f"{name}.py").write_text(PARITY_MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


def jsonl(*recs):
    return "".join(json.dumps(r) + "\n" for r in recs)


def read_jsonl(path):
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


def _check(answer, label, record, ctx):
    return Verdict(label in answer, None, "substring")


def test_the_13_official_kinds_load_through_the_plugin_route():
    # no central list: the modules of the kinds package, found by pkgutil, each loaded as a plugin module
    specs = registry.builtin_specs()
    assert specs and all(s.startswith(registry.BUILTIN_PACKAGE + ".") for s in specs)
    fresh = Registry()
    for spec in specs:
        fresh.load(spec)
    assert fresh.names() == BUILTIN_KINDS
    assert registry.registry().names()[:13] == OFFICIAL
    semantic = {k.name for k in fresh if k.needs_embedder}
    assert semantic == {"sentence", "sentence_sequence", "classifier", "classifier_sequence", "llm", "open_answer"}
    assert "regression" in fresh.get("float").metrics and "multiple_choice" in fresh.get("simple").metrics
    assert "multiple_choice" not in fresh.get("bbox").metrics


def test_duplicate_names_are_refused_and_unknown_names_list_the_known():
    reg = Registry()
    a = VerifierKind("substring", _check, "gold text appears")
    reg.register(a, "first")
    reg.register(a, "first again")  # the same object twice (a plugin named twice) is harmless
    with pytest.raises(RegistryError, match=r"'substring' is registered twice \(by first and by second\)"):
        reg.register(VerifierKind("substring", _check), "second")
    with pytest.raises(RegistryError, match=r"unknown verifier kind 'substrin' \(known: substring\)"):
        reg.get("substrin")
    official = registry.registry()
    with pytest.raises(RegistryError, match="registered twice"):
        official.register(VerifierKind("float", _check), "my_plugin:FLOAT")


def test_bad_declarations_are_refused():
    with pytest.raises(RegistryError, match="unknown metric"):
        VerifierKind("k", _check, metrics=("f1",))
    with pytest.raises(RegistryError, match="not callable"):
        VerifierKind("k", "nope")
    with pytest.raises(RegistryError, match="name"):
        VerifierKind("two words", _check)
    reg = Registry()
    reg.register(VerifierKind("a", _check, params=(Param("tol", 0.1, "a: tolerance"),)))
    with pytest.raises(RegistryError, match="parameter 'tol' differently"):
        reg.register(VerifierKind("b", _check, params=(Param("tol", 0.2, "b: tolerance"),)))
    with pytest.raises(RegistryError, match="not a VerifierKind"):
        registry.kinds_of(_check, "x:y")


def test_verify_config_fields_come_from_the_declared_parameters():
    from vstar_cli.stages.verify import VerifyConfig

    declared = registry.builtin().params()
    fields = {f.name: f for f in dataclasses.fields(VerifyConfig)}
    for name, p in declared.items():
        assert fields[name].default == p.default and fields[name].metadata["help"] == p.help
    # today's names, defaults and flags are kept
    cfg = VerifyConfig()
    assert (cfg.float_tol, cfg.timestamp_tol, cfg.range_iou, cfg.bbox_iou) == (0.1, 0.1, 0.5, 0.5)
    assert (cfg.sentence_threshold, cfg.sentence_sequence_threshold, cfg.classifier_threshold) == (0.6, 0.4, 0.6)
    assert declared["sentence_sequence_threshold"].option == "--sequence-threshold"
    assert declared["float_tol"].option == "--float-tol"
    with pytest.raises(ValueError, match="range_iou must be < 1"):
        VerifyConfig(range_iou=1.0)
    with pytest.raises(ValueError, match="float_tol must be >= 0"):
        VerifyConfig(float_tol=-0.1)


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("temporal_range", [0.4]),
        ("temporal_range", [0.1, 0.2, 0.3]),
        ("temporal_range", ["start", "end"]),
        ("temporal_range", [0.7, 0.2]),
        ("bbox", [0.5, 0.5, 0.2]),
        ("bbox", [0.5, 0.5, 0.2, -0.1]),
        ("float", "about eighty"),
        ("float", float("nan")),
        ("float", None),
        ("timestamp", 35),
        ("timestamp", [0.2]),
        ("simple", ""),
        ("simple", None),
        ("simple", []),
        ("same_or_not", "maybe"),
        ("sentence", ""),
        ("sentence_sequence", []),
        ("classifier", {"a": 1}),
        ("llm", None),
    ],
)
def test_gold_labels_a_kind_cannot_read(kind, label):
    k = registry.get(kind)
    with pytest.raises(CannotJudge):
        k.validate_gold(label)
    with pytest.raises(CannotJudge):
        k.judge("anything", label, {}, None)


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("temporal_range", [0.2, 0.45]),
        ("temporal_range", ["0.2", "0.45"]),
        ("bbox", [0.5, 0.5, 0.2, 0.2]),
        ("float", 82.5),
        ("float", "82.5"),
        ("timestamp", 0.3),
        ("simple", "playing guitar"),
        ("simple", 3),
        ("simple", True),
        ("simple", ["cup", "plate"]),
        ("same_or_not", "not the same"),
        ("sentence", "the man jumps"),
        ("sentence_sequence", ["jumps", "lands"]),
        ("classifier", "waving"),
        ("llm", "a person cooks"),
    ],
)
def test_gold_labels_a_kind_reads(kind, label):
    registry.get(kind).validate_gold(label)


def test_cli_kind_plugin_from_a_module(plugin_module, tmp_path):
    spec = f"{plugin_module}:PARITY"
    good = make_record("It is even.", "even", "parity", key="par")
    wrong = make_record("Odd, clearly.", "even", "parity", key="par")
    broken = make_record("It is even.", "prime", "parity", key="par")
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl(good, wrong, broken), encoding="utf-8")
    out, rej, err = tmp_path / "ok.jsonl", tmp_path / "rej.jsonl", tmp_path / "err.jsonl"
    args = ["verify", str(src), "-o", str(out), "--rejected", str(rej), "--errors", str(err)]
    res = runner.invoke(app, [*args, "--kind-plugin", spec])
    assert res.exit_code == 1, res.output  # one gold label could not be read
    assert [r["verified"] for r in read_jsonl(out)] == [True, False]
    assert read_jsonl(out)[0]["verdict"]["par"] == {"ok": True, "extracted": "even", "reason": "said 'even'"}
    assert [r["output"] for r in read_jsonl(rej)] == ["Odd, clearly."]  # the broken label is not a rejection
    (e,) = read_jsonl(err)
    assert e["line"] == 3 and "cannot judge label 'par' (parity)" in e["reason"] and "prime" in e["reason"]
    assert "3 records" in res.stderr and "1 rejected" in res.stderr and "1 errors" in res.stderr

    # the kind's own parameter, given by name
    res = runner.invoke(app, ["verify", "--kind-plugin", spec, "--kind-param", "parity_strict=true"], input=jsonl(good))
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["verdict"]["par"]["reason"].startswith("strict")
    res = runner.invoke(app, ["verify", "--kind-plugin", spec, "--kind-param", "parity_strikt=1"], input=jsonl(good))
    assert res.exit_code == 2 and "unknown kind parameter(s) parity_strikt" in res.stderr

    # the kind renders its gold value in rationalization prompts
    from vstar_cli.prompts import render_label

    assert render_label(good) == "an even number"


def test_cli_kind_plugin_errors_are_one_line(plugin_module, tmp_path):
    rec = make_record("It is even.", "even", "parity")
    for spec, words in [
        ("no_such_module_xyz:KIND", "cannot import kind plugin"),
        (f"{plugin_module}:NOPE", "has no attribute 'NOPE'"),
        (f"{plugin_module}:check_parity", "is not a VerifierKind"),
    ]:
        res = runner.invoke(app, ["verify", "--kind-plugin", spec], input=jsonl(rec))
        assert res.exit_code == 2 and words in res.stderr, res.output
        assert "Traceback" not in res.output
    # without the plugin the kind is unknown: an error record that lists the known kinds
    res = runner.invoke(app, ["verify"], input=jsonl(rec))
    assert res.exit_code == 1 and "unknown verifier kind 'parity'" in res.stderr and "temporal_range" in res.stderr
    dup = tmp_path / "dup_float_kind.py"
    dup.write_text(
        "from vstar_cli.verify.registry import VerifierKind\nFLOAT = VerifierKind('float', lambda a, l, r, c: None)\n",
        encoding="utf-8",
    )
    res = runner.invoke(app, ["verify", "--kind-plugin", "dup_float_kind:FLOAT"], input=jsonl(rec))
    assert res.exit_code == 2 and "'float' is registered twice" in res.stderr
    sys.modules.pop("dup_float_kind", None)


def test_entry_point_plugin(tmp_path, monkeypatch):
    """An installed package's ``vstar.verifiers`` entry point (a tiny dist-info on sys.path)."""
    mod = "shout_kinds_ep"
    (tmp_path / f"{mod}.py").write_text(
        textwrap.dedent(
            """
            from vstar_cli.verify.registry import VerifierKind
            from vstar_cli.verify.verdict import Verdict

            def check_shout(answer, label, record, ctx):
                ok = str(label).upper() in answer and answer.isupper()
                return Verdict(ok, answer if ok else None, "shouted" if ok else "not shouted")

            SHOUT = VerifierKind("shout", check_shout, "the gold word, in capitals")
            """
        ),
        encoding="utf-8",
    )
    dist = tmp_path / "shout_kinds-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: shout-kinds\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(f"[vstar.verifiers]\nshout = {mod}:SHOUT\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry.reset()
    try:
        assert "shout" in registry.registry()
        recs = [make_record("HE IS WAVING", "waving", "shout"), make_record("he is waving", "waving", "shout")]
        res = runner.invoke(app, ["verify"], input=jsonl(*recs))
        assert res.exit_code == 0, res.output
        assert [json.loads(x)["verified"] for x in res.stdout.splitlines()] == [True, False]
        from vstar_cli.commands.verify import kinds_help

        assert "shout" in kinds_help() and "in capitals" in kinds_help()
    finally:
        sys.modules.pop(mod, None)


def test_eval_counts_unreadable_gold_as_errors(plugin_module, tmp_path):
    test = tmp_path / "test.jsonl"
    answers = [
        make_record("even", "even", "parity", choices=["A. even", "B. odd"], question_id="q1"),
        make_record("odd", "even", "parity", choices=["A. even", "B. odd"], question_id="q2"),
        make_record("The range is from 20% to 50%.", [0.9], "temporal_range", question_id="q3"),
    ]
    test.write_text(jsonl(*answers), encoding="utf-8")
    metrics = tmp_path / "m.json"
    res = runner.invoke(
        app,
        ["eval", str(test), "--answers", str(test), "-o", str(metrics), "--kind-plugin", f"{plugin_module}:PARITY"],
    )
    assert res.exit_code == 1, res.output
    m = json.loads(metrics.read_text())
    assert m["errors"] == 1 and m["overall"]["n"] == 2 and m["overall"]["accuracy"] == 0.5
    assert m["multiple_choice"]["n"] == 2  # the plugin declared the multiple_choice metric


def test_eval_metrics_follow_the_declared_kind_metrics():
    from vstar_cli.stages.evaluate import compute

    recs = [
        {
            "label": {"s": float(g)},
            "label_type": ["s"],
            "verifier_type": ["float"],
            "verified": True,
            "verdict": {"s": {"ok": True, "extracted": float(g) + 1}},
            "choices": ["A", "B"],
        }
        for g in (10, 20, 30, 40)
    ]
    m = compute(recs, n_boot=10)
    assert m["float"]["s"]["spearman"] == 1.0
    assert "multiple_choice" not in m  # float does not feed multiple-choice accuracy


STRICT_MODULE = """
from vstar_cli.verify.registry import VerifierKind
from vstar_cli.verify.verdict import CannotJudge, Verdict


def check_word(answer, label, record, ctx):
    # no validate_gold: the check itself finds out it cannot read the label
    if not isinstance(label, str) or " " in label.strip() or not label.strip():
        raise CannotJudge(f"gold {label!r} is not one word")
    return Verdict(label in answer.split(), label, "word present")


WORD = VerifierKind("one_word", check_word, "the gold word appears")
"""


def test_cannot_judge_raised_by_a_check_is_an_error_record(tmp_path, monkeypatch):
    (tmp_path / "word_kind_mod.py").write_text(STRICT_MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    cfg = tmp_path / "verify.yaml"
    cfg.write_text("kind_plugins: [word_kind_mod]\n", encoding="utf-8")  # a whole module, named in the config
    recs = [
        make_record("a red ball", "red", "one_word"),
        make_record("a red ball", "blue", "one_word"),
        make_record("a red ball", "red ball", "one_word"),
    ]
    rej, err = tmp_path / "rej.jsonl", tmp_path / "err.jsonl"
    try:
        res = runner.invoke(
            app,
            ["verify", "--config", str(cfg), "--rejected", str(rej), "--errors", str(err)],
            input=jsonl(*recs),
        )
        assert res.exit_code == 1, res.output
        assert [json.loads(x)["verified"] for x in res.stdout.splitlines()] == [True, False]
        assert len(read_jsonl(rej)) == 1
        (e,) = read_jsonl(err)
        assert e["line"] == 3 and "cannot judge label 'lbl' (one_word): gold 'red ball' is not one word" in e["reason"]
    finally:
        sys.modules.pop("word_kind_mod", None)


def test_generate_and_rationalize_accept_kind_plugins():
    for command in ("generate", "rationalize"):
        res = runner.invoke(app, [command, "--kind-plugin", "no_such_module_xyz:K", "--model", "x/y"], input="")
        assert res.exit_code == 2 and "cannot import kind plugin 'no_such_module_xyz:K'" in res.stderr, res.output


@pytest.mark.parametrize(
    "name",
    [
        "vstar_cli.verify.registry",
        "vstar_cli.verify.kinds.class_name",
        "vstar_cli.verify.kinds.measure",
        "vstar_cli.verify.kinds.sentence",
        "vstar_cli.verify.judge",
        "vstar_cli.prompts",
    ],
)
def test_doctests(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0


def test_a_plugin_file_in_the_working_directory_loads_without_python_m(tmp_path, monkeypatch):
    """The `vstar` console script has no working directory on sys.path; a plugin file there still loads."""
    (tmp_path / "cwd_parity_kind.py").write_text(PARITY_MODULE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])
    try:
        (kind,) = registry.load_plugins(["cwd_parity_kind:PARITY"]).load("cwd_parity_kind:PARITY")
        assert kind.name == "parity" and "parity" in registry.registry()
    finally:
        sys.modules.pop("cwd_parity_kind", None)
