import json

import pytest

from vstar_cli.io import ErrorRecord, InputError, Record, read_records
from vstar_cli.output import JsonlWriter
from vstar_cli.records import get_field, label_pairs


def test_jsonl_with_bad_lines(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text('{"a": 1}\n\nnot json\n[1, 2]\n{"b": "\u00e9"}\n', encoding="utf-8")
    items = list(read_records(p))
    assert [type(i).__name__ for i in items] == ["Record", "ErrorRecord", "ErrorRecord", "Record"]
    assert items[0].lineno == 1 and items[3].lineno == 5 and items[3]["b"] == "\u00e9"
    assert items[1].line == 3 and items[1].raw == "not json" and "malformed JSON" in items[1].reason
    assert items[2].line == 4 and "not an object" in items[2].reason


def test_json_array_file(tmp_path):
    p = tmp_path / "star.json"
    p.write_text(json.dumps([{"id": "a"}, 3, {"id": "b"}]), encoding="utf-8")
    items = list(read_records(p))
    assert isinstance(items[0], Record) and items[0]["id"] == "a" and items[0].lineno == 1
    assert isinstance(items[1], ErrorRecord) and items[1].line == 2
    assert items[2].lineno == 3


def test_missing_and_broken_inputs(tmp_path):
    with pytest.raises(InputError, match="not found"):
        list(read_records(tmp_path / "nope.jsonl"))
    with pytest.raises(InputError, match="directory"):
        list(read_records(tmp_path))
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    items = list(read_records(bad))
    assert all(isinstance(i, ErrorRecord) for i in items) and items


def test_broken_json_array_items_are_error_records_and_the_rest_is_read(tmp_path):
    p = tmp_path / "arr.json"
    p.write_text('[{"id": "a"}, {"id": }, [[[1]]], {"id": "\\ud800"}, {"id": "b", "x": [1, "]"]}]', encoding="utf-8")
    items = list(read_records(p))
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["Record", "ErrorRecord", "ErrorRecord", "ErrorRecord", "Record"]
    assert items[-1]["x"] == [1, "]"] and items[1].line == 2 and "item 2" in items[1].reason
    truncated = tmp_path / "cut.json"
    truncated.write_text('[{"id": "a"}, {"id": "b"', encoding="utf-8")
    items = list(read_records(truncated))
    assert isinstance(items[0], Record) and isinstance(items[-1], ErrorRecord)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("[" * 100000 + "]" * 100000, "nested"),
        ('{"a": ' + "[" * 100000 + "]" * 100000 + "}", "nested"),
        ('{"a": ' + "9" * 5000 + "}", "unreadable JSON value"),
        ('{"a": "\\udc00 x"}', "lone surrogate"),
        ('{"a": 1} trailing', "malformed JSON"),
    ],
)
def test_hostile_lines_become_error_records(tmp_path, line, reason):
    p = tmp_path / "in.jsonl"
    p.write_text('{"ok": 1}\n' + line + '\n{"ok": 2}\n', encoding="utf-8")
    items = list(read_records(p))
    assert [type(i).__name__ for i in items] == ["Record", "ErrorRecord", "Record"]
    assert reason in items[1].reason and items[1].line == 2 and len(items[1].raw) < 3000


def test_invalid_utf8_and_huge_lines(tmp_path, monkeypatch):
    import vstar_cli.io as vio

    monkeypatch.setattr(vio, "MAX_LINE_BYTES", 1000)
    p = tmp_path / "in.jsonl"
    p.write_bytes(b'{"a": "\xff"}\n{"b": "' + b"x" * 5000 + b'"}\n{"c": 3}\n')
    items = list(read_records(p))
    assert [type(i).__name__ for i in items] == ["ErrorRecord", "ErrorRecord", "Record"]
    assert "UTF-8" in items[0].reason and "longer than" in items[1].reason and items[2].lineno == 3


def test_writer_is_atomic_and_locked(tmp_path):
    from vstar_cli.output import OutputError

    p = tmp_path / "out.jsonl"
    p.write_text("old\n", encoding="utf-8")
    with JsonlWriter(p) as w:
        w.write({"a": 1})
        assert p.read_text(encoding="utf-8") == "old\n"  # replaced only on close
        with pytest.raises(OutputError, match="another process"):
            JsonlWriter(p)
    assert p.read_text(encoding="utf-8") == '{"a": 1}\n'
    with pytest.raises(RuntimeError), JsonlWriter(p) as w:
        w.write({"a": 2})
        raise RuntimeError("a run that fails leaves the old output")
    assert p.read_text(encoding="utf-8") == '{"a": 1}\n'
    with JsonlWriter(p, append=True) as w:
        w.write({"b": "\ud800"})  # a lone surrogate is kept as an escape, not a crash
    assert p.read_text(encoding="utf-8").splitlines()[1] == '{"b": "\\ud800"}'
    assert [x.name for x in tmp_path.iterdir()] == ["out.jsonl"]


def test_writer_errors_are_output_errors(tmp_path):
    from vstar_cli.output import OutputError

    with pytest.raises(OutputError, match="directory"):
        JsonlWriter(tmp_path)
    w = JsonlWriter("/dev/full")
    with pytest.raises(OutputError, match="space"):
        w.write({"a": 1})


def test_duplicate_ids_and_done_pairs(tmp_path):
    from vstar_cli.io import done_pairs, flag_duplicate_ids

    items = list(flag_duplicate_ids([Record({"id": 5}, lineno=1), Record({"id": "5"}, lineno=2), Record({"id": 6})]))
    assert isinstance(items[1], ErrorRecord) and "duplicate question_id '5'" in items[1].reason
    p = tmp_path / "gen.jsonl"
    p.write_text(
        '{"id": 5, "output": "x"}\n{"id": "a", "output": "y", "sample_index": "oops"}\n'
        '{"id": [1], "output": "z"}\n{"id": "b", "output": "w", "sample_index": "2"}\n',
        encoding="utf-8",
    )
    assert done_pairs(p) == {("5", 0), ("b", 2)}


def test_empty_input(tmp_path):
    p = tmp_path / "empty.jsonl"
    p.write_text("", encoding="utf-8")
    assert list(read_records(p)) == []


def test_writer_keeps_field_order_and_unicode(tmp_path):
    p = tmp_path / "out.jsonl"
    with JsonlWriter(p) as w:
        w.write({"z": 1, "a": "\u00e9"})
    assert p.read_text(encoding="utf-8") == '{"z": 1, "a": "\u00e9"}\n'


def test_error_record_json():
    rec = Record({"x": 1}, lineno=7)
    assert ErrorRecord("bad", rec).to_json() == {"line": 7, "record": {"x": 1}, "reason": "bad"}


def test_aliases_and_label_pairs():
    assert get_field({"id": "q1", "video": "v.mp4"}, "video_path") == "v.mp4"
    assert get_field({"question_id": "q2", "id": "q1"}, "question_id") == "q2"
    rec = {"label": {"a": 1, "b": 2}, "label_type": "a", "verifier_type": "float"}
    assert label_pairs(rec, {"float"}) == [("a", "float")]
    with pytest.raises(ValueError, match="2 entries"):
        label_pairs({"label": {"a": 1}, "label_type": ["a", "b"], "verifier_type": ["float"]}, {"float"})
    with pytest.raises(ValueError, match="unknown verifier kind"):
        label_pairs({"label": {"a": 1}, "label_type": ["a"], "verifier_type": ["magic"]}, {"float"})
    with pytest.raises(ValueError, match="not a key"):
        label_pairs({"label": {"a": 1}, "label_type": ["c"], "verifier_type": ["float"]}, {"float"})
    with pytest.raises(ValueError, match="missing field 'label'"):
        label_pairs({}, {"float"})


def test_a_failed_writer_leaves_no_file_where_there_was_none(tmp_path):
    p = tmp_path / "new.jsonl"
    with pytest.raises(RuntimeError), JsonlWriter(p) as w:
        w.write({"a": 1})
        raise RuntimeError("the run fails")
    assert list(tmp_path.iterdir()) == []
    p.write_text("", encoding="utf-8")  # an empty file that was there stays
    with pytest.raises(RuntimeError), JsonlWriter(p):
        raise RuntimeError("the run fails")
    assert [x.name for x in tmp_path.iterdir()] == ["new.jsonl"]
    d = tmp_path / "direct.jsonl"  # written in place (generate): kept, as written
    with pytest.raises(RuntimeError), JsonlWriter(d, direct=True) as w:
        w.write({"a": 1})
        raise RuntimeError("the run fails")
    assert d.read_text(encoding="utf-8") == '{"a": 1}\n'
