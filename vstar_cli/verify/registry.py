"""The verifier-kind registry: one :class:`VerifierKind` per ``verifier_type`` a record may name.

Every kind loads by one route, :meth:`Registry.load`: a ``module:attribute`` path or a module
(its module-level ``VerifierKind`` objects). The official kinds are the modules of
``vstar_cli/verify/kinds/`` (found with :mod:`pkgutil`); third-party kinds come from
``--kind-plugin module:attribute`` and from the ``vstar.verifiers`` entry points of installed
packages. Entry points are scanned lazily: only when a record names a kind that is not loaded,
or when the full list is asked for (``vstar verify --help``). An installed plugin that fails to
load gives a one-line warning naming it and is skipped; records of its kind become error records
("unknown verifier kind X (plugin P failed to load: ...)"). A ``--kind-plugin`` that fails is an error.

A third-party kind is one file::

    # my_kinds.py
    from vstar_cli.verify.registry import Param, VerifierKind
    from vstar_cli.verify.verdict import CannotJudge, Verdict

    def check_parity(answer, label, record, ctx):
        said = "even" if "even" in answer.lower() else "odd" if "odd" in answer.lower() else None
        return Verdict(said == label, said, f"said {said!r}")

    PARITY = VerifierKind("parity", check_parity, "even / odd stated")

used as ``vstar verify --kind-plugin my_kinds:PARITY`` or declared in its package's
``pyproject.toml`` under ``[project.entry-points."vstar.verifiers"]``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from vstar_cli.verify.kind import METRICS, VerifierKind, render_plain
from vstar_cli.verify.param import Param, RegistryError
from vstar_cli.verify.plugins import (
    BUILTIN_PACKAGE,
    ENTRY_POINT_GROUP,
    builtin_specs,
    entry_points,
    import_target,
    kinds_of,
)
from vstar_cli.verify.verdict import CannotJudge, Verdict

log = logging.getLogger("vstar.verify")


@dataclass
class Registry:
    """Verifier kinds by name; refuses a second kind under a taken name.

    ``pending`` loads more kinds (the installed entry points) the first time a name is not
    found or the full list is read; ``broken`` holds the plugins that failed to load, by name.
    """

    _kinds: dict[str, VerifierKind] = field(default_factory=dict)
    _sources: dict[str, str] = field(default_factory=dict)
    _params: dict[str, Param] = field(default_factory=dict)
    pending: Callable[[Registry], None] | None = None
    broken: dict[str, str] = field(default_factory=dict)

    def register(self, kind: VerifierKind, source: str = "") -> None:
        """Add a kind. The same object twice is a no-op; another kind under a taken name is an error."""
        if not isinstance(kind, VerifierKind):
            raise RegistryError(f"{source or kind!r} is not a VerifierKind")
        old = self._kinds.get(kind.name)
        if old is kind:
            return
        if old is not None:
            raise RegistryError(
                f"verifier kind {kind.name!r} is registered twice"
                f" (by {self._sources[kind.name]} and by {source or 'a later registration'})"
            )
        for p in kind.params:
            have = self._params.get(p.name)
            if have is not None and have != p:
                raise RegistryError(
                    f"verifier kind {kind.name!r} declares parameter {p.name!r} differently from an earlier kind"
                )
        self._kinds[kind.name] = kind
        self._sources[kind.name] = source or kind.name
        for p in kind.params:
            self._params.setdefault(p.name, p)

    def register_from(self, obj: Any, where: str) -> list[VerifierKind]:
        """Register the kinds ``obj`` names (a kind, a list of kinds, a module): every route ends here."""
        kinds = kinds_of(obj, where)
        for k in kinds:
            self.register(k, where)
        return kinds

    def load(self, spec: str) -> list[VerifierKind]:
        """Import ``module:attribute`` (or a module) and register the kinds it names."""
        return self.register_from(import_target(spec), spec)

    def load_entry_points(self) -> None:
        """Register the kinds of every installed ``vstar.verifiers`` entry point.

        One that cannot be loaded (an import error, not a kind, a taken name) is warned about
        in one line, skipped, and remembered in :attr:`broken`.
        """
        for where, ep in entry_points():
            try:
                self.register_from(ep.load(), f"entry point {where}")
            except Exception as exc:  # noqa: BLE001 - a broken plugin names itself; the others still load
                why = str(exc).splitlines()[0][:300] if str(exc) else ""
                self.broken[where] = f"{type(exc).__name__}: {why}" if not isinstance(exc, RegistryError) else why
                log.warning("verifier plugin %s failed to load, skipped: %s", where, self.broken[where])

    def load_pending(self) -> None:
        """Run the lazy loader once (the entry-point scan), if there is one."""
        loader, self.pending = self.pending, None
        if loader is not None:
            loader(self)

    def get(self, name: str) -> VerifierKind:
        """The kind called ``name``; an unknown name is an error that says why (see :meth:`unknown`)."""
        if isinstance(name, str) and name in self:
            return self._kinds[name]
        raise RegistryError(self.unknown(name))

    def unknown(self, name: Any) -> str:
        """Why ``name`` is not a kind: the plugins that failed to load, or the known names.

        >>> Registry(broken={"'p' (m:P)": "ImportError: no numpy"}).unknown("parity")
        "unknown verifier kind 'parity' (plugin 'p' (m:P) failed to load: ImportError: no numpy)"
        """
        self.load_pending()
        if self.broken:
            mine = [w for w in self.broken if w.startswith(f"'{name}' ")] or list(self.broken)
            why = "; ".join(f"plugin {w} failed to load: {self.broken[w]}" for w in mine)
            return f"unknown verifier kind {name!r} ({why})"
        return f"unknown verifier kind {name!r} (known: {', '.join(sorted(self._kinds))})"

    def __contains__(self, name: object) -> bool:
        if name in self._kinds:
            return True
        if self.pending is not None and isinstance(name, str):
            self.load_pending()
            return name in self._kinds
        return False

    def __iter__(self) -> Iterator[VerifierKind]:
        self.load_pending()
        return iter(list(self._kinds.values()))

    def __len__(self) -> int:
        self.load_pending()
        return len(self._kinds)

    def names(self) -> list[str]:
        """Every kind name in registration order (built-ins first; scans the entry points)."""
        self.load_pending()
        return list(self._kinds)

    def params(self, loaded_only: bool = False) -> dict[str, Param]:
        """Every declared parameter by name (kinds may share one, e.g. ``class_fuzz``).

        ``loaded_only`` leaves the entry points unscanned (the kinds loaded so far).
        """
        if not loaded_only:
            self.load_pending()
        return dict(self._params)


_BUILTIN: Registry | None = None
_DEFAULT: Registry | None = None


def _with_builtins() -> Registry:
    reg = Registry()
    for spec in builtin_specs():
        reg.load(spec)
    return reg


def builtin() -> Registry:
    """The official kinds only (what ``VerifyConfig``'s fields are made from)."""
    global _BUILTIN
    if _BUILTIN is None:
        _BUILTIN = _with_builtins()
    return _BUILTIN


def registry() -> Registry:
    """The process's registry: built-ins, plugins loaded since, and (scanned on demand) entry points."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = _with_builtins()
        _DEFAULT.pending = Registry.load_entry_points
    return _DEFAULT


def load_plugins(specs: Iterable[str]) -> Registry:
    """Register the kinds of each ``module:attribute`` (``--kind-plugin``); returns the registry.

    Raises :class:`RegistryError` for one that cannot be loaded (a usage error: it was asked for).
    """
    reg = registry()
    for spec in specs:
        reg.load(spec)
    return reg


def reset() -> None:
    """Forget loaded plugins and entry points (the next :func:`registry` call starts again)."""
    global _DEFAULT
    _DEFAULT = None


def get(name: str) -> VerifierKind:
    """``registry().get(name)``."""
    return registry().get(name)


def find(name: str) -> VerifierKind | None:
    """The kind called ``name``, or ``None`` when no such kind is registered (or can be loaded)."""
    reg = registry()
    return reg.get(name) if isinstance(name, str) and name in reg else None


__all__ = [
    "BUILTIN_PACKAGE",
    "ENTRY_POINT_GROUP",
    "METRICS",
    "CannotJudge",
    "Param",
    "Registry",
    "RegistryError",
    "VerifierKind",
    "Verdict",
    "builtin",
    "builtin_specs",
    "find",
    "get",
    "import_target",
    "kinds_of",
    "load_plugins",
    "registry",
    "render_plain",
    "reset",
]
