"""Converters, on small fixture files written in each dataset's real format."""

import json
import pickle
from collections import Counter

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.fixtures.media import write_video
from vstar_cli.cli import app
from vstar_cli.prepare.phrasing import TEMPLATES
from vstar_cli.prepare.safe_pickle import UnsafePickleError, load

runner = CliRunner()


def lines(text):
    return [json.loads(x) for x in text.splitlines() if x.strip()]


def test_kinetics700_csv(tmp_path):
    csv = tmp_path / "train.csv"
    rows = ["label,youtube_id,time_start,time_end,split"]
    rows += [
        f"{lab},vid{i:03d},{i * 10},{i * 10 + 10},{'train' if i < 8 else 'val'}"
        for i, lab in enumerate(["playing guitar", "riding a bike", "passing American football (in game)"] * 4)
    ]
    csv.write_text("\n".join(rows) + "\n")
    res = runner.invoke(app, ["prepare", "kinetics700", str(csv), "--split", "train", "--seed", "3"])
    assert res.exit_code == 0, res.output
    out = lines(res.stdout)
    assert len(out) == 8
    r = out[1]
    assert r["video_path"] == "vid001_000010_000020.mp4" and r["label"] == {"action": "riding a bike"}
    assert r["label_type"] == ["action"] and r["verifier_type"] == ["simple"] and r["duration"] == 10.0
    phrasings = Counter(x["question"] for x in out)
    assert len(phrasings) >= 4 and max(phrasings.values()) <= 2  # several phrasings, balanced
    assert all(x["label"]["action"] not in x["question"] for x in out)  # no label leaks into the question
    again = lines(runner.invoke(app, ["prepare", "kinetics700", str(csv), "--split", "train", "--seed", "3"]).stdout)
    assert again == out  # seeded
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    assert runner.invoke(app, ["prepare", "kinetics700", str(bad)]).exit_code == 2


def write_finediving(tmp_path):
    names = {0: "Forward", 1: "Inward", 2: "2.5 Soms.Pike", 3: "Entry"}
    anns = {}
    for i in range(4):
        anns[("FINAWorldChampionships2019_Women10m_final_r1", i)] = {
            "dive_score": 60.0 + i * 5,
            "difficulty": 3.2,
            "sub-action_types": names,
            "frames_labels": np.array([0] * 5 + [2] * 10 + [3] * 5),
            "steps_transit_frames": np.array([5, 15]),
        }
    (tmp_path / "ann.pkl").write_bytes(pickle.dumps(anns))
    keys = list(anns)
    (tmp_path / "train_split.pkl").write_bytes(pickle.dumps(keys[:3]))
    (tmp_path / "test_split.pkl").write_bytes(pickle.dumps(keys[3:]))
    return tmp_path / "ann.pkl"


def test_finediving_pickles(tmp_path):
    ann = write_finediving(tmp_path)
    res = runner.invoke(app, ["prepare", "finediving", str(ann), "--split", str(tmp_path / "train_split.pkl")])
    assert res.exit_code == 0, res.output
    out = lines(res.stdout)
    assert len(out) == 3 * 5
    by_type = {tuple(r["label_type"]): r for r in out if r["video_path"].endswith("_0.mp4")}
    seq = by_type[("action_sequence",)]
    assert seq["label"]["action_sequence"] == ["Forward", "2.5 Soms.Pike", "Entry"] and seq["verifier_type"] == [
        "sentence_sequence"
    ]
    assert by_type[("final_score",)]["verifier_type"] == ["float"] and by_type[("difficulty",)]["verifier_type"] == [
        "simple"
    ]
    assert by_type[("action_after_action",)]["verifier_type"] == ["sentence"]
    assert seq["video_path"] == "FINAWorldChampionships2019_Women10m_final_r1_0.mp4" and seq["duration"] == 0.8
    test = lines(
        runner.invoke(app, ["prepare", "finediving", str(ann), "--split", str(tmp_path / "test_split.pkl")]).stdout
    )
    assert {r["video_path"] for r in test} == {"FINAWorldChampionships2019_Women10m_final_r1_3.mp4"}


def test_hostile_pickle_is_refused(tmp_path):
    import os

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {tmp_path / 'pwned'}",))

    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps({"x": Evil()}))
    with pytest.raises(UnsafePickleError):
        load(path)
    res = runner.invoke(app, ["prepare", "finediving", str(path)])
    assert res.exit_code == 2 and "refusing" in res.stderr
    assert not (tmp_path / "pwned").exists()


def write_star(tmp_path, with_videos=True):
    (tmp_path / "classes").mkdir()
    (tmp_path / "classes" / "object_classes.txt").write_text("o000 person\no001 broom\no002 cup\n")
    (tmp_path / "classes" / "action_classes.txt").write_text("a000 Holding a broom\n")
    if with_videos:
        write_video(tmp_path / "6H78U.mp4", n_frames=80, fps=8, size=(64, 48))  # 10 s
    q = {
        "question_id": "Interaction_T1_13",
        "question": "Which object was tidied up by the person?",
        "video_id": "6H78U",
        "start": 2.0,
        "end": 6.0,
        "answer": "The broom.",
        "choices": [{"choice_id": 0, "choice": "The broom."}, {"choice_id": 1, "choice": "The cup."}],
        "situations": {
            "000030": {
                "rel_pairs": [],
                "rel_labels": [],
                "actions": ["a000"],
                "bbox": [[0, 0, 32, 24], [32, 24, 64, 48]],
                "bbox_labels": ["o000", "o001"],
            },
            "000090": {"actions": [], "bbox": [[8, 8, 40, 40]], "bbox_labels": ["o001"]},
        },
    }
    path = tmp_path / "STAR_train.json"
    path.write_text(json.dumps([q]))
    return path


def test_star_json(tmp_path):
    path = write_star(tmp_path)
    res = runner.invoke(
        app, ["prepare", "star", str(path), "--classes-dir", str(tmp_path / "classes"), "--video-dir", str(tmp_path)]
    )
    assert res.exit_code == 0, res.output
    out = {r["question_id"]: r for r in lines(res.stdout)}
    qa = out["star_Interaction_T1_13"]
    assert (
        qa["verifier_type"] == ["open_answer"]  # the gold answers the record's question
        and qa["label"] == {"answer": "The broom."}
        and qa["choices"] == ["The broom.", "The cup."]
    )
    assert out["star_Interaction_T1_13_r"]["label"] == {
        "question_from_answer": "Which object was tidied up by the person?"
    }
    t = out["star_Interaction_T1_13_t"]
    assert t["verifier_type"] == ["temporal_range"] and t["label"]["temporal_range"] == pytest.approx(
        [0.2, 0.6], abs=0.02
    )
    obj = out["star_Interaction_T1_13_obj"]
    assert obj["verifier_type"] == ["obj_identify"] and obj["label"]["identify"] in {"person", "broom"}
    cmp = out["star_Interaction_T1_13_cmp"]
    assert cmp["verifier_type"] == ["simple", "simple", "same_or_not"]
    assert cmp["label"]["same"] in {"the same", "not the same"}


def test_star_without_videos_skips_what_needs_them(tmp_path):
    path = write_star(tmp_path, with_videos=False)
    res = runner.invoke(app, ["prepare", "star", str(path)])
    assert res.exit_code == 0
    assert len(lines(res.stdout)) == 2 and "skipped" in res.stderr


def test_ssv2_labels(tmp_path):
    data = [
        {
            "id": "78687",
            "label": "holding potato next to vicks vaporub bottle",
            "template": "Holding [something] next to [something]",
            "placeholders": ["potato", "vicks vaporub bottle"],
        }
    ]
    path = tmp_path / "something-something-v2-train.json"
    path.write_text(json.dumps(data))
    out = lines(runner.invoke(app, ["prepare", "ssv2", str(path)]).stdout)
    assert out[0]["label"] == {"objects": ["potato", "vicks vaporub bottle"]} and out[0]["verifier_type"] == ["simple"]
    assert "___" in out[0]["question"] and "potato" not in out[0]["question"]
    assert out[1]["label"] == {"relationship": "holding potato next to vicks vaporub bottle"} and out[1][
        "verifier_type"
    ] == ["sentence"]
    assert out[0]["video_path"] == "78687.webm"


def test_tempcompass(tmp_path):
    mc = {
        "1034419625": {
            "action": [
                {
                    "question": "What is the man doing in the video?\nA. dunking a basketball\nB. dribbling a basketball",
                    "answer": "A. dunking a basketball",
                }
            ]
        }
    }
    yn = {"1034419625": {"direction": [{"question": "Is the man moving from left to right?", "answer": "yes"}]}}
    (tmp_path / "mc.json").write_text(json.dumps(mc))
    (tmp_path / "yn.json").write_text(json.dumps(yn))
    m = lines(runner.invoke(app, ["prepare", "tempcompass", str(tmp_path / "mc.json")]).stdout)[0]
    assert m["choices"] == ["A. dunking a basketball", "B. dribbling a basketball"] and m["label"] == {"answer": "A"}
    assert m["question"] == "What is the man doing in the video?" and m["dimension"] == "action"
    y = lines(runner.invoke(app, ["prepare", "tempcompass", str(tmp_path / "yn.json")]).stdout)[0]
    assert y["label"] == {"answer": True} and "choices" not in y
    # both verify as the records say
    from vstar_cli.verify.classes import verify_simple

    assert verify_simple("The man dunks. The answer is A.", "A", m).ok
    assert verify_simple("Yes, he moves from left to right.", True, y).ok


def test_question_bank_is_used(tmp_path):
    csv = tmp_path / "k.csv"
    csv.write_text(
        "label,youtube_id,time_start,time_end,split\n" + "".join(f"dancing,v{i},0,10,train\n" for i in range(6))
    )
    bank = tmp_path / "bank.jsonl"
    bank.write_text(
        "".join(
            json.dumps({"task": "action recognition", "question": q}) + "\n"
            for q in ["What does the clip show the person doing?", "Tell me what goes on here."]
        )
    )
    only = lines(
        runner.invoke(
            app, ["prepare", "kinetics700", str(csv), "--questions", str(bank), "--questions-mode", "bank"]
        ).stdout
    )
    assert {r["question"] for r in only} == {"What does the clip show the person doing?", "Tell me what goes on here."}
    both = lines(runner.invoke(app, ["prepare", "kinetics700", str(csv), "--questions", str(bank)]).stdout)
    qs = {r["question"] for r in both}
    assert qs & set(TEMPLATES["action recognition"]) or len(qs) > 2
