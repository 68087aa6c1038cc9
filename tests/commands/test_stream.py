"""The stream every stage command runs (``vstar_cli.commands.stream``): what it leaves on disk
when a command fails before its first record is written."""

import json
import socket

from typer.testing import CliRunner

from tests.conftest import make_record
from vstar_cli.cli import app
from vstar_cli.commands.stream import Stream
from vstar_cli.output import OutputError

runner = CliRunner()
GOOD = make_record("The man plays the guitar.", "playing guitar", "simple")
BAD = make_record("He is not playing guitar; he plays piano.", "playing guitar", "simple")


def test_an_output_that_cannot_be_opened_leaves_no_other_output(tmp_path):
    """--errors under a regular file fails to open: -o and --rejected are neither created nor left as temp files."""
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(GOOD) + "\n" + json.dumps(BAD) + "\n", encoding="utf-8")
    (tmp_path / "plain").write_text("", encoding="utf-8")
    res = runner.invoke(
        app,
        [
            "verify", str(src),
            "-o", str(tmp_path / "out.jsonl"),
            "--rejected", str(tmp_path / "rej.jsonl"),
            "--errors", str(tmp_path / "plain" / "err.jsonl"),
        ],
    )  # fmt: skip
    assert res.exit_code == 2 and "cannot write" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "plain"]


def test_an_existing_output_is_left_as_it_was(tmp_path):
    out, rej = tmp_path / "out.jsonl", tmp_path / "rej.jsonl"
    out.write_text("old\n", encoding="utf-8")
    try:
        with Stream("t", output=out, rejected=rej, errors=tmp_path / "out.jsonl" / "x"):
            raise AssertionError("the stream must not open")
    except OutputError:
        pass
    assert out.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_merge_balance_on_an_unreadable_input_creates_no_output(tmp_path):
    """--balance reads the inputs before the stream opens (as before the stream driver)."""
    sock = tmp_path / "in.sock"
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind(str(sock))
        res = runner.invoke(app, ["merge", str(sock), "--balance", "-o", str(tmp_path / "m.jsonl")])
    finally:
        s.close()
    assert res.exit_code == 2 and "cannot read" in res.stderr
    assert not (tmp_path / "m.jsonl").exists()
