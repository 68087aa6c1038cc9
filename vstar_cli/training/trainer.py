"""Setting up and running the transformers Trainer for ``vstar finetune``: the method (LoRA, QLoRA,
full), the frozen vision tower, the loss log, checkpoint-safe resumption."""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path
from typing import Any

from vstar_cli.training.resume import checkpoint_dir, log_losses, resumed_step, target, trim_loss_log, write_summary


def prepare_model(model, cfg: Any):
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


def freeze_vision(model) -> None:
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
                    from vstar_cli.output import json_safe

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


class FullCheckpointReload:
    """Trainer mixin: restore full-model checkpoints through ``from_pretrained``.

    The Trainer reloads a full checkpoint with a raw ``load_state_dict(strict=False)``, but
    ``save_pretrained`` writes many models (Qwen2-VL, the LLaVA family) under their original
    checkpoint key names, so the resumed run silently kept the starting weights. Loading the
    checkpoint as a model applies the key conversion; the strict load then proves every weight
    was restored. Adapters (LoRA, QLoRA) go through PEFT as before. Used by finetune and grpo.
    """

    def _load_from_checkpoint(self, resume_from_checkpoint, model=None):
        model = self.model if model is None else model
        ckpt = Path(resume_from_checkpoint)
        full = any((ckpt / n).exists() for n in ("model.safetensors", "model.safetensors.index.json"))
        if not full or hasattr(model, "get_base_model") or self.is_fsdp_enabled:
            return super()._load_from_checkpoint(resume_from_checkpoint, model)
        loaded = type(model).from_pretrained(str(ckpt), dtype=next(model.parameters()).dtype)
        model.load_state_dict(loaded.state_dict(), strict=True)
        del loaded


def trainer_class():
    """``transformers.Trainer`` with :class:`FullCheckpointReload`, stopping a resumed, finished run at once."""
    from transformers import Trainer

    class VstarTrainer(FullCheckpointReload, Trainer):
        def _run_epoch(self, *args, **kwargs):
            # Resumed from a checkpoint at (or past) the last step, the loop would still take one more
            # step before checking whether to stop: a finished run would train past --max-steps.
            if self.state.global_step >= self.state.max_steps > 0:
                self.control.should_training_stop = True
                return None
            return super()._run_epoch(*args, **kwargs)

    return VstarTrainer


def shared_args(cfg: Any, on_gpu: bool) -> dict:
    """The training arguments finetune and grpo set alike: schedule, logging, checkpoints, precision
    (bf16 where the GPU has it, fp16 on older GPUs, fp32 on the CPU) and non-reentrant checkpointing."""
    import torch

    bf16 = on_gpu and torch.cuda.is_bf16_supported()
    return {
        "gradient_accumulation_steps": cfg.grad_accum,
        "learning_rate": cfg.learning_rate,
        "warmup_steps": cfg.warmup_ratio,
        "lr_scheduler_type": cfg.lr_scheduler,
        "logging_steps": cfg.logging_steps,
        "save_strategy": "steps",
        "save_steps": cfg.save_steps,
        "save_total_limit": 2,
        "seed": cfg.seed,
        "bf16": bf16,
        "fp16": on_gpu and not bf16,
        "use_cpu": not on_gpu,
        "gradient_checkpointing": cfg.gradient_checkpointing,
        "gradient_checkpointing_kwargs": {"use_reentrant": False},
        "remove_unused_columns": False,
        "report_to": [],
        "disable_tqdm": True,
    }


def train(cfg: Any, examples, resume_from_checkpoint=None, progress=None, fingerprint: str = "run") -> dict:
    """Train and save to ``cfg.out``; returns the summary written to ``train_summary.json``.

    A video that cannot be decoded is skipped (another example takes its place in the batch)
    and listed in ``OUT/skipped_videos.jsonl``; :class:`NoUsableVideos` when none decodes.
    """
    import torch
    from transformers import TrainingArguments

    from vstar_cli import config as config_mod
    from vstar_cli.model import decode_short_side, load_model, load_processor, resolve_device
    from vstar_cli.training.data import Collator, NoUsableVideos, VideoChatDataset, read_skipped

    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    processor = load_processor(cfg)
    device = resolve_device(cfg.device)
    on_gpu = device.startswith("cuda")
    model = load_model(cfg, for_training=True)
    if cfg.method == "full" and not cfg.train_vision:
        freeze_vision(model)
    model = prepare_model(model, cfg)
    if hasattr(model, "config"):
        model.config.use_cache = False
    start = resumed_step(resume_from_checkpoint)  # read now: the Trainer may rotate that checkpoint away
    skipped_log = out / "skipped_videos.jsonl"
    main_process = os.environ.get("RANK", "0") == "0"
    if resume_from_checkpoint is None and main_process:
        skipped_log.unlink(missing_ok=True)
    dataset = VideoChatDataset(
        examples,
        cfg.video_dir,
        cfg.frames,
        cfg.fps,
        backend=cfg.video_backend,
        short_side=decode_short_side(processor),
        skipped_log=skipped_log,
    )
    args = TrainingArguments(
        output_dir=str(checkpoint_dir(out, fingerprint)),
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps,
        per_device_train_batch_size=cfg.batch_size,
        weight_decay=cfg.weight_decay,
        logging_first_step=True,
        dataloader_num_workers=cfg.dataloader_workers if cfg.dataloader_workers is not None else (2 if on_gpu else 0),
        **shared_args(cfg, on_gpu),
    )
    if main_process:  # a resumed run keeps its log up to the checkpoint's step; a fresh one starts empty
        trim_loss_log(out / "loss_log.jsonl", start)
    loss_log = LossLog(out / "loss_log.jsonl", progress)
    trainer = trainer_class()(
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


def steps_per_epoch(n_examples: int, cfg: Any, world: int = 1) -> int:
    """Optimizer steps in one epoch."""
    return max(1, math.ceil(n_examples / (cfg.batch_size * world) / cfg.grad_accum))
