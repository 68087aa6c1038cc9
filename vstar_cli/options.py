"""Command-line options generated from the stage config dataclasses (the pattern of TRL's ``TrlParser``).

A config field declares everything about its option once: the name (``video_dir`` is the flag
``--video-dir`` and the YAML key ``video_dir``), the default, and in its ``metadata``:

- ``help``: the help text (``--help`` adds the dataclass default);
- ``flags``: the flag names when they are not just ``--field-name`` (``("--model", "-m")``);
- ``cli``: ``False`` for a field set only from a YAML file or by the command itself;
- ``hidden``: a flag left out of ``--help``;
- ``parse``: turns the flag's text into the field's value (``"a,b"`` -> ``["a", "b"]``).

:func:`config_options` turns a command function's placeholder parameter into one Typer option
per field; the values given on the command line reach the function as a dict (absent flags
are ``None``), ready for :func:`vstar_cli.config.resolve`.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Optional, Union

import typer

_SCALARS = (str, int, float, bool)


def field_type(tp: Any) -> Any:
    """The scalar type of a field's annotation (``int | None`` -> ``int``), or ``None`` if it is not one.

    >>> field_type(Optional[int]), field_type(str), field_type(list[str])
    (<class 'int'>, <class 'str'>, None)
    """
    if typing.get_origin(tp) in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return field_type(args[0]) if len(args) == 1 else None
    return tp if tp in _SCALARS else None


def fields(cls: type) -> list[tuple[dataclasses.Field, Any]]:
    """The dataclass's fields with their evaluated types."""
    import sys

    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    return [(f, hints.get(f.name, f.type)) for f in dataclasses.fields(cls)]


def default_of(f: dataclasses.Field) -> Any:
    """A field's default value (``None`` when it has none)."""
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None


def show_default(value: Any) -> str:
    """A default as ``--help`` shows it.

    >>> show_default(0.1), show_default(2e-05), show_default("none")
    ('0.1', '2e-05', 'none')
    """
    return f"{value:g}" if isinstance(value, float) else str(value)


def flag_names(f: dataclasses.Field) -> tuple[str, ...]:
    """The flags of a field: its ``flags``/``flag`` metadata, else ``--field-name``."""
    meta = f.metadata
    if "flags" in meta:
        return tuple(meta["flags"])
    if "flag" in meta:
        return (meta["flag"],)
    return ("--" + f.name.replace("_", "-"),)


def help_text(f: dataclasses.Field) -> str:
    """The field's help, capitalized, with its default as ``--help`` shows it."""
    text = str(f.metadata.get("help", ""))
    first = text.split(" ", 1)[0]
    if first.replace("-", "").isalpha() and not text.startswith(
        f"{first} |"
    ):  # not a value ("auto | cpu") nor a kind ("float:")
        text = text[:1].upper() + text[1:]
    default = default_of(f)
    if default is not None and default is not False and default != "" and "default" not in text:
        text += f" \\[default: {show_default(default)}]"
    return text


def option_parameters(cls: type, exclude: tuple[str, ...] = (), only: tuple[str, ...] | None = None):
    """One keyword-only ``inspect.Parameter`` (``Annotated[Optional[T], typer.Option(...)]``) per CLI field."""
    params = []
    for f, tp in fields(cls):
        if f.name in exclude or (only is not None and f.name not in only) or f.metadata.get("cli") is False:
            continue
        scalar = str if "parse" in f.metadata else field_type(tp)
        if scalar is None:
            continue  # lists and mappings come from the YAML file (or a command's own repeatable flag)
        decls = flag_names(f)
        if scalar is bool and len(decls) == 1 and "/" not in decls[0] and default_of(f) is True:
            decls = (f"{decls[0]}/--no-{decls[0].lstrip('-')}",)
        opt = typer.Option(*decls, help=help_text(f), hidden=bool(f.metadata.get("hidden", False)))
        params.append(
            inspect.Parameter(
                f.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[Optional[scalar], opt]
            )
        )
    return params


def parse_flags(cls: type, given: dict[str, Any]) -> dict[str, Any]:
    """Apply the fields' ``parse`` metadata to the flags that were given."""
    parsers = {f.name: f.metadata["parse"] for f in dataclasses.fields(cls) if "parse" in f.metadata}
    return {k: (parsers[k](v) if k in parsers and v is not None else v) for k, v in given.items()}


def config_options(cls: type, dest: str = "flags", exclude: tuple[str, ...] = (), only: tuple[str, ...] | None = None):
    """Decorator: replace the command's parameter ``dest`` by one option per field of ``cls``.

    The command receives ``dest`` as a dict field -> value given on the command line (``None``
    when the flag was not given). Decorators stack: one per config a command reads.
    """

    def decorate(func):
        sig = inspect.signature(func, eval_str=True)
        if dest not in sig.parameters:
            raise TypeError(f"{func.__name__} has no parameter {dest!r} to put {cls.__name__}'s options in")
        taken = set(sig.parameters) - {dest}
        added = [p for p in option_parameters(cls, exclude, only) if p.name not in taken]
        names = [p.name for p in added]
        params = []
        for prm in sig.parameters.values():
            if prm.name == dest:
                params.extend(added)
            else:
                params.append(prm.replace(kind=inspect.Parameter.KEYWORD_ONLY))

        @functools.wraps(func)
        def wrapper(**kwargs: Any) -> Any:
            given = parse_flags(cls, {n: kwargs.pop(n, None) for n in names})
            return func(**kwargs, **{dest: given})

        wrapper.__signature__ = sig.replace(parameters=params)
        return wrapper

    return decorate


# Options every command shares, declared once.
ConfigOption = Annotated[
    Optional[Path],
    typer.Option(
        "--config",
        help="YAML/JSON file: shared keys and a section per stage (verify:, merge: ...); VSTAR_* variables and flags override it.",
    ),
]
QuietOption = Annotated[bool, typer.Option("-q", "--quiet", help="Only errors on stderr (no progress, no summary).")]
ErrorsOption = Annotated[
    Optional[Path],
    typer.Option("--errors", help="Write records that could not be processed here (line, record, reason)."),
]
