"""Judging records: the checks' context, and one record's labels checked by their kinds.

The verify stage (:mod:`vstar_cli.stages.verify`) streams records through :func:`prepare`
and :func:`judge_batch`; the RL reward (:mod:`vstar_cli.rewards`) uses the same context.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from vstar_cli.io import ErrorRecord, Record
from vstar_cli.records import as_list, label_pairs
from vstar_cli.verify import registry as kinds
from vstar_cli.verify.embedder import Embedder
from vstar_cli.verify.verdict import CannotJudge

log = logging.getLogger("vstar.verify")

PRECISIONS = ("auto", "fp32", "fp16", "int8")


@dataclass
class JudgeSettings:
    """The models and plugins of a verify run (``VerifyConfig`` adds each kind's parameters)."""

    embedder: str | None = field(
        default=None, metadata={"help": "sentence embedder path or id (default: bundled all-MiniLM-L6-v2)"}
    )
    embedder_precision: str = field(default="auto", metadata={"help": "auto (int8 on CPU) | fp32 | fp16 | int8"})
    judge: str | None = field(default=None, metadata={"help": "local causal LM for 'llm' labels"})
    device: str = field(default="cpu", metadata={"help": "device for the embedder and judge"})
    batch_size: int = field(default=256, metadata={"help": "records embedded together"})
    kind_plugins: list = field(
        default_factory=list,
        metadata={"help": "extra verifier kinds to load, each as module:attribute (--kind-plugin)"},
    )
    kind_params: dict = field(
        default_factory=dict,
        metadata={"help": "parameters of plugin kinds, name -> value (--kind-param NAME=VALUE)"},
    )

    def __post_init__(self) -> None:
        check_settings(self)


def check_settings(cfg: Any) -> None:
    """Validate (and normalize) the :class:`JudgeSettings` fields of ``cfg``; ``ValueError`` if bad."""
    if cfg.embedder_precision not in PRECISIONS:
        raise ValueError("embedder_precision must be auto, fp32, fp16 or int8")
    if cfg.batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    if isinstance(cfg.kind_plugins, str):
        cfg.kind_plugins = [cfg.kind_plugins]
    if not isinstance(cfg.kind_plugins, list) or not all(isinstance(s, str) for s in cfg.kind_plugins):
        raise ValueError("kind_plugins must be a list of module:attribute paths")
    if not isinstance(cfg.kind_params, dict):
        raise ValueError("kind_params must be a mapping of parameter name -> value")


class Context:
    """What the checks see: every kind parameter as an attribute, plus the embedder and judge, loaded on first use.

    A parameter reads from the config's field, then ``kind_params``, then its declared default.
    Parameters of kinds loaded later (an entry point found for a record's kind) resolve on first use.
    """

    def __init__(self, cfg: Any, reg: kinds.Registry | None = None) -> None:
        self.cfg = cfg
        self.kinds = reg if reg is not None else kinds.registry()
        self.params = resolve_params(cfg, self.kinds)
        self._embedder: Embedder | None = None
        self._judge = None
        self._judge_checked = False

    def __getattr__(self, name: str):
        if name in {"cfg", "params", "kinds"}:  # not set yet: avoid recursing through __getattr__
            raise AttributeError(name)
        if name in self.params:
            return self.params[name]
        declared = self.kinds.params(loaded_only=True)
        if name in declared:  # a kind loaded since (an entry point): its parameter, resolved now
            self.params[name] = _param_value(self.cfg, declared[name])
            return self.params[name]
        return getattr(self.cfg, name)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = Embedder(self.cfg.embedder, self.cfg.device, self.cfg.embedder_precision)
        return self._embedder

    @property
    def judge(self):
        if not self._judge_checked:
            self._judge_checked = True
            if self.cfg.judge:
                from vstar_cli.verify.llm_judge import LocalJudge

                self._judge = LocalJudge(self.cfg.judge, self.cfg.device)
            else:
                log.warning("'llm' labels: no --judge model given, using the embedding check instead")
        return self._judge


def _param_value(cfg: Any, p: kinds.Param) -> Any:
    extra = getattr(cfg, "kind_params", None) or {}
    if hasattr(cfg, p.name):
        return getattr(cfg, p.name)
    if p.name in extra:
        return p.coerce(extra[p.name])
    return p.default


def resolve_params(cfg: Any, reg: kinds.Registry) -> dict[str, Any]:
    """Every loaded kind parameter's value: config field, else ``kind_params``, else its default.

    Raises ``ValueError`` for a ``kind_params`` name no kind declares (the installed entry
    points are scanned before saying so), or a bad value.
    """
    extra = dict(getattr(cfg, "kind_params", None) or {})
    declared = reg.params(loaded_only=True)
    if set(extra) - set(declared):
        declared = reg.params()
    unknown = sorted(set(extra) - set(declared))
    if unknown:
        raise ValueError(
            f"unknown kind parameter(s) {', '.join(unknown)} (known: {', '.join(sorted(declared)) or 'none'})"
        )
    return {name: _param_value(cfg, p) for name, p in declared.items()}


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


def setup(cfg: Any = None) -> Context:
    """Load ``cfg.kind_plugins`` into the registry and build the checks' context (``JudgeSettings()`` if ``None``).

    Raises :class:`~vstar_cli.verify.registry.RegistryError` (a ``ValueError``) for a plugin
    that cannot be loaded, and ``ValueError`` for unknown or bad ``kind_params``.
    """
    cfg = JudgeSettings() if cfg is None else cfg
    reg = kinds.load_plugins(getattr(cfg, "kind_plugins", None) or [])
    return Context(cfg, reg)


class _Names:
    """The registry's kind names as ``label_pairs`` reads them: membership loads lazily."""

    def __init__(self, reg: kinds.Registry) -> None:
        self.reg = reg

    def __contains__(self, name: object) -> bool:
        return name in self.reg

    def __iter__(self) -> Iterator[str]:
        return iter(self.reg.names())


Prepared = tuple[Record, list[tuple[str, kinds.VerifierKind]]]


def kind_pairs(rec: dict, reg: kinds.Registry) -> list[tuple[str, kinds.VerifierKind]]:
    """The record's ``(label_type, kind)`` pairs; ``ValueError`` with a one-line reason when unusable.

    An unknown kind's reason names the installed plugins that failed to load, if any did.
    """
    try:
        return [(lt, reg.get(name)) for lt, name in label_pairs(rec, _Names(reg))]
    except ValueError as exc:
        unknown = [k for k in as_list(rec.get("verifier_type")) if isinstance(k, str) and k not in reg]
        if unknown and str(exc).startswith("unknown verifier kind"):
            raise ValueError(reg.unknown(unknown[0])) from None
        raise


def prepare(rec: Record, reg: kinds.Registry) -> Prepared | ErrorRecord:
    """A record and its ``(label_type, kind)`` pairs, gold labels validated; or its error record."""
    answer = rec.get("output")
    if not isinstance(answer, str):
        return ErrorRecord(
            "missing field 'output' (the answer to verify)" if answer is None else "'output' is not a string", rec
        )
    try:
        pairs = kind_pairs(rec, reg)
    except (ValueError, TypeError) as exc:
        return ErrorRecord(str(exc), rec)
    for lt, kind in pairs:
        if kind.validate_gold is not None:
            try:
                kind.validate_gold(rec["label"][lt])
            except CannotJudge as exc:
                return cannot_judge(rec, lt, kind, exc)
            except Exception as exc:  # noqa: BLE001 - a (plugin) validator that fails loses no record
                return cannot_judge(rec, lt, kind, f"{type(exc).__name__}: {str(exc)[:200]}")
    return rec, pairs


def cannot_judge(rec: Record, label_type: str, kind: kinds.VerifierKind, exc: Exception | str) -> ErrorRecord:
    """The error record of a gold label its kind cannot read."""
    return ErrorRecord(f"cannot judge label {label_type!r} ({kind.name}): {exc}", rec)


def finish(item: Prepared | ErrorRecord, ctx: Context) -> Record | ErrorRecord:
    """Check a prepared record's labels: the record with ``verified`` and ``verdict``, or its error record."""
    if isinstance(item, ErrorRecord):
        return item
    rec, pairs = item
    verdicts = {}
    for label_type, kind in pairs:
        try:
            verdicts[label_type] = kind.check(rec["output"], rec["label"][label_type], rec, ctx).to_json()
        except CannotJudge as exc:
            return cannot_judge(rec, label_type, kind, exc)
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


def judge_batch(buf: list, ctx: Context) -> Iterator[Record | ErrorRecord]:
    """Finish prepared records together, their texts for embedding kinds embedded in one batch."""
    texts = []
    for i, item in enumerate(buf):
        if isinstance(item, tuple):
            rec, pairs = item
            try:
                for label_type, kind in pairs:
                    if kind.needs_embedder and kind.texts is not None:
                        texts.extend(kind.texts(rec["output"], rec["label"][label_type]))
            except CannotJudge as exc:
                buf[i] = cannot_judge(rec, label_type, kind, exc)
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
        yield finish(item, ctx)


def needs_embedder(item: Prepared | ErrorRecord) -> bool:
    """Whether a prepared record has a label checked with embeddings."""
    return isinstance(item, tuple) and any(k.needs_embedder for _, k in item[1])
