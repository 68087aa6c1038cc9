"""``vstar env``: the versions and hardware a bug report needs, in one paste."""

from __future__ import annotations

import json
import platform
import sys
from typing import Annotated

import typer

# Distribution names as pip knows them; the label is what the report shows.
PACKAGES = {
    "torch": "torch",
    "torchvision": "torchvision",
    "transformers": "transformers",
    "accelerate": "accelerate",
    "peft": "peft",
    "bitsandbytes": "bitsandbytes",
    "trl": "trl",
    "decord": "decord",
    "PyAV": "av",
    "num2words": "num2words",
    "sentence-transformers": "sentence-transformers",
}


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def collect() -> dict:
    """Versions of Python and the libraries vstar runs on, and what accelerators torch sees."""
    from vstar_cli import __version__

    info: dict = {
        "vstar": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }
    info.update({label: _version(dist) for label, dist in PACKAGES.items()})
    try:
        import torch
    except Exception as exc:  # a broken torch install is exactly what a bug report must show
        info["cuda"] = f"torch cannot be imported: {exc}"
        return info
    info["cuda available"] = torch.cuda.is_available()
    info["cuda (torch build)"] = torch.version.cuda or "none"
    if torch.cuda.is_available():
        gpus = []
        for i in range(torch.cuda.device_count()):
            p = torch.cuda.get_device_properties(i)
            gpus.append(f"{p.name} ({p.total_memory / 2**30:.0f} GiB, compute {p.major}.{p.minor})")
        info["gpus"] = gpus
        info["bf16 supported"] = torch.cuda.is_bf16_supported()
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        info["mps available"] = True
    return info


def env(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object instead of lines.")] = False,
) -> None:
    """Versions of Python, torch, transformers, bitsandbytes, peft, accelerate, the video decoders, and the GPUs.

    Paste its output into bug reports. Example:

        vstar env
    """
    info = collect()
    if as_json:
        typer.echo(json.dumps(info, ensure_ascii=False))
        return
    width = max(len(k) for k in info)
    for key, val in info.items():
        if isinstance(val, list):
            val = "; ".join(val) if val else "none"
        typer.echo(f"{key:<{width}}  {val}")
