"""Every stage on the same catalogue of broken records and files: no traceback, nothing lost.

For each stage: exit 0 or 1 (never a crash), and records in = out + rejected + errors.
"""

import json
import time

import pytest
from typer.testing import CliRunner

from tests.hostile.catalogue import TIMING_OUTPUTS, converter_inputs, good_record, record_lines, write_jsonl
from vstar_cli.cli import app

runner = CliRunner()


def count(path) -> int:
    return sum(1 for line in path.read_bytes().splitlines() if line.strip()) if path.exists() else 0


def no_crash(res) -> None:
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.stderr


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "catalogue.jsonl"
    n = write_jsonl(path, [line for _, line in record_lines()])
    return path, n


def test_verify_on_the_catalogue(catalogue, tmp_path):
    path, n = catalogue
    out, rej, err = tmp_path / "out.jsonl", tmp_path / "rej.jsonl", tmp_path / "err.jsonl"
    args = ["verify", str(path), "-o", str(out), "--rejected", str(rej), "--errors", str(err), "--only-verified"]
    res = runner.invoke(app, args)
    no_crash(res)
    assert res.exit_code == 1
    assert count(out) + count(rej) + count(err) == n
    reasons = [json.loads(x)["reason"] for x in err.read_text(encoding="utf-8").splitlines()]
    for expected in ("nested", "lone surrogate", "unreadable JSON value", "not UTF-8", "label_type"):
        assert any(expected in r for r in reasons), expected
    # Every output line is valid strict JSON (no NaN, no lone surrogate written raw).
    for f in (out, rej, err):
        for line in f.read_bytes().splitlines():
            line.decode("utf-8")
            json.loads(line, parse_constant=lambda c: pytest.fail(f"{c} written"))


def test_merge_on_the_catalogue(catalogue, tmp_path):
    path, n = catalogue
    for flags in ([], ["--direct", "--multiple-choice", "--keep-unverified", "--max-per-question", "1"]):
        out, err = tmp_path / "sft.jsonl", tmp_path / "err.jsonl"
        res = runner.invoke(app, ["merge", str(path), "-o", str(out), "--errors", str(err), "-q", *flags])
        no_crash(res)
        assert res.exit_code == 1


def test_merge_counts_every_record(catalogue):
    from vstar_cli.io import ErrorRecord, read_records
    from vstar_cli.stages.merge import MergeConfig, Stats, run

    path, n = catalogue
    stats = Stats()
    cfg = MergeConfig(direct=True, multiple_choice=True, shuffle=False)
    errors = sum(isinstance(x, ErrorRecord) for x in run(read_records(path), cfg, stats))
    counted = sum(
        sum(c.values()) for (source, _), c in stats.rows.items() if source not in ("direct", "multiple_choice")
    )
    assert counted + errors == n


def test_eval_answers_on_the_catalogue(catalogue, tmp_path):
    path, n = catalogue
    metrics, det, err = tmp_path / "m.json", tmp_path / "det.jsonl", tmp_path / "err.jsonl"
    res = runner.invoke(
        app,
        ["eval", str(path), "--answers", str(path), "-o", str(metrics), "--details", str(det), "--errors", str(err)],
    )
    no_crash(res)
    assert res.exit_code == 1
    assert count(det) + count(err) >= n - 1  # eval --answers joins by id (issue 12, point 6): at most one id lost


@pytest.mark.parametrize("source", ["generate", "rationalize"])
def test_generate_until_a_model_is_needed(catalogue, tmp_path, source, tiny_qwen):
    """Every catalogue record fails before the model loads (bad field, path outside, missing video)."""
    path, n = catalogue
    out, err = tmp_path / "gen.jsonl", tmp_path / "err.jsonl"
    args = [source, str(path), "--model", tiny_qwen, "--video-dir", str(tmp_path), "-o", str(out)]
    res = runner.invoke(app, [*args, "--errors", str(err), "--decode-workers", "0", "--device", "cpu"])
    no_crash(res)
    assert res.exit_code == 1
    assert count(out) + count(err) == n
    reasons = err.read_text(encoding="utf-8")
    assert "leads outside --video-dir" in reasons and "over 255 bytes" in reasons
    assert "cannot load model" not in res.stderr


@pytest.mark.parametrize(
    ("converter", "case"),
    [(conv, name) for conv, cases in converter_inputs().items() for name, _ in cases],
)
def test_prepare_converters_on_broken_files(converter, case, tmp_path):
    data = dict(converter_inputs()[converter])[case]
    path = tmp_path / ("in.pkl" if converter == "finediving" else "in.csv" if converter == "kinetics700" else "in.json")
    path.write_bytes(data)
    res = runner.invoke(app, ["prepare", converter, str(path), "-o", str(tmp_path / "out.jsonl")])
    no_crash(res)
    assert res.exit_code in (0, 1, 2)
    if res.exit_code == 2:
        assert len(res.stderr.strip().splitlines()) == 1


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TIMING_OUTPUTS))
def test_degenerate_answers_verify_in_linear_time(name, tmp_path):
    """The linear-time work's cases (issue 12, point 3): each kind well under a second a record."""
    from vstar_cli.io import Record
    from vstar_cli.stages.verify import VerifyConfig, run

    recs = []
    for kind in ("simple", "float", "timestamp", "temporal_range", "bbox", "same_or_not"):
        rec = good_record(kind)
        rec["output"] = TIMING_OUTPUTS[name]
        recs.append(Record(rec, lineno=1))
    start = time.perf_counter()
    out = list(run(recs, VerifyConfig()))
    assert len(out) == len(recs)
    assert time.perf_counter() - start < 6 * 0.5
