"""The verify stage: add ``verified`` and ``verdict`` to each answered record."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Iterator
from dataclasses import field
from typing import Any

from vstar_cli.io import ErrorRecord, Record
from vstar_cli.records import label_pairs
from vstar_cli.verify import registry as kinds
from vstar_cli.verify import semantic
from vstar_cli.verify.verdict import CannotJudge

log = logging.getLogger("vstar.verify")

_STAGE_FIELDS: list[tuple[str, Any, Any]] = [
    (
        "embedder",
        "str | None",
        field(default=None, metadata={"help": "sentence embedder path or id (default: bundled all-MiniLM-L6-v2)"}),
    ),
    (
        "embedder_precision",
        str,
        field(default="auto", metadata={"help": "auto (int8 on CPU) | fp32 | fp16 | int8"}),
    ),
    ("judge", "str | None", field(default=None, metadata={"help": "local causal LM for 'llm' labels"})),
    ("device", str, field(default="cpu", metadata={"help": "device for the embedder and judge"})),
    ("batch_size", int, field(default=256, metadata={"help": "records embedded together"})),
    (
        "kind_plugins",
        list,
        field(
            default_factory=list,
            metadata={"help": "extra verifier kinds to load, each as module:attribute (--kind-plugin)"},
        ),
    ),
    (
        "kind_params",
        dict,
        field(
            default_factory=dict,
            metadata={"help": "parameters of plugin kinds, name -> value (--kind-param NAME=VALUE)"},
        ),
    ),
]


def _kind_fields() -> list[tuple[str, Any, Any]]:
    # One field per parameter the official kinds declare: the declaration is the only place
    # a tolerance's name, default and help are written.
    return [
        (p.name, p.type, field(default=p.default, metadata={"help": p.help, "flag": p.option}))
        for p in kinds.builtin().params().values()
    ]


def _post_init(self) -> None:
    for p in kinds.builtin().params().values():
        setattr(self, p.name, p.coerce(getattr(self, p.name)))
    if self.embedder_precision not in {"auto", "fp32", "fp16", "int8"}:
        raise ValueError("embedder_precision must be auto, fp32, fp16 or int8")
    if self.batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    if isinstance(self.kind_plugins, str):
        self.kind_plugins = [self.kind_plugins]
    if not isinstance(self.kind_plugins, list) or not all(isinstance(s, str) for s in self.kind_plugins):
        raise ValueError("kind_plugins must be a list of module:attribute paths")
    if not isinstance(self.kind_params, dict):
        raise ValueError("kind_params must be a mapping of parameter name -> value")


VerifyConfig = dataclasses.make_dataclass(
    "VerifyConfig",
    _kind_fields() + _STAGE_FIELDS,
    namespace={"__post_init__": _post_init, "__module__": __name__},
)
VerifyConfig.__doc__ = """Options of ``vstar verify``: each verifier kind's declared parameters, then the models.

Defaults follow the paper's code where it sets them. The tolerance fields are made from
the official kinds' :class:`~vstar_cli.verify.registry.Param` declarations
(``vstar_cli/verify/builtin.py``); plugin kinds' parameters go in ``kind_params``.
"""


class Context:
    """What the checks see: every kind parameter as an attribute, plus the embedder and judge, loaded on first use.

    A parameter reads from the config's field, then ``kind_params``, then its declared default.
    """

    def __init__(self, cfg: Any, reg: kinds.Registry | None = None) -> None:
        self.cfg = cfg
        self.kinds = reg if reg is not None else kinds.registry()
        self.params = resolve_params(cfg, self.kinds)
        self._embedder: semantic.Embedder | None = None
        self._judge = None
        self._judge_checked = False

    def __getattr__(self, name: str):
        if name in {"cfg", "params", "kinds"}:  # not set yet: avoid recursing through __getattr__
            raise AttributeError(name)
        if name in self.params:
            return self.params[name]
        return getattr(self.cfg, name)

    @property
    def embedder(self) -> semantic.Embedder:
        if self._embedder is None:
            self._embedder = semantic.Embedder(self.cfg.embedder, self.cfg.device, self.cfg.embedder_precision)
        return self._embedder

    @property
    def judge(self):
        if not self._judge_checked:
            self._judge_checked = True
            if self.cfg.judge:
                self._judge = semantic.LocalJudge(self.cfg.judge, self.cfg.device)
            else:
                log.warning("'llm' labels: no --judge model given, using the embedding check instead")
        return self._judge


def resolve_params(cfg: Any, reg: kinds.Registry) -> dict[str, Any]:
    """Every registered kind parameter's value: config field, else ``kind_params``, else its default.

    Raises ``ValueError`` for a ``kind_params`` name no registered kind declares, or a bad value.
    """
    declared = reg.params()
    extra = dict(getattr(cfg, "kind_params", None) or {})
    unknown = sorted(set(extra) - set(declared))
    if unknown:
        raise ValueError(
            f"unknown kind parameter(s) {', '.join(unknown)} (known: {', '.join(sorted(declared)) or 'none'})"
        )
    out = {}
    for name, p in declared.items():
        if hasattr(cfg, name):
            out[name] = getattr(cfg, name)
        elif name in extra:
            out[name] = p.coerce(extra[name])
        else:
            out[name] = p.default
    return out


def parse_kind_params(items: list[str] | None) -> dict[str, str]:
    """``["my_tol=0.3"]`` -> ``{"my_tol": "0.3"}`` (values are converted by the declaring kind).

    >>> parse_kind_params(["my_tol=0.3"])
    {'my_tol': '0.3'}
    """
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--kind-param takes NAME=VALUE, got {item!r}")
        out[name.strip().replace("-", "_")] = value.strip()
    return out


def setup(cfg: Any) -> Context:
    """Load ``cfg.kind_plugins`` into the registry and build the checks' context.

    Raises :class:`~vstar_cli.verify.registry.RegistryError` (a ``ValueError``) for a plugin
    that cannot be loaded, and ``ValueError`` for unknown or bad ``kind_params``.
    """
    reg = kinds.load_plugins(getattr(cfg, "kind_plugins", None) or [])
    return Context(cfg, reg)


_Prepared = tuple[Record, list[tuple[str, kinds.VerifierKind]]]


def _prepare(rec: Record, reg: kinds.Registry, names: set[str]) -> _Prepared | ErrorRecord:
    answer = rec.get("output")
    if not isinstance(answer, str):
        return ErrorRecord(
            "missing field 'output' (the answer to verify)" if answer is None else "'output' is not a string", rec
        )
    try:
        pairs = [(lt, reg.get(name)) for lt, name in label_pairs(rec, names)]
    except (ValueError, TypeError) as exc:
        return ErrorRecord(str(exc), rec)
    for lt, kind in pairs:
        if kind.validate_gold is not None:
            try:
                kind.validate_gold(rec["label"][lt])
            except CannotJudge as exc:
                return _cannot_judge(rec, lt, kind, exc)
            except Exception as exc:  # noqa: BLE001 - a (plugin) validator that fails loses no record
                return _cannot_judge(rec, lt, kind, f"{type(exc).__name__}: {str(exc)[:200]}")
    return rec, pairs


def _cannot_judge(rec: Record, label_type: str, kind: kinds.VerifierKind, exc: Exception) -> ErrorRecord:
    return ErrorRecord(f"cannot judge label {label_type!r} ({kind.name}): {exc}", rec)


def _finish(item: _Prepared | ErrorRecord, ctx: Context) -> Record | ErrorRecord:
    if isinstance(item, ErrorRecord):
        return item
    rec, pairs = item
    verdicts = {}
    for label_type, kind in pairs:
        try:
            verdicts[label_type] = kind.check(rec["output"], rec["label"][label_type], rec, ctx).to_json()
        except CannotJudge as exc:
            return _cannot_judge(rec, label_type, kind, exc)
        except (RuntimeError, OSError, ImportError) as exc:
            return ErrorRecord(f"{kind.name} check of {label_type!r} could not run: {exc}", rec)
        except Exception as exc:  # noqa: BLE001 - a faulty (plugin) check or an unreadable record loses no record
            why = str(exc).splitlines()[0][:200] if str(exc) else ""
            return ErrorRecord(
                f"{kind.name} check of {label_type!r} failed on this record: {type(exc).__name__} {why}", rec
            )
    rec["verified"] = all(v["ok"] for v in verdicts.values())
    rec["verdict"] = verdicts
    return rec


def _flush(buf: list, ctx: Context) -> Iterator[Record | ErrorRecord]:
    texts = []
    for i, item in enumerate(buf):
        if isinstance(item, tuple):
            rec, pairs = item
            try:
                for label_type, kind in pairs:
                    if kind.needs_embedder and kind.texts is not None:
                        texts.extend(kind.texts(rec["output"], rec["label"][label_type]))
            except CannotJudge as exc:
                buf[i] = _cannot_judge(rec, label_type, kind, exc)
            except Exception as exc:  # noqa: BLE001 - a label the embedder cannot read is this record's error
                buf[i] = ErrorRecord(
                    f"{kind.name} label {label_type!r} cannot be read: {type(exc).__name__} {exc}", rec
                )
    if texts:
        try:
            ctx.embedder.prefetch(texts)
        except (RuntimeError, OSError, ImportError) as exc:
            log.error("sentence embedder failed: %s", exc)
    for item in buf:
        yield _finish(item, ctx)


def needs_embedder(item: _Prepared | ErrorRecord) -> bool:
    """Whether a prepared record has a label checked with embeddings."""
    return isinstance(item, tuple) and any(k.needs_embedder for _, k in item[1])


def run(records: Iterable[Record | ErrorRecord], cfg: Any) -> Iterator[Record | ErrorRecord]:
    """Verify each record's ``output`` against its labels, yielding records in input order.

    Rule-based records stream through one by one; records with semantic labels are
    gathered ``cfg.batch_size`` at a time so their texts are embedded in one batch.
    Records that cannot be checked (including a gold label its kind cannot read) come
    out as :class:`ErrorRecord`. ``cfg.kind_plugins`` are loaded first (``ValueError``
    if one cannot be).
    """
    ctx = setup(cfg)
    return _run(records, cfg, ctx)


def _run(records: Iterable[Record | ErrorRecord], cfg: Any, ctx: Context) -> Iterator[Record | ErrorRecord]:
    reg = ctx.kinds
    names = set(reg.names())
    buf: list = []
    for rec in records:
        item = rec if isinstance(rec, ErrorRecord) else _prepare(rec, reg, names)
        if not buf and not needs_embedder(item):
            yield _finish(item, ctx)
            continue
        buf.append(item)
        if len(buf) >= cfg.batch_size:
            yield from _flush(buf, ctx)
            buf = []
    if buf:
        yield from _flush(buf, ctx)
