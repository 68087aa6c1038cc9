"""Stage configs: dataclass defaults, then ``--config vstar.yaml``, then ``VSTAR_*`` variables, then flags."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class ConfigError(ValueError):
    """A config file or value the user gave cannot be used."""


# The sections of a run's config file: stage name -> the configs that stage reads (module:class).
STAGES: dict[str, tuple[str, ...]] = {
    "generate": ("vstar_cli.stages.generate:GenerateConfig",),
    "rationalize": ("vstar_cli.stages.generate:GenerateConfig",),
    "verify": ("vstar_cli.stages.verify:VerifyConfig",),
    "merge": ("vstar_cli.stages.merge:MergeConfig",),
    "finetune": ("vstar_cli.stages.finetune:FinetuneConfig",),
    "grpo": ("vstar_cli.stages.grpo:GrpoConfig",),
    "eval": ("vstar_cli.stages.evaluate:EvalConfig", "vstar_cli.stages.generate:GenerateConfig"),
    "questions": ("vstar_cli.stages.questions:QuestionsConfig",),
    "view": ("vstar_cli.view.build:ViewConfig",),
    # prepare's section takes the shared options and any converter's (each run uses its converter's).
    "prepare": ("vstar_cli.prepare.converter:PrepareConfig", "vstar_cli.prepare.registry:ConverterOptions"),
}
ENV_PREFIX = "VSTAR_"


def resolve(
    cls: type[T],
    config_file: str | Path | None = None,
    stage: str | None = None,
    sections: tuple[str, ...] | None = None,
    env: dict[str, str] | None = None,
    **flags: Any,
) -> T:
    """Build a config: defaults < the config file < ``VSTAR_*`` environment variables < flags.

    The file holds shared keys at the top level (used by every stage that has the field) and
    one section per stage (``verify:``, ``merge:`` ...); ``stage`` reads its ``sections``
    (default: its own), later ones overriding earlier ones, and ignores the other stages'.
    Environment: ``VSTAR_<FIELD>`` (e.g. ``VSTAR_VIDEO_DIR``), then ``VSTAR_<STAGE>_<FIELD>``
    (e.g. ``VSTAR_VERIFY_FLOAT_TOL``). A field whose metadata says ``shared: False`` is read only
    from the stage's section and ``VSTAR_<STAGE>_<FIELD>``. Flags whose value is ``None`` were not
    given on the command line and do not override.
    """
    names = {f.name for f in dataclasses.fields(cls)}
    sections = sections if sections is not None else ((stage,) if stage else ())
    values: dict[str, Any] = {}
    if config_file is not None:
        local = {f.name for f in dataclasses.fields(cls) if f.metadata.get("shared") is False}
        values.update(_from_file(Path(config_file), names, stage, sections, local))
    values.update(_from_env(cls, sections, os.environ if env is None else env))
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


def stage_keys(stage: str) -> set[str]:
    """The keys a stage's section may hold: the fields of every config it reads."""
    import importlib

    keys: set[str] = set()
    for spec in STAGES.get(stage, ()):
        module, _, name = spec.partition(":")
        keys |= {f.name for f in dataclasses.fields(getattr(importlib.import_module(module), name))}
    return keys


def _from_file(
    path: Path, names: set[str], stage: str | None, sections: tuple[str, ...], local: set[str] = frozenset()
) -> dict[str, Any]:
    data = _load_file(path)
    shared = {k: v for k, v in data.items() if not (k in STAGES and isinstance(v, dict))}
    unknown = sorted(set(shared) - names)
    if unknown:  # a key no stage has is a typo; another stage's key is that stage's business
        known = set().union(*(stage_keys(s) for s in STAGES))
        typos = [k for k in unknown if k not in known]
        if typos:
            raise ConfigError(
                f"unknown option(s) in {path}: {', '.join(typos)} "
                f"(known: {', '.join(sorted(known))}; sections: {', '.join(STAGES)})"
            )
    # A field marked ``shared: False`` (a dataset's --fps is not generate's) is read from its section only.
    values = {k: v for k, v in shared.items() if k in names and k not in local}
    for section in sections:
        body = data.get(section)
        if body is None:
            continue
        if not isinstance(body, dict):
            raise ConfigError(f"section {section!r} of {path} must be a mapping of option -> value")
        body = {str(k).replace("-", "_"): v for k, v in body.items()}
        allowed = stage_keys(stage or section) or names
        bad = sorted(set(body) - allowed)
        if bad:
            raise ConfigError(
                f"unknown option(s) in section {section!r} of {path}: {', '.join(bad)} (known: {', '.join(sorted(allowed))})"
            )
        values.update({k: v for k, v in body.items() if k in names})
    return values


def _load_file(path: Path) -> dict[str, Any]:
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
    return {str(k).replace("-", "_"): v for k, v in data.items()}


def env_names(field: str, stage: str | None = None) -> str:
    """The environment variable of a field, shared or for one stage.

    >>> env_names("video_dir"), env_names("float_tol", "verify")
    ('VSTAR_VIDEO_DIR', 'VSTAR_VERIFY_FLOAT_TOL')
    """
    return ENV_PREFIX + (f"{stage}_" if stage else "").upper() + field.upper()


def _from_env(cls: type, sections: tuple[str, ...], env: Any) -> dict[str, Any]:
    from vstar_cli.options import fields

    values: dict[str, Any] = {}
    for scope in (None, *sections):
        for f, tp in fields(cls):
            if scope is None and f.metadata.get("shared") is False:
                continue
            name = env_names(f.name, scope)
            if name in env:
                parse = f.metadata.get("parse")
                values[f.name] = parse(env[name]) if parse else _env_value(name, env[name], tp)
    return values


def _env_value(name: str, text: str, tp: Any) -> Any:
    """An environment variable's text as the field's type: strings as they are, anything else read as YAML."""
    from vstar_cli.options import field_type

    if field_type(tp) is str:
        return text
    import yaml

    try:
        return yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError:
        raise ConfigError(f"cannot read {name}={text!r}") from None


def to_dict(cfg: Any) -> dict[str, Any]:
    """The resolved config as a plain dict (for writing next to outputs)."""
    return dataclasses.asdict(cfg)


def beside(output: str | Path) -> Path:
    """Where the resolved config of an output file is written: ``gen.jsonl`` -> ``gen.config.yaml``.

    >>> str(beside("runs/gen.part0-of-2.jsonl"))
    'runs/gen.part0-of-2.config.yaml'
    """
    return Path(output).with_suffix(".config.yaml")


def write(cfg: Any, path: str | Path) -> None:
    """Write the resolved config as YAML so a run can be reproduced with ``--config``."""
    import yaml

    Path(path).parent.mkdir(parents=True, exist_ok=True)
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
