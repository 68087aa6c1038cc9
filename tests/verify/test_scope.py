"""Answer scope: only the container of a reasoning answer is judged; a broken container is a rejection."""

import pytest

from tests.conftest import make_record
from vstar_cli.rewards import format_reward
from vstar_cli.verify.classes import verify_simple
from vstar_cli.verify.registry import builtin
from vstar_cli.verify.scope import answer_scope

OPTIONS = {"choices": ["A. cutting vegetables", "B. washing dishes", "C. frying eggs"]}


@pytest.mark.parametrize(
    ("answer", "container", "text"),
    [
        ("<think>Is it A? The knife suggests A, but the sink...</think>\n<answer>B</answer>", "<answer> tags", "B"),
        ("<think>maybe A</think><answer>\n(B) washing dishes\n</answer>", "<answer> tags", "(B) washing dishes"),
        ("Option A fits the knife, C the pan. Weighing both, \\boxed{B}", "\\boxed{}", "B"),
        ("Thus the answer is $\\boxed{\\text{B}}$.", "\\boxed{}", "B"),
        ("A is tempting; C too.\nFinal answer: B", "final answer declaration", "B"),
        ("Let me think. It is not A.\n**Answer:** B", "final answer declaration", "B"),
        ("<think>A or C?</think> The person is washing dishes.", "<think> tags", "The person is washing dishes."),
        ("The person is washing dishes.", None, "The person is washing dishes."),
    ],
)
def test_the_container_is_found(answer, container, text):
    s = answer_scope(answer)
    assert s.container == container and s.error is None
    assert s.text.strip() == text
    assert text in answer[s.offset : s.offset + len(s.text)]  # offsets point into the answer


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ("<answer>B", "unclosed <answer> tag"),
        ("<answer>A <answer>B</answer></answer>", "nested <answer> tags"),
        ("B</answer>", "</answer> without <answer>"),
        ("<think>A or B? Surely B<answer>B</answer>", "<answer> inside an unclosed <think>"),
        ("<think>I keep thinking", "unclosed <think> tag"),
        ("so \\boxed{B", "unclosed \\boxed{"),
    ],
)
def test_a_broken_container_is_rejected_with_its_reason(answer, why):
    assert answer_scope(answer).error == why
    v = builtin().get("simple").judge(answer, "washing dishes", OPTIONS)
    assert not v.ok and v.reason == f"broken answer container: {why}"


def test_only_the_scope_is_judged_and_the_verdict_says_so():
    kind = builtin().get("simple")
    weigh = "<think>The knife means A, cutting vegetables. But wait, the sink.</think><answer>B</answer>"
    v = kind.judge(weigh, "washing dishes", OPTIONS)
    assert v.ok and v.reason.endswith("(judged: <answer> tags)")
    assert weigh[v.span[0] : v.span[1]] == "B"
    wrong = "<think>B looks right, washing dishes.</think><answer>A</answer>"
    assert not kind.judge(wrong, "washing dishes", OPTIONS).ok
    # the thinking's words never count: without the container the same answer verifies
    assert verify_simple("B looks right, washing dishes.", "washing dishes", OPTIONS).ok
    rng = (
        builtin()
        .get("temporal_range")
        .judge("<think>Maybe 0.1 to 0.3? No.</think><answer>from 0.4 to 0.7</answer>", [0.4, 0.7], {})
    )
    assert rng.ok and rng.extracted == [0.4, 0.7]


def test_format_reward_beside_the_verifier_reward():
    from vstar_cli.rewards import verifier_reward

    completions = [
        "<think>hm</think><answer>B</answer>",
        "B",
        "<answer>B",
        [{"role": "assistant", "content": "\\boxed{B}"}],
    ]
    cols = {
        "label": [{"t": "washing dishes"}] * 4,
        "label_type": [["t"]] * 4,
        "verifier_type": [["simple"]] * 4,
        "choices": [OPTIONS["choices"]] * 4,
    }
    assert format_reward(completions, **cols) == [1.0, 0.0, 0.0, 1.0]
    assert verifier_reward(completions, **cols) == [1.0, 1.0, 0.0, 1.0]


def test_scope_is_linear_on_degenerate_input():
    answer_scope("<answer>" * 20000)
    answer_scope("\\boxed{" * 20000 + "}" * 20000)
    answer_scope("Answer: " * 30000)
    assert answer_scope("<think>" + "x" * 100000 + "</think>B").text == "B"


def test_cli_reports_the_container(tmp_path):
    import json

    from typer.testing import CliRunner

    from vstar_cli.cli import app

    recs = [
        make_record("<think>maybe not</think><answer>He plays the guitar.</answer>", "playing guitar", "simple"),
        make_record("<answer>He plays the guitar.", "playing guitar", "simple"),
    ]
    res = CliRunner().invoke(app, ["verify"], input="".join(json.dumps(r) + "\n" for r in recs))
    out = [json.loads(x) for x in res.stdout.splitlines()]
    assert [r["verified"] for r in out] == [True, False]
    assert "(judged: <answer> tags)" in out[0]["verdict"]["lbl"]["reason"]
    assert out[1]["verdict"]["lbl"]["reason"] == "broken answer container: unclosed <answer> tag"
