"""Records already in conversation form (LLaVA, ShareGPT/LLaMA-Factory, chat messages): one reader.

``merge`` (auxiliary data) and ``finetune`` (training data) both read them here, so a file
one of them accepts the other accepts too. A conversation is an optional system prompt,
``(user, assistant)`` turns, and the videos it is about (the first user turn holds them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

USER_ROLES = {"human", "user"}
ASSISTANT_ROLES = {"gpt", "assistant", "model", "bot"}
SYSTEM_ROLES = {"system"}
_MEDIA_TAG = re.compile(r"<video>\n?|<image>\n?")


@dataclass(frozen=True)
class Conversation:
    """A system prompt (or None), the ``(user, assistant)`` turns, and the videos in order."""

    system: str | None
    turns: tuple[tuple[str, str], ...]
    videos: tuple[str, ...]


def _text(content: Any, where: str = "message") -> str:
    """Text of a message's content: a string, or the text parts of a list of parts.

    Raises ``ValueError`` for anything else (a number, an object, a part that is not an object,
    a text part whose ``text`` is not a string): such a record is malformed, not empty.
    """
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for c in content:
            if not isinstance(c, dict):
                raise ValueError(f"{where}: content parts must be objects, not {type(c).__name__}")
            if c.get("type") == "text":
                if not isinstance(c.get("text"), str):
                    raise ValueError(f"{where}: a text part without a string 'text'")
                parts.append(c["text"])
        return " ".join(parts)
    raise ValueError(f"{where}: the text must be a string or a list of parts, not {type(content).__name__}")


def _part_videos(content: Any) -> list[str]:
    if not isinstance(content, list):
        return []
    out = []
    for c in content:
        if isinstance(c, dict) and c.get("type") == "video":
            v = c.get("path") or c.get("video") or c.get("url")
            if isinstance(v, str) and v:
                out.append(v)
    return out


def _record_videos(rec: dict) -> list[str]:
    for key in ("videos", "video", "video_path"):
        val = rec.get(key)
        if isinstance(val, str) and val:
            return [val]
        if isinstance(val, list) and val:
            if not all(isinstance(v, str) and v for v in val):
                raise ValueError(f"'{key}' must hold video paths (strings)")
            return list(val)
    return []


def is_conversation(rec: dict) -> bool:
    """Whether the record carries ``conversations`` or ``messages`` (so :func:`parse` applies)."""
    return "conversations" in rec or "messages" in rec


def parse(rec: dict) -> Conversation:
    """The conversation of a LLaVA (``conversations``), ShareGPT or chat-messages record.

    Roles may be ``human/gpt`` or ``user/assistant``; a leading ``system`` message (or a
    record-level ``system`` string) is the system prompt. Videos come from ``videos``,
    ``video`` or ``video_path`` (a path or a list), else from ``{"type": "video"}`` parts.
    ``<video>`` tags are removed from the text. Raises ``ValueError`` with a one-line reason
    when the turns do not alternate user/assistant, ending with the assistant.

    >>> c = parse({"video": "a.mp4", "conversations": [
    ...     {"from": "system", "value": "Be brief."},
    ...     {"from": "human", "value": "<video>\\nWhat?"}, {"from": "gpt", "value": "A dog."}]})
    >>> c.system, c.turns, c.videos
    ('Be brief.', (('What?', 'A dog.'),), ('a.mp4',))
    """
    key = "conversations" if "conversations" in rec else "messages"
    msgs = rec.get(key)
    if not isinstance(msgs, list) or not msgs:
        raise ValueError(f"'{key}' must be a non-empty list of messages")
    if not all(isinstance(m, dict) for m in msgs):
        raise ValueError(f"every entry of '{key}' must be an object")

    def role(m: dict) -> str:
        return str(m.get("from", m.get("role", ""))).lower()

    def content(m: dict) -> Any:
        return m["value"] if "value" in m else m.get("content")

    system = rec.get("system") if isinstance(rec.get("system"), str) and rec.get("system") else None
    if role(msgs[0]) in SYSTEM_ROLES:
        system = _text(content(msgs[0]), f"message 1 of '{key}'")
        msgs = msgs[1:]
    videos = _record_videos(rec)
    turns = []
    for i in range(0, len(msgs), 2):
        u = msgs[i]
        a = msgs[i + 1] if i + 1 < len(msgs) else None
        if role(u) not in USER_ROLES:
            raise ValueError(f"message {i + 1} of '{key}' should be the user's, not {role(u)!r}")
        if a is None:
            raise ValueError(f"'{key}' ends with a user message that has no answer")
        if role(a) not in ASSISTANT_ROLES:
            raise ValueError(f"message {i + 2} of '{key}' should be the assistant's, not {role(a)!r}")
        if not videos:
            videos = _part_videos(content(u))
        where = f"message {i + 1} of '{key}'"
        turns.append((_MEDIA_TAG.sub("", _text(content(u), where)).strip(), _text(content(a), where)))
    if not turns:
        raise ValueError(f"'{key}' holds no user/assistant turn")
    return Conversation(system, tuple(turns), tuple(dict.fromkeys(videos)))


def to_record(
    fmt: str,
    rid: str,
    videos: list[str] | tuple[str, ...],
    turns: list[tuple[str, str]] | tuple[tuple[str, str], ...],
    meta: dict,
    system: str | None = None,
    video_tag: bool = False,
) -> dict:
    """One training example in ``fmt`` (llava | sharegpt | messages); the videos go with the first user turn.

    ``video_tag`` (messages only): string contents with ``<video>`` tags and a ``videos`` list,
    the form LLaMA-Factory reads, instead of content parts.

    >>> to_record("sharegpt", "r", ["a.mp4"], [("Q?", "A.")], {}, system="S")["messages"][:2]
    [{'role': 'system', 'content': 'S'}, {'role': 'user', 'content': '<video>Q?'}]
    """
    videos = list(videos)
    n = len(videos)
    if fmt == "llava":
        conv = [{"from": "system", "value": system}] if system else []
        for i, (u, a) in enumerate(turns):
            conv.append({"from": "human", "value": ("<video>\n" * n if i == 0 else "") + u})
            conv.append({"from": "gpt", "value": a})
        return {"id": rid, "video": videos[0] if n == 1 else videos, "conversations": conv, "vstar": meta}
    if fmt == "sharegpt" or video_tag:
        msgs = [{"role": "system", "content": system}] if system else []
        for i, (u, a) in enumerate(turns):
            msgs.append({"role": "user", "content": ("<video>" * n if i == 0 else "") + u})
            msgs.append({"role": "assistant", "content": a})
        return {"id": rid, "messages": msgs, "videos": videos, "vstar": meta}
    msgs = [{"role": "system", "content": [{"type": "text", "text": system}]}] if system else []
    for i, (u, a) in enumerate(turns):
        content = ([{"type": "video", "path": v} for v in videos] if i == 0 else []) + [{"type": "text", "text": u}]
        msgs.append({"role": "user", "content": content})
        msgs.append({"role": "assistant", "content": [{"type": "text", "text": a}]})
    return {"id": rid, "video": videos[0] if n == 1 else videos, "messages": msgs, "vstar": meta}
