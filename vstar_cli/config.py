"""Stage configs: dataclass defaults, then ``--config file.yaml``, then command-line flags."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class ConfigError(ValueError):
    """A config file or value the user gave cannot be used."""


def resolve(cls: type[T], config_file: str | Path | None = None, **flags: Any) -> T:
    """Build a config: defaults, overridden by the YAML/JSON file, overridden by flags.

    Flags whose value is ``None`` were not given on the command line and do not override.
    """
    names = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    if config_file is not None:
        values.update(_load_file(Path(config_file), names))
    for key, val in flags.items():
        if val is not None:
            if key not in names:
                raise ConfigError(f"unknown option {key!r}")
            values[key] = val
    if isinstance(values.get("device"), str):
        check_device(values["device"])
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        raise ConfigError(str(exc)) from exc


_DEVICE = re.compile(r"(auto|cpu|mps|cuda|cuda:\d{1,3})")


def check_device(device: str) -> None:
    """Refuse a device name torch would not take, or CUDA on a machine without a GPU.

    >>> check_device("cpu")
    >>> check_device("banana")
    Traceback (most recent call last):
    ...
    vstar_cli.config.ConfigError: unknown device 'banana' (auto, cpu, cuda, cuda:N or mps)
    """
    if not _DEVICE.fullmatch(device):
        raise ConfigError(f"unknown device {device!r} (auto, cpu, cuda, cuda:N or mps)")
    if device.startswith("cuda"):
        import torch

        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if count == 0:
            raise ConfigError(f"--device {device}: no CUDA GPU is available on this machine (use cpu or auto)")
        index = int(device.partition(":")[2] or 0)
        if index >= count:
            raise ConfigError(f"--device {device}: this machine has {count} CUDA GPU(s)")
    if device == "mps":
        import torch

        if not torch.backends.mps.is_available():
            raise ConfigError("--device mps: the Apple MPS backend is not available on this machine")


def _load_file(path: Path, names: set[str]) -> dict[str, Any]:
    if not path.exists():
        raise ConfigError(f"config file not found: {path}")
    if path.is_dir():
        raise ConfigError(f"config file {path} is a directory")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path} is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    try:
        if path.suffix == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception as exc:  # yaml and json raise different types; both mean "bad file"
        raise ConfigError(f"cannot parse config file {path}: {' '.join(str(exc).split())[:300]}") from None
    data = data or {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping of option -> value")
    data = {str(k).replace("-", "_"): v for k, v in data.items()}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ConfigError(f"unknown option(s) in {path}: {', '.join(unknown)}")
    return data


def to_dict(cfg: Any) -> dict[str, Any]:
    """The resolved config as a plain dict (for writing next to outputs)."""
    return dataclasses.asdict(cfg)


def write(cfg: Any, path: str | Path) -> None:
    """Write the resolved config as YAML so a run can be reproduced with ``--config``."""
    import yaml

    Path(path).write_text(yaml.safe_dump(to_dict(cfg), sort_keys=False), encoding="utf-8")


def check_number(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    integer: bool = False,
    low_open: bool = False,
    high_open: bool = False,
) -> None:
    """Raise ``ValueError`` unless ``value`` is a finite number (an integer if asked) within the bounds.

    Used by the stage configs' ``__post_init__``, so a bad flag or config value is a one-line usage error.

    >>> check_number("lora_r", 8, low=1, integer=True)
    >>> check_number("lr", float("nan"), low=0, low_open=True)
    Traceback (most recent call last):
    ...
    ValueError: lr must be a finite number, not nan
    """
    import math

    kind = "an integer" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        raise ValueError(f"{name} must be {kind}, not {type(value).__name__} {str(value)[:40]!r}")
    if not integer and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value}")
    bad_low = low is not None and (value <= low if low_open else value < low)
    bad_high = high is not None and (value >= high if high_open else value > high)
    if bad_low or bad_high:
        lo = "" if low is None else f"{'>' if low_open else '>='} {_show(low)}"
        hi = "" if high is None else f"{'<' if high_open else '<='} {_show(high)}"
        raise ValueError(f"{name} must be {' and '.join(x for x in (lo, hi) if x)}, not {_show(value)}")


def _show(x: float) -> str:
    if isinstance(x, int):
        return str(x) if x.bit_length() < 64 else ("a huge negative number" if x < 0 else "a huge number")
    return f"{x:g}"
