"""The verifier as an RL reward: TRL's reward-function signature, partial credit, None, and one GRPO step."""

import doctest
import json

import pytest

import vstar_cli.rewards
from vstar_cli.rewards import completion_text, make_verifier_reward, verifier_reward


def cols(*recs):
    """Records as dataset columns, the way TRL passes them (one list per column)."""
    keys = dict.fromkeys(k for r in recs for k in r)
    return {k: [r.get(k) for r in recs] for k in keys}


ACTION = {"label": {"action": "playing guitar"}, "label_type": ["action"], "verifier_type": ["simple"]}
TWO = {
    "label": {"action": "playing guitar", "when": [0.2, 0.5]},
    "label_type": ["action", "when"],
    "verifier_type": ["simple", "temporal_range"],
}


def test_doctests():
    assert doctest.testmod(vstar_cli.rewards).failed == 0


def test_one_score_per_completion_with_partial_credit():
    scores = verifier_reward(
        [
            "The man is playing guitar from 20% to 50% of the video.",
            "The man is playing guitar.",
            "He plays the piano from 20% to 50% of the video.",
            "He plays the piano.",
        ],
        **cols(TWO, TWO, TWO, TWO),
    )
    assert scores == [1.0, 0.5, 0.5, 0.0]


def test_conversational_completions_and_trainer_kwargs():
    completions = [
        [{"role": "assistant", "content": "He is playing guitar."}],
        [{"role": "assistant", "content": [{"type": "text", "text": "He plays drums."}]}],
    ]
    prompts = [[{"role": "user", "content": "What does he play?"}]] * 2
    # TRL passes these too; they are not record fields
    scores = verifier_reward(
        completions, prompts=prompts, completion_ids=[[1], [2]], trainer_state=None, **cols(ACTION, ACTION)
    )
    assert scores == [1.0, 0.0]
    assert completion_text([{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]) == "a"


def test_none_where_it_cannot_judge():
    broken_range = {"label": {"when": [0.4]}, "label_type": ["when"], "verifier_type": ["temporal_range"]}
    unknown = {"label": {"x": "y"}, "label_type": ["x"], "verifier_type": ["telepathy"]}
    mismatch = {"label": {"x": "y"}, "label_type": ["x"], "verifier_type": ["simple", "float"]}
    no_label = {"label_type": ["x"], "verifier_type": ["simple"]}
    scores = verifier_reward(
        ["It is from 0.2 to 0.5.", "y", "y", "y", "He is playing guitar."],
        **cols(broken_range, unknown, mismatch, no_label, ACTION),
    )
    assert scores == [None, None, None, None, 1.0]


def test_columns_as_json_text_choices_duration_and_question():
    # Arrow stores one type per column, so mixed-shape labels usually travel as JSON text.
    mc = {
        "label": json.dumps({"answer": "the red ball"}),
        "label_type": json.dumps(["answer"]),
        "verifier_type": json.dumps(["simple"]),
        "choices": ["A. the red ball", "B. the blue ball"],
        "duration": None,
    }
    ts = {
        "label": json.dumps({"t": 0.3}),
        "label_type": json.dumps(["t"]),
        "verifier_type": json.dumps(["timestamp"]),
        "choices": None,
        "duration": 40.0,
    }
    scores = verifier_reward(["The answer is A.", "It happens at 0:12."], **cols(mc, ts))
    assert scores == [1.0, 1.0]
    # Arrow's struct of all rows' label keys: keys absent from a row come back as None and are ignored
    struct = {
        "label": {"action": "playing guitar", "when": None},
        "label_type": ["action"],
        "verifier_type": ["simple"],
    }
    assert verifier_reward(["He is playing guitar."], **cols(struct)) == [1.0]


def test_semantic_kinds_and_config():
    from vstar_cli.stages.verify import VerifyConfig

    rec = {
        "label": {"steps": ["the diver jumps from the board", "the diver enters the water"]},
        "label_type": ["steps"],
        "verifier_type": ["sentence_sequence"],
    }
    answers = ["He jumps off the board, then he enters the water.", "He enters the water, then jumps off the board."]
    assert verifier_reward(answers, **cols(rec, rec)) == [1.0, 0.0]
    strict = make_verifier_reward(VerifyConfig(float_tol=0.01))
    score = {"label": {"s": 80.0}, "label_type": ["s"], "verifier_type": ["float"]}
    assert verifier_reward(["The score is 85."], **cols(score)) == [1.0]
    assert strict(["The score is 85."], **cols(score)) == [0.0]


def test_plugin_kinds_and_cannot_judge_from_a_check(tmp_path, monkeypatch):
    import sys

    from vstar_cli.verify import registry

    (tmp_path / "reward_word_kind.py").write_text(
        "from vstar_cli.verify.registry import VerifierKind\n"
        "from vstar_cli.verify.verdict import CannotJudge, Verdict\n"
        "def check(answer, label, record, ctx):\n"
        "    if ' ' in label:\n"
        "        raise CannotJudge('not one word')\n"
        "    return Verdict(label in answer.split(), label, 'word')\n"
        "WORD = VerifierKind('reward_word', check)\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    registry.reset()
    try:
        reward = make_verifier_reward(kind_plugins=["reward_word_kind:WORD"])
        rec = {"label": {"w": "red"}, "label_type": ["w"], "verifier_type": ["reward_word"]}
        bad = {"label": {"w": "red ball"}, "label_type": ["w"], "verifier_type": ["reward_word"]}
        both = {
            "label": {"w": "red", "a": "playing guitar"},
            "label_type": ["w", "a"],
            "verifier_type": ["reward_word", "simple"],
        }
        answers = ["a red ball", "a blue ball", "a red ball", "a red ball while playing guitar", "a red ball"]
        assert reward(answers, **cols(rec, rec, bad, both, both)) == [1.0, 0.0, None, 1.0, 0.5]
    finally:
        registry.reset()
        sys.modules.pop("reward_word_kind", None)


WORDS = ["is", "it", "red", "blue", "yes", "no", "the", "ball", "?"]


def tiny_lm():
    """A 2-layer random Qwen2 causal LM and a word-level tokenizer over a few words, built in memory."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    vocab = {w: i for i, w in enumerate(["<pad>", "<eos>", "<unk>", *WORDS])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.decoder = decoders.WordPiece()  # joins the words with spaces
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="<eos>", unk_token="<unk>")
    torch.manual_seed(0)
    config = Qwen2Config(
        vocab_size=len(vocab),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=64,
        pad_token_id=0,
        eos_token_id=1,
        bos_token_id=1,
        tie_word_embeddings=True,
    )
    return Qwen2ForCausalLM(config), tokenizer


def test_grpo_trainer_takes_the_verifier_as_reward(tmp_path):
    """One GRPO step of TRL on a tiny random model, rewarded by the verifier (offline, CPU)."""
    pytest.importorskip("trl")
    import torch
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    model, tokenizer = tiny_lm()
    rows = [
        {"prompt": "is the ball red ?", **ACTION, "label": json.dumps({"color": "red"}), "label_type": '["color"]'},
        {"prompt": "is it blue ?", **ACTION, "label": json.dumps({"color": "blue"}), "label_type": '["color"]'},
    ]
    for r in rows:
        r["verifier_type"] = '["simple"]'
    dataset = Dataset.from_list(rows)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    args = GRPOConfig(
        output_dir=str(tmp_path / "grpo"),
        max_steps=1,
        per_device_train_batch_size=8,
        num_generations=8,
        max_completion_length=6,
        learning_rate=5e-2,
        use_cpu=True,
        bf16=False,
        report_to=[],
        save_strategy="no",
        logging_steps=1,
        seed=0,
        dataloader_num_workers=0,
    )
    calls = []

    def recorded(fn):
        def reward(completions, **kw):
            out = fn(completions, **kw)
            calls.append((list(completions), out, kw))
            return out

        reward.__name__ = fn.__name__
        return reward

    trainer = GRPOTrainer(
        model=model,
        reward_funcs=recorded(verifier_reward),
        args=args,
        train_dataset=dataset,
        processing_class=tokenizer,
    )
    trainer.train()
    assert calls, "the trainer never called the reward"
    completions, scores, columns = calls[0]
    assert len(scores) == len(completions) == 8
    # each score is what `vstar verify` says of that completion
    from vstar_cli.stages.verify import VerifyConfig, run

    recs = [
        {"output": c, "label": json.loads(lab), "label_type": ["color"], "verifier_type": ["simple"]}
        for c, lab in zip(completions, columns["label"], strict=True)
    ]
    assert scores == [1.0 if r["verified"] else 0.0 for r in run(recs, VerifyConfig())]
    logged = [h for h in trainer.state.log_history if "rewards/verifier_reward/mean" in h]
    assert logged and logged[0]["rewards/verifier_reward/mean"] == pytest.approx(sum(scores) / len(scores))
    # the verifier told answers apart, so the policy moved
    assert 0 < sum(scores) < len(scores), completions
    assert any(not torch.equal(before[n], p.detach()) for n, p in trainer.model.named_parameters())
