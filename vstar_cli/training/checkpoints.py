"""Which checkpoints and outputs of a finetune run are complete, so a killed run resumes safely.

A ``kill -9`` can land while the Trainer writes a checkpoint (weights, optimizer, scheduler,
RNG state, then ``trainer_state.json`` last), while it deletes an old one, or while the final
weights and ``train_summary.json`` are written. Nothing here trusts a file because it exists:
JSON must parse, safetensors files must be as long as their header says, and torch files
must be whole zip archives (a cut one has lost its central directory, which comes last).
"""

from __future__ import annotations

import json
import os
import struct
import zipfile
from pathlib import Path

WEIGHT_FILES = (
    "adapter_model.safetensors",
    "adapter_model.bin",
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
)
MAX_HEADER = 100 * 2**20


def safetensors_problem(path: Path) -> str | None:
    """Why a safetensors file is unusable (cut short, bad header), or None when it is whole."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
            if len(head) < 8:
                return f"{path.name} is cut short"
            (n,) = struct.unpack("<Q", head)
            if n > MAX_HEADER or 8 + n > size:
                return f"{path.name} is cut short"
            header = json.loads(f.read(n))
    except (OSError, ValueError) as exc:
        return f"{path.name} cannot be read ({type(exc).__name__})"
    if not isinstance(header, dict):
        return f"{path.name} has a bad header"
    end = 0
    for name, info in header.items():
        if name == "__metadata__":
            continue
        offsets = info.get("data_offsets") if isinstance(info, dict) else None
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets)):
            return f"{path.name} has a bad header"
        end = max(end, offsets[1])
    if 8 + n + end > size:
        return f"{path.name} is cut short"
    return None


def torch_file_problem(path: Path) -> str | None:
    """Why a ``torch.save`` file (a zip archive) is unusable, or None."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        return f"{path.name} is cut short or corrupt ({type(exc).__name__})"
    if not infos:
        return f"{path.name} is empty"
    return None


def json_problem(path: Path) -> str | None:
    """Why a JSON file is unusable, or None."""
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"{path.name} is cut short or corrupt ({type(exc).__name__})"
    return None


def _files_problem(d: Path) -> str | None:
    """The first unusable file directly in ``d`` (JSON, safetensors, torch), or None."""
    for p in sorted(d.iterdir()):
        if not p.is_file():
            continue
        if p.suffix == ".json":
            problem = json_problem(p)
        elif p.suffix == ".safetensors":
            problem = safetensors_problem(p)
        elif p.suffix in {".pt", ".pth", ".bin"}:
            problem = torch_file_problem(p)
        else:
            continue
        if problem:
            return problem
    for index in ("model.safetensors.index.json", "pytorch_model.bin.index.json"):
        if (d / index).is_file():
            try:
                shards = set(json.loads((d / index).read_text(encoding="utf-8"))["weight_map"].values())
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                return f"{index} is corrupt"
            missing = sorted(s for s in shards if not (d / str(s)).is_file())
            if missing:
                return f"weight shard {missing[0]} is missing"
    return None


def weights_problem(d: Path) -> str | None:
    """Why the model or adapter weights saved in ``d`` are unusable, or None."""
    if not any((d / w).is_file() for w in WEIGHT_FILES):
        return "no weights"
    return _files_problem(d)


def checkpoint_problem(d: Path) -> str | None:
    """Why a Trainer checkpoint directory cannot be resumed from, or None when it is complete."""
    try:
        state = json.loads((d / "trainer_state.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "trainer_state.json is missing (interrupted while saving?)"
    except (OSError, ValueError) as exc:
        return f"trainer_state.json is cut short or corrupt ({type(exc).__name__})"
    try:
        step = int(d.name.rsplit("-", 1)[-1])
    except ValueError:
        return "not a checkpoint-N directory"
    if not isinstance(state, dict) or state.get("global_step") != step:
        return f"trainer_state.json is not the state of step {step}"
    try:
        sharded = any(p.is_dir() for p in d.iterdir())  # DeepSpeed / FSDP keep their states in subdirectories
        if not sharded:
            absent = [n for n in ("optimizer.pt", "scheduler.pt") if not (d / n).is_file()]
            if absent:
                return f"{absent[0]} is missing"
            return weights_problem(d)
        return _files_problem(d)
    except OSError as exc:
        return f"cannot be read ({type(exc).__name__})"


def step_of(d: Path) -> int:
    """The step number of a ``checkpoint-N`` directory (-1 when the name has none)."""
    try:
        return int(d.name.rsplit("-", 1)[-1])
    except ValueError:
        return -1


def scan(run_dir: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Complete checkpoints of a run (oldest first) and incomplete ones with the reason."""
    complete, broken = [], []
    if not run_dir.is_dir():
        return complete, broken
    for d in sorted(run_dir.glob("checkpoint-*"), key=step_of):
        if not d.is_dir() or step_of(d) < 0:
            continue
        problem = checkpoint_problem(d)
        if problem is None:
            complete.append(d)
        else:
            broken.append((d, problem))
    return complete, broken


def set_aside(d: Path) -> Path | None:
    """Rename an incomplete checkpoint out of the Trainer's way (``incomplete-checkpoint-N``).

    The Trainer's rotation and a later save of the same step would otherwise mix it up with
    the real ones. Only the main process renames; None when it did not.
    """
    if os.environ.get("RANK", "0") != "0" or os.environ.get("LOCAL_RANK", "0") != "0":
        return None
    dest = d.with_name(f"incomplete-{d.name}")
    try:
        if dest.exists():
            import shutil

            shutil.rmtree(dest)
        d.rename(dest)
    except OSError:
        return None
    return dest


def write_json_atomic(path: Path, doc: object) -> None:
    """Write JSON (strict: no NaN) to a temporary file beside ``path``, then rename it over ``path``."""
    text = json.dumps(doc, indent=2, allow_nan=False) + "\n"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_json(path: Path) -> dict | None:
    """A JSON object from ``path``, or None when it is absent or unreadable."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None
