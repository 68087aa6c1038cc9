"""Property-based fuzzing: for any JSON value in any field, a stage yields a record or an error
record, never raises, and records in = out + rejected + errors.

Bounded in the default run (``tests/hostile/conftest.py``); ``make fuzz`` runs many more examples.
"""

import json
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.hostile.catalogue import KINDS, RECORD_FIELDS, good_record
from vstar_cli.cli import app
from vstar_cli.io import ErrorRecord, Record, read_records

runner = CliRunner()

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**500), max_value=10**500)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(["", "->", " -> ", "a -> b", "0.5", "[0.1, 0.2]", "same", "not the same", "yes", "x" * 300])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=15,
)
outputs = st.text(max_size=300) | st.sampled_from(
    ["", "The answer is 5.", "from 0.2 to 0.4", "[0.5, 0.5, 0.2, 0.2]", "It is the same.", "first a, then b"]
)


@st.composite
def records(draw):
    """A well-formed answered record with some fields (or the label itself) replaced by any JSON value."""
    rec = good_record(draw(st.sampled_from(KINDS)), draw(st.integers(0, 10**6)))
    rec["output"] = draw(outputs)
    for name in draw(st.lists(st.sampled_from([*RECORD_FIELDS, "label.lbl", "extra"]), max_size=3)):
        value = draw(json_values)
        if name == "label.lbl":
            rec["label"] = {"lbl": value}
        else:
            rec[name] = value
    return rec


def _dumps(rec) -> str:
    return json.dumps(rec, ensure_ascii=False)


@pytest.fixture(scope="module", autouse=True)
def one_embedder():
    """Every verify run in this module shares one loaded embedder (loading it per example is seconds)."""
    from vstar_cli.verify import judge

    shared = {}
    real = judge.Embedder

    def cached(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        if key not in shared:
            shared[key] = real(*args, **kwargs)
        return shared[key]

    judge.Embedder = cached
    yield
    judge.Embedder = real


# -- the reader -------------------------------------------------------------------------------


@given(
    st.lists(
        st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")), max_size=20
    )
)
def test_reader_any_bytes(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("fuzz") / "in.jsonl"
    lines = [line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines]
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = list(read_records(path))
    assert all(isinstance(i, (Record, ErrorRecord)) for i in items)
    first = next((line for line in lines if line.strip()), b"")
    if not first.lstrip().lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"["):
        assert len(items) == sum(1 for line in lines if line.strip() and line.strip() != b"\xef\xbb\xbf")


@given(st.lists(json_values, max_size=10))
def test_reader_json_arrays(tmp_path_factory, values):
    path = tmp_path_factory.mktemp("fuzz") / "in.json"
    path.write_text(json.dumps(values), encoding="utf-8")
    items = list(read_records(path))
    assert len(items) == len(values)
    for item, value in zip(items, values, strict=True):
        assert isinstance(item, Record) == isinstance(value, dict)
        if isinstance(item, Record):
            assert dict(item) == value


# -- verify -----------------------------------------------------------------------------------


@given(st.lists(records(), min_size=1, max_size=6))
def test_verify_any_field(recs):
    from vstar_cli.stages.verify import VerifyConfig, run

    items = [Record(json.loads(_dumps(r)), lineno=i) for i, r in enumerate(recs, 1)]
    out = list(run(items, VerifyConfig(batch_size=4)))
    assert len(out) == len(items)
    for item in out:
        if isinstance(item, Record):
            assert isinstance(item["verified"], bool) and isinstance(item["verdict"], dict)
            json.dumps(item, allow_nan=True)
        else:
            assert isinstance(item, ErrorRecord) and item.reason


@given(st.sampled_from(KINDS), json_values, outputs)
def test_verify_every_kind_any_label(kind, label, output):
    from vstar_cli.stages.verify import VerifyConfig, run

    rec = good_record(kind)
    rec["label"], rec["output"] = {"lbl": label}, output
    out = list(run([Record(json.loads(_dumps(rec)), lineno=1)], VerifyConfig()))
    assert len(out) == 1 and isinstance(out[0], (Record, ErrorRecord))


# -- merge ------------------------------------------------------------------------------------


@given(st.lists(records(), min_size=1, max_size=8), st.booleans(), st.booleans(), st.booleans())
def test_merge_any_field(recs, direct, mc, keep):
    from vstar_cli.stages.merge import MergeConfig, Stats, run

    items = [Record(json.loads(_dumps(r)), lineno=i) for i, r in enumerate(recs, 1)]
    cfg = MergeConfig(direct=direct, multiple_choice=mc, keep_unverified=keep, shuffle=False)
    stats = Stats()
    out = list(run(items, cfg, stats))
    errors = sum(isinstance(x, ErrorRecord) for x in out)
    counted = sum(sum(c.values()) for (src, _), c in stats.rows.items() if src not in ("direct", "multiple_choice"))
    assert counted + errors == len(items)
    for x in out:
        if not isinstance(x, ErrorRecord):
            json.dumps(x, allow_nan=False)


# -- converters, through the CLI (their Python API is being rewritten) ------------------------

CONVERTER_KEYS = {
    "ssv2": ["id", "label", "template", "placeholders"],
    "tempcompass": ["video_id", "question", "answer", "dim", "meta"],
    "star": ["question_id", "video_id", "question", "answer", "choices", "start", "end", "situations"],
}


def _prepare(tmp_path, name, data: bytes):
    path = tmp_path / ("in.pkl" if name == "finediving" else "in.csv" if name == "kinetics700" else "in.json")
    path.write_bytes(data)
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["prepare", name, str(path), "-o", str(out)])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert res.exit_code in (0, 1, 2)
    if res.exit_code == 2:
        assert len(res.stderr.strip().splitlines()) == 1
    elif out.exists():
        for line in out.read_text(encoding="utf-8").splitlines():
            assert isinstance(json.loads(line), dict)


@given(st.sampled_from(sorted(CONVERTER_KEYS)), st.data())
def test_json_converters_any_value(tmp_path_factory, name, data):
    keys = CONVERTER_KEYS[name]
    items = data.draw(
        st.lists(st.fixed_dictionaries({}, optional={k: json_values for k in keys}) | json_values, max_size=5)
        | json_values
    )
    _prepare(tmp_path_factory.mktemp("conv"), name, json.dumps(items).encode("utf-8"))


@given(st.lists(st.lists(st.text(max_size=20), max_size=6), max_size=8))
def test_kinetics_any_csv(tmp_path_factory, rows):
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["label", "youtube_id", "time_start", "time_end", "split"])
    writer.writerows(rows)
    _prepare(tmp_path_factory.mktemp("conv"), "kinetics700", buf.getvalue().encode("utf-8", "surrogatepass"))


@given(st.dictionaries(json_values.filter(lambda v: not isinstance(v, (list, dict))), json_values, max_size=5))
def test_finediving_any_pickle(tmp_path_factory, anns):
    _prepare(tmp_path_factory.mktemp("conv"), "finediving", pickle.dumps(anns, protocol=2))
