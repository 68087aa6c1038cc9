import json

import pytest

from vstar_cli.io import ErrorRecord, InputError, JsonlWriter, Record, read_records
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
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    with pytest.raises(InputError, match="not a valid JSON array"):
        list(read_records(bad))


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
