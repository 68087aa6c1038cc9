"""Converters on excerpts of the published files (tests/data/real, sources in its README)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fixtures.media import write_video
from vstar_cli.cli import app

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
runner = CliRunner()


def prepare(*args, tmp_path=None):
    """Run ``vstar prepare ARGS``; returns (exit code, records, error records, stderr)."""
    errors = tmp_path / "errors.jsonl" if tmp_path else None
    extra = ["--errors", str(errors)] if errors else []
    res = runner.invoke(app, ["prepare", *map(str, args), *extra])
    recs = [json.loads(x) for x in res.stdout.splitlines() if x.strip()]
    errs = [json.loads(x) for x in errors.read_text().splitlines()] if errors and errors.exists() else []
    return res.exit_code, recs, errs, res.stderr


# -- TempCompass ---------------------------------------------------------------------------


def test_tempcompass_caption_matching_gold_option_with_choices(tmp_path):
    code, recs, errs, err = prepare("tempcompass", REAL / "tempcompass_caption_matching.json", tmp_path=tmp_path)
    assert code == 0 and not errs and recs
    by_id = {r["question_id"]: r for r in recs}
    r = by_id["tc_caption_matching_1034419625_action_0"]  # "Option 1: ... / Option 2: ...", answer Option 2
    assert r["choices"] == ["The man is dribbling a basketball.", "A man is dunking a basketball."]
    assert r["label"] == {"answer": "A man is dunking a basketball."} and r["verifier_type"] == ["simple"]
    assert all(isinstance(x["label"]["answer"], str) and x["label"]["answer"] in x["choices"] for x in recs)
    from vstar_cli.verify.classes import verify_simple

    assert verify_simple("Option 2 fits: a man is dunking a basketball.", r["label"]["answer"], r).ok
    assert not verify_simple("The man is dribbling a basketball.", r["label"]["answer"], r).ok


def test_tempcompass_captioning_gold_information_labels_a_caption(tmp_path):
    code, recs, errs, _ = prepare("tempcompass", REAL / "tempcompass_captioning.json", tmp_path=tmp_path)
    assert code == 0 and not errs
    r = next(x for x in recs if x["question_id"] == "tc_captioning_1034419625_action_0")
    # "Information B: {'subject': 'man', 'action': 'dunking a basketball'}", answer "B. dunking a basketball"
    assert r["label"] == {"caption": "man: dunking a basketball"} and r["verifier_type"] == ["sentence"]
    assert r["gold_information"] == "{'subject': 'man', 'action': 'dunking a basketball'}"
    assert len(r["information"]) == 3 and "choices" not in r
    assert all(x["label"]["caption"] in x["information"] for x in recs)
    assert not any(isinstance(x["label"]["caption"], bool) for x in recs)


def test_tempcompass_question_ids_carry_the_task(tmp_path):
    ids = []
    for task in ("multi-choice", "yes_no", "caption_matching", "captioning"):
        code, recs, _, _ = prepare("tempcompass", REAL / f"tempcompass_{task}.json")
        assert code == 0
        assert all(r["question_id"].startswith(f"tc_{task}_") and r["task"] == task for r in recs)
        ids += [r["question_id"] for r in recs]
    assert len(ids) == len(set(ids))


def test_tempcompass_malformed_items_are_flagged_and_counted():
    code, recs, _, err = prepare("tempcompass", REAL / "tempcompass_multi-choice.json")
    assert code == 0
    flagged = [r for r in recs if r.get("flags")]
    assert len(flagged) == 1
    r = flagged[0]
    assert set(r["flags"]) == {"option glued to the question line", "repeated option letter"}
    assert r["choices"][0].startswith("A. A dog is driving") and [c[0] for c in r["choices"]] == ["A", "B", "C"]
    assert r["label"] == {"answer": "B"}  # the gold "A. A girl ... at the same time" is the second option
    assert "A. A dog" in r["question"] and r["question"].startswith(
        "In what sequence do the events occur in the video?\n"
    )
    assert "flagged: 1 option glued to the question line, 1 repeated option letter" in " ".join(err.split())


def test_tempcompass_meta_info_is_refused():
    code, recs, _, err = prepare("tempcompass", REAL / "tempcompass_meta_info.json")
    assert code == 2 and not recs and "meta_info.json" in err


# -- FineDiving ----------------------------------------------------------------------------


def test_finediving_table_and_split_pickles_are_refused_with_their_role():
    code, _, _, err = prepare("finediving", REAL / "finediving_Sub_action_Types_Table.pkl")
    assert code == 2 and "sub-action type table" in err and "--sub-action-types" in err
    assert "Traceback" not in err
    code, _, _, err = prepare("finediving", REAL / "finediving_train_split.pkl")
    assert code == 2 and "split" in err and "--split" in err


def test_finediving_aqa_pickle_needs_the_table_and_matches_the_fine_grained_one():
    code, _, _, err = prepare("finediving", REAL / "finediving_fine-grained_annotation_aqa.pkl")
    assert code == 2 and "--sub-action-types" in " ".join(err.split())
    code, aqa, _, _ = prepare(
        "finediving",
        REAL / "finediving_fine-grained_annotation_aqa.pkl",
        "--sub-action-types",
        REAL / "finediving_Sub_action_Types_Table.pkl",
    )
    assert code == 0
    _, fine, _, _ = prepare("finediving", REAL / "finediving_fine-grained_annotation.pkl")
    assert [(r["question_id"], r["label"]) for r in aqa] == [(r["question_id"], r["label"]) for r in fine]


def test_finediving_coarse_pickle_says_it_has_scores_only():
    code, recs, _, err = prepare("finediving", REAL / "finediving_coarse_annotation.pkl")
    assert code == 0 and "coarse annotation" in err
    assert {r["label_type"][0] for r in recs} == {"difficulty", "final_score"}
    r = next(r for r in recs if r["question_id"] == "fd_01_1_score")
    assert r["label"] == {"final_score": 88.0} and r["duration"] == pytest.approx(85 / 25)


def test_finediving_before_after_never_asks_about_a_repeated_sub_action():
    code, recs, _, err = prepare("finediving", REAL / "finediving_fine-grained_annotation.pkl")
    assert code == 0
    seqs = {
        r["question_id"].rsplit("_", 1)[0]: r["label"]["action_sequence"]
        for r in recs
        if r["question_id"].endswith("_seq")
    }
    assert seqs["fd_07_73"] == ["Forward", "2.5 Soms.Pike", "2 Twists", "2.5 Soms.Pike", "Entry"]
    for r in recs:
        vid, kind = r["question_id"].rsplit("_", 1)
        if kind in {"after", "before"}:
            seq = seqs[vid]
            gold = next(iter(r["label"].values()))
            asked = [s for s in seq if s in r["question"]]
            assert asked and all(seq.count(s) == 1 for s in asked), r["question"]
            i = seq.index(max(asked, key=len))
            assert gold == (seq[i + 1] if kind == "after" else seq[i - 1])
    # Inward, 0.5 Som.Pike, Entry, 0.5 Som.Pike, Entry: no before-question has one answer
    assert "fd_FINAWorldChampionships2019_Women3mSynchronised_final_r1_5_before" not in {r["question_id"] for r in recs}
    assert "questions not asked: 1 before" in " ".join(err.split())


def test_finediving_split_counts_and_fps_help():
    code, recs, _, err = prepare(
        "finediving", REAL / "finediving_fine-grained_annotation.pkl", "--split", REAL / "finediving_test_split.pkl"
    )
    assert code == 0 and {r["video_path"] for r in recs} == {
        "01_1.mp4",
        "FINADivingWorldCup2021_Women3m_semifinal_r3_3.mp4",
    }
    assert "read 8 dives = 2 converted + 6 skipped + 0 errors" in " ".join(err.split())
    help_text = " ".join(runner.invoke(app, ["prepare", "finediving", "--help"]).stdout.split())
    assert "frame indices only" in help_text and "12 fps" in help_text


# -- Kinetics ------------------------------------------------------------------------------


@pytest.mark.parametrize("split", ["val", "validate", "VALIDATE"])
def test_kinetics_validate_split_either_spelling(split, tmp_path):
    code, recs, _, _ = prepare("kinetics700", REAL / "kinetics_k700_validate.csv", "--split", split)
    assert code == 0 and len(recs) == 12
    code, recs, _, _ = prepare("kinetics700", REAL / "kinetics_k400_val.csv", "--split", split)
    assert code == 0 and len(recs) == 6


def test_kinetics_unknown_split_and_empty_result_are_errors():
    code, _, _, err = prepare("kinetics700", REAL / "kinetics_k700_validate.csv", "--split", "valid")
    assert code == 2 and "unknown --split" in err
    code, recs, _, err = prepare("kinetics700", REAL / "kinetics_k700_validate.csv", "--split", "train")
    assert code == 1 and not recs and "nothing written" in err and "12 split validate" in " ".join(err.split())


def test_kinetics_test_csv_is_refused():
    code, _, _, err = prepare("kinetics700", REAL / "kinetics_k700_test.csv")
    assert code == 2 and "test CSV" in err


@pytest.mark.parametrize("name", ["val.csv", "validate.csv"])
def test_kinetics_recipe_accepts_both_file_names(name, tmp_path):
    import subprocess

    root = Path(__file__).resolve().parents[2]
    (tmp_path / "annotations").mkdir()
    (tmp_path / "annotations" / name).write_text("label,youtube_id,time_start,time_end,split\n")
    res = subprocess.run(
        [
            "make",
            "-n",
            "-f",
            str(root / "recipes" / "kinetics700.mk"),
            f"K700={tmp_path}",
            "BASE=some/model",
            f"RUN={tmp_path}/run",
            f"{tmp_path}/run/data/test.jsonl",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 0, res.stderr
    assert f"annotations/{name} --split val" in res.stdout


# -- Something-Something v2 ----------------------------------------------------------------


def test_ssv2_multi_word_placeholders_and_one_object_questions():
    code, recs, _, _ = prepare("ssv2", REAL / "ssv2_smthelse_fewshot_base_validation_set.json")
    assert code == 0 and len(recs) == 12
    assert not any("[" in r["question"] for r in recs)
    obj = recs[0]
    assert obj["label"]["objects"] and "___" in obj["question"]
    for r in recs:
        if r["question_id"].endswith("_rel") and "interact" in r["question"]:
            assert " and " in r["question"]  # "How do X interact" only with two objects
    one = [r for r in recs if r["question_id"].endswith("_rel") and " and " not in r["question"]]
    assert one and not any("How do" in r["question"] for r in one)


def test_ssv2_labels_and_test_files_are_refused_by_name():
    code, _, _, err = prepare("ssv2", REAL / "ssv2_smthelse_compositional_labels.json")
    assert code == 2 and "SSv2 labels.json" in err and "train or validation file" in " ".join(err.split())
    code, _, _, err = prepare("ssv2", REAL / "ssv2_test_ids.json")
    assert code == 2 and "test file" in err


# -- STAR ----------------------------------------------------------------------------------


@pytest.fixture
def star_videos(tmp_path):
    # Stand-ins for the two Charades videos (30 s each, 640x480: STAR's boxes are pixels of the
    # original frame); their container rate is not STAR's.
    for vid in ("6H78U", "WBS4I"):
        write_video(tmp_path / f"{vid}.mp4", n_frames=60, fps=2, size=(640, 480))
    return tmp_path


def test_star_uses_each_videos_own_frame_rate(star_videos):
    code, recs, _, _ = prepare(
        "star", REAL / "star_2records.json", "--classes-dir", REAL / "star_classes", "--video-dir", star_videos
    )
    assert code == 0
    obj = next(r for r in recs if r["question_id"] == "star_Interaction_T1_13_obj")
    q = json.loads((REAL / "star_2records.json").read_text())[0]
    pct = [f"{round(int(f) / 17.653 / obj['duration'] * 100)}%" for f in q["situations"]]
    assert any(p in obj["question"] for p in pct), obj["question"]
    assert not any(f"{round(int(f) / 30 / obj['duration'] * 100)}%" in obj["question"] for f in q["situations"])


def test_star_temporal_question_uses_question_and_answer(star_videos):
    _, recs, _, _ = prepare(
        "star", REAL / "star_2records.json", "--classes-dir", REAL / "star_classes", "--video-dir", star_videos
    )
    t = next(r for r in recs if r["question_id"] == "star_Interaction_T1_13_t")
    assert "Which object was tidied up by the person?" in t["question"] and "The clothes." in t["question"]
    assert t["label"]["temporal_range"] == pytest.approx([11.1 / 30, 19.6 / 30], abs=0.01)


def test_star_without_classes_asks_no_raw_code_questions(star_videos):
    code, recs, _, err = prepare("star", REAL / "star_2records.json", "--video-dir", star_videos)
    assert code == 0 and "--classes-dir" in err
    assert not any(r["question_id"].endswith(("_obj", "_cmp")) for r in recs)
    assert not any("o0" in json.dumps(r["label"]) for r in recs)


def test_star_slash_classes_are_alternatives(star_videos):
    from vstar_cli.verify.classes import verify_simple

    code, recs, _, _ = prepare(
        "star", REAL / "star_2records.json", "--classes-dir", REAL / "star_classes", "--video-dir", star_videos
    )
    labels = [v for r in recs if r["question_id"].endswith(("_obj", "_cmp")) for v in r["label"].values()]
    assert labels and not any(v.startswith("o0") for v in labels)
    rec = {"label": {"identify": "paper/notebook"}}
    assert verify_simple("It is a notebook.", "paper/notebook", rec).ok
    assert verify_simple("A sheet of paper.", "paper/notebook", rec).ok
    assert not verify_simple("It is a cup.", "paper/notebook", rec).ok
    assert verify_simple("a glass", "cup/glass/bottle", rec).ok


def test_star_records_without_answer_are_error_records(tmp_path):
    data = json.loads((REAL / "star_2records.json").read_text())
    del data[1]["answer"]  # as in STAR_test.json
    path = tmp_path / "STAR_test.json"
    path.write_text(json.dumps(data))
    code, recs, errs, err = prepare("star", path, "--classes-dir", REAL / "star_classes", tmp_path=tmp_path)
    assert code == 1 and len(recs) == 2
    assert len(errs) == 1 and "no answer" in errs[0]["reason"] and errs[0]["line"] == 2
    assert errs[0]["record"]["question_id"] == "Interaction_T1_3772"
    assert "read 2 questions = 1 converted + 0 skipped + 1 errors" in " ".join(err.split())
