"""Safe pickles: the real FineDiving files load as a plain unpickler loads them; hostile ones are refused."""

import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.hostile.catalogue import MEMO_BOMB, hostile_pickles, legit_pickles
from vstar_cli.cli import app
from vstar_cli.prepare.safe_pickle import UnsafePickleError, load, loads

REAL = Path("/work/shared/realdata/finediving")
runner = CliRunner()

# Loads a trusted pickle with the plain unpickler in a separate process and prints a canonical form.
CANON = r"""
import json, pickle, sys
import numpy as np

def canon(x):
    if isinstance(x, np.ndarray):
        return {"ndarray": str(x.dtype), "shape": list(x.shape), "data": x.tobytes(order="A").hex(),
                "fortran": bool(x.flags.f_contiguous and not x.flags.c_contiguous)}
    if isinstance(x, np.generic):
        return {"scalar": str(x.dtype), "data": x.tobytes().hex()}
    if isinstance(x, dict):
        return {"dict": type(x).__name__, "items": [[canon(k), canon(v)] for k, v in x.items()]}
    if isinstance(x, (list, tuple)):
        return {type(x).__name__: [canon(v) for v in x]}
    if isinstance(x, (set, frozenset)):
        return {type(x).__name__: sorted(json.dumps(canon(v)) for v in x)}
    if isinstance(x, (bytes, bytearray)):
        return {type(x).__name__: x.hex()}
    if isinstance(x, float):
        return {"float": x.hex()}
    return {type(x).__name__: x}
"""
exec(CANON)  # the same canonical form in this process, for the safe loader's result


def plain_load_in_subprocess(path: Path):
    code = CANON + "print(json.dumps(canon(pickle.load(open(sys.argv[1], 'rb'), encoding='latin1'))))"
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


REAL_FILES = sorted(REAL.glob("*.pkl")) + [REAL.parent / "star" / "classes" / "video_fps"]


@pytest.mark.skipif(not REAL.is_dir(), reason="the real FineDiving pickles are not on this machine")
@pytest.mark.parametrize("path", [p for p in REAL_FILES if p.exists()], ids=lambda p: p.name)
def test_real_pickles_load_identically(path):
    """The six FineDiving pickles and STAR's video_fps, as published (see /work/shared/realdata/SOURCES.md)."""
    assert canon(load(path)) == plain_load_in_subprocess(path)  # noqa: F821 - defined by exec(CANON)


@pytest.mark.parametrize("name", sorted(legit_pickles()))
def test_legit_protocols_and_python2_pickles_load(name, tmp_path):
    data, expected = legit_pickles()[name]
    assert canon(loads(data)) == canon(expected)  # noqa: F821
    path = tmp_path / "p.pkl"
    path.write_bytes(data)
    assert canon(load(path)) == plain_load_in_subprocess(path)  # noqa: F821


def test_python2_pickle_values():
    data, _ = legit_pickles()["python2_bytes_latin1"]
    value = loads(data)
    assert value["caf\xe9"] == "na\xefve \xff"
    assert value["arr"].dtype == np.int64 and value["arr"].tolist() == [1, 2, 255]
    assert value["score"] == np.float64(81.5) and isinstance(value["score"], np.float64)


@pytest.mark.parametrize("name", sorted(hostile_pickles()))
def test_hostile_pickles_are_refused_in_a_subprocess(name, tmp_path):
    """Each one: the process survives (no segfault, no OOM kill), exit 2, one line on stderr."""
    path = tmp_path / f"{name}.pkl"
    path.write_bytes(hostile_pickles()[name])
    proc = subprocess.run(
        [sys.executable, "-m", "vstar_cli", "prepare", "finediving", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("name", sorted(hostile_pickles()))
def test_hostile_pickles_raise_unsafe_pickle_error(name):
    with pytest.raises(UnsafePickleError):
        loads(hostile_pickles()[name])


def test_forged_dtype_never_reaches_numpy():
    """The forged-flags attack: the object-array crash needs numpy to accept the state; it never sees it."""
    data = hostile_pickles()["forged_flags_on_int_dtype"]
    with pytest.raises(UnsafePickleError, match="forged flags"):
        loads(data)
    # The same array with honest flags loads as plain int64.
    honest = data.replace(b"J?\x00\x00\x00tb", b"J\x00\x00\x00\x00tb")
    assert loads(honest).tolist() == [0x4141414141414141] * 4


def test_plain_pickle_would_have_built_what_is_refused():
    """The refused pickles are real threats: pickle.loads would build them (checked where safe)."""
    data = hostile_pickles()["global_eval"]
    assert pickle.loads(data) == 2  # eval ran


def test_the_cli_reads_real_files_and_refuses_through_prepare(tmp_path):
    path = tmp_path / "evil.pkl"
    path.write_bytes(hostile_pickles()["reduce_os_system"])
    res = runner.invoke(app, ["prepare", "finediving", str(path)])
    assert res.exit_code == 2 and "refusing to load" in res.stderr


def test_memo_index_bomb_loads_without_reserving_memory():
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert loads(MEMO_BOMB) == []
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KiB


@pytest.mark.skipif(not REAL.is_dir(), reason="the real FineDiving pickles are not on this machine")
@pytest.mark.parametrize("protocol", [0, 2, 5])
def test_prepare_finediving_from_any_protocol(tmp_path, protocol):
    """The real annotations re-pickled with another protocol convert to exactly the same records."""
    ann = REAL / "FineDiving_fine-grained_annotation.pkl"
    repickled = tmp_path / "ann.pkl"
    repickled.write_bytes(pickle.dumps(pickle.load(open(ann, "rb")), protocol=protocol))
    split = ["--split", str(REAL / "test_split.pkl")]
    a = runner.invoke(app, ["prepare", "finediving", str(ann), *split, "-q"])
    b = runner.invoke(app, ["prepare", "finediving", str(repickled), *split, "-q"])
    assert a.exit_code == b.exit_code == 0, (a.stderr, b.stderr)
    assert a.stdout == b.stdout and len(a.stdout.splitlines()) > 100
