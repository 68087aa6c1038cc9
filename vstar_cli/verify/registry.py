"""The verifier-kind registry: one :class:`VerifierKind` per ``verifier_type`` a record may name.

Built-in kinds load through the same route as third-party ones: a dotted import path
``module:attribute`` (what ``--kind-plugin`` takes), plus every entry point of the
``vstar.verifiers`` group in installed packages. An entry point or path may name a
``VerifierKind``, a list of them, or a module (its module-level ``VerifierKind`` objects).

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

import importlib
import logging
import math
import os
import re
import sys
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from vstar_cli.verify.verdict import CannotJudge, Verdict

log = logging.getLogger("vstar.verify")

ENTRY_POINT_GROUP = "vstar.verifiers"
BUILTIN = ("vstar_cli.verify.builtin:KINDS",)
"""Where the 13 official kinds are declared (loaded like any ``--kind-plugin``)."""

METRICS = {
    "accuracy": "fraction verified (every kind feeds it)",
    "multiple_choice": "accuracy over records with `choices`, and how many picked an option",
    "regression": "Spearman's rho and relative L2 between the extracted number and the gold",
}
"""What a kind may feed to ``vstar eval``, by name."""

Check = Callable[[str, Any, dict, Any], Verdict]
Render = Callable[[Any, "float | None"], str]


class RegistryError(ValueError):
    """A kind cannot be registered or found (duplicate or unknown name, broken plugin)."""


def render_plain(value: Any, duration: float | None = None) -> str:
    """A gold value as plain text: a list as ``a, b``, a float without trailing zeros.

    >>> render_plain(["red", "blue"]), render_plain(2.50)
    ('red, blue', '2.5')
    """
    if isinstance(value, (list, tuple)):
        return ", ".join(render_plain(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class Param:
    """A tunable value of a kind (a tolerance, a threshold): declared once, it becomes a
    ``VerifyConfig`` field, a YAML key and a ``vstar verify`` flag.

    ``minimum`` is inclusive; ``maximum`` too unless ``maximum_exclusive``.

    >>> Param("bbox_iou", 0.5, "bbox: IoU must exceed this", maximum=1, maximum_exclusive=True).coerce("0.7")
    0.7
    """

    name: str
    default: Any
    help: str
    flag: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    maximum_exclusive: bool = False

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", self.name or ""):
            raise RegistryError(f"parameter name {self.name!r} is not an identifier")

    @property
    def type(self) -> type:
        """The value's type, from the default (``float`` for ints too, so ``0`` and ``0.5`` both read)."""
        if self.default is None:  # an optional setting, given as text (a path, a name)
            return str
        t = type(self.default)
        return float if t is int else t

    @property
    def option(self) -> str:
        """The command-line flag: ``flag``, or ``--`` and the name with dashes."""
        return self.flag or "--" + self.name.replace("_", "-")

    def coerce(self, value: Any) -> Any:
        """``value`` as this parameter's type, checked against its bounds (``ValueError`` otherwise)."""
        t = self.type
        if value is None and self.default is None:
            return None
        if t is float:
            if isinstance(value, bool):
                raise ValueError(f"{self.name} must be a number, got {value!r}")
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"{self.name} must be a number, got {value!r}") from None
            if not math.isfinite(value):
                raise ValueError(f"{self.name} must be a finite number, got {value!r}")
            if self.minimum is not None and value < self.minimum:
                raise ValueError(f"{self.name} must be >= {self.minimum:g}, got {value:g}")
            if self.maximum is not None and (value >= self.maximum if self.maximum_exclusive else value > self.maximum):
                op = "<" if self.maximum_exclusive else "<="
                raise ValueError(f"{self.name} must be {op} {self.maximum:g}, got {value:g}")
            return value
        if t is bool and isinstance(value, str):
            if value.lower() in {"1", "true", "yes", "on"}:
                return True
            if value.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(f"{self.name} must be true or false, got {value!r}")
        if not isinstance(value, t):
            try:
                return t(value)
            except (TypeError, ValueError):
                raise ValueError(f"{self.name} must be a {t.__name__}, got {value!r}") from None
        return value


@dataclass(frozen=True)
class VerifierKind:
    """One verifier kind: everything the pipeline needs to know about a ``verifier_type``.

    - ``check(answer, label, record, ctx) -> Verdict``: the judgement; ``ctx`` exposes the
      parameters as attributes (``ctx.float_tol``), and ``ctx.embedder`` / ``ctx.judge``.
    - ``summary``: one line for ``vstar verify --help``.
    - ``params``: its tolerances and thresholds (see :class:`Param`).
    - ``needs_embedder``: records with it are batched and their ``texts(answer, label)`` embedded together.
    - ``render(gold, duration) -> str``: the gold value as a hint in rationalization prompts.
    - ``metrics``: what it feeds to ``vstar eval`` besides accuracy (names in :data:`METRICS`).
    - ``validate_gold(label)``: raises :class:`CannotJudge` for a gold value the kind cannot read,
      so a broken label is an error record, never a rejected answer.
    """

    name: str
    check: Check
    summary: str = ""
    params: tuple[Param, ...] = ()
    needs_embedder: bool = False
    render: Render = render_plain
    metrics: tuple[str, ...] = ()
    validate_gold: Callable[[Any], None] | None = None
    texts: Callable[[str, Any], list[str]] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*", self.name):
            raise RegistryError(f"verifier kind name {self.name!r} must be letters, digits, '_', '.' or '-'")
        if not callable(self.check):
            raise RegistryError(f"verifier kind {self.name!r}: check is not callable")
        object.__setattr__(self, "params", tuple(self.params))
        object.__setattr__(self, "metrics", tuple(self.metrics))
        unknown = [m for m in self.metrics if m not in METRICS]
        if unknown:
            raise RegistryError(
                f"verifier kind {self.name!r}: unknown metric(s) {', '.join(map(repr, unknown))}"
                f" (known: {', '.join(METRICS)})"
            )

    def judge(self, answer: str, label: Any, record: dict, ctx: Any = None) -> Verdict:
        """Validate the gold label (``CannotJudge`` if unreadable), then check the answer."""
        if self.validate_gold is not None:
            self.validate_gold(label)
        return self.check(answer, label, record, ctx)


@dataclass
class Registry:
    """Verifier kinds by name; refuses a second kind under a taken name."""

    _kinds: dict[str, VerifierKind] = field(default_factory=dict)
    _sources: dict[str, str] = field(default_factory=dict)
    _params: dict[str, Param] = field(default_factory=dict)

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

    def get(self, name: str) -> VerifierKind:
        """The kind called ``name``; an unknown name is an error that lists the known ones."""
        try:
            return self._kinds[name]
        except (KeyError, TypeError):
            raise RegistryError(f"unknown verifier kind {name!r} (known: {', '.join(sorted(self._kinds))})") from None

    def __contains__(self, name: object) -> bool:
        return name in self._kinds

    def __iter__(self) -> Iterator[VerifierKind]:
        return iter(self._kinds.values())

    def __len__(self) -> int:
        return len(self._kinds)

    def names(self) -> list[str]:
        """Kind names in registration order (built-ins first)."""
        return list(self._kinds)

    def params(self) -> dict[str, Param]:
        """Every declared parameter by name (kinds may share one, e.g. ``class_fuzz``)."""
        return dict(self._params)

    def load(self, spec: str) -> list[VerifierKind]:
        """Import ``module:attribute`` (or a module) and register the kinds it names."""
        kinds = kinds_of(import_target(spec), spec)
        for k in kinds:
            self.register(k, spec)
        return kinds

    def load_entry_points(self) -> None:
        """Register the kinds of every installed ``vstar.verifiers`` entry point."""
        from importlib.metadata import entry_points

        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name, e.value)):
            where = f"entry point {ep.name!r} ({ep.value})"
            try:
                obj = ep.load()
            except Exception as exc:  # a broken plugin names itself instead of crashing the command
                raise RegistryError(f"cannot load verifier {where}: {type(exc).__name__}: {exc}") from exc
            for k in kinds_of(obj, where):
                self.register(k, where)


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
    """The kinds an entry point or path names: one kind, a list (or dict) of them, or a module's."""
    if isinstance(obj, VerifierKind):
        return [obj]
    if isinstance(obj, types.ModuleType):
        found = [v for v in vars(obj).values() if isinstance(v, VerifierKind)]
        if not found:
            raise RegistryError(f"{where}: module {obj.__name__} defines no VerifierKind")
        return found
    if isinstance(obj, dict):
        obj = list(obj.values())
    if isinstance(obj, (list, tuple)) and obj and all(isinstance(v, VerifierKind) for v in obj):
        return list(obj)
    raise RegistryError(f"{where} is not a VerifierKind (nor a list of them): {type(obj).__name__}")


_BUILTIN: Registry | None = None
_DEFAULT: Registry | None = None


def builtin() -> Registry:
    """The official kinds only (what ``VerifyConfig``'s fields are made from)."""
    global _BUILTIN
    if _BUILTIN is None:
        reg = Registry()
        for spec in BUILTIN:
            reg.load(spec)
        _BUILTIN = reg
    return _BUILTIN


def registry() -> Registry:
    """The process's registry: built-ins, installed entry points, and plugins loaded since."""
    global _DEFAULT
    if _DEFAULT is None:
        reg = Registry()
        for spec in BUILTIN:
            reg.load(spec)
        reg.load_entry_points()
        _DEFAULT = reg
    return _DEFAULT


def load_plugins(specs: Iterable[str]) -> Registry:
    """Register the kinds of each ``module:attribute`` (``--kind-plugin``); returns the registry."""
    reg = registry()
    for spec in specs:
        reg.load(spec)
    return reg


def reset() -> None:
    """Forget loaded plugins and entry points (the next :func:`registry` call scans again)."""
    global _DEFAULT
    _DEFAULT = None


def get(name: str) -> VerifierKind:
    """``registry().get(name)``."""
    return registry().get(name)


def __getattr__(name: str) -> Any:
    # ``KINDS`` (name -> kind of the official kinds) for code written before the registry.
    if name == "KINDS":
        return {k.name: k for k in builtin()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def find(name: str) -> VerifierKind | None:
    """The kind called ``name``, or ``None`` when no such kind is registered."""
    reg = registry()
    return reg.get(name) if name in reg else None


__all__ = [
    "BUILTIN",
    "ENTRY_POINT_GROUP",
    "METRICS",
    "CannotJudge",
    "Param",
    "Registry",
    "RegistryError",
    "VerifierKind",
    "Verdict",
    "builtin",
    "find",
    "get",
    "load_plugins",
    "registry",
    "render_plain",
    "reset",
]
