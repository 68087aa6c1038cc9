"""The generate and rationalize stages: answer each labeled sample with a video LVLM.

Videos are decoded by a thread pool a few batches ahead of the model, so the accelerator
does not wait on decoding. A batch that fails is retried in halves (CUDA out-of-memory) or
item by item (any other error), so one bad sample never takes its batch down with it.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from vstar_cli import config, prompts
from vstar_cli.decoding import WARM, DecodeTimeout, decode_pool, default_decode_workers, restart_pool
from vstar_cli.groups import VideoOptions
from vstar_cli.io import ErrorRecord, Record
from vstar_cli.model import GenParams, ModelConfig
from vstar_cli.records import get_field
from vstar_cli.video import Clip, VideoError, load_clip, video_path

log = logging.getLogger("vstar.generate")


@dataclass
class GenerateConfig(ModelConfig, VideoOptions):
    """Options of ``vstar generate`` / ``vstar rationalize`` (model options included)."""

    batch_size: int = field(default=8, metadata={"help": "videos per generate call"})
    num_samples: int = field(
        default=1, metadata={"help": "answers sampled per question", "flags": ("--num-samples", "-k")}
    )
    temperature: float | None = field(
        default=None, metadata={"help": "0 = greedy; default 0 for one sample, 0.7 for several"}
    )
    top_p: float = field(default=0.9, metadata={"help": "nucleus sampling"})
    max_new_tokens: int = field(default=256, metadata={"help": "answer length limit"})
    seed: int = field(default=0, metadata={"help": "random seed"})
    prompt_template: str | None = field(
        default=None, metadata={"help": "file with the prompt; {question}, {label} and record fields"}
    )
    decode_workers: int | None = field(
        default=None,
        metadata={"help": "video decoding processes; 0 decodes inline; default: 0 on CPU, else min(4, cores-1)"},
    )
    decode_timeout: float = field(
        default=120.0, metadata={"help": "seconds one video may take to decode before it becomes an error record"}
    )
    source: str = field(default="generate", metadata={"help": "generate | rationalize", "cli": False})

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.model:
            raise ValueError("--model is required")
        if self.max_new_tokens < 1:
            raise ValueError("max_new_tokens must be >= 1")
        self.check_video()
        if self.batch_size < 1 or self.num_samples < 1:
            raise ValueError("batch_size and num_samples must be >= 1")
        if self.source not in {"generate", "rationalize"}:
            raise ValueError("source must be generate or rationalize")
        if self.temperature is None:
            self.temperature = 0.0 if self.num_samples == 1 else 0.7
        config.check_number("temperature", self.temperature, low=0)
        config.check_number("top_p", self.top_p, low=0, high=1, low_open=True)
        config.check_number("decode_timeout", self.decode_timeout, low=0, high=86400, low_open=True)

    @property
    def template(self) -> str:
        default = prompts.RATIONALIZE_TEMPLATE if self.source == "rationalize" else prompts.GENERATE_TEMPLATE
        return prompts.load_template(self.prompt_template, default)


def shard_of(index: int, shard: tuple[int, int]) -> bool:
    """Whether the ``index``-th input item belongs to shard ``(i, n)`` (round robin, deterministic)."""
    return index % shard[1] == shard[0]


def shard_from_env() -> tuple[int, int] | None:
    """The shard of this process under ``accelerate launch`` / ``torchrun`` (RANK, WORLD_SIZE)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1:
        return int(os.environ.get("RANK", "0")), world
    return None


def part_path(output: str, rank: int, world: int) -> str:
    """The part file of one process: ``gen.jsonl`` -> ``gen.part1-of-4.jsonl``.

    >>> part_path("out/gen.jsonl", 1, 4)
    'out/gen.part1-of-4.jsonl'
    """
    p = Path(output)
    return str(p.with_name(f"{p.stem}.part{rank}-of-{world}{p.suffix or '.jsonl'}"))


def parse_shard(text: str) -> tuple[int, int]:
    """``"i/N"`` -> ``(i, N)`` with ``0 <= i < N``."""
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard must look like i/N (e.g. 0/4), got {text!r}") from None
    if n < 1 or not 0 <= i < n:
        raise ValueError(f"--shard {text}: need 0 <= i < N")
    return i, n


@dataclass
class _Item:
    record: Record
    sample_index: int
    prompt: str
    clip: Future
    path: str = ""
    answered: bool = False


def first_sample_index(rec: Record, source: str) -> int:
    """Where a record's sample indices start (times ``num_samples``): 0 for ``generate``; for
    ``rationalize``, the rejected answer's own ``sample_index``, so that the rationales of a
    question's several rejected answers are told apart, and resumed, one by one.

    >>> first_sample_index({"sample_index": 3}, "rationalize"), first_sample_index({"sample_index": 3}, "generate")
    (3, 0)
    """
    index = rec.get("sample_index", 0) if source == "rationalize" else 0
    return index if type(index) is int and 0 <= index < 2**31 else 0


def identity(rec: Record, source: str) -> str | None:
    """What tells a record's answers apart in the output: its question id (as text, so ``5`` and
    ``"5"`` are one id), plus the answer's sample index for ``rationalize``. None without an id."""
    qid = get_field(rec, "question_id")
    if not isinstance(qid, (str, int)) or isinstance(qid, bool):
        return None
    return str(qid) if source == "generate" else f"{qid} (sample_index {first_sample_index(rec, source)})"


def _check(rec: Record, source: str) -> str | None:
    if not isinstance(get_field(rec, "question"), str) or not get_field(rec, "question").strip():
        return "missing field 'question'"
    if not isinstance(get_field(rec, "video_path"), str):
        return "missing field 'video_path' (or 'video')"
    if get_field(rec, "question_id") is None:
        return "missing field 'question_id' (or 'id')"
    if source == "rationalize" and not isinstance(rec.get("label"), dict):
        return "missing field 'label' (rationalize shows it as the hint)"
    return None


def _output_record(item: _Item, answer: str, cfg: GenerateConfig) -> Record:
    out = Record(item.record, lineno=item.record.lineno)
    if cfg.source == "rationalize":
        # The old verdict judged the old answer; verify will judge this one.
        out.pop("verified", None)
        out.pop("verdict", None)
    out["output"] = answer
    out["source"] = cfg.source
    out["sample_index"] = item.sample_index
    out["prompt"] = item.prompt
    out["model"] = cfg.describe()
    clip: Clip = item.clip.result()
    if clip.notes:
        out["video_note"] = "; ".join(clip.notes)
    return out


def _is_oom(exc: BaseException) -> bool:
    import torch

    return isinstance(exc, torch.OutOfMemoryError) or "out of memory" in str(exc).lower()


def _generate_batch(items: list[_Item], runtime, cfg: GenerateConfig) -> Iterator[Record | ErrorRecord]:
    """Generate for ``items``; on OOM split the batch in halves, on other errors isolate items."""
    from vstar_cli.model import generate

    processor, model = runtime
    params = GenParams(cfg.max_new_tokens, cfg.temperature, cfg.top_p)
    try:
        answers = generate(processor, model, [i.prompt for i in items], [i.clip.result() for i in items], params)
    except Exception as exc:  # re-raised below unless a smaller batch can succeed
        if _is_oom(exc):
            import torch

            if torch.cuda.is_available():
                torch.cuda.empty_cache()
            if len(items) == 1:
                yield ErrorRecord("out of memory even at batch size 1", items[0].record)
                return
            half = len(items) // 2
            log.warning("out of memory at batch %d: retrying as %d + %d", len(items), half, len(items) - half)
            yield from _generate_batch(items[:half], runtime, cfg)
            yield from _generate_batch(items[half:], runtime, cfg)
            return
        if len(items) == 1:
            yield ErrorRecord(
                f"generation failed: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}", items[0].record
            )
            return
        for it in items:
            yield from _generate_batch([it], runtime, cfg)
        return
    for it, ans in zip(items, answers, strict=True):
        yield _output_record(it, ans, cfg)


def run(
    records: Iterable[Record | ErrorRecord],
    cfg: GenerateConfig,
    runtime=None,
    done: frozenset | set = frozenset(),
    shard: tuple[int, int] = (0, 1),
    lookahead: int = 2,
    stats: dict | None = None,
) -> Iterator[Record | ErrorRecord]:
    """Answer every (record, sample index) pair not in ``done``; yields answered records and errors.

    ``runtime`` is a loaded ``(processor, model)`` pair; when ``None`` the model in ``cfg`` is
    loaded on the first batch. ``stats`` (if given) receives counts of skipped pairs.
    """
    import torch

    from vstar_cli import model as model_mod

    stats = stats if stats is not None else {}
    stats.setdefault("skipped", 0)
    template = cfg.template
    torch.manual_seed(cfg.seed)
    workers = default_decode_workers(cfg.device) if cfg.decode_workers is None else cfg.decode_workers
    pool = decode_pool(workers, cfg.decode_timeout)
    pending: deque[list[_Item]] = deque()
    batch: list[_Item] = []
    # The samples of one record are consecutive: remembering the last failed record (a reference,
    # not an id(), which a later record may reuse) reports each failed video once.
    last_failed: list = [None]
    started = False

    if runtime is not None:
        processor = runtime[0]
    else:
        processor = model_mod.load_processor(cfg)
    short_side = model_mod.decode_short_side(processor)

    def decode(path: str) -> Future:
        return pool.submit(load_clip, path, None if cfg.fps else cfg.frames, cfg.fps, cfg.video_backend, short_side)

    timed_out: dict[Future, DecodeTimeout] = {}
    live: list[_Item] = []  # items made and not yet answered

    def redecode() -> None:
        """After a pool restart: decode again what the killed workers held (once per video)."""
        from concurrent.futures.process import BrokenProcessPool

        again: dict = {}
        live[:] = [it for it in live if not it.answered]
        for it in live:
            fut = it.clip
            if fut in timed_out or fut in again.values():
                continue
            if not fut.done() or fut.cancelled() or isinstance(fut.exception(), BrokenProcessPool):
                if id(fut) not in again:
                    again[id(fut)] = decode(it.path)
                it.clip = again[id(fut)]

    def wait(it: _Item) -> None:
        nonlocal pool
        from concurrent.futures import TimeoutError as FutureTimeout

        for fut in WARM.get(workers, []):  # the timeout counts decoding, not the workers' start
            fut.result()
        if it.clip in timed_out:
            raise timed_out[it.clip]
        try:
            it.clip.result(timeout=cfg.decode_timeout)
        except FutureTimeout:
            log.warning("decoding %s took over %gs: restarting the decode workers", it.path, cfg.decode_timeout)
            timed_out[it.clip] = DecodeTimeout(
                f"video decoding timed out after {cfg.decode_timeout:g}s: {it.path}"[:300]
            )
            pool = restart_pool(workers)
            redecode()
            raise timed_out[it.clip] from None

    def process(items: list[_Item]) -> Iterator[Record | ErrorRecord]:
        nonlocal runtime
        good = []
        for it in items:
            it.answered = True
            try:
                wait(it)
                good.append(it)
            except VideoError as exc:
                if it.record is not last_failed[0]:
                    last_failed[0] = it.record
                    yield ErrorRecord(str(exc), it.record)
        if not good:
            return
        if runtime is None:
            runtime = (processor, model_mod.load_model(cfg))
        yield from _generate_batch(good, runtime, cfg)

    try:
        for index, rec in enumerate(records):
            if not shard_of(index, shard):
                continue
            if isinstance(rec, ErrorRecord):
                yield rec
                continue
            why = _check(rec, cfg.source)
            if why:
                yield ErrorRecord(why, rec)
                continue
            qid = str(get_field(rec, "question_id"))
            first = first_sample_index(rec, cfg.source) * cfg.num_samples
            todo = [first + k for k in range(cfg.num_samples) if (qid, first + k) not in done]
            stats["skipped"] += cfg.num_samples - len(todo)
            if not todo:
                continue
            try:
                prompt = prompts.build_prompt(template, rec, with_label=cfg.source == "rationalize")
            except ValueError as exc:  # the template names a field the record does not have
                yield ErrorRecord(str(exc), rec)
                continue
            except Exception as exc:  # noqa: BLE001 - a label no prompt can show is this record's error, not the run's
                yield ErrorRecord(f"cannot show the label in the prompt: {type(exc).__name__}: {exc}"[:300], rec)
                continue
            try:
                path = video_path(cfg.video_dir, get_field(rec, "video_path"), cfg.allow_outside_video_dir)
            except VideoError as exc:
                yield ErrorRecord(str(exc), rec)
                continue
            clip = decode(path)
            for k in todo:
                item = _Item(rec, k, prompt, clip, path)
                batch.append(item)
                live.append(item)
                # The first batch is small: the model starts while later videos still decode.
                if len(batch) >= (cfg.batch_size if started else max(1, cfg.batch_size // 4)):
                    started = True
                    pending.append(batch)
                    batch = []
                    if len(pending) > lookahead:
                        yield from process(pending.popleft())
                        clip = item.clip  # a pool restart may have replaced this video's decode
        if batch:
            pending.append(batch)
        while pending:
            yield from process(pending.popleft())
    finally:
        for items in pending:
            for it in items:
                it.clip.cancel()
