"""The verifier as a reward for online RL (TRL's ``GRPOTrainer`` reward-function signature).

>>> verifier_reward(
...     ["He is clearly playing the guitar.", "He plays the piano."],
...     label=[{"action": "playing guitar"}] * 2,
...     label_type=[["action"]] * 2,
...     verifier_type=[["simple"]] * 2,
... )
[1.0, 0.0]

Use it as ``GRPOTrainer(model, reward_funcs=verifier_reward, train_dataset=ds)`` where the
dataset has a ``prompt`` column and the record's ``label``, ``label_type`` and
``verifier_type`` (``choices``, ``duration``, ``question`` when present). Options of
``vstar verify`` (tolerances, embedder, plugin kinds) go to :func:`make_verifier_reward`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from vstar_cli.verify.judge import JudgeSettings, kind_pairs, setup
from vstar_cli.verify.verdict import CannotJudge

log = logging.getLogger("vstar.rewards")

# Keyword arguments TRL passes besides the dataset columns; not part of a record.
_TRAINER_KWARGS = {"prompts", "completion_ids", "trainer_state", "log_extra", "log_metric", "environments"}

RewardFunc = Callable[..., "list[float | None]"]


def completion_text(completion: Any) -> str:
    """The answer text of a completion: a string, or a conversation (list of messages).

    In a conversation the assistant messages' text is joined (every message's when none has a
    role); a message's content may be a string or a list of typed parts.

    >>> completion_text([{"role": "assistant", "content": [{"type": "text", "text": "It is red."}]}])
    'It is red.'
    """
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        completion = [completion]
    if not isinstance(completion, (list, tuple)):
        return "" if completion is None else str(completion)
    messages = [m for m in completion if isinstance(m, dict)]
    said = [m for m in messages if m.get("role") == "assistant"] or messages
    return "\n".join(_content_text(m.get("content")) for m in said).strip()


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, (list, tuple)):
        return " ".join(
            str(p.get("text", "")) if isinstance(p, dict) else str(p)
            for p in content
            if not isinstance(p, dict) or p.get("type", "text") == "text"
        )
    return "" if content is None else str(content)


def _decoded(value: Any) -> Any:
    # Arrow tables hold one type per column, so labels of mixed shapes are often stored as JSON text.
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _record(i: int, n: int, answer: str, columns: dict[str, Any]) -> dict:
    rec: dict[str, Any] = {}
    for key, values in columns.items():
        if key in _TRAINER_KWARGS or not isinstance(values, (list, tuple)) or len(values) != n:
            continue
        rec[key] = values[i]
    for key in ("label", "label_type", "verifier_type", "choices"):
        if key in rec:
            rec[key] = _decoded(rec[key])
    if isinstance(rec.get("label"), dict):
        # Arrow turns the union of all rows' label keys into one struct: absent keys come back as None.
        types = rec.get("label_type")
        keep = set(types) if isinstance(types, list) else {types}
        rec["label"] = {k: v for k, v in rec["label"].items() if v is not None or k in keep}
    if not rec.get("question"):
        prompts = columns.get("prompts")
        if isinstance(prompts, (list, tuple)) and len(prompts) == n:
            rec["question"] = completion_text(prompts[i]) if not isinstance(prompts[i], str) else prompts[i]
    rec["output"] = answer
    return rec


def make_verifier_reward(cfg: Any = None, kind_plugins: Iterable[str] = ()) -> RewardFunc:
    """A reward function judging with ``cfg`` (a ``VerifyConfig`` or ``JudgeSettings``; defaults when ``None``).

    ``kind_plugins`` (``module:attribute``) are registered on the first call, as
    ``vstar verify --kind-plugin`` would.
    """
    kind_plugins = [kind_plugins] if isinstance(kind_plugins, str) else list(kind_plugins)
    state: dict[str, Any] = {}

    def context():
        if "ctx" not in state:
            conf = cfg if cfg is not None else JudgeSettings()
            plugins = list(dict.fromkeys([*conf.kind_plugins, *kind_plugins]))
            state["ctx"] = setup(dataclasses.replace(conf, kind_plugins=plugins))  # the caller's cfg is left as is
        return state["ctx"]

    def verifier_reward(completions: list, **columns: Any) -> list[float | None]:
        """One score per completion: the fraction of the record's labels the answer verifies.

        ``None`` (no reward: TRL leaves it out of the mean) where the record cannot be judged:
        a gold label its kind cannot read, an unknown kind, missing or mismatched label fields.
        """
        ctx = context()
        reg = ctx.kinds
        n = len(completions)
        jobs: list[tuple[dict, list] | None] = []
        for i, completion in enumerate(completions):
            rec = _record(i, n, completion_text(completion), columns)
            try:
                pairs = kind_pairs(rec, reg)
                for lt, kind in pairs:
                    if kind.validate_gold is not None:
                        kind.validate_gold(rec["label"][lt])
            except (CannotJudge, ValueError) as exc:
                log.debug("no reward for completion %d: %s", i, exc)
                jobs.append(None)
                continue
            jobs.append((rec, pairs))
        texts = [
            t
            for job in jobs
            if job is not None
            for lt, kind in job[1]
            if kind.needs_embedder and kind.texts is not None
            for t in kind.texts(job[0]["output"], job[0]["label"][lt])
        ]
        if texts:
            ctx.embedder.prefetch(texts)  # one batch for the whole group of completions
        scores: list[float | None] = []
        for job in jobs:
            if job is None:
                scores.append(None)
                continue
            rec, pairs = job
            try:
                oks = [kind.check(rec["output"], rec["label"][lt], rec, ctx).ok for lt, kind in pairs]
            except CannotJudge as exc:
                log.debug("no reward: %s", exc)
                scores.append(None)
                continue
            scores.append(sum(oks) / len(oks))
        return scores

    return verifier_reward


verifier_reward = make_verifier_reward()
