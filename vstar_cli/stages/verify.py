"""The verify stage: add ``verified`` and ``verdict`` to each answered record."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from vstar_cli.io import ErrorRecord, Record
from vstar_cli.records import label_pairs
from vstar_cli.verify import semantic
from vstar_cli.verify.registry import KINDS

log = logging.getLogger("vstar.verify")


@dataclass
class VerifyConfig:
    """Tolerances and models of ``vstar verify``. Defaults follow the paper's code where it sets them."""

    float_tol: float = field(default=0.1, metadata={"help": "float: relative tolerance"})
    timestamp_tol: float = field(default=0.1, metadata={"help": "timestamp: absolute tolerance on [0,1]"})
    range_iou: float = field(default=0.5, metadata={"help": "temporal_range: IoU must exceed this"})
    bbox_iou: float = field(default=0.5, metadata={"help": "bbox: IoU must exceed this"})
    class_fuzz: float = field(
        default=0.85, metadata={"help": "simple: similarity ratio for misspelt words (>= 5 letters)"}
    )
    sentence_threshold: float = field(default=0.6, metadata={"help": "sentence: cosine similarity"})
    sentence_sequence_threshold: float = field(
        default=0.4, metadata={"help": "sentence_sequence: cosine similarity per step"}
    )
    classifier_threshold: float = field(default=0.6, metadata={"help": "classifier: cosine similarity"})
    classifier_sequence_threshold: float = field(
        default=0.4, metadata={"help": "classifier_sequence: cosine similarity per step"}
    )
    llm_threshold: float = field(default=0.4, metadata={"help": "llm without a judge: cosine similarity per step"})
    embedder: str | None = field(
        default=None, metadata={"help": "sentence embedder path or id (default: bundled all-MiniLM-L6-v2)"}
    )
    embedder_precision: str = field(default="auto", metadata={"help": "auto (int8 on CPU) | fp32 | fp16 | int8"})
    judge: str | None = field(default=None, metadata={"help": "local causal LM for 'llm' labels"})
    device: str = field(default="cpu", metadata={"help": "device for the embedder and judge"})
    batch_size: int = field(default=256, metadata={"help": "records embedded together"})

    def __post_init__(self) -> None:
        for name in ("float_tol", "timestamp_tol"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")
        for name in ("range_iou", "bbox_iou"):
            if not 0 <= getattr(self, name) < 1:
                raise ValueError(f"{name} must be in [0, 1)")
        if self.embedder_precision not in {"auto", "fp32", "fp16", "int8"}:
            raise ValueError("embedder_precision must be auto, fp32, fp16 or int8")
        if self.batch_size < 1:
            raise ValueError("batch_size must be >= 1")


class Context:
    """What the checks see: the config's tolerances, plus the embedder and judge, loaded on first use."""

    def __init__(self, cfg: VerifyConfig) -> None:
        self.cfg = cfg
        self._embedder: semantic.Embedder | None = None
        self._judge = None
        self._judge_checked = False

    def __getattr__(self, name: str):
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


_Prepared = tuple[Record, list[tuple[str, str]]]


def _prepare(rec: Record) -> _Prepared | ErrorRecord:
    answer = rec.get("output")
    if not isinstance(answer, str):
        return ErrorRecord(
            "missing field 'output' (the answer to verify)" if answer is None else "'output' is not a string", rec
        )
    try:
        return rec, label_pairs(rec, set(KINDS))
    except (ValueError, TypeError) as exc:
        return ErrorRecord(str(exc), rec)


def _finish(item: _Prepared | ErrorRecord, ctx: Context) -> Record | ErrorRecord:
    if isinstance(item, ErrorRecord):
        return item
    rec, pairs = item
    verdicts = {}
    for label_type, kind in pairs:
        try:
            verdicts[label_type] = KINDS[kind].check(rec["output"], rec["label"][label_type], rec, ctx).to_json()
        except (RuntimeError, OSError, ImportError) as exc:
            return ErrorRecord(f"{kind} check of {label_type!r} could not run: {exc}", rec)
        except Exception as exc:  # noqa: BLE001 - one record a check cannot read must not end the stage
            why = str(exc).splitlines()[0][:200] if str(exc) else ""
            return ErrorRecord(f"{kind} check of {label_type!r} failed on this record: {type(exc).__name__} {why}", rec)
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
                    if KINDS[kind].semantic:
                        texts.extend(semantic.needed_texts(rec["output"], rec["label"][label_type], kind))
            except Exception as exc:  # noqa: BLE001 - a label the embedder cannot read is this record's error
                buf[i] = ErrorRecord(f"{kind} label {label_type!r} cannot be read: {type(exc).__name__} {exc}", rec)
    if texts:
        try:
            ctx.embedder.prefetch(texts)
        except (RuntimeError, OSError, ImportError) as exc:
            log.error("sentence embedder failed: %s", exc)
    for item in buf:
        yield _finish(item, ctx)


def needs_embedder(item: _Prepared | ErrorRecord) -> bool:
    """Whether a prepared record has a label checked with embeddings."""
    return isinstance(item, tuple) and any(KINDS[k].semantic for _, k in item[1])


def run(records: Iterable[Record | ErrorRecord], cfg: VerifyConfig) -> Iterator[Record | ErrorRecord]:
    """Verify each record's ``output`` against its labels, yielding records in input order.

    Rule-based records stream through one by one; records with semantic labels are
    gathered ``cfg.batch_size`` at a time so their texts are embedded in one batch.
    Records that cannot be checked come out as :class:`ErrorRecord`.
    """
    ctx = Context(cfg)
    buf: list = []
    for rec in records:
        item = rec if isinstance(rec, ErrorRecord) else _prepare(rec)
        if not buf and not needs_embedder(item):
            yield _finish(item, ctx)
            continue
        buf.append(item)
        if len(buf) >= cfg.batch_size:
            yield from _flush(buf, ctx)
            buf = []
    if buf:
        yield from _flush(buf, ctx)
