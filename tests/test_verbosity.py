"""-q silences vstar and the libraries it drives; -v shows debug logs. Both work before any command."""

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from vstar_cli.cli import app

runner = CliRunner()


NOISE = """
import logging, sys, warnings
from vstar_cli.commands._common import setup_logging
setup_logging(quiet=sys.argv[1] == "quiet", verbose=sys.argv[1] == "verbose")
# what transformers, bitsandbytes and accelerate emit while loading a quantized model
from transformers.utils import logging as hf_logging
hf_logging.get_logger("transformers.modeling_utils").warning("some weights were not initialized")
hf_logging.get_logger("transformers.modeling_utils").info("loading weights file")
logging.getLogger("bitsandbytes.cextension").warning("compiled without GPU support")
logging.getLogger("accelerate.utils.modeling").warning("device_map offloads to cpu")
warnings.warn("`torch_dtype` is deprecated", FutureWarning)
warnings.warn("MatMul8bitLt: inputs will be cast", UserWarning)
logging.getLogger("vstar.x").info("vstar progress")
logging.getLogger("vstar.x").debug("vstar detail")
"""


def stderr_of(mode):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), HF_HUB_OFFLINE="1")
    env.pop("TRANSFORMERS_VERBOSITY", None)
    res = subprocess.run([sys.executable, "-c", NOISE, mode], capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr
    return res.stderr


def test_quiet_silences_library_warnings():
    assert stderr_of("quiet") == ""


def test_default_lets_library_warnings_through():
    err = stderr_of("default")
    for text in ("not initialized", "GPU support", "offloads", "deprecated", "MatMul8bitLt", "vstar progress"):
        assert text in err
    assert "loading weights file" not in err and "vstar detail" not in err


def test_verbose_shows_debug_and_library_info():
    err = stderr_of("verbose")
    assert "vstar detail" in err and "loading weights file" in err


def test_root_flags_apply_to_every_command(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"question_id": "q", "video_path": "q.mp4", "question": "Q?", "output": "A.", "verified": True})
        + "\n"
    )
    quiet = runner.invoke(app, ["-q", "merge", str(src), "-o", str(tmp_path / "a.jsonl")])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    loud = runner.invoke(app, ["-v", "merge", str(src), "-o", str(tmp_path / "b.jsonl")])
    assert loud.exit_code == 0 and "debug logging on" in loud.stderr and "examples written" in loud.stderr
    plain = runner.invoke(app, ["merge", str(src), "-o", str(tmp_path / "c.jsonl")])
    assert "debug logging on" not in plain.stderr and "examples written" in plain.stderr
