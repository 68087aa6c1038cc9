"""The finetune stage: LoRA, QLoRA or full finetuning on a merge output, with the transformers Trainer.

Built on ``transformers.Trainer``, so ``accelerate launch`` (DDP, DeepSpeed, FSDP) works
without changing the command. The paper trains from the pretrained checkpoint every cycle,
for one epoch: ``--model`` is that checkpoint and ``--epochs`` defaults to 1.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from vstar_cli import config
from vstar_cli.model import ModelConfig
from vstar_cli.training.resume import (  # noqa: F401 - the stage's public resume API
    checkpoint_dir,
    finished_run,
    log_losses,
    resolve_resume,
    resumed_step,
    target,
    trim_loss_log,
    write_summary,
)

log = logging.getLogger("vstar.finetune")


# transformers' schedulers that need no arguments beyond the warmup (no eval loop, no min_lr).
SCHEDULERS = (
    "linear", "cosine", "cosine_with_restarts", "polynomial", "constant", "constant_with_warmup", "inverse_sqrt",
)  # fmt: skip


@dataclass
class FinetuneConfig(ModelConfig):
    """Options of ``vstar finetune`` (model options included)."""

    out: str = field(
        default="", metadata={"help": "output directory (adapter or weights, processor, config, loss log)"}
    )
    method: str = field(default="lora", metadata={"help": "lora | qlora | full"})
    video_dir: str = field(default=".", metadata={"help": "directory video paths are relative to"})
    allow_outside_video_dir: bool = field(
        default=False, metadata={"help": "let video paths lead outside video_dir (.., absolute, symlinks)"}
    )
    frames: int = field(default=8, metadata={"help": "frames per video, as generate samples them"})
    fps: float | None = field(default=None, metadata={"help": "sample at this rate instead of --frames"})
    epochs: float = field(default=1.0, metadata={"help": "passes over the data (the paper: 1)"})
    learning_rate: float | None = field(
        default=None,
        metadata={"help": "peak learning rate (default 2e-4 for (Q)LoRA, 2e-5 for full)", "flags": ("--lr",)},
    )
    batch_size: int = field(default=1, metadata={"help": "examples per device per step"})
    grad_accum: int = field(default=8, metadata={"help": "gradient accumulation steps"})
    warmup_ratio: float = field(default=0.03, metadata={"help": "share of steps with a rising learning rate"})
    weight_decay: float = field(default=0.0, metadata={"help": "AdamW weight decay"})
    lr_scheduler: str = field(default="cosine", metadata={"help": f"{' | '.join(SCHEDULERS)}"})
    seed: int = field(default=0, metadata={"help": "random seed"})
    lora_r: int = field(default=64, metadata={"help": "LoRA rank"})
    lora_alpha: int = field(default=16, metadata={"help": "LoRA alpha"})
    lora_dropout: float = field(default=0.05, metadata={"help": "LoRA dropout"})
    lora_targets: list[str] | None = field(
        default=None,
        metadata={
            "help": "comma-separated leaf names of layers to adapt (default: every linear layer of the language model)",
            "parse": lambda text: [t.strip() for t in text.split(",") if t.strip()] or None,
        },
    )
    train_projector: bool = field(default=False, metadata={"help": "also train the vision-language projector"})
    train_vision: bool = field(
        default=False,
        metadata={"help": "full finetuning also trains the vision tower (frozen by default, as in the paper)"},
    )
    gradient_checkpointing: bool = field(default=True, metadata={"help": "trade compute for memory"})
    save_steps: int = field(default=500, metadata={"help": "checkpoint every N optimizer steps"})
    logging_steps: int = field(default=1, metadata={"help": "log the loss every N steps"})
    dataloader_workers: int | None = field(
        default=None, metadata={"help": "video decoding workers (default 0 on CPU, 2 on GPU)"}
    )
    max_steps: int = field(default=-1, metadata={"help": "stop after N steps (overrides epochs when > 0)"})

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.model:
            raise ValueError("--model is required (the pretrained checkpoint to train from)")
        if not self.out:
            raise ValueError("--out is required")
        if self.method not in {"lora", "qlora", "full"}:
            raise ValueError("method must be lora, qlora or full")
        if self.method == "qlora":
            self.quantize = "4bit"
        elif self.quantize != "none":
            raise ValueError("--quantize applies to --method qlora only (it quantizes to 4-bit)")
        if self.adapter:
            raise ValueError("finetune trains from the pretrained checkpoint: --adapter is not used here")
        if self.train_vision and self.method != "full":
            raise ValueError("--train-vision applies to --method full (LoRA adapts the language model)")
        if self.learning_rate is None:
            self.learning_rate = 2e-5 if self.method == "full" else 2e-4
        self._check_numbers()

    def _check_numbers(self) -> None:
        """Every numeric option within its sane range (a bad value is a usage error, not a traceback)."""
        check = config.check_number
        for name in ("frames", "batch_size", "grad_accum", "lora_r", "save_steps", "logging_steps"):
            check(name, getattr(self, name), low=1, integer=True)
        check("frames", self.frames, high=4096, integer=True)
        if self.fps is not None:
            check("fps", self.fps, low=0, high=1000, low_open=True)
        check("epochs", self.epochs, low=0, high=10_000, low_open=True)
        check("learning_rate (--lr)", self.learning_rate, low=0, high=1, low_open=True)
        check("warmup_ratio", self.warmup_ratio, low=0, high=1, high_open=True)
        check("weight_decay", self.weight_decay, low=0)
        check("seed", self.seed, low=0, high=2**32 - 1, integer=True)
        check("lora_alpha", self.lora_alpha, low=0, low_open=True)
        check("lora_dropout", self.lora_dropout, low=0, high=1, high_open=True)
        check("max_steps", self.max_steps, low=-1, integer=True)
        if self.max_steps == 0:
            raise ValueError("max_steps must be >= 1 (or -1: as many as --epochs take)")
        if self.dataloader_workers is not None:
            check("dataloader_workers", self.dataloader_workers, low=0, high=256, integer=True)
        if self.lora_targets is not None and (
            not isinstance(self.lora_targets, list)
            or not self.lora_targets
            or not all(isinstance(t, str) and t for t in self.lora_targets)
        ):
            raise ValueError("lora_targets must be a list of layer names")
        for name in ("train_projector", "gradient_checkpointing", "trust_remote_code"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false")
        if self.lr_scheduler not in SCHEDULERS:
            raise ValueError(f"lr_scheduler must be one of {', '.join(SCHEDULERS)}, not {self.lr_scheduler!r}"[:300])


def prepare_model(model, cfg: FinetuneConfig):
    """Apply the method: k-bit preparation and LoRA, or full training of the language model."""
    from vstar_cli.training.lora import projector_names, target_regex

    if cfg.method == "full":
        return model
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    if cfg.method == "qlora":
        model = prepare_model_for_kbit_training(
            model,
            use_gradient_checkpointing=cfg.gradient_checkpointing,
            gradient_checkpointing_kwargs={"use_reentrant": False},
        )
    lcfg = LoraConfig(
        r=cfg.lora_r,
        lora_alpha=cfg.lora_alpha,
        lora_dropout=cfg.lora_dropout,
        bias="none",
        target_modules=target_regex(model, cfg.lora_targets),
        task_type="CAUSAL_LM",
        modules_to_save=projector_names(model) if cfg.train_projector else None,
    )
    return get_peft_model(model, lcfg)


def _freeze_vision(model) -> None:
    """Full finetuning trains the language model and the projector; the vision tower stays frozen.

    The projector is trained even where it sits inside the vision module (Qwen2-VL's
    ``visual.merger``).
    """
    from vstar_cli.training.lora import PROJECTOR_PARTS, VISION_PARTS

    for name, p in model.named_parameters():
        parts = name.split(".")
        if any(part in parts for part in VISION_PARTS) and not any(part in parts for part in PROJECTOR_PARTS):
            p.requires_grad_(False)


class LossLog:
    """A TrainerCallback writing every logged loss to ``loss_log.jsonl`` and progress to stderr."""

    def __init__(self, path: Path, progress=None) -> None:
        from transformers import TrainerCallback

        outer = self

        class _CB(TrainerCallback):
            def on_log(self, args, state, control, logs=None, **kw):
                if logs and "loss" in logs and state.is_world_process_zero:
                    from vstar_cli.stages.evaluate import json_safe

                    row = json_safe(
                        {
                            "step": state.global_step,
                            "epoch": round(state.epoch or 0, 4),
                            "loss": logs["loss"],
                            "learning_rate": logs.get("learning_rate"),
                            "time": round(time.time() - outer.t0, 2),
                        }
                    )
                    outer.rows.append(row)
                    with outer.path.open("a", encoding="utf-8") as fh:
                        fh.write(json.dumps(row) + "\n")
                    if outer.progress is not None and row["loss"] is not None:
                        outer.progress(state.global_step, state.max_steps, row["loss"])

        self.path, self.progress, self.rows, self.t0 = path, progress, [], time.time()
        self.callback = _CB()


# What decides a training trajectory: a checkpoint is resumed only by a run that agrees on all of
# them (the number of epochs or steps may grow, so an interrupted or short run can be extended).
TRAJECTORY = (
    "model", "adapter", "method", "quantize", "video_dir", "frames", "fps", "learning_rate", "batch_size",
    "grad_accum", "warmup_ratio", "weight_decay", "lr_scheduler", "seed", "lora_r", "lora_alpha",
    "lora_dropout", "lora_targets", "train_projector", "train_vision",
)  # fmt: skip


def run_fingerprint(cfg: FinetuneConfig, train_file: str | Path) -> str:
    """A short hash of the training data and the settings in ``TRAJECTORY``."""
    import hashlib

    h = hashlib.sha256()
    with open(train_file, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    settings = {k: getattr(cfg, k, None) for k in TRAJECTORY}
    h.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return h.hexdigest()[:12]


def _trainer_class():
    """``transformers.Trainer`` that restores full-model checkpoints through ``from_pretrained``.

    The Trainer reloads a full checkpoint with a raw ``load_state_dict(strict=False)``, but
    ``save_pretrained`` writes many models (Qwen2-VL, the LLaVA family) under their original
    checkpoint key names, so the resumed run silently kept the starting weights. Loading the
    checkpoint as a model applies the key conversion; the strict load then proves every weight
    was restored. Adapters (LoRA, QLoRA) go through PEFT as before.
    """
    from transformers import Trainer

    class VstarTrainer(Trainer):
        def _load_from_checkpoint(self, resume_from_checkpoint, model=None):
            model = self.model if model is None else model
            ckpt = Path(resume_from_checkpoint)
            full = any((ckpt / n).exists() for n in ("model.safetensors", "model.safetensors.index.json"))
            if not full or hasattr(model, "get_base_model") or self.is_fsdp_enabled:
                return super()._load_from_checkpoint(resume_from_checkpoint, model)
            loaded = type(model).from_pretrained(str(ckpt), dtype=next(model.parameters()).dtype)
            model.load_state_dict(loaded.state_dict(), strict=True)
            del loaded

        def _run_epoch(self, *args, **kwargs):
            # Resumed from a checkpoint at (or past) the last step, the loop would still take one more
            # step before checking whether to stop: a finished run would train past --max-steps.
            if self.state.global_step >= self.state.max_steps > 0:
                self.control.should_training_stop = True
                return None
            return super()._run_epoch(*args, **kwargs)

    return VstarTrainer


class NoUsableVideos(ValueError):
    """Every training video failed to decode: there is nothing to train on."""


def train(cfg: FinetuneConfig, examples, resume_from_checkpoint=None, progress=None, fingerprint: str = "run") -> dict:
    """Train and save to ``cfg.out``; returns the summary written to ``train_summary.json``.

    A video that cannot be decoded is skipped (another example takes its place in the batch)
    and listed in ``OUT/skipped_videos.jsonl``; :class:`NoUsableVideos` when none decodes.
    """
    import torch
    from transformers import TrainingArguments

    from vstar_cli import config as config_mod
    from vstar_cli.model import decode_short_side, load_model, load_processor, resolve_device
    from vstar_cli.training.data import Collator, VideoChatDataset, read_skipped

    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    processor = load_processor(cfg)
    device = resolve_device(cfg.device)
    on_gpu = device.startswith("cuda")
    model = load_model(cfg, for_training=True)
    if cfg.method == "full" and not cfg.train_vision:
        _freeze_vision(model)
    model = prepare_model(model, cfg)
    if hasattr(model, "config"):
        model.config.use_cache = False
    start = resumed_step(resume_from_checkpoint)  # read now: the Trainer may rotate that checkpoint away
    skipped_log = out / "skipped_videos.jsonl"
    main_process = os.environ.get("RANK", "0") == "0"
    if resume_from_checkpoint is None and main_process:
        skipped_log.unlink(missing_ok=True)
    dataset = VideoChatDataset(
        examples, cfg.video_dir, cfg.frames, cfg.fps, short_side=decode_short_side(processor), skipped_log=skipped_log
    )
    bf16 = on_gpu and torch.cuda.is_bf16_supported()
    args = TrainingArguments(
        output_dir=str(checkpoint_dir(out, fingerprint)),
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps,
        per_device_train_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.grad_accum,
        learning_rate=cfg.learning_rate,
        warmup_steps=cfg.warmup_ratio,
        weight_decay=cfg.weight_decay,
        lr_scheduler_type=cfg.lr_scheduler,
        logging_steps=cfg.logging_steps,
        logging_first_step=True,
        save_strategy="steps",
        save_steps=cfg.save_steps,
        save_total_limit=2,
        seed=cfg.seed,
        bf16=bf16,
        fp16=on_gpu and not bf16,
        use_cpu=not on_gpu,
        gradient_checkpointing=cfg.gradient_checkpointing,
        gradient_checkpointing_kwargs={"use_reentrant": False},
        remove_unused_columns=False,
        dataloader_num_workers=cfg.dataloader_workers if cfg.dataloader_workers is not None else (2 if on_gpu else 0),
        report_to=[],
        disable_tqdm=True,
    )
    if main_process:  # a resumed run keeps its log up to the checkpoint's step; a fresh one starts empty
        trim_loss_log(out / "loss_log.jsonl", start)
    loss_log = LossLog(out / "loss_log.jsonl", progress)
    trainer = _trainer_class()(
        model=model, args=args, train_dataset=dataset, data_collator=Collator(processor), callbacks=[loss_log.callback]
    )
    # stdout carries records only: the loss goes to loss_log.jsonl and the progress bar.
    from transformers.trainer_callback import PrinterCallback

    trainer.remove_callback(PrinterCallback)
    t0 = time.time()
    try:
        result = trainer.train(resume_from_checkpoint=resume_from_checkpoint)
    except NoUsableVideos:
        raise NoUsableVideos(
            f"none of the {len(examples)} training videos could be decoded (see {skipped_log})"
        ) from None
    seconds = time.time() - t0
    if trainer.is_world_process_zero():
        trainer.save_model(str(out))
        processor.save_pretrained(str(out))
        config_mod.write(cfg, out / "vstar_finetune.yaml")
    losses = log_losses(out / "loss_log.jsonl")  # the whole run's, across resumed sessions
    skipped = read_skipped(skipped_log)
    summary = {
        "run": fingerprint,
        "target": target(cfg),
        "steps": result.global_step,
        "train_loss": round(sum(losses) / len(losses), 6) if losses else None,
        "first_loss": losses[0] if losses else None,
        "last_loss": losses[-1] if losses else None,
        "seconds": round(seconds, 1),
        "examples": len(examples),
        "skipped_videos": len(skipped),
        "resumed_from": start or 0,
        "peak_gpu_memory_gb": round(torch.cuda.max_memory_allocated() / 2**30, 2) if on_gpu else None,
    }
    if trainer.is_world_process_zero():
        summary = write_summary(out / "train_summary.json", summary)
    return summary


def merge_adapter(cfg: FinetuneConfig, dest: Path | None = None) -> Path:
    """Fold the trained adapter into the base weights: a standalone model directory ``OUT/merged``."""
    from peft import PeftModel

    from vstar_cli.model import load_model, load_processor

    dest = dest or Path(cfg.out) / "merged"
    base_cfg = ModelConfig(
        model=cfg.model,
        quantize="none",
        device="cpu",
        dtype=cfg.dtype if cfg.dtype != "auto" else "float32",
        trust_remote_code=cfg.trust_remote_code,
    )
    base = load_model(base_cfg, for_training=True)  # never 4-bit: merged weights must be real weights
    merged = PeftModel.from_pretrained(base, cfg.out).merge_and_unload()
    merged.save_pretrained(str(dest))
    load_processor(ModelConfig(model=cfg.out)).save_pretrained(str(dest))
    return dest


def estimate_memory(
    cfg: FinetuneConfig, tokens: int, params: dict[str, int], lora_params: int, hidden: int, layers: int, vocab: int
) -> dict[str, float]:
    """Rough peak GPU memory (GiB) of one training step, by component.

    Weights: 16 B/param trained fully (fp32 master, grads, AdamW), bf16 base for LoRA, ~0.55 B/param
    for nf4 (with double quantization) under QLoRA, whose vision tower and projector stay bf16.
    Activations with gradient checkpointing: one bf16 hidden state per layer boundary plus one
    layer recomputed (~34 values per token and hidden unit), fp32 logits and their gradient.
    """
    gib = 2**30
    lang, vision = params["language"], params["vision"] + params["projector"]
    if cfg.method == "full":
        weights = 16 * lang + 2 * vision
        adapters = 0.0
    elif cfg.method == "lora":
        weights = 2 * (lang + vision)
        adapters = 16 * lora_params
    else:
        weights = 0.55 * lang + 2 * vision + 2 * params["embeddings"]
        adapters = 16 * lora_params
    b = cfg.batch_size
    per_layer = tokens * hidden * 2
    acts = b * (layers * per_layer + 34 * per_layer) if cfg.gradient_checkpointing else b * layers * 34 * per_layer
    logits = b * tokens * vocab * 4 * 2
    overhead = 0.8 * gib  # CUDA context and allocator slack
    total = weights + adapters + acts + logits + overhead
    return {
        k: round(v / gib, 2)
        for k, v in {
            "weights": weights,
            "adapters_and_optimizer": adapters,
            "activations": acts,
            "logits": logits,
            "overhead": overhead,
            "total": total,
        }.items()
    }


def count_params(cfg: FinetuneConfig) -> tuple[dict[str, int], int, int, int, int]:
    """Parameter counts (language / vision / projector / embeddings) and LoRA size, without weights."""
    from accelerate import init_empty_weights
    from transformers import AutoConfig

    from vstar_cli.model import _model_class
    from vstar_cli.training.lora import PROJECTOR_PARTS, VISION_PARTS, language_linear_names

    mcfg = AutoConfig.from_pretrained(cfg.model, trust_remote_code=cfg.trust_remote_code)
    cls = _model_class(cfg.model, cfg.trust_remote_code)
    with init_empty_weights():
        model = cls._from_config(mcfg) if hasattr(cls, "_from_config") else cls.from_config(mcfg)
    counts = {"language": 0, "vision": 0, "projector": 0, "embeddings": 0}
    for name, p in model.named_parameters():
        parts = name.split(".")
        if any(x in parts for x in VISION_PARTS):
            counts["vision"] += p.numel()
        elif any(x in parts for x in PROJECTOR_PARTS):
            counts["projector"] += p.numel()
        else:
            counts["language"] += p.numel()
            if "embed_tokens" in parts or "lm_head" in parts:
                counts["embeddings"] += p.numel()
    counts["language"] -= counts["embeddings"]
    targets = set(cfg.lora_targets or language_linear_names(model))
    lora = 0
    for name, m in model.named_modules():
        parts = name.split(".")
        if (
            parts[-1] in targets
            and hasattr(m, "in_features")
            and not any(x in parts for x in VISION_PARTS + PROJECTOR_PARTS)
        ):
            lora += cfg.lora_r * (m.in_features + m.out_features)
    text = mcfg.get_text_config() if hasattr(mcfg, "get_text_config") else mcfg
    return counts, lora, int(text.hidden_size), int(text.num_hidden_layers), int(text.vocab_size)


def video_tokens(processor, frames: int, height: int, width: int) -> int:
    """Tokens the processor makes of one video of ``frames`` x ``height`` x ``width`` plus a short prompt."""
    import numpy as np

    from vstar_cli.model import chat_text, processor_inputs
    from vstar_cli.video import Clip

    clip = Clip(
        np.zeros((frames, height, width, 3), np.uint8), list(range(frames)), 30.0, frames / 30.0, frames, "dummy"
    )
    batch = processor_inputs(processor, [chat_text(processor, "Question: what happens?", "x " * 200)], [clip])
    return int(batch["input_ids"].shape[1])


def steps_per_epoch(n_examples: int, cfg: FinetuneConfig, world: int = 1) -> int:
    """Optimizer steps in one epoch."""
    return max(1, math.ceil(n_examples / (cfg.batch_size * world) / cfg.grad_accum))
