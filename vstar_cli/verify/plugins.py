"""Where verifier kinds come from: a ``module:attribute`` path, a module, the built-in kind
modules, and the ``vstar.verifiers`` entry points. Every route ends in :func:`kinds_of`.

The built-in kinds are the modules of :data:`BUILTIN_PACKAGE` (``vstar_cli/verify/kinds/``),
found with :mod:`pkgutil`: adding a built-in kind is adding one module there, as a plugin
author adds one module of their own.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import types
from typing import Any

from vstar_cli.verify.kind import VerifierKind
from vstar_cli.verify.param import RegistryError

ENTRY_POINT_GROUP = "vstar.verifiers"
BUILTIN_PACKAGE = "vstar_cli.verify.kinds"
"""The package whose modules declare the official kinds (modules starting with ``_`` are helpers)."""


def builtin_specs() -> list[str]:
    """The built-in kind modules, by name (the order of ``vstar verify --help``).

    >>> builtin_specs()[0]
    'vstar_cli.verify.kinds.class_name'
    """
    package = importlib.import_module(BUILTIN_PACKAGE)
    return [
        f"{BUILTIN_PACKAGE}.{m.name}"
        for m in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name)
        if not m.name.startswith("_") and not m.ispkg
    ]


def import_target(spec: str) -> Any:
    """The object a ``module:attribute`` path names (a module when there is no ``:``)."""
    if not isinstance(spec, str) or not spec.strip():
        raise RegistryError("a kind plugin is given as module:attribute, e.g. my_kinds:PARITY")
    module_name, _, attr = spec.strip().partition(":")
    try:
        try:
            obj = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            # The `vstar` console script does not put the working directory on sys.path (python -m does):
            # a plugin file next to the data should load either way, as TRL's scripts do for reward functions.
            cwd = os.getcwd()
            if exc.name != module_name.split(".")[0] or cwd in sys.path or "" in sys.path:
                raise
            sys.path.insert(0, cwd)
            obj = importlib.import_module(module_name)
    except Exception as exc:  # ImportError, or an error raised while the plugin module runs
        raise RegistryError(f"cannot import kind plugin {spec!r}: {type(exc).__name__}: {exc}") from exc
    for part in filter(None, attr.split(".")):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise RegistryError(f"kind plugin {spec!r}: {module_name} has no attribute {attr!r}") from None
    return obj


def kinds_of(obj: Any, where: str) -> list[VerifierKind]:
    """The kinds an entry point or path names: one kind, a list (or dict) of them, or a module's.

    A module gives the ``VerifierKind`` objects it defines at module level, in declaration order.
    """
    if isinstance(obj, VerifierKind):
        return [obj]
    if isinstance(obj, types.ModuleType):
        found = [v for v in vars(obj).values() if isinstance(v, VerifierKind)]
        if not found:
            raise RegistryError(f"{where}: module {obj.__name__} defines no VerifierKind")
        return list(dict.fromkeys(found))
    if isinstance(obj, dict):
        obj = list(obj.values())
    if isinstance(obj, (list, tuple)) and obj and all(isinstance(v, VerifierKind) for v in obj):
        return list(obj)
    raise RegistryError(f"{where} is not a VerifierKind (nor a list of them): {type(obj).__name__}")


def entry_points() -> list[tuple[str, Any]]:
    """The installed ``vstar.verifiers`` entry points as ``(where, entry point)``, sorted by name."""
    from importlib.metadata import entry_points as installed

    eps = sorted(installed(group=ENTRY_POINT_GROUP), key=lambda e: (e.name, e.value))
    return [(f"'{ep.name}' ({ep.value})", ep) for ep in eps]
