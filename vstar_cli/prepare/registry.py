"""The converters by name: built-in modules and plugins, registered by one route.

Every module of :mod:`vstar_cli.prepare.converters` is found with :mod:`pkgutil` and handed
to :meth:`Registry.register_module`, the function that also takes a plugin module named on
the command line (``vstar prepare --converter-plugin MODULE[:ATTR]``) or an entry point of the
``vstar.converters`` group. So a new dataset is one module and nothing else to edit.

Entry points are scanned only when needed: for a name that is not built-in, or for the full
list (``vstar prepare --help``). A broken entry point gives a one-line warning naming it and
is skipped; a plugin asked for on the command line that cannot be loaded is a
:class:`PluginError` (a usage error).
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import pkgutil
from types import ModuleType
from typing import Any

from vstar_cli.prepare.converter import Converter

log = logging.getLogger("vstar.prepare")

ENTRY_POINT_GROUP = "vstar.converters"
BUILTIN_PACKAGE = "vstar_cli.prepare.converters"


class PluginError(ValueError):
    """A converter plugin named on the command line cannot be loaded (one line, for a usage error)."""


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def converters_of(obj: Any, where: str) -> list[Converter]:
    """The converters ``obj`` holds: a :class:`Converter`, a list of them, or a module defining ``CONVERTER`` / ``CONVERTERS``."""
    if isinstance(obj, ModuleType):
        found = [getattr(obj, n) for n in ("CONVERTER", "CONVERTERS") if hasattr(obj, n)]
        if not found:
            raise TypeError(f"{where}: module {obj.__name__} defines no CONVERTER")
        return [c for x in found for c in converters_of(x, where)]
    if isinstance(obj, Converter):
        return [obj]
    if isinstance(obj, (list, tuple)) and obj and all(isinstance(c, Converter) for c in obj):
        return list(obj)
    raise TypeError(f"{where}: not a Converter: {type(obj).__name__}")


def import_target(spec: str) -> Any:
    """``module`` or ``module:attribute`` imported (any failure is a :class:`PluginError` naming ``spec``)."""
    module, _, attr = spec.partition(":")
    if not module.strip():
        raise PluginError(f"converter plugin {spec!r}: give MODULE or MODULE:ATTRIBUTE")
    try:
        obj = importlib.import_module(module.strip())
        for part in filter(None, attr.strip().split(".")):
            obj = getattr(obj, part)
    except Exception as exc:  # any import failure of user code: one line naming the plugin
        raise PluginError(f"converter plugin {spec!r} not loaded: {_one_line(exc)}") from None
    return obj


class Registry:
    """Converters by name; refuses a second converter of the same name."""

    def __init__(self) -> None:
        self._items: dict[str, Converter] = {}
        self.sources: dict[str, str] = {}  # name -> "built-in", "entry point NAME" or the plugin spec
        self._loaded = False  # built-ins registered
        self._scanned = False  # entry points scanned

    def register(self, conv: Converter, source: str = "") -> Converter:
        """Add ``conv``; a name already taken is an error."""
        if not isinstance(conv, Converter):
            raise TypeError(f"not a Converter: {conv!r}")
        if conv.name in self._items:
            raise ValueError(f"a converter named {conv.name!r} is already registered")
        self._items[conv.name] = conv
        self.sources[conv.name] = source
        return conv

    def register_module(self, obj: Any, source: str) -> list[Converter]:
        """Register what a module (or a converter, or a list) holds: built-ins and plugins alike come here."""
        # The same module asked for twice (an option given twice, a test run twice) is loaded once.
        convs = [c for c in converters_of(obj, source) if self._items.get(c.name) is not c]
        taken = [c.name for c in convs if c.name in self._items]
        if taken:
            raise ValueError(f"{source}: a converter named {taken[0]!r} is already registered")
        for conv in convs:
            self.register(conv, source)
        return convs

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        package = importlib.import_module(BUILTIN_PACKAGE)
        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("_"):
                self.register_module(importlib.import_module(f"{BUILTIN_PACKAGE}.{info.name}"), "built-in")

    def load_entry_points(self) -> None:
        """Register the ``vstar.converters`` entry points (once); a broken one is a warning naming it, and skipped."""
        self._load()
        if self._scanned:
            return
        self._scanned = True
        from importlib.metadata import entry_points

        for ep in entry_points(group=ENTRY_POINT_GROUP):
            where = f"entry point {ep.name}"
            try:
                self.register_module(ep.load(), where)
            except Exception as exc:  # a broken plugin must not take the built-ins down
                log.warning("converter plugin %r (%s) not loaded, skipped: %s", ep.name, where, _one_line(exc))

    def load(self, spec: str) -> list[Converter]:
        """Register the converters of ``module[:attribute]``, asked for by name: any failure is a :class:`PluginError`."""
        self._load()
        obj = import_target(spec)
        try:
            return self.register_module(obj, spec)
        except (TypeError, ValueError) as exc:
            raise PluginError(f"converter plugin {spec!r} not loaded: {_one_line(exc)}") from None

    def get(self, name: str) -> Converter:
        """The converter called ``name``; unknown names list the known ones (entry points are scanned for them)."""
        self._load()
        if name not in self._items:
            self.load_entry_points()
        if name not in self._items:
            raise KeyError(f"unknown converter {name!r} (known: {', '.join(self._items)})")
        return self._items[name]

    def names(self) -> list[str]:
        """Every registered name, built-ins first (entry points are scanned)."""
        self.load_entry_points()
        return list(self._items)

    def builtin_names(self) -> list[str]:
        """The built-in converters' names, without scanning entry points."""
        self._load()
        return [n for n in self._items if self.sources[n] == "built-in"]

    def loaded_names(self) -> list[str]:
        """The names registered so far (built-ins and plugins loaded), without scanning entry points."""
        self._load()
        return list(self._items)


REGISTRY = Registry()


def option_keys() -> type:
    """A dataclass with every registered converter's option as a field: the keys a ``prepare:`` config section may hold."""
    fields = {}
    for name in REGISTRY.names():
        for opt in REGISTRY.get(name).options:
            fields.setdefault(opt.name, opt.field())
    return dataclasses.make_dataclass("ConverterOptions", list(fields.values()))


def __getattr__(name: str) -> Any:
    # ``config.STAGES`` names classes as module:attribute; the converters' options are known
    # only once the registry is loaded, so this one is built when it is asked for.
    if name == "ConverterOptions":
        return option_keys()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ENTRY_POINT_GROUP", "PluginError", "REGISTRY", "Registry", "converters_of", "import_target"]
