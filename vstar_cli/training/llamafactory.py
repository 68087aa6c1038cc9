"""The ``dataset_info.json`` entry LLaMA-Factory needs to read a ``vstar merge`` output as is.

LLaMA-Factory finds datasets by name in ``<dataset_dir>/dataset_info.json``; each entry names
the file, its formatting (``sharegpt`` for every vstar format it can read), the columns that
hold the messages and the videos, and the keys and role names inside a message. Relative video
paths are joined to its ``media_dir`` argument, so that must be the ``--video-dir`` the records
were generated against.
"""

from __future__ import annotations

import json
from pathlib import Path

LLAVA_TAGS = {
    "role_tag": "from",
    "content_tag": "value",
    "user_tag": "human",
    "assistant_tag": "gpt",
    "system_tag": "system",
}
OPENAI_TAGS = {
    "role_tag": "role",
    "content_tag": "content",
    "user_tag": "user",
    "assistant_tag": "assistant",
    "system_tag": "system",
}


def dataset_entry(fmt: str, file_name: str, video_tag: bool = False) -> dict | None:
    """The entry for a file written by ``vstar merge --format fmt``; None when LLaMA-Factory cannot read it.

    ``messages`` without ``--video-tag`` holds content parts, which LLaMA-Factory does not read.

    >>> dataset_entry("llava", "sft.jsonl")["columns"]
    {'messages': 'conversations', 'videos': 'video'}
    >>> dataset_entry("messages", "sft.jsonl") is None
    True
    """
    if fmt == "llava":
        return {
            "file_name": file_name,
            "formatting": "sharegpt",
            "columns": {"messages": "conversations", "videos": "video"},
            "tags": dict(LLAVA_TAGS),
        }
    if fmt == "sharegpt" or (fmt == "messages" and video_tag):
        return {
            "file_name": file_name,
            "formatting": "sharegpt",
            "columns": {"messages": "messages", "videos": "videos"},
            "tags": dict(OPENAI_TAGS),
        }
    return None


def write_dataset_info(
    output: str | Path, fmt: str, video_tag: bool = False, media_dir: str | Path | None = None
) -> tuple[Path, str] | None:
    """Add (or replace) the entry for ``output`` in the ``dataset_info.json`` beside it.

    The dataset is named after the file (``sft.jsonl`` -> ``sft``); other entries of an existing
    file are kept. Returns ``(dataset_info path, dataset name)``, or None when the format has no
    entry. ``media_dir`` (the videos' directory) goes into the entry too: recent LLaMA-Factory
    releases read it per dataset, older ones ignore it and take the ``media_dir`` argument.
    Raises ``ValueError`` when an existing ``dataset_info.json`` is not a JSON object.
    """
    output = Path(output)
    entry = dataset_entry(fmt, output.name, video_tag)
    if entry is None:
        return None
    info_path = output.parent / "dataset_info.json"
    info: dict = {}
    if info_path.exists():
        try:
            info = json.loads(info_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"{info_path} exists but cannot be read as JSON ({exc}); left unchanged") from None
        if not isinstance(info, dict):
            raise ValueError(f"{info_path} exists but is not a JSON object; left unchanged")
    name = output.name.split(".")[0] or "vstar"
    if media_dir is not None:
        entry["media_dir"] = str(Path(media_dir).resolve())
    info[name] = entry
    tmp = info_path.with_name(info_path.name + ".tmp")
    tmp.write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(info_path)
    return info_path, name
