"""The converter registry, the prepare contract (errors, counts, exit codes), MSVD-QA and MOMA."""

import doctest
import importlib
import json
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from vstar_cli.cli import app
from vstar_cli.prepare.base import Skip, record
from vstar_cli.prepare.converter import Context, Converter
from vstar_cli.prepare.phrasing import Phraser
from vstar_cli.prepare.registry import REGISTRY, Registry
from vstar_cli.prepare.runner import Counts, run

runner = CliRunner()


def lines(text):
    return [json.loads(x) for x in text.splitlines() if x.strip()]


@pytest.mark.parametrize(
    "name",
    [
        "vstar_cli.prepare.base",
        "vstar_cli.prepare.converters.kinetics",
        "vstar_cli.prepare.converters.finediving",
        "vstar_cli.prepare.converters.star",
        "vstar_cli.prepare.converters.ssv2",
    ],
)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0


def _conv(name="toy", kinds=("simple",)):
    def read(path, ctx):
        yield from enumerate(path.read_text().splitlines(), start=1)

    def convert(line, ctx):
        if line == "skip":
            yield Skip("asked to skip")
            return
        if line == "bad":
            raise ValueError("a bad line")
        yield record(f"toy_{line}", f"{line}.mp4", ctx.phraser("toy"), {"x": line}, list(kinds))

    return Converter(name, "Toy.", "a text file", "`toy.txt`", tuple(kinds), read, convert, phrasings={"toy": ["Q?"]})


def test_registry_refuses_duplicates_and_unknown_kinds():
    reg = Registry()
    reg._loaded = True  # no built-ins: only what is registered here
    reg.register(_conv())
    with pytest.raises(ValueError, match="already registered"):
        reg.register(_conv())
    with pytest.raises(ValueError, match="unknown verifier kinds"):
        _conv("other", kinds=("no_such_kind",))
    with pytest.raises(KeyError, match="known: toy"):
        reg.get("nope")


def test_builtin_converters_declare_registered_kinds():
    from vstar_cli.prepare.base import known_kind

    names = REGISTRY.names()
    assert {"kinetics700", "finediving", "star", "ssv2", "tempcompass", "msvd-qa", "moma"} <= set(names)
    for n in names:
        assert all(known_kind(k) for k in REGISTRY.get(n).kinds)


def test_third_party_converter_through_the_entry_point(monkeypatch, tmp_path):
    import importlib.metadata as md

    toy = _conv("toy-plugin")

    class EP:
        name = "toy-plugin"

        def load(self):
            return toy

    monkeypatch.setattr(md, "entry_points", lambda group=None: [EP()] if group == "vstar.converters" else [])
    reg = Registry()
    assert "toy-plugin" in reg.names() and "kinetics700" in reg.names()


def test_counts_add_up_and_errors_keep_the_item(tmp_path):
    path = tmp_path / "toy.txt"
    path.write_text("a\nskip\nbad\nb\n")
    counts = Counts()
    ctx = Context(SimpleNamespace(), Phraser(0, templates={"toy": ["Q?"]}))
    out = list(run(_conv(), path, ctx, counts))
    recs = [x for x in out if isinstance(x, dict)]
    errs = [x for x in out if not isinstance(x, dict)]
    assert [r["question_id"] for r in recs] == ["toy_a", "toy_b"]
    assert len(errs) == 1 and errs[0].line == 3 and "a bad line" in errs[0].reason
    assert counts.read == 4 == counts.converted + sum(counts.skipped.values()) + counts.errors
    assert counts.skipped == {"asked to skip": 1} and counts.written == 2


def test_cli_errors_file_and_exit_codes(tmp_path):
    csv = tmp_path / "train.csv"
    csv.write_text(
        "label,youtube_id,time_start,time_end,split\ndancing,v1,0,10,train\n,v2,0,10,train\nrun,v3,x,10,train\n"
    )
    errors = tmp_path / "err.jsonl"
    res = runner.invoke(app, ["prepare", "kinetics700", str(csv), "--errors", str(errors)])
    assert res.exit_code == 1
    assert len(lines(res.stdout)) == 1
    errs = lines(errors.read_text())
    assert [e["line"] for e in errs] == [3, 4] and all(e["reason"] and e["record"] for e in errs)
    assert "read 3 rows = 1 converted + 0 skipped + 2 errors" in " ".join(res.stderr.split())
    empty = tmp_path / "empty.csv"
    empty.write_text("label,youtube_id,time_start,time_end,split\n")
    res = runner.invoke(app, ["prepare", "kinetics700", str(empty)])
    assert res.exit_code == 1 and "nothing written" in res.stderr
    res = runner.invoke(app, ["prepare", "kinetics700", str(tmp_path / "missing.csv")])
    assert res.exit_code == 2


def test_not_json_is_a_format_error(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("{not json")
    for name in ("ssv2", "star", "tempcompass", "msvd-qa", "moma"):
        res = runner.invoke(app, ["prepare", name, str(bad)])
        assert res.exit_code == 2 and "not JSON" in res.stderr, name


# -- MSVD-QA -------------------------------------------------------------------------------


def test_msvd_qa_original_form_with_mapping(tmp_path):
    # The form of xudejing/video-question-answering's MSVD-QA release.
    qa = [
        {"answer": "man", "id": 30933, "question": "who is cutting a cucumber?", "video_id": 1},
        {"answer": "slice", "id": 30934, "question": "what does a man do to a tomato?", "video_id": 2},
        {"answer": "cat", "id": 30935, "question": "what is playing?", "video_id": 99},
    ]
    (tmp_path / "test_qa.json").write_text(json.dumps(qa))
    (tmp_path / "youtube_mapping.txt").write_text("-4wsuPCjDBc_5_15 vid1\n-7KMZQEsJW4_205_208 vid2\n")
    res = runner.invoke(app, ["prepare", "msvd-qa", str(tmp_path / "test_qa.json")])
    assert res.exit_code == 2 and "--mapping" in res.stderr
    errors = tmp_path / "e.jsonl"
    res = runner.invoke(
        app,
        [
            "prepare",
            "msvd-qa",
            str(tmp_path / "test_qa.json"),
            "--mapping",
            str(tmp_path / "youtube_mapping.txt"),
            "--errors",
            str(errors),
        ],
    )
    assert res.exit_code == 1
    out = lines(res.stdout)
    assert out[0]["video_path"] == "-4wsuPCjDBc_5_15.avi" and out[0]["label"] == {"answer": "man"}
    assert out[0]["verifier_type"] == ["simple"] and out[0]["question"] == "who is cutting a cucumber?"
    assert out[0]["question_id"] == "msvd_30933"
    assert "not in --mapping" in lines(errors.read_text())[0]["reason"]


def test_msvd_qa_common_form(tmp_path):
    qa = [
        {
            "video_name": "-4wsuPCjDBc_5_15",
            "question": "who is cutting a cucumber?",
            "answer": "man",
            "question_id": "v_0",
        }
    ]
    (tmp_path / "test_q.json").write_text(json.dumps(qa))
    res = runner.invoke(
        app, ["prepare", "msvd-qa", str(tmp_path / "test_q.json"), "--video-pattern", "{video_name}.mp4"]
    )
    assert res.exit_code == 0
    r = lines(res.stdout)[0]
    assert r["video_path"] == "-4wsuPCjDBc_5_15.mp4" and r["question_id"] == "msvd_v_0"
    from vstar_cli.verify.classes import verify_simple

    assert verify_simple("A man is cutting it.", r["label"]["answer"], r).ok


# -- MOMA ----------------------------------------------------------------------------------


def moma_video():
    """One video in MOMA-LRG's documented anns.json schema."""
    person = {"id": "1", "class_name": "host", "bbox": [10, 20, 100, 200]}
    guest = {"id": "2", "class_name": "guest", "bbox": [300, 20, 100, 200]}
    table = {"id": "A", "class_name": "table", "bbox": [100, 300, 300, 100]}
    hoi = {
        "id": "h1",
        "time": 12.0,
        "actors": [person, guest],
        "objects": [table],
        "relationships": [{"class_name": "[src] in front of [trg]", "source_id": "1", "target_id": "A"}],
        "attributes": [],
        "transitive_actions": [{"class_name": "[src] talking to [trg]", "source_id": "1", "target_id": "2"}],
        "intransitive_actions": [
            {"class_name": "[src] standing", "source_id": "2"},
            {"class_name": "[src] unsure", "source_id": "2"},
        ],
    }
    subs = [
        {
            "id": "s1",
            "class_name": "guests arriving",
            "start_time": 0.0,
            "end_time": 10.0,
            "higher_order_interactions": [],
        },
        {
            "id": "s2",
            "class_name": "host greeting guests",
            "start_time": 10.0,
            "end_time": 20.0,
            "higher_order_interactions": [hoi],
        },
        {"id": "s3", "class_name": "dining", "start_time": 20.0, "end_time": 40.0, "higher_order_interactions": []},
    ]
    return {
        "file_name": "abc.mp4",
        "num_frames": 1200,
        "width": 640,
        "height": 480,
        "duration": 40.0,
        "activity": {
            "id": "act7",
            "class_name": "dining",
            "start_time": 0.0,
            "end_time": 40.0,
            "sub_activities": [subs[1], subs[0], subs[2]],
        },
    }


def test_moma_hierarchy(tmp_path):
    path = tmp_path / "anns.json"
    path.write_text(json.dumps([moma_video(), {"file_name": "broken.mp4"}]))
    errors = tmp_path / "e.jsonl"
    res = runner.invoke(app, ["prepare", "moma", str(path), "--errors", str(errors)])
    assert res.exit_code == 1 and len(lines(errors.read_text())) == 1
    out = {r["question_id"]: r for r in lines(res.stdout)}
    assert out["moma_act7_act"]["label"] == {"activity": "dining"} and out["moma_act7_act"]["video_path"] == "act7.mp4"
    assert out["moma_act7_seq"]["label"]["action_sequence"] == ["guests arriving", "host greeting guests", "dining"]
    assert out["moma_act7_seq"]["verifier_type"] == ["sentence_sequence"]
    after = out["moma_act7_after"]
    seq = out["moma_act7_seq"]["label"]["action_sequence"]
    asked = next(s for s in seq if s in after["question"])
    assert after["label"]["action_after_action"] == seq[seq.index(asked) + 1]
    atomic = sorted(r["label"]["atomic_action"] for k, r in out.items() if "_atomic" in k)
    assert atomic == ["guest standing", "host in front of table", "host talking to guest"]  # no "unsure"
    a = next(r for k, r in out.items() if "_atomic" in k)
    assert a["video_path"] == "s2.mp4" and "20%" in a["question"] and a["verifier_type"] == ["sentence"]
    res = runner.invoke(app, ["prepare", "moma", str(path), "--max-per-sub-activity", "1"])
    assert sum("_atomic" in r["question_id"] for r in lines(res.stdout)) == 1
