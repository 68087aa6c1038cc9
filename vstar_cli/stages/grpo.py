"""The grpo stage: online GRPO on labeled video records, the vstar verifier as the reward.

Each step samples a group of answers per question from the current model with the video,
scores every answer with the verifier (the fraction of the record's labels it verifies, plus
an optional format reward), and moves the model toward the answers above their group's mean
(TRL's ``GRPOTrainer``, with the video tensors fed by ``vstar_cli.training.grpo``). The records
are those ``vstar generate`` takes; the prompt is generate's, so ``vstar eval`` asks the
trained model the way it was trained. Built on the transformers Trainer: ``accelerate launch``
runs it on several GPUs unchanged, and checkpoints resume like ``vstar finetune``'s.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from vstar_cli import config, prompts
from vstar_cli.groups import TuningOptions, VideoOptions
from vstar_cli.io import ErrorRecord
from vstar_cli.model import ModelConfig
from vstar_cli.records import get_field, label_pairs

log = logging.getLogger("vstar.grpo")

SCHEDULERS = ("constant", "constant_with_warmup", "linear", "cosine")

# What decides a training trajectory: a checkpoint is resumed only by a run that agrees on all of them.
TRAJECTORY = (
    "model", "method", "quantize", "video_dir", "frames", "fps", "max_pixels", "num_generations",
    "questions_per_step", "grad_accum", "beta", "max_completion_length", "temperature", "top_p", "learning_rate",
    "lr_scheduler", "warmup_ratio", "seed", "lora_r", "lora_alpha", "lora_dropout", "lora_targets",
    "train_projector", "train_vision", "format_reward_weight", "prompt_template",
)  # fmt: skip


@dataclass
class GrpoConfig(ModelConfig, VideoOptions, TuningOptions):
    """Options of ``vstar grpo`` (model options included)."""

    out: str = field(
        default="",
        metadata={
            "help": "output directory (weights or adapter, processor, config, logs)",
            "flags": ("--output-dir", "--out"),
        },
    )
    num_generations: int = field(
        default=4, metadata={"help": "answers sampled per question (the group)", "flags": ("--group-size",)}
    )
    questions_per_step: int = field(default=1, metadata={"help": "questions per device per optimizer step"})
    grad_accum: int = field(default=1, metadata={"help": "gradient accumulation steps"})
    beta: float = field(
        default=0.0,
        metadata={"help": "KL weight against the starting model (0: no reference pass)", "flags": ("--beta",)},
    )
    max_completion_length: int = field(
        default=128, metadata={"help": "answer length limit in tokens", "flags": ("--completion-length",)}
    )
    temperature: float = field(default=1.0, metadata={"help": "sampling temperature of the group's answers"})
    top_p: float = field(default=1.0, metadata={"help": "nucleus sampling"})
    max_steps: int = field(default=100, metadata={"help": "optimizer steps", "flags": ("--steps",)})
    learning_rate: float | None = field(
        default=None, metadata={"help": "learning rate (default 1e-4 for (Q)LoRA, 1e-5 for full)", "flags": ("--lr",)}
    )
    lr_scheduler: str = field(default="constant", metadata={"help": f"{' | '.join(SCHEDULERS)}"})
    warmup_ratio: float = field(default=0.0, metadata={"help": "share of steps with a rising learning rate"})
    seed: int = field(default=0, metadata={"help": "random seed"})
    format_reward_weight: float = field(
        default=0.0, metadata={"help": "weight of the answer-container format reward (0: verifier reward only)"}
    )
    prompt_template: str | None = field(
        default=None, metadata={"help": "file with the prompt; {question} and record fields (default: generate's)"}
    )
    save_steps: int = field(default=50, metadata={"help": "checkpoint every N optimizer steps"})
    logging_steps: int = field(default=1, metadata={"help": "log reward and loss every N steps"})

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.model:
            raise ValueError("--model is required (the checkpoint to start from)")
        if not self.out:
            raise ValueError("--output-dir is required")
        self.check_tuning("grpo starts a new adapter from --model: --adapter is not used here")
        self.check_video()
        if self.learning_rate is None:
            self.learning_rate = 1e-5 if self.method == "full" else 1e-4
        check = config.check_number
        for name in ("questions_per_step", "grad_accum", "save_steps", "logging_steps"):
            check(name, getattr(self, name), low=1, integer=True)
        check("num_generations (--group-size)", self.num_generations, low=2, high=1024, integer=True)
        check("max_completion_length", self.max_completion_length, low=1, high=1_000_000, integer=True)
        check("max_steps (--steps)", self.max_steps, low=1, integer=True)
        check("beta", self.beta, low=0)
        check("temperature", self.temperature, low=0, high=100, low_open=True)
        check("top_p", self.top_p, low=0, high=1, low_open=True)
        check("learning_rate (--lr)", self.learning_rate, low=0, high=1, low_open=True)
        check("warmup_ratio", self.warmup_ratio, low=0, high=1, high_open=True)
        check("seed", self.seed, low=0, high=2**32 - 1, integer=True)
        check("format_reward_weight", self.format_reward_weight, low=0)
        if self.lr_scheduler not in SCHEDULERS:
            raise ValueError(f"lr_scheduler must be one of {', '.join(SCHEDULERS)}, not {self.lr_scheduler!r}"[:300])

    @property
    def template(self) -> str:
        return prompts.load_template(self.prompt_template, prompts.GENERATE_TEMPLATE)


def run_fingerprint(cfg: GrpoConfig, records: list[dict]) -> str:
    """A short hash of the training records and the settings in ``TRAJECTORY``."""
    import hashlib

    h = hashlib.sha256()
    for rec in records:
        h.update(json.dumps(rec, sort_keys=True, ensure_ascii=False, default=str).encode())
        h.update(b"\n")
    h.update(json.dumps({k: getattr(cfg, k, None) for k in TRAJECTORY}, sort_keys=True, default=str).encode())
    return h.hexdigest()[:12]


def target(cfg: GrpoConfig) -> dict:
    """How long a run trains (a finished run with the same fingerprint and target has nothing left to do)."""
    return {"max_steps": cfg.max_steps}


def finished_run(cfg: GrpoConfig, fingerprint: str) -> dict | None:
    """The summary of this run when it already finished in ``cfg.out``, else None."""
    from vstar_cli.training.checkpoints import read_json, weights_problem

    summary = read_json(Path(cfg.out) / "train_summary.json")
    if not summary or summary.get("run") != fingerprint or summary.get("target") != target(cfg):
        return None
    return summary if weights_problem(Path(cfg.out)) is None else None


def resolve_resume_for(cfg: GrpoConfig, fingerprint: str, mode: str | None):
    """The Trainer's ``resume_from_checkpoint`` for ``--resume-from-checkpoint MODE`` (as finetune resolves it)."""
    from vstar_cli.training.resume import resolve_resume

    return resolve_resume(cfg.out, fingerprint, mode)


def check_records(records: Iterable, cfg: GrpoConfig) -> tuple[list[dict], list[ErrorRecord]]:
    """Records GRPO can score, and an error record for each one it cannot.

    A record needs a question, a video that exists under ``video_dir`` and labels the verifier
    can judge (known kinds, gold values their kind can read).
    """
    from vstar_cli.stages.verify import VerifyConfig, setup
    from vstar_cli.verify.verdict import CannotJudge
    from vstar_cli.video import VideoError, video_path

    reg = setup(VerifyConfig()).kinds
    names = set(reg.names())
    good, bad = [], []
    for rec in records:
        if isinstance(rec, ErrorRecord):
            bad.append(rec)
            continue
        try:
            if not get_field(rec, "question"):
                raise ValueError("missing field 'question'")
            name = get_field(rec, "video_path")
            if not isinstance(name, str) or not name:
                raise ValueError("missing field 'video_path'")
            try:
                path = video_path(cfg.video_dir, name, cfg.allow_outside_video_dir)
            except VideoError as exc:
                raise ValueError(str(exc)) from None
            if not os.path.isfile(path) or os.path.getsize(path) == 0:
                raise ValueError(f"video missing or empty: {path}")
            for lt, kind in label_pairs(rec, names):
                check = reg.get(kind).validate_gold
                try:
                    if check is not None:
                        check(rec["label"][lt])
                except (ValueError, CannotJudge) as exc:
                    raise ValueError(f"gold label {lt!r} ({kind}): {exc}") from None
            prompts.build_prompt(cfg.template, rec, with_label=False)
        except (ValueError, CannotJudge) as exc:
            bad.append(ErrorRecord(f"cannot train on this record: {exc}", rec))
            continue
        good.append(rec)
    return good, bad


def dataset_rows(records: list[dict], cfg: GrpoConfig, processor):
    """A ``datasets.Dataset`` of the questions: chat ``prompt``, ``video_path``, the label fields, the record.

    Label fields are stored as JSON text (Arrow holds one type per column, labels mix shapes;
    the verifier reward decodes them), and the whole record as ``record`` (JSON) for the
    completion log, so unknown fields pass through.
    """
    from datasets import Dataset

    from vstar_cli.model import chat_text

    cols: dict[str, list] = {k: [] for k in COLUMNS}
    for rec in records:
        text = prompts.build_prompt(cfg.template, rec, with_label=False)
        duration = rec.get("duration")
        values = {
            "prompt": chat_text(processor, text),
            "prompt_text": text,
            "video_path": get_field(rec, "video_path"),
            "question_id": str(get_field(rec, "question_id", "")),
            "question": str(get_field(rec, "question", "")),
            "duration": float(duration)
            if isinstance(duration, (int, float)) and not isinstance(duration, bool)
            else None,
            "record": json.dumps(rec, ensure_ascii=False),
        }
        for key in ("label", "label_type", "verifier_type", "choices"):
            values[key] = json.dumps(rec.get(key), ensure_ascii=False)
        for k in COLUMNS:
            cols[k].append(values[k])
    return Dataset.from_dict(cols)


COLUMNS = (
    "prompt", "prompt_text", "video_path", "question_id", "question", "duration", "record",
    "label", "label_type", "verifier_type", "choices",
)  # fmt: skip


def _reward_funcs(cfg: GrpoConfig) -> tuple[list, list[float]]:
    from vstar_cli.rewards import format_reward, make_verifier_reward

    funcs, weights = [make_verifier_reward()], [1.0]
    if cfg.format_reward_weight > 0:
        funcs.append(format_reward)
        weights.append(cfg.format_reward_weight)
    return funcs, weights


def peak_rss_gb() -> float:
    """Peak resident memory of this process so far, GiB."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / (2**30 if sys.platform == "darwin" else 2**20), 3)


def build_trainer(cfg: GrpoConfig, records: list[dict], fingerprint: str = "run", progress=None):
    """The model (method applied), its processor and the video GRPO trainer over ``records``."""
    from transformers.trainer_callback import PrinterCallback
    from trl import GRPOConfig

    from vstar_cli.model import decode_short_side, load_model, load_processor, resolve_device
    from vstar_cli.training.grpo import TrainLog, placeholder_ids, video_grpo_trainer
    from vstar_cli.training.resume import checkpoint_dir
    from vstar_cli.training.trainer import freeze_vision, prepare_model, shared_args
    from vstar_cli.video import load_clip, video_path

    out = Path(cfg.out)
    processor = load_processor(cfg)
    on_gpu = resolve_device(cfg.device).startswith("cuda")
    model = load_model(cfg, for_training=True)
    if cfg.method == "full" and not cfg.train_vision:
        freeze_vision(model)
    model = prepare_model(model, cfg)
    short_side = decode_short_side(processor)

    def clip_loader(row: dict):
        path = video_path(cfg.video_dir, row["video_path"], cfg.allow_outside_video_dir)
        return load_clip(path, None if cfg.fps else cfg.frames, cfg.fps, cfg.video_backend, short_side)

    funcs, weights = _reward_funcs(cfg)
    suppress = placeholder_ids(processor)
    args = GRPOConfig(
        output_dir=str(checkpoint_dir(out, fingerprint)),
        max_steps=cfg.max_steps,
        per_device_train_batch_size=cfg.num_generations * cfg.questions_per_step,
        num_generations=cfg.num_generations,
        max_completion_length=cfg.max_completion_length,
        temperature=cfg.temperature,
        top_p=cfg.top_p,
        beta=cfg.beta,
        reward_weights=weights,
        generation_kwargs={"suppress_tokens": suppress} if suppress else None,
        **shared_args(cfg, on_gpu),
    )
    train_log = TrainLog(out / "reward_log.jsonl", progress)
    trainer = video_grpo_trainer()(
        model=model,
        reward_funcs=funcs,
        args=args,
        train_dataset=dataset_rows(records, cfg, processor),
        processing_class=processor,
        callbacks=[train_log.callback],
        clip_loader=clip_loader,
        completion_log=out / "completions.jsonl",
    )
    trainer.remove_callback(PrinterCallback)  # stdout carries records only
    return trainer, processor


def train(cfg: GrpoConfig, records: list[dict], resume_from_checkpoint=None, progress=None, fingerprint="run") -> dict:
    """Train and save to ``cfg.out``; returns the summary written to ``train_summary.json``."""
    import torch

    from vstar_cli.model import resolve_device
    from vstar_cli.training.resume import resumed_step, trim_loss_log, write_summary

    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    start = resumed_step(resume_from_checkpoint)  # read now: the Trainer may rotate that checkpoint away
    if os.environ.get("RANK", "0") == "0":
        for name in ("reward_log.jsonl", "completions.jsonl"):
            trim_loss_log(out / name, start)  # a resumed run keeps its rows up to the checkpoint's step
    trainer, processor = build_trainer(cfg, records, fingerprint, progress)
    t0 = time.time()
    result = trainer.train(resume_from_checkpoint=resume_from_checkpoint)
    seconds = time.time() - t0
    if trainer.is_world_process_zero():
        trainer.save_model(str(out))
        processor.save_pretrained(str(out))
        config.write(cfg, out / "vstar_grpo.yaml")
    rewards = _logged(out / "reward_log.jsonl", "reward")
    done = result.global_step - (start or 0)
    on_gpu = resolve_device(cfg.device).startswith("cuda")
    summary = {
        "run": fingerprint,
        "target": target(cfg),
        "steps": result.global_step,
        "first_reward": rewards[0] if rewards else None,
        "last_reward": rewards[-1] if rewards else None,
        "mean_reward": round(sum(rewards) / len(rewards), 6) if rewards else None,
        "seconds": round(seconds, 1),
        "seconds_per_step": round(seconds / done, 2) if done > 0 else None,
        "records": len(records),
        "resumed_from": start or 0,
        "peak_gpu_memory_gb": round(torch.cuda.max_memory_allocated() / 2**30, 2) if on_gpu else None,
        "peak_rss_gb": peak_rss_gb(),
    }
    if trainer.is_world_process_zero():
        summary = write_summary(out / "train_summary.json", summary)
    return summary


def _logged(path: Path, key: str) -> list[float]:
    values = []
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                v = json.loads(line).get(key)
            except (ValueError, AttributeError):
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                values.append(float(v))
    return values
