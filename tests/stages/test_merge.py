"""merge and finetune read the same conversation formats: verdicts, system prompts, several videos,
LLaMA-Factory's own records, and the dataset_info.json entry merge writes for LLaMA-Factory."""

import json

import pytest
from typer.testing import CliRunner

from vstar_cli import chat
from vstar_cli.cli import app
from vstar_cli.training.data import load_examples, parse_example

runner = CliRunner()


def write(tmp_path, recs, name="in.jsonl"):
    p = tmp_path / name
    p.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return p


def lines(text):
    return [json.loads(x) for x in text.splitlines() if x.strip()]


def official(rid, verified, answer="A man plays guitar."):
    """Shaped like Video-STaR's released outputs: LLaVA conversations plus the verifier's verdict."""
    return {
        "id": rid,
        "video": f"{rid}.mp4",
        "conversations": [
            {"from": "human", "value": "<video>\nWhat is the person doing?"},
            {"from": "gpt", "value": answer},
        ],
        "verified": verified,
    }


def merge(tmp_path, recs, *args):
    res = runner.invoke(app, ["merge", str(write(tmp_path, recs)), "--no-shuffle", *args])
    assert res.exit_code == 0, res.output
    return lines(res.stdout), res


def test_verified_false_is_never_kept_even_with_conversations(tmp_path):
    recs = [official("a", True), official("b", False), official("c", "false"), official("d", None)]
    recs.append({k: v for k, v in official("e", True).items() if k != "verified"})  # plain auxiliary data
    out, res = merge(tmp_path, recs)
    assert [o["id"] for o in out] == ["a", "e"]
    assert "2 examples written" in res.stderr
    kept, _ = merge(tmp_path, recs, "--keep-unverified")
    assert [o["id"] for o in kept] == ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize("fmt", ["llava", "sharegpt", "messages"])
def test_leading_system_message_stays_a_system_message(tmp_path, fmt):
    rec = {
        "id": "s",
        "videos": ["s.mp4"],
        "messages": [
            {"role": "system", "content": "Answer in one sentence."},
            {"role": "user", "content": "<video>What falls?"},
            {"role": "assistant", "content": "A glass falls."},
            {"role": "user", "content": "Does it break?"},
            {"role": "assistant", "content": "Yes."},
        ],
    }
    (out,), _ = merge(tmp_path, [rec], "-f", fmt)
    conv = chat.parse(out)
    assert conv.system == "Answer in one sentence."
    assert conv.turns == (("What falls?", "A glass falls."), ("Does it break?", "Yes."))
    assert conv.videos == ("s.mp4",)
    first = (out.get("conversations") or out["messages"])[0]
    assert first.get("from", first.get("role")) == "system"


@pytest.mark.parametrize("fmt", ["llava", "sharegpt", "messages"])
def test_several_videos_are_kept(tmp_path, fmt):
    rec = {
        "id": "m",
        "conversations": [
            {"from": "human", "value": "<video><video>Which clip is faster?"},
            {"from": "gpt", "value": "The second."},
        ],
        "videos": ["one.mp4", "two.mp4"],
    }
    (out,), _ = merge(tmp_path, [rec], "-f", fmt)
    assert chat.parse(out).videos == ("one.mp4", "two.mp4")
    if fmt == "sharegpt":
        assert out["messages"][0]["content"].count("<video>") == 2
    if fmt == "llava":
        assert out["conversations"][0]["value"].count("<video>") == 2


@pytest.mark.parametrize(
    ("conversation", "reason"),
    [
        ([{"from": "gpt", "value": "no question"}], "user"),
        ([{"from": "human", "value": "Q?"}], "no answer"),
        ([{"from": "human", "value": "Q?"}, {"from": "gpt", "value": 7}], "string"),
        ([{"from": "human", "value": ["x"]}, {"from": "gpt", "value": "A."}], "objects"),
        (["human: Q?", "gpt: A."], "object"),
        ("Q? A.", "list"),
    ],
)
def test_malformed_conversation_is_an_error_record(tmp_path, conversation, reason):
    bad = {"id": "x", "video": "x.mp4", "conversations": conversation}
    errs = tmp_path / "errs.jsonl"
    res = runner.invoke(app, ["merge", str(write(tmp_path, [bad, official("a", True)])), "--errors", str(errs)])
    assert res.exit_code == 1
    assert [o["id"] for o in lines(res.stdout)] == ["a"]
    (err,) = lines(errs.read_text())
    assert reason in err["reason"]
    assert parse_example(bad) is None


def test_video_tag_messages_are_strings_with_tags(tmp_path):
    rec = {
        "question_id": "q1",
        "video_path": "q1.mp4",
        "question": "What happens?",
        "output": "Rain.",
        "verified": True,
    }
    (out,), _ = merge(tmp_path, [rec], "-f", "messages", "--video-tag")
    assert out["messages"] == [
        {"role": "user", "content": "<video>What happens?"},
        {"role": "assistant", "content": "Rain."},
    ]
    assert out["videos"] == ["q1.mp4"]


def test_finetune_reads_every_format_merge_reads_and_writes(tmp_path):
    llamafactory = {
        "conversations": [{"from": "human", "value": "<video>Q?"}, {"from": "gpt", "value": "A."}],
        "videos": ["lf.mp4"],
    }
    parts = {
        "messages": [
            {"role": "user", "content": [{"type": "video", "path": "p.mp4"}, {"type": "text", "text": "Q?"}]},
            {"role": "assistant", "content": [{"type": "text", "text": "A."}]},
        ]
    }
    inputs = [llamafactory, parts, official("o", True)]
    for rec in inputs:
        assert parse_example(rec) is not None, rec
    for fmt in ("llava", "sharegpt", "messages"):
        out, _ = merge(tmp_path, inputs, "-f", fmt)
        p = write(tmp_path, out, f"{fmt}.jsonl")
        examples, errors = load_examples(p)
        assert errors == []
        assert sorted(e.video for e in examples) == ["lf.mp4", "o.mp4", "p.mp4"]
        assert all(e.turns[0][1] in ("A.", "A man plays guitar.") for e in examples)
    two = parse_example({"videos": ["a.mp4", "b.mp4"], **{k: v for k, v in llamafactory.items() if k != "videos"}})
    assert two.videos == ("a.mp4", "b.mp4")


@pytest.mark.parametrize(
    ("fmt", "extra", "messages_col", "videos_col", "role_tag"),
    [
        ("llava", [], "conversations", "video", "from"),
        ("sharegpt", [], "messages", "videos", "role"),
        ("messages", ["--video-tag"], "messages", "videos", "role"),
    ],
)
def test_dataset_info_entry_written_beside_output(tmp_path, fmt, extra, messages_col, videos_col, role_tag):
    (tmp_path / "dataset_info.json").write_text(json.dumps({"other": {"file_name": "o.json"}}))
    src = write(tmp_path, [official("a", True)])
    out = tmp_path / "sft.jsonl"
    vids = tmp_path / "vids"
    res = runner.invoke(app, ["merge", str(src), "-o", str(out), "-f", fmt, "--video-dir", str(vids), *extra])
    assert res.exit_code == 0, res.output
    info = json.loads((tmp_path / "dataset_info.json").read_text())
    assert info["other"] == {"file_name": "o.json"}  # other datasets are kept
    entry = info["sft"]
    assert entry["file_name"] == "sft.jsonl" and entry["formatting"] == "sharegpt"
    assert entry["columns"] == {"messages": messages_col, "videos": videos_col}
    assert entry["tags"]["role_tag"] == role_tag
    assert entry["media_dir"] == str(vids.resolve())
    # every row of the file carries the columns and role names the entry names
    row = json.loads(out.read_text().splitlines()[0])
    assert videos_col in row and messages_col in row
    roles = {m[role_tag] for m in row[messages_col]}
    assert roles <= {entry["tags"]["user_tag"], entry["tags"]["assistant_tag"], entry["tags"]["system_tag"]}
    assert f"media_dir: {vids.resolve()}" in res.stderr.replace("\n", "")


def test_messages_with_content_parts_get_no_entry(tmp_path):
    out = tmp_path / "sft.jsonl"
    res = runner.invoke(app, ["merge", str(write(tmp_path, [official("a", True)])), "-o", str(out), "-f", "messages"])
    assert res.exit_code == 0
    assert not (tmp_path / "dataset_info.json").exists()
    assert "--video-tag" in res.stderr


def test_collator_takes_system_prompt_and_several_videos(tiny_qwen):
    import numpy as np

    from vstar_cli.model import ModelConfig, load_processor
    from vstar_cli.training.data import IGNORE, Collator
    from vstar_cli.video import Clip

    proc = load_processor(ModelConfig(model=tiny_qwen))
    clip = Clip(np.zeros((4, 48, 64, 3), np.uint8), list(range(4)), 8.0, 1.0, 8, "x")
    one = {"clip": clip, "turns": (("Q?", "One."),)}
    two = {"clip": clip, "clips": [clip, clip], "turns": (("Which?", "The first."),), "system": "Be brief."}
    batch = Collator(proc)([one, two])
    tok = proc.tokenizer
    n_video = (batch["input_ids"] == tok.convert_tokens_to_ids("<|video_pad|>")).sum(dim=1).tolist()
    assert n_video[1] == 2 * n_video[0] > 0  # both videos reach the model
    assert batch["video_grid_thw"].shape[0] == 3
    text = tok.decode(batch["input_ids"][1])
    assert "Be brief." in text
    assert tok.decode(batch["input_ids"][1][batch["labels"][1] != IGNORE]) == "The first.<|im_end|>\n"
