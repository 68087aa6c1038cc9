"""The merge stage: verified answers -> instruction-tuning data (LLaVA, ShareGPT or messages).

Streams its inputs; for deduplication only 8-byte hashes are held. The seeded shuffle is an
external one: records go to temporary bucket files, each bucket is shuffled on its own.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from vstar_cli import chat
from vstar_cli.io import ErrorRecord, Record
from vstar_cli.prompts import render_label
from vstar_cli.records import as_list, get_field

FORMATS = ("llava", "sharegpt", "messages")
LETTERS = "ABCDEFGH"


@dataclass
class MergeConfig:
    """Options of ``vstar merge``."""

    format: str = field(default="llava", metadata={"help": "llava | sharegpt | messages"})
    keep_unverified: bool = field(default=False, metadata={"help": "keep records without verified=true"})
    max_per_question: int | None = field(default=None, metadata={"help": "first K distinct answers per question"})
    balance: bool = field(default=False, metadata={"help": "cap every label type at the smallest type's count"})
    shuffle: bool = field(default=True, metadata={"help": "seeded shuffle of the output"})
    seed: int = field(default=0, metadata={"help": "seed of the shuffle and of the conversions"})
    direct: bool = field(default=False, metadata={"help": "add a direct-answer variant (label as a short answer)"})
    multiple_choice: bool = field(default=False, metadata={"help": "add a multiple-choice variant"})
    num_choices: int = field(default=4, metadata={"help": "options in the multiple-choice variant"})
    video_tag: bool = field(
        default=False, metadata={"help": "messages format: string contents with <video> tags (LLaMA-Factory's form)"}
    )

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}")
        if self.max_per_question is not None and self.max_per_question < 1:
            raise ValueError("max_per_question must be >= 1")
        if not 2 <= self.num_choices <= len(LETTERS):
            raise ValueError(f"num_choices must be between 2 and {len(LETTERS)}")


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
    return "+".join(str(t) for t in as_list(rec.get("label_type"))) or "-"


def question_key(rec: dict) -> str:
    """Identity of a question: its id, else video and question text."""
    qid = get_field(rec, "question_id")
    if qid is not None:
        return str(qid)
    return f"{get_field(rec, 'video_path', '')}\x1f{get_field(rec, 'question', '')}"


@dataclass
class Stats:
    """Counts per (source, label type): kept, duplicates, unverified, capped."""

    rows: dict = field(default_factory=dict)

    def add(self, source: str, ltype: str, what: str) -> None:
        """Count one record under ``what``."""
        self.rows.setdefault((source, ltype), Counter())[what] += 1


def to_format(
    fmt: str, rid: str, video: str, turns: list[tuple[str, str]], meta: dict, video_tag: bool = False
) -> dict:
    """One training example in ``fmt``; the video goes with the first user turn (see :func:`chat.to_record`)."""
    return chat.to_record(fmt, rid, [video], turns, meta, video_tag=video_tag)


def _mc_variant(rec: dict, pool: dict[str, list[str]], cfg: MergeConfig, rng: random.Random) -> tuple[str, str] | None:
    gold = render_label(rec)
    others = [v for v in pool.get(label_key(rec), []) if v != gold]
    if len(others) < cfg.num_choices - 1:
        return None
    options = rng.sample(others, cfg.num_choices - 1) + [gold]
    rng.shuffle(options)
    letter = LETTERS[options.index(gold)]
    q = (
        get_field(rec, "question", "")
        + "\nOptions:\n"
        + "\n".join(f"({LETTERS[i]}) {o}" for i, o in enumerate(options))
    )
    return q + "\nAnswer with the option's letter.", f"({letter}) {gold}"


def label_pool(records: Iterable[Record | ErrorRecord], cfg: MergeConfig, limit: int = 2000) -> dict[str, list[str]]:
    """Distinct rendered labels per label type (distractors for the multiple-choice variant)."""
    pool: dict[str, dict[str, None]] = {}
    for rec in records:
        if isinstance(rec, ErrorRecord) or "label" not in rec:
            continue
        if not cfg.keep_unverified and rec.get("verified") is not True:
            continue
        seen = pool.setdefault(label_key(rec), {})
        if len(seen) < limit:
            seen.setdefault(render_label(rec), None)
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
        aux = chat.is_conversation(rec)
        source = str(rec.get("source", "aux" if aux else "?"))
        ltype = label_key(rec) if not aux else "aux"
        if aux and not cfg.keep_unverified and "verified" in rec and rec["verified"] is not True:
            stats.add(source, ltype, "unverified")  # official Video-STaR records carry conversations *and* a verdict
            continue
        if aux:
            try:
                conv = chat.parse(rec)
            except ValueError as exc:
                yield ErrorRecord(f"auxiliary record: {exc}", rec)
                continue
            if not conv.videos:
                yield ErrorRecord("auxiliary record without a video ('video', 'videos' or a video part)", rec)
                continue
            h = _h("aux", *conv.videos, str(conv.system), json.dumps(conv.turns, ensure_ascii=False))
            if h in seen:
                stats.add(source, ltype, "duplicate")
                continue
            seen.add(h)
            stats.add(source, ltype, "kept")
            meta = {"source": "aux", "variant": "aux"}
            rid = str(rec.get("id", h.hex()))
            yield chat.to_record(cfg.format, rid, conv.videos, conv.turns, meta, conv.system, cfg.video_tag)
            continue
        answer, question, video = rec.get("output"), get_field(rec, "question"), get_field(rec, "video_path")
        if not isinstance(answer, str) or not isinstance(question, str) or not isinstance(video, str):
            yield ErrorRecord("needs 'output', 'question' and 'video_path' (or conversations/messages)", rec)
            continue
        if not cfg.keep_unverified and rec.get("verified") is not True:
            stats.add(source, ltype, "unverified")
            continue
        qkey = question_key(rec)
        h = _h(qkey, normalize_answer(answer))
        if h in seen:
            stats.add(source, ltype, "duplicate")
            continue
        seen.add(h)
        qh = _h(qkey)
        if cfg.max_per_question is not None and per_q[qh] >= cfg.max_per_question:
            stats.add(source, ltype, "over max per question")
            continue
        if caps is not None and per_type[ltype] >= caps.get(ltype, 0):
            stats.add(source, ltype, "balanced out")
            continue
        per_q[qh] += 1
        per_type[ltype] += 1
        stats.add(source, ltype, "kept")
        rid = f"{qkey}:{source}:{rec.get('sample_index', 0)}"
        meta = {
            "question_id": get_field(rec, "question_id"),
            "source": source,
            "label_type": as_list(rec.get("label_type")),
            "sample_index": rec.get("sample_index", 0),
            "variant": "cot",
        }
        yield to_format(cfg.format, rid, video, [(question, answer)], meta, cfg.video_tag)
        if "label" in rec and (cfg.direct or cfg.multiple_choice):
            if per_q[qh] == 1:  # one conversion per question, not per sampled answer
                if cfg.direct:
                    yield to_format(
                        cfg.format,
                        rid + ":direct",
                        video,
                        [(question, render_label(rec))],
                        dict(meta, variant="direct"),
                        cfg.video_tag,
                    )
                    stats.add("direct", ltype, "kept")
                if cfg.multiple_choice:
                    mc = _mc_variant(rec, pool, cfg, rng)
                    if mc is not None:
                        yield to_format(
                            cfg.format, rid + ":mc", video, [mc], dict(meta, variant="multiple_choice"), cfg.video_tag
                        )
                        stats.add("multiple_choice", ltype, "kept")
            pool.setdefault(ltype, [])
            gold = render_label(rec)
            if gold not in pool[ltype] and len(pool[ltype]) < 2000:
                pool[ltype].append(gold)


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


def shuffled(items: Iterable[dict], seed: int, buckets: int = 64) -> Iterator[dict]:
    """A seeded shuffle in bounded memory: spread over temporary files, shuffle each."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="vstar-merge-") as d:
        paths = [Path(d) / f"{i}.jsonl" for i in range(buckets)]
        handles = [p.open("w", encoding="utf-8") for p in paths]
        try:
            for item in items:
                handles[rng.randrange(buckets)].write(json.dumps(item, ensure_ascii=False) + "\n")
        finally:
            for h in handles:
                h.close()
        for p in paths:
            lines = p.read_text(encoding="utf-8").splitlines()
            rng.shuffle(lines)
            for line in lines:
                yield json.loads(line)
