"""The CLI leaves a distributed process group before exiting, but only after a command that ran to its end."""

import sys

import pytest
import torch.distributed as dist

from vstar_cli.cli import main


@pytest.fixture
def group(tmp_path):
    dist.init_process_group("gloo", init_method=f"file://{tmp_path / 'store'}", rank=0, world_size=1)
    yield
    if dist.is_initialized():
        dist.destroy_process_group()


def test_a_finished_command_leaves_the_group(group, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["vstar", "--version"])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code in (None, 0)
    assert not dist.is_initialized()


def test_a_failed_command_leaves_the_group_alone(group, monkeypatch, capsys):
    # Other ranks may still be inside a collective: tearing the group down could hang them.
    monkeypatch.setattr(sys, "argv", ["vstar", "no-such-command"])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 2
    assert dist.is_initialized()


def test_a_group_that_will_not_close_is_a_warning(group, monkeypatch, capsys):
    def refuse(*_a, **_k):
        raise RuntimeError("backend gone\ndetails")

    monkeypatch.setattr(dist, "destroy_process_group", refuse)
    monkeypatch.setattr(sys, "argv", ["vstar", "--version"])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code in (None, 0)  # the finished command still succeeds
    assert "warning: could not leave the process group: backend gone" in capsys.readouterr().err
