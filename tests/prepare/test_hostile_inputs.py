"""`vstar prepare` on inputs nobody wrote for it: files of other datasets, broken encodings,
wrong field types, duplicates, hostile ids. Never a traceback, never a clobbered file, counts add up."""

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fixtures.media import write_video
from vstar_cli.cli import app

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
runner = CliRunner()

CONVERTERS = ("kinetics700", "finediving", "star", "ssv2", "tempcompass", "msvd-qa", "moma")
# One published file per dataset, and the converter it belongs to.
OWN = {
    "kinetics_k700_validate.csv": "kinetics700",
    "finediving_fine-grained_annotation.pkl": "finediving",
    "star_2records.json": "star",
    "ssv2_smthelse_fewshot_base_validation_set.json": "ssv2",
    "tempcompass_multi-choice.json": "tempcompass",
}
SUMMARY = re.compile(r"read (\d+) \w+ = (\d+) converted \+ (\d+) skipped \+ (\d+) errors; (\d+) records written")


def prepare(*args, tmp_path, stdin=None):
    """Run ``vstar prepare ARGS -o OUT --errors ERR``: (exit code, records, error records, stderr)."""
    out, err = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    res = runner.invoke(app, ["prepare", *map(str, args), "-o", str(out), "--errors", str(err)], input=stdin)
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.stderr, res.stderr
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    errs = [json.loads(x) for x in err.read_text(encoding="utf-8").splitlines()] if err.exists() else []
    return res.exit_code, recs, errs, " ".join(res.stderr.split())


def adds_up(stderr: str, recs: list, errs: list) -> tuple[int, int, int, int]:
    """The summary's counts, checked: read = converted + skipped + errors; written and errors as in the files."""
    m = SUMMARY.search(stderr)
    assert m, stderr
    read, converted, skipped, errors, written = map(int, m.groups())
    assert read == converted + skipped + errors
    assert written == len(recs) and errors == len(errs)
    assert len({r["question_id"] for r in recs}) == len(recs), "duplicate question_id in one output"
    return read, converted, skipped, errors


@pytest.mark.parametrize("conv,name", [(c, n) for n in sorted(OWN) for c in CONVERTERS if OWN[n] != c])
def test_a_file_of_another_dataset_is_named_and_nothing_is_touched(conv, name, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text('{"kept": true}\n')
    code, recs, errs, err = prepare(conv, REAL / name, tmp_path=tmp_path)
    assert code == 2, err
    assert f"prepare {OWN[name]}`" in err, err  # says what it looks like, and the command to use
    assert recs == [{"kept": True}] and not (tmp_path / "errors.jsonl").exists()


@pytest.mark.parametrize("conv", CONVERTERS)
@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   \n",
        b"\x80\x04not really a pickle",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": ' * 5000 + b"1" + b"}" * 5000,
    ],
    ids=["empty", "blank", "broken-pickle", "deep-list", "deep-object"],
)
def test_unreadable_files_are_one_line_errors(conv, content, tmp_path):
    path = tmp_path / "input.bin"
    path.write_bytes(content)
    code, recs, _, err = prepare(conv, path, tmp_path=tmp_path)
    assert code == 2 and "error:" in err and not recs
    assert not (tmp_path / "out.jsonl").exists()


def test_output_or_errors_equal_to_the_input_is_refused_and_the_input_survives(tmp_path):
    src = tmp_path / "train.json"
    src.write_bytes((REAL / "ssv2_smthelse_fewshot_base_validation_set.json").read_bytes())
    before = src.read_bytes()
    for flag in ("-o", "--errors"):
        res = runner.invoke(app, ["prepare", "ssv2", str(src), flag, str(src)])
        assert res.exit_code == 2 and "is also the input:" in res.stderr
        assert src.read_bytes() == before
    bank = tmp_path / "bank.jsonl"
    bank.write_text('{"task": "fill in objects", "question": "Which objects?"}\n')
    res = runner.invoke(app, ["prepare", "ssv2", str(src), "--questions", str(bank), "-o", str(bank)])
    assert res.exit_code == 2 and "is also --questions" in res.stderr and "Which objects?" in bank.read_text()


def test_stdin_dash_reads_json_csv_and_pickles(tmp_path):
    for conv, name in (
        ("ssv2", "ssv2_smthelse_fewshot_base_validation_set.json"),
        ("kinetics700", "kinetics_k700_validate.csv"),
    ):
        code, recs, errs, err = prepare(conv, "-", tmp_path=tmp_path, stdin=(REAL / name).read_text(encoding="utf-8"))
        assert code == 0 and recs and not errs, err
        assert "<stdin>" not in err or "error" not in err
        code, from_file, _, _ = prepare(conv, REAL / name, tmp_path=tmp_path)
        assert from_file == recs
    # A pickle through stdin: CliRunner takes bytes.
    data = (REAL / "finediving_coarse_annotation.pkl").read_bytes()
    code, recs, _, err = prepare("finediving", "-", tmp_path=tmp_path, stdin=data)
    assert code == 0 and recs, err


def test_a_bom_and_crlf_are_read(tmp_path):
    src = (REAL / "ssv2_smthelse_fewshot_base_validation_set.json").read_text(encoding="utf-8")
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + src.replace("\n", "\r\n").encode())
    code, recs, _, err = prepare("ssv2", path, tmp_path=tmp_path)
    assert code == 0 and recs, err
    csv = (REAL / "kinetics_k700_validate.csv").read_text(encoding="utf-8")
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv.replace("\n", "\r\n").encode())
    code, recs, _, err = prepare("kinetics700", path, tmp_path=tmp_path)
    assert code == 0 and len(recs) == csv.count("\n") - 1, err
    assert all(r["label"]["action"] == r["label"]["action"].strip() for r in recs)


def test_kinetics_bad_rows_are_error_records_on_their_line(tmp_path):
    head = (REAL / "kinetics_k700_validate.csv").read_bytes().splitlines()[:3]
    rows = [
        b"abseiling,AAAAAAAAAAA,inf,10,validate",  # line 4: infinite time (used to be a traceback)
        b"abseiling,BBBBBBBBBBB,nan,10,validate",  # 5
        b"caf\xe9 dancing,CCCCCCCCCCC,1,11,validate",  # 6: Latin-1 byte
        b"abseiling,DDDDDDDDDDD,20,10,validate",  # 7: ends before it starts
        head[1],  # 8: the row on line 2 again: skipped as a repeat
        b"zumba" + head[2][head[2].index(b",") :],  # 9: the id of the row on line 3, another label
        b"abseiling,EEEEEEEEEEE,1,11,validate,surplus,columns",  # 10: extra columns are fine
    ]
    path = tmp_path / "validate.csv"
    path.write_bytes(b"\n".join(head + rows) + b"\n")
    code, recs, errs, err = prepare("kinetics700", path, tmp_path=tmp_path)
    assert code == 1
    read, converted, skipped, errors = adds_up(err, recs, errs)
    assert (read, converted, skipped, errors) == (9, 3, 1, 5)
    assert "1 repeats an earlier item" in err
    by_line = {e["line"]: e["reason"] for e in errs}
    assert set(by_line) == {4, 5, 6, 7, 9}
    assert "not UTF-8" in by_line[6] and "duplicate question_id" in by_line[9] and "not after" in by_line[7]
    assert "\ufffd" in json.dumps(next(e for e in errs if e["line"] == 6), ensure_ascii=False)


def test_wrong_field_types_never_become_text_like_none(tmp_path):
    items = [
        {"id": None, "template": "Putting [something]", "placeholders": ["a pen"]},
        {"id": [1, 2], "template": "Putting [something]", "placeholders": ["a pen"]},
        {"id": "3", "template": "Putting [something]", "placeholders": [["a pen"]]},
        {"id": "4", "template": "Putting [something]", "placeholders": [None]},
        {"id": "5", "template": "Putting [something]", "placeholders": [{"x": 1}]},
        {"id": "../../etc/passwd", "template": "Putting [something]", "placeholders": ["a pen"]},
        {"id": "7", "template": "Putting [something]", "placeholders": ["a pen"], "label": "putting a pen"},
        {"id": "7", "template": "Putting [something]", "placeholders": ["a cup"], "label": "putting a cup"},
        {"id": 8, "template": "Putting [something]", "placeholders": ["a \ud800 pen"]},
        {"id": 9, "template": "Putting [something] on [something]", "placeholders": ["a pen", 3]},
    ]
    path = tmp_path / "train.json"
    path.write_text(json.dumps(items))
    code, recs, errs, err = prepare("ssv2", path, tmp_path=tmp_path)
    assert code == 1
    adds_up(err, recs, errs)
    assert sorted({r["question_id"].rsplit("_", 1)[0] for r in recs}) == ["ssv2_7", "ssv2_9"]
    flat = [x for r in recs for v in r["label"].values() for x in (v if isinstance(v, list) else [v])]
    texts = [r["video_path"] for r in recs] + [str(x) for x in flat]
    assert not any(s in t for t in texts for s in ("None", "['", "{'"))
    reasons = " | ".join(e["reason"] for e in errs)
    for part in ("id is null", "id is a list", "is a list, not text", "is null, not text", "a dict, not text"):
        assert part in reasons
    assert "not a plain file name" in reasons and "duplicate question_id ssv2_7" in reasons
    assert "not valid Unicode" in reasons


def test_msvd_qa_field_types_and_a_star_file(tmp_path):
    items = [
        {"video_name": "-4wsuPCjDBc_5_15", "question": "what is a man doing?", "answer": "play", "question_id": 1},
        {"video_name": None, "question": "what is a man doing?", "answer": "play", "question_id": 2},
        {"video_name": "-4wsuPCjDBc_5_15", "question": "what is he doing?", "answer": float("nan"), "question_id": 3},
        {"video_name": "-4wsuPCjDBc_5_15", "question": "what is he doing?", "answer": True, "question_id": 4},
        {"video_name": "-4wsuPCjDBc_5_15", "question": "who plays?", "answer": "man", "question_id": 1},
    ]
    path = tmp_path / "test_qa.json"
    path.write_text(json.dumps(items))
    code, recs, errs, err = prepare("msvd-qa", path, tmp_path=tmp_path)
    assert code == 1 and [r["label"]["answer"] for r in recs] == ["play"]
    adds_up(err, recs, errs)
    assert [e["line"] for e in errs] == [2, 3, 4, 5]
    # STAR's video_id is a string: not MSVD-QA's original form, so no "give --mapping" advice.
    code, _, _, err = prepare("msvd-qa", REAL / "star_2records.json", tmp_path=tmp_path)
    assert code == 2 and "--mapping" not in err and "STAR" in err


def test_tempcompass_dimension_that_is_not_a_list_is_counted(tmp_path):
    data = json.loads((REAL / "tempcompass_yes_no.json").read_text(encoding="utf-8"))
    video = next(iter(data))
    data[video]["speed"] = "not a list"
    path = tmp_path / "yes_no.json"
    path.write_text(json.dumps(data))
    code, recs, errs, err = prepare("tempcompass", path, tmp_path=tmp_path)
    assert code == 1
    adds_up(err, recs, errs)
    assert any("'speed'" in e["reason"] and "not a list" in e["reason"] for e in errs)


def test_star_boxes_off_a_resized_video_are_not_asked(tmp_path):
    # STAR's boxes are pixels of the original Charades frame: on a 64x48 copy they fall outside it.
    videos = tmp_path / "videos"
    videos.mkdir()
    for vid in ("6H78U", "WBS4I"):
        write_video(videos / f"{vid}.mp4", n_frames=60, fps=2, size=(64, 48))
    code, recs, errs, err = prepare(
        "star", REAL / "star_2records.json", "--classes-dir", REAL / "star_classes", "--video-dir", videos,
        tmp_path=tmp_path,
    )  # fmt: skip
    assert code == 0 and not errs
    assert not any(r["question_id"].endswith(("_obj", "_cmp")) for r in recs)
    assert "boxes outside the video frame" in err
    for r in recs:
        for v in r["label"].values():
            if isinstance(v, list) and v and isinstance(v[0], float):
                assert all(0 <= x <= 1 for x in v)


def test_question_bank_with_braces_and_bad_lines(tmp_path):
    bank = tmp_path / "bank.jsonl"
    bank.write_text('{"task": "action recognition", "question": "Which {sport} or } is this?"}\n')
    code, recs, errs, err = prepare(
        "kinetics700", REAL / "kinetics_k700_validate.csv", "--questions", bank, "--questions-mode", "bank",
        tmp_path=tmp_path,
    )  # fmt: skip
    assert code == 0 and not errs, err
    assert {r["question"] for r in recs} == {"Which {sport} or } is this?"}
    bank.write_text('[1, 2]\n{"task": "action recognition", "question": "Q?"}\n')
    (tmp_path / "out.jsonl").unlink()
    code, recs, _, err = prepare("kinetics700", REAL / "kinetics_k700_validate.csv", "--questions", bank,
                                 tmp_path=tmp_path)  # fmt: skip
    assert code == 2 and "line 1: not a JSON object" in err and not recs


@pytest.mark.parametrize("fps", ["inf", "nan", "0", "-25"])
def test_finediving_fps_must_be_a_positive_finite_rate(fps, tmp_path):
    code, recs, _, err = prepare(
        "finediving", REAL / "finediving_fine-grained_annotation.pkl", "--fps", fps, tmp_path=tmp_path
    )
    assert code == 2 and "--fps" in err and not recs


def test_star_object_questions_avoid_boxes_with_two_right_names(tmp_path):
    from vstar_cli.prepare.converters.star import iou

    # In STAR's record of video 6H78U half the boxes nearly coincide with another class's box
    # (the clothes and the towel the person holds): "which object is at X" would have two answers.
    videos = tmp_path / "videos"
    videos.mkdir()
    for vid in ("6H78U", "WBS4I"):
        write_video(videos / f"{vid}.mp4", n_frames=60, fps=2, size=(640, 480))
    source = {q["question_id"]: q for q in json.loads((REAL / "star_2records.json").read_text())}
    code, recs, _, err = prepare(
        "star", REAL / "star_2records.json", "--classes-dir", REAL / "star_classes", "--video-dir", videos,
        tmp_path=tmp_path,
    )  # fmt: skip
    assert code == 0, err
    asked = [r for r in recs if r["question_id"].endswith("_obj")]
    assert asked
    for r in asked:
        q = source[r["question_id"][len("star_") : -len("_obj")]]
        xc, yc, w, h = json.loads(r["question"][r["question"].index("[") : r["question"].index("]") + 1])
        box = [(xc - w / 2) * 640, (yc - h / 2) * 480, (xc + w / 2) * 640, (yc + h / 2) * 480]
        hits = [
            (s["bbox"][i], lab)
            for s in q["situations"].values()
            for i, lab in enumerate(s["bbox_labels"])
            if iou(s["bbox"][i], box) > 0.95
        ]
        assert hits
        for s in q["situations"].values():
            for b, lab in zip(s["bbox"], s["bbox_labels"], strict=False):
                if any(iou(b, hb) > 0.95 for hb, _ in hits):
                    others = [b2 for b2, l2 in zip(s["bbox"], s["bbox_labels"], strict=False) if l2 != lab]
                    assert all(iou(b, b2) <= 0.5 for b2 in others)


@pytest.mark.parametrize(
    "conv,name",
    [("star", "star_2records.json"), ("ssv2", "ssv2_smthelse_fewshot_base_validation_set.json")],
)
def test_one_item_that_is_not_an_object_is_an_error_record_not_a_refused_file(conv, name, tmp_path):
    data = json.loads((REAL / name).read_text(encoding="utf-8"))
    data.insert(1, None)
    data.insert(2, [1, 2])
    path = tmp_path / name
    path.write_text(json.dumps(data))
    code, recs, errs, err = prepare(conv, path, tmp_path=tmp_path)
    assert code == 1 and recs
    read, converted, _, errors = adds_up(err, recs, errs)
    assert (read, converted, errors) == (len(data), len(data) - 2, 2)
    assert [(e["line"], e["reason"]) for e in errs] == [
        (2, "item is null, not an object"),
        (3, "item is list, not an object"),
    ]


def test_unwritable_output_or_errors_is_a_one_line_usage_error(tmp_path):
    src = REAL / "ssv2_smthelse_fewshot_base_validation_set.json"
    folder = tmp_path / "a-folder"
    folder.mkdir()
    for args, what in ((["-o", str(folder)], "--output"), (["--errors", str(folder)], "--errors")):
        res = runner.invoke(app, ["prepare", "ssv2", str(src), *args])
        assert res.exit_code == 2 and f"{what} {folder} is a directory" in res.stderr, res.stderr
        assert res.exception is None or isinstance(res.exception, SystemExit)


def test_an_item_that_gives_no_question_is_skipped_with_why_not_converted(tmp_path):
    import pickle

    from vstar_cli.prepare.safe_pickle import load as load_pickle

    dives = load_pickle(REAL / "finediving_fine-grained_annotation.pkl")
    first = next(iter(dives))
    dives[first] = {**dives[first], "frames_labels": dives[first]["frames_labels"][:1], "difficulty": None,
                    "dive_score": None}  # fmt: skip
    path = tmp_path / "dives.pkl"
    path.write_bytes(pickle.dumps(dives))
    code, recs, errs, err = prepare("finediving", path, tmp_path=tmp_path)
    assert code == 0, err
    read, converted, skipped, errors = adds_up(err, recs, errs)
    assert (skipped, converted) == (1, read - 1)
    assert "1 no question to ask (sequence, before/after: fewer than two sub-actions)" in err
    assert not any(r["question_id"].startswith(f"fd_{first[0]}_{first[1]}_") for r in recs)


def test_video_pattern_class_folders_and_only_used_fields_checked(tmp_path):
    csv = tmp_path / "val.csv"
    csv.write_text(
        "label,youtube_id,time_start,time_end,split\n"
        "abseiling,aaaaaaaaaaa,1,11,val\n"
        "cutting/slicing,bbbbbbbbbbb,1,11,val\n"  # a slash in a value the pattern does not use is fine
    )
    code, recs, errs, err = prepare(
        "kinetics700", csv, "--video-pattern", "{label}/{youtube_id}.mp4", tmp_path=tmp_path
    )
    assert code == 1 and [r["video_path"] for r in recs] == ["abseiling/aaaaaaaaaaa.mp4"]
    assert "{label} is not a plain file name: 'cutting/slicing'" in errs[0]["reason"]
    code, recs, errs, err = prepare("kinetics700", csv, "--video-pattern", "{youtube_id}.mp4", tmp_path=tmp_path)
    assert code == 0 and len(recs) == 2 and not errs


@pytest.mark.parametrize("pattern", ["{label", "{lable}.mp4", "{}.mp4", "{0}.mp4"])
def test_a_video_pattern_no_item_can_fill_is_a_usage_error(pattern, tmp_path):
    code, recs, errs, err = prepare(
        "kinetics700", REAL / "kinetics_k700_validate.csv", "--video-pattern", pattern, tmp_path=tmp_path
    )
    assert code == 2 and "--video-pattern" in err and not recs and not errs


def test_star_time_span_is_clipped_to_the_video(tmp_path):
    videos = tmp_path / "videos"
    videos.mkdir()
    write_video(videos / "6H78U.mp4", n_frames=20, fps=2, size=(640, 480))  # 10 s
    data = json.loads((REAL / "star_2records.json").read_text())[:1]
    data[0]["start"], data[0]["end"] = -3.0, 25.0
    path = tmp_path / "STAR_val.json"
    path.write_text(json.dumps(data))
    code, recs, _, err = prepare("star", path, "--video-dir", videos, tmp_path=tmp_path)
    assert code == 0, err
    t = next(r for r in recs if r["question_id"].endswith("_t"))
    assert t["label"]["temporal_range"] == [0.0, 1.0]


def test_finediving_coarse_dive_ending_before_it_starts_is_an_error_record(tmp_path):
    import pickle

    from vstar_cli.prepare.safe_pickle import load as load_pickle

    dives = load_pickle(REAL / "finediving_coarse_annotation.pkl")
    first = next(iter(dives))
    dives[first] = {**dives[first], "end_frame": dives[first]["start_frame"] - 10}
    path = tmp_path / "coarse.pkl"
    path.write_bytes(pickle.dumps(dives))
    code, recs, errs, err = prepare("finediving", path, tmp_path=tmp_path)
    assert code == 1 and [e["line"] for e in errs] == [1] and "before start_frame" in errs[0]["reason"]
    assert all(r["duration"] > 0 for r in recs)


def test_errors_and_records_never_mix_on_stdout(tmp_path):
    res = runner.invoke(app, ["prepare", "kinetics700", str(REAL / "kinetics_k700_validate.csv"), "--errors", "-"])
    assert res.exit_code == 2 and "would mix" in res.stderr and not res.stdout
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["prepare", "kinetics700", str(REAL / "kinetics_k700_validate.csv"), "--errors", "-",
                              "-o", str(out)])  # fmt: skip
    assert res.exit_code == 0 and out.read_text() and not res.stdout


def test_a_split_pickle_with_a_broken_entry_far_down_is_a_one_line_error(tmp_path):
    import pickle

    split = tmp_path / "split.pkl"
    split.write_bytes(pickle.dumps([("01", i) for i in range(1, 61)] + [5]))
    code, recs, _, err = prepare(
        "finediving", REAL / "finediving_fine-grained_annotation.pkl", "--split", split, tmp_path=tmp_path
    )
    assert code == 2 and "error:" in err and not recs


def test_json_lines_are_read_as_the_list_they_stand_for_and_prepared_records_are_named(tmp_path):
    data = json.loads((REAL / "ssv2_smthelse_fewshot_base_validation_set.json").read_text())
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in data))
    code, from_lines, _, err = prepare("ssv2", path, tmp_path=tmp_path)
    assert code == 0, err
    _, from_list, _, _ = prepare("ssv2", REAL / "ssv2_smthelse_fewshot_base_validation_set.json", tmp_path=tmp_path)
    assert from_lines == from_list
    prepared = tmp_path / "prepared.jsonl"
    prepared.write_text("".join(json.dumps(r) + "\n" for r in from_list))
    for conv in ("star", "ssv2", "msvd-qa", "moma", "tempcompass"):
        code, _, _, err = prepare(conv, prepared, tmp_path=tmp_path)
        assert code == 2 and "already prepared" in err, (conv, err)
