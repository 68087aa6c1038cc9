"""``vstar questions``: parsing and every filter on scripted replies; one run with a tiny local LM."""

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from vstar_cli.cli import app
from vstar_cli.stages.questions import QuestionsConfig, is_question, near_duplicate, parse_list, run

runner = CliRunner()
LABELS = ["playing guitar", "riding a bike", "juggling balls"]


class Scripted:
    """A fake model that returns the given replies in turn (and records the prompts)."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.prompts = []

    def __call__(self, prompt):
        self.prompts.append(prompt)
        return self.replies.pop(0) if self.replies else ""


def cfg(**kw):
    base = {
        "task": "action recognition",
        "example": "What is happening in this video?",
        "n": 3,
        "max_attempts": 3,
        "per_prompt": 5,
    }
    base.update(kw)
    return QuestionsConfig(**base)


def test_parse_numbered_and_bulleted_lists():
    reply = (
        "Here are 5 questions:\n\n1. What is the person doing?\n2) Which activity can you see?\n"
        '- "How would you describe the movement?"\n* **What takes place here?**\nQ5: Describe what happens.'
    )
    assert parse_list(reply) == [
        "Here are 5 questions:",
        "What is the person doing?",
        "Which activity can you see?",
        "How would you describe the movement?",
        "What takes place here?",
        "Describe what happens.",
    ]
    assert parse_list("1. What is shown? 2. What happens next?") == ["What is shown?", "What happens next?"]


def test_filters():
    script = Scripted(
        "1. What is the person doing?\n"
        "2. Is the man playing guitar?\n"  # names a label
        "3. Which action recognition class fits?\n"  # names the task
        "4. What is the person doing ?\n"  # duplicate (normalized)
        "5. What is that person doing?\n"  # near-duplicate
        "6. Here is a list\n"  # not a question
        "7. " + "Which " + "very " * 40 + "long question?\n"  # too long
        "8. Why?\n"  # too short
        "9. Describe the main activity in the clip.\n"
        "10. How would you summarize the motion?\n"
    )
    stats = Counter()
    items = list(run(cfg(n=10, max_attempts=1), LABELS, script, "fake", stats))
    kept = [i["question"] for i in items if not i.get("rejected")]
    reasons = {i["question"][:30]: i["reason"] for i in items if i.get("rejected")}
    assert kept == [
        "What is the person doing?",
        "Describe the main activity in the clip.",
        "How would you summarize the motion?",
    ]
    assert reasons["Is the man playing guitar?"] == "names a label (playing guitar)"
    assert reasons["Which action recognition class"] == "names the task"
    assert reasons["What is the person doing ?"].startswith("near-duplicate")
    assert reasons["What is that person doing?"].startswith("near-duplicate")
    assert reasons["Here is a list"] == "not a question"
    assert any(r == "too long" for r in reasons.values()) and reasons["Why?"] == "too short"
    assert stats["kept"] == 3 and stats["names a label"] == 1 and stats["near-duplicate of"] == 2
    assert all(i["model"] == "fake" for i in items if not i.get("rejected"))


def test_keeps_asking_until_n_then_stops():
    script = Scripted(
        "1. What is going on?",
        "1. What is going on?\n2. Which activity is shown?",
        "1. What does the person do?",
        "1. Never asked?",
    )
    items = [i for i in run(cfg(n=3, max_attempts=5), LABELS, script, "fake") if not i.get("rejected")]
    assert [i["question"] for i in items] == [
        "What is going on?",
        "Which activity is shown?",
        "What does the person do?",
    ]
    assert len(script.prompts) == 3  # stopped once 3 were banked


def test_bounded_attempts_and_prompt_content():
    script = Scripted(*["no questions here"] * 10)
    items = list(run(cfg(n=2, max_attempts=4, labels_per_prompt=2, seed=1), LABELS, script, "fake"))
    assert len(script.prompts) == 4 and all(i.get("rejected") for i in items)
    p = script.prompts[0]
    assert "action recognition" in p and "What is happening in this video?" in p and "without mentioning the task" in p
    assert sum(lab in p for lab in LABELS) == 2


def test_helpers():
    assert is_question("Which way?") and not is_question("Describe it")
    assert near_duplicate("What is he doing?", ["what is he doing"], 0.85) == "what is he doing"
    assert near_duplicate("Which colour is the car?", ["How fast does it move?"], 0.85) is None


@pytest.fixture(scope="module")
def tiny_lm(tmp_path_factory):
    """A tiny random Qwen2 causal LM with a locally trained tokenizer and a chat template."""
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from vstar_cli.demo.tiny_models import QWEN_TEMPLATE, train_tokenizer

    out = tmp_path_factory.mktemp("lm")
    tok = train_tokenizer(
        ["What is happening in this video? Which activity is shown? 1. 2. 3."] * 20,
        ["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        vocab_size=400,
    )
    tok.eos_token, tok.pad_token = "<|im_end|>", "<|endoftext|>"
    tok.chat_template = QWEN_TEMPLATE
    tok.save_pretrained(out)
    Qwen2ForCausalLM(
        Qwen2Config(
            vocab_size=len(tok),
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=1,
            num_attention_heads=2,
            num_key_value_heads=1,
        )
    ).save_pretrained(out)
    return str(out)


def test_end_to_end_with_a_tiny_local_model(tiny_lm, tmp_path):
    data = tmp_path / "train.jsonl"
    data.write_text("".join(json.dumps({"label": {"action": lab}, "label_type": ["action"]}) + "\n" for lab in LABELS))
    res = runner.invoke(
        app,
        [
            "questions",
            "--task",
            "action recognition",
            "--example",
            "What is happening in this video?",
            "--labels-from",
            str(data),
            "--model",
            tiny_lm,
            "--n",
            "2",
            "--max-attempts",
            "2",
            "--max-new-tokens",
            "24",
            "--device",
            "cpu",
            "-o",
            str(tmp_path / "bank.jsonl"),
            "--rejected",
            str(tmp_path / "rej.jsonl"),
        ],
    )
    # random weights rarely write a clean question: the run must end cleanly either way
    assert res.exit_code in (0, 1), res.output
    bank = [json.loads(x) for x in (tmp_path / "bank.jsonl").read_text().splitlines()]
    rej = [json.loads(x) for x in (tmp_path / "rej.jsonl").read_text().splitlines()]
    assert len(bank) + len(rej) > 0
    for row in bank + rej:
        assert row["task"] == "action recognition" and "without mentioning the task" in row["prompt"]
    assert all(r["reason"] for r in rej)
    assert ("banked" in res.stderr) and ((res.exit_code == 1) == (len(bank) < 2))


def test_usage_errors(tmp_path):
    assert (
        runner.invoke(app, ["questions", "--task", "t", "--example", "e?", "--model", "x/y"]).exit_code == 2
    )  # no labels
    assert (
        runner.invoke(app, ["questions", "--task", "", "--example", "e?", "--model", "x/y", "--labels", "a"]).exit_code
        == 2
    )
