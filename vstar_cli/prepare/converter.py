"""What a converter is: its declaration, the options it takes, and the config of one run.

A :class:`Converter` names a dataset, its options, its phrasings, the verifier kinds it
emits, how to recognise its files (``detect``) and a tiny valid input (``example``). One
module in ``vstar_cli/prepare/converters/`` defines one (as ``CONVERTER``); the registry
(:mod:`vstar_cli.prepare.registry`) finds built-in and plugin modules by the same route.

The options of ``vstar prepare NAME`` are the fields of :func:`config_class`: the shared
:class:`PrepareConfig` fields plus one field per :class:`Option`, so flags, ``--config``
keys (section ``prepare:``) and ``VSTAR_*`` variables come from one declaration.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Optional

from vstar_cli.prepare.base import known_kind
from vstar_cli.prepare.phrasing import Phraser


@dataclass(frozen=True)
class Option:
    """A converter option: the field ``name`` of the run's config, the flag ``--name`` (underscores as dashes)."""

    name: str
    type: type
    default: Any
    help: str
    is_path: bool = False  # checked to exist before the run
    choices: tuple[str, ...] = ()  # accepted values (a usage error otherwise)

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def field(self) -> tuple[str, Any, Any]:
        """This option as a dataclass field spec (name, type, field) for :func:`dataclasses.make_dataclass`."""
        tp = Optional[self.type] if self.default is None else self.type
        # A dataset's option is read from the ``prepare:`` section only, never from a shared
        # top-level key or ``VSTAR_<FIELD>``: FineDiving's --fps is not generate's --fps.
        meta: dict[str, Any] = {"help": self.help, "option": self, "shared": False}
        if self.type is Path:
            meta["parse"] = Path  # a path flag is read as text, then made a Path
        return (self.name, tp, field(default=self.default, metadata=meta))

    def coerce(self, value: Any) -> Any:
        """A value from a flag, a config file or the environment as this option's type (``ValueError`` if it is not one)."""
        if value is None:
            return None
        if self.type is Path:
            if not isinstance(value, (str, Path)) or not str(value):
                raise ValueError(f"{self.name} must be a path, not {value!r}")
            return Path(value)
        if self.type is float:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{self.name} must be a number, not {value!r}")
            return float(value)
        if self.type is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{self.name} must be an integer, not {value!r}")
            return value
        if self.type is str:
            if isinstance(value, (dict, list)):
                raise ValueError(f"{self.name} must be text, not {value!r}")
            return str(value)
        return value


@dataclass
class Context:
    """What a converter's ``read`` and ``convert`` see: options, phraser, notes for stderr."""

    opts: SimpleNamespace
    phraser: Phraser
    notes: list[str] = field(default_factory=list)
    shared: dict = field(default_factory=dict)

    def note(self, message: str) -> None:
        """A warning for the summary on stderr (each message once)."""
        if message not in self.notes:
            self.notes.append(message)


@dataclass(frozen=True)
class Converter:
    """A dataset converter.

    ``read(path, ctx)`` yields ``(number, item)`` pairs and raises :class:`FormatError` for a
    file of another format; ``convert(item, ctx)`` yields records, :class:`Skip`,
    :class:`Omit` or :class:`Flag`, and raises :class:`ItemError` for an item it cannot convert.
    ``detect(head)`` says what a file of this dataset is (a phrase naming the command, for the
    message of another converter's format error) or ``None``; ``head`` is a
    :class:`vstar_cli.prepare.detect.Head`. ``example(folder)`` writes a tiny valid input there
    and returns the command's arguments (the file first): the test of every converter runs it.
    """

    name: str
    summary: str
    input_help: str
    files: str
    kinds: tuple[str, ...]
    read: Callable[[Path, Context], Iterable[tuple[int, Any]]]
    convert: Callable[[Any, Context], Iterable[Any]]
    options: tuple[Option, ...] = ()
    phrasings: Mapping[str, Sequence[str]] = field(default_factory=dict)
    video_pattern: str = "{video_id}.mp4"
    video_fields: str = "{video_id}"
    unit: str = "items"
    detect: Callable[[Any], str | None] | None = None
    example: Callable[[Path], list[str]] | None = None

    def __post_init__(self) -> None:
        unknown = [k for k in self.kinds if not known_kind(k)]
        if unknown:
            raise ValueError(f"converter {self.name!r} emits unknown verifier kinds: {', '.join(unknown)}")
        names = [o.name for o in self.options]
        if len(names) != len(set(names)):
            raise ValueError(f"converter {self.name!r} declares an option twice")
        shared = {f.name for f in dataclasses.fields(PrepareConfig)}
        clash = sorted(shared & set(names))
        if clash:
            raise ValueError(f"converter {self.name!r} declares the shared option(s) {', '.join(clash)}")

    @cached_property
    def config(self) -> type:
        """The config dataclass of ``vstar prepare NAME`` (see :func:`config_class`)."""
        return config_class(self)


@dataclass
class PrepareConfig:
    """The options every ``vstar prepare NAME`` shares (each converter adds its own; see :func:`config_class`)."""

    video_pattern: str = field(default="{video_id}.mp4", metadata={"help": "Video path from {video_id}."})
    seed: int = field(default=0, metadata={"help": "Seed of the phrasing draw."})
    questions: Optional[Path] = field(
        default=None, metadata={"help": "Question bank from vstar questions (JSONL).", "parse": Path}
    )
    questions_mode: str = field(
        default="both", metadata={"help": "both | bank | templates: where phrasings come from."}
    )

    def opts(self) -> dict[str, Any]:
        """What a converter sees as ``ctx.opts``: the video pattern and the converter's options."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in _PHRASING}


_PHRASING = ("seed", "questions", "questions_mode")


def config_class(conv: Converter) -> type:
    """The fields of ``PrepareConfig`` with ``conv``'s video pattern as default and one field per option of ``conv``.

    Its ``__post_init__`` checks what a run needs before it reads anything: the video pattern
    names known fields, option files exist, choices are known, the question bank exists.
    """
    shared = {f.name: f for f in dataclasses.fields(PrepareConfig)}
    pattern = shared["video_pattern"]
    specs: list[tuple[str, Any, Any]] = [
        (
            "video_pattern",
            str,
            field(
                default=conv.video_pattern,
                metadata={**pattern.metadata, "help": f"Video path from {conv.video_fields}."},
            ),
        ),
        *(o.field() for o in conv.options),
        *(
            (f.name, f.type, field(default=f.default, metadata=f.metadata))
            for f in dataclasses.fields(PrepareConfig)
            if f.name != "video_pattern"
        ),
    ]

    def post_init(self) -> None:
        _check_config(conv, self)

    cls = dataclasses.make_dataclass(
        "Prepare" + "".join(p.capitalize() for p in conv.name.replace("-", "_").split("_")) + "Config",
        specs,
        # Not a subclass: a base's fields would come first, and the help reads better with the
        # converter's own options next to its video pattern.
        namespace={"__post_init__": post_init, "opts": PrepareConfig.opts, "__module__": __name__},
    )
    cls.__doc__ = f"Options of ``vstar prepare {conv.name}``: {conv.summary}"
    return cls


def _check_config(conv: Converter, cfg: Any) -> None:
    if not isinstance(cfg.video_pattern, str):
        raise ValueError(f"{conv.name}: --video-pattern must be text, not {cfg.video_pattern!r}")
    check_pattern(conv.name, cfg.video_pattern, conv.video_fields)
    for opt in conv.options:
        value = opt.coerce(getattr(cfg, opt.name))
        setattr(cfg, opt.name, value)
        if value is None:
            continue
        if opt.is_path and not Path(value).exists():
            raise ValueError(f"{conv.name}: {opt.flag} not found: {value}")
        if opt.choices and str(value).strip().lower() not in opt.choices:
            raise ValueError(f"{conv.name}: unknown {opt.flag} value {value!r} (known: {', '.join(opt.choices)})")
    if isinstance(cfg.seed, bool) or not isinstance(cfg.seed, int):
        raise ValueError(f"seed must be an integer, not {cfg.seed!r}")
    if cfg.questions is not None:
        cfg.questions = Path(cfg.questions)
        if not cfg.questions.is_file():
            raise ValueError(f"question bank not found: {cfg.questions}")


def check_pattern(name: str, pattern: str, fields_help: str) -> None:
    """A ``--video-pattern`` that cannot be filled for any item is refused before the run (``ValueError``).

    >>> check_pattern("ssv2", "{id}.webm", "{id}")
    >>> check_pattern("ssv2", "{vid}.webm", "{id}")
    Traceback (most recent call last):
    ...
    ValueError: ssv2: --video-pattern '{vid}.webm' names {vid}; known: {id}
    """
    import re
    import string

    known = set(re.findall(r"\{(\w+)\}", fields_help))
    try:
        used = {f.split(".")[0].split("[")[0] for _, f, _, _ in string.Formatter().parse(pattern) if f is not None}
    except ValueError as exc:
        raise ValueError(f"{name}: --video-pattern {pattern!r}: {exc}") from None
    unknown = sorted(u for u in used if u not in known)
    if unknown and known:
        shown = ", ".join("{" + u + "}" if u else "{} (a field needs a name)" for u in unknown)
        raise ValueError(f"{name}: --video-pattern {pattern!r} names {shown}; known: {fields_help}")


__all__ = ["Context", "Converter", "Option", "PrepareConfig", "check_pattern", "config_class"]
