"""The merge stage: verified answers -> instruction-tuning data (LLaVA, ShareGPT or messages).

Streams its inputs; for deduplication only 8-byte hashes are held. The seeded shuffle is an
external one: records go to temporary bucket files, each bucket is shuffled on its own.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from vstar_cli import chat, config
from vstar_cli.io import ErrorRecord, Record
from vstar_cli.prompts import render_label
from vstar_cli.records import as_list, get_field

FORMATS = ("llava", "sharegpt", "messages")
LETTERS = "ABCDEFGH"


@dataclass
class MergeConfig:
    """Options of ``vstar merge``."""

    format: str = field(default="llava", metadata={"help": "llava | sharegpt | messages", "flags": ("--format", "-f")})
    keep_unverified: bool = field(default=False, metadata={"help": "keep records without verified=true"})
    max_per_question: int | None = field(default=None, metadata={"help": "first K distinct answers per question"})
    balance: bool = field(default=False, metadata={"help": "cap every label type at the smallest type's count"})
    shuffle: bool = field(default=True, metadata={"help": "seeded shuffle of the output"})
    seed: int = field(default=0, metadata={"help": "seed of the shuffle and of the conversions"})
    direct: bool = field(default=False, metadata={"help": "add a direct-answer variant (label as a short answer)"})
    multiple_choice: bool = field(default=False, metadata={"help": "add a multiple-choice variant"})
    num_choices: int = field(default=4, metadata={"help": "options in the multiple-choice variant"})
    video_tag: bool = field(
        default=False, metadata={"help": "messages format: string contents with <video> tags (LLaMA-Factory reads it)"}
    )
    video_dir: str | None = field(
        default=None, metadata={"help": "where the videos lie (only printed, as LLaMA-Factory's media_dir)"}
    )

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}")
        if self.max_per_question is not None:
            config.check_number("max_per_question", self.max_per_question, low=1, integer=True)
        config.check_number("num_choices", self.num_choices, low=2, high=len(LETTERS), integer=True)
        config.check_number("seed", self.seed, integer=True)
        for name in ("keep_unverified", "balance", "shuffle", "direct", "multiple_choice"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false, not {getattr(self, name)!r}"[:200])


def normalize_answer(text: str) -> str:
    """Answers that differ only in case, spacing or punctuation count as duplicates.

    >>> normalize_answer("He plays  the Guitar!") == normalize_answer("he plays the guitar")
    True
    """
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _h(*parts: str) -> bytes:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).digest()


def label_key(rec: dict) -> str:
    """The record's label types as one key (``"action"``, ``"start+end"``)."""
    return "+".join(as_text(t) for t in as_list(rec.get("label_type"))) or "-"


def as_text(value: object, limit: int = 200) -> str:
    """A field value as text for ids and keys: strings as they are, anything else as (bounded) JSON.

    >>> as_text("q1"), as_text(7), as_text(float("nan"))
    ('q1', '7', 'NaN')
    """
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)[:limit]
    except (TypeError, ValueError, RecursionError):
        return type(value).__name__


def _small_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x.bit_length() <= 63


def question_key(rec: dict) -> str:
    """Identity of a question: its id, else video and question text."""
    qid = get_field(rec, "question_id")
    if qid is not None:
        return as_text(qid, 1000)
    return f"{as_text(get_field(rec, 'video_path', ''))}\x1f{as_text(get_field(rec, 'question', ''), 10_000)}"


@dataclass
class Stats:
    """Counts per (source, label type): kept, duplicates, unverified, capped."""

    rows: dict = field(default_factory=dict)

    def add(self, source: str, ltype: str, what: str) -> None:
        """Count one record under ``what``."""
        self.rows.setdefault((source, ltype), Counter())[what] += 1


class BadRecord(ValueError):
    """A record merge cannot convert; the message is the error record's reason."""


def _check_gold_value(value: object, name: str, depth: int = 0) -> None:
    if isinstance(value, bool) or value is None:
        raise BadRecord(f"label {name!r} is {json.dumps(value)}, not a class, number or list")
    if isinstance(value, str):
        if not value.strip():
            raise BadRecord(f"label {name!r} is an empty string")
        return
    if isinstance(value, int):
        if value.bit_length() > 1000:
            raise BadRecord(f"label {name!r} is a number too large to write out")
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BadRecord(f"label {name!r} is {value}, not a finite number")
        return
    if isinstance(value, list) and value and depth == 0:
        for v in value:
            _check_gold_value(v, name, depth + 1)
        return
    raise BadRecord(f"label {name!r} cannot be written as an answer (a {type(value).__name__})")


def _check_gold_for_kind(value: object, name: str, kind: str | None) -> None:
    # The kind's own reader decides (a range must be two numbers, a box four): the same check verify makes.
    from vstar_cli.verify import registry

    try:
        found = registry.find(kind) if kind else None
    except registry.RegistryError:
        found = None
    if found is not None and found.validate_gold is not None:
        try:
            found.validate_gold(value)
        except registry.CannotJudge as exc:
            raise BadRecord(f"label {name!r} cannot be read as {kind}: {exc}") from None


def gold_text(rec: dict) -> str:
    """The record's gold label rendered as a short answer; :class:`BadRecord` when it cannot be.

    Labels must be strings, finite numbers, or flat lists of them (what the contract allows);
    NaN, infinities, booleans, nulls, objects and empty strings are refused.

    >>> gold_text({"label": {"a": "riding bike"}, "label_type": ["a"], "verifier_type": ["simple"]})
    'riding bike'
    """
    label = rec.get("label")
    if not isinstance(label, dict):
        raise BadRecord("'label' must be an object of label name -> gold value")
    types, kinds = as_list(rec.get("label_type")), as_list(rec.get("verifier_type"))
    if not types or not all(isinstance(t, str) for t in types):
        raise BadRecord("'label_type' must be a non-empty list of strings")
    if not all(isinstance(k, str) for k in kinds) or (kinds and len(kinds) != len(types)):
        raise BadRecord("'verifier_type' must be strings, one per label type")
    for t, kind in zip(types, kinds or [None] * len(types), strict=True):
        if t not in label:
            raise BadRecord(f"label_type {t!r} is not a key of 'label'")
        _check_gold_value(label[t], t)
        _check_gold_for_kind(label[t], t, kind)
    duration = rec.get("duration")
    if duration is not None and (
        isinstance(duration, bool) or not isinstance(duration, (int, float)) or not 0 < duration < 1e9
    ):
        rec = {k: v for k, v in rec.items() if k != "duration"}  # an unusable duration is not a reason to fail
    try:
        text = render_label(rec)
    except (ValueError, TypeError, OverflowError, ArithmeticError) as exc:
        raise BadRecord(f"label cannot be written as an answer: {exc}") from None
    if not text.strip():
        raise BadRecord("label renders as an empty answer")
    return text


def to_format(
    fmt: str, rid: str, video: str, turns: list[tuple[str, str]], meta: dict, video_tag: bool = False
) -> dict:
    """One training example in ``fmt``; the video goes with the first user turn (see :func:`chat.to_record`)."""
    return chat.to_record(fmt, rid, [video], turns, meta, video_tag=video_tag)


def _mc_variant(
    rec: dict, question: str, gold: str, pool: dict[str, list[str]], cfg: MergeConfig, rng: random.Random
) -> tuple[str, str] | None:
    others = [v for v in pool.get(label_key(rec), []) if v != gold]
    if len(others) < cfg.num_choices - 1:
        return None
    options = rng.sample(others, cfg.num_choices - 1) + [gold]
    rng.shuffle(options)
    letter = LETTERS[options.index(gold)]
    q = question + "\nOptions:\n" + "\n".join(f"({LETTERS[i]}) {o}" for i, o in enumerate(options))
    return q + "\nAnswer with the option's letter.", f"({letter}) {gold}"


def label_pool(records: Iterable[Record | ErrorRecord], cfg: MergeConfig, limit: int = 2000) -> dict[str, list[str]]:
    """Distinct rendered labels per label type (distractors for the multiple-choice variant)."""
    pool: dict[str, dict[str, None]] = {}
    for rec in records:
        if isinstance(rec, ErrorRecord) or "label" not in rec:
            continue
        if not cfg.keep_unverified and rec.get("verified") is not True:
            continue
        try:
            gold = gold_text(rec)
        except BadRecord:
            continue  # run() reports it
        seen = pool.setdefault(label_key(rec), {})
        if len(seen) < limit:
            seen.setdefault(gold, None)
    return {k: list(v) for k, v in pool.items()}


def run(
    records: Iterable[Record | ErrorRecord],
    cfg: MergeConfig,
    stats: Stats,
    pool: dict | None = None,
    caps: dict[str, int] | None = None,
) -> Iterator[dict | ErrorRecord]:
    """Filter, dedupe and convert records (in input order; shuffling is the caller's, see :func:`shuffled`).

    ``pool``: distractors per label type (else built from the records seen so far);
    ``caps``: most examples per label type (for balancing).
    """
    seen: set[bytes] = set()
    per_q: Counter = Counter()
    per_type: Counter = Counter()
    pool = pool if pool is not None else {}
    rng = random.Random(cfg.seed)
    for rec in records:
        if isinstance(rec, ErrorRecord):
            yield rec
            continue
        try:
            yield from _convert(rec, cfg, stats, pool, caps, seen, per_q, per_type, rng)
        except BadRecord as exc:
            yield ErrorRecord(str(exc), rec)
        except (TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError) as exc:
            # A shape no check above foresaw: still one error record, never the end of the stage.
            yield ErrorRecord(f"cannot convert this record ({type(exc).__name__}: {str(exc)[:200]})", rec)


def _convert(rec, cfg, stats, pool, caps, seen, per_q, per_type, rng) -> Iterator[dict]:
    """One record's examples (none when it is filtered out); :class:`BadRecord` when it cannot be converted."""
    aux = chat.is_conversation(rec)
    source = as_text(rec.get("source", "aux" if aux else "?"), 100)
    if aux:
        ltype = "aux"
        if not cfg.keep_unverified and "verified" in rec and rec["verified"] is not True:
            stats.add(source, ltype, "unverified")  # official Video-STaR records carry conversations *and* a verdict
            return
        try:
            conv = chat.parse(rec)
        except ValueError as exc:
            raise BadRecord(f"auxiliary record: {exc}") from None
        if not conv.videos:
            raise BadRecord("auxiliary record without a video ('video', 'videos' or a video part)")
        h = _h("aux", *conv.videos, str(conv.system), json.dumps(conv.turns, ensure_ascii=False))
        if h in seen:
            stats.add(source, ltype, "duplicate")
            return
        seen.add(h)
        stats.add(source, ltype, "kept")
        rid = h.hex() if rec.get("id") is None else as_text(rec["id"])
        meta = {"source": "aux", "variant": "aux"}
        yield chat.to_record(cfg.format, rid, conv.videos, conv.turns, meta, conv.system, cfg.video_tag)
        return
    answer, question, video = rec.get("output"), get_field(rec, "question"), get_field(rec, "video_path")
    if not isinstance(answer, str) or not isinstance(question, str) or not isinstance(video, str):
        raise BadRecord("needs 'output', 'question' and 'video_path' (or conversations/messages)")
    ltype = label_key(rec)
    if not cfg.keep_unverified and rec.get("verified") is not True:
        stats.add(source, ltype, "unverified")
        return
    variants = "label" in rec and (cfg.direct or cfg.multiple_choice)
    gold = gold_text(rec) if variants else None  # checked before anything of this record is written
    qkey = question_key(rec)
    h = _h(qkey, normalize_answer(answer))
    if h in seen:
        stats.add(source, ltype, "duplicate")
        return
    seen.add(h)
    qh = _h(qkey)
    if cfg.max_per_question is not None and per_q[qh] >= cfg.max_per_question:
        stats.add(source, ltype, "over max per question")
        return
    if caps is not None and per_type[ltype] >= caps.get(ltype, 0):
        stats.add(source, ltype, "balanced out")
        return
    per_q[qh] += 1
    per_type[ltype] += 1
    stats.add(source, ltype, "kept")
    index = rec.get("sample_index", 0)
    if not (isinstance(index, str) or _small_int(index)):
        index = as_text(index)
    rid = f"{qkey}:{source}:{index}"
    qid = get_field(rec, "question_id")
    meta = {
        "question_id": qid if isinstance(qid, (str, type(None))) or _small_int(qid) else question_key(rec),
        "source": source,
        "label_type": [as_text(t) for t in as_list(rec.get("label_type"))],
        "sample_index": index,
        "variant": "cot",
    }
    yield to_format(cfg.format, rid, video, [(question, answer)], meta, cfg.video_tag)
    if gold is None:
        return
    if per_q[qh] == 1:  # one conversion per question, not per sampled answer
        if cfg.direct:
            yield to_format(
                cfg.format, rid + ":direct", video, [(question, gold)], dict(meta, variant="direct"), cfg.video_tag
            )
            stats.add("direct", ltype, "kept")
        if cfg.multiple_choice:
            mc = _mc_variant(rec, question, gold, pool, cfg, rng)
            if mc is not None:
                yield to_format(
                    cfg.format, rid + ":mc", video, [mc], dict(meta, variant="multiple_choice"), cfg.video_tag
                )
                stats.add("multiple_choice", ltype, "kept")
    known = pool.setdefault(ltype, [])
    if gold not in known and len(known) < 2000:
        known.append(gold)


def balance_caps(records: Iterable[Record | ErrorRecord], cfg: MergeConfig) -> dict[str, int]:
    """Per label type, how many examples survive filtering; every type is capped at the minimum."""
    counts = Stats()
    dry = MergeConfig(**{**cfg.__dict__, "direct": False, "multiple_choice": False, "balance": False})
    for _ in run(records, dry, counts):
        pass
    kept = Counter()
    for (_, ltype), c in counts.rows.items():
        if ltype != "aux":
            kept[ltype] += c["kept"]
    if not kept:
        return {}
    m = min(kept.values())
    return dict.fromkeys(kept, m)


def shuffled(items: Iterable[dict | ErrorRecord], seed: int, buckets: int = 64) -> Iterator[dict | ErrorRecord]:
    """A seeded shuffle in bounded memory: spread over temporary files, shuffle each.

    Error records pass through at once (they are not examples to shuffle)."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="vstar-merge-") as d:
        paths = [Path(d) / f"{i}.jsonl" for i in range(buckets)]
        handles = [p.open("w", encoding="utf-8") for p in paths]
        try:
            for item in items:
                if isinstance(item, ErrorRecord):
                    yield item
                    continue
                handles[rng.randrange(buckets)].write(json.dumps(item, ensure_ascii=False) + "\n")
        finally:
            for h in handles:
                h.close()
        for p in paths:
            lines = p.read_text(encoding="utf-8").splitlines()
            rng.shuffle(lines)
            for line in lines:
                yield json.loads(line)
