"""TRL's ``GRPOTrainer`` extended to video: the clip's tensors reach generation and every log-prob pass.

TRL (1.x) builds multimodal inputs only from images: ``_tokenize_prompts`` collects ``image``
parts of conversational prompts, and ``_generate_and_score_completions`` re-runs the processor
on those images to get ``forward_kwargs`` for the old/reference log-probs, then hands a fixed
list of image keys (``pixel_values``, ``image_grid_thw``, ...) to ``_compute_loss``. A video
prompt would reach the model as text only. :class:`VideoGRPOTrainer` (built by
:func:`video_grpo_trainer`, so TRL is imported lazily) overrides four hooks and nothing else:

- ``_generate_and_score_completions``: decodes each row's clip and runs the processor once per
  row (the rows of a group share the work), keeps the result in ``self._video_rows`` for the
  passes below, and adds it to the returned batch as the per-row list ``video_rows``, which
  TRL's shuffle and split carry along with the other per-row values;
- ``_tokenize_prompts``: returns those prompt ids and the batched video tensors
  (``pixel_values_videos``, ``video_grid_thw``, ``second_per_grid_ts`` ... whatever the processor
  returns) as the multimodal fields TRL passes to ``generate``;
- ``_compute_loss``: points ``self._video_rows`` at the batch's rows;
- ``_get_per_token_logps_and_entropies``: for each chunk it calls TRL's own method with the
  model wrapped so that the chunk's video tensors are added to the forward call.

The rows hold ``prompt`` (the text after the chat template; the video placeholder in it),
``video_path`` and the record's label fields, which the reward functions receive.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("vstar.grpo")

# Per-token processor outputs (one value per prompt token): padded like the prompt, not concatenated.
TOKEN_FIELDS = ("token_type_ids", "mm_token_type_ids")


def encode_row(processor, text: str, clip) -> dict:
    """One prompt with its clip through the processor: ``prompt_ids``, per-token fields, video tensors.

    Every output besides ``input_ids``/``attention_mask`` that is not a per-token field is kept
    as a tensor to be concatenated over rows (flat patches for Qwen2-VL, one row per video for
    the LLaVA family).
    """
    import torch

    from vstar_cli.model import processor_inputs

    out = processor_inputs(processor, [text], [clip])
    ids = out["input_ids"][0].tolist()
    tokens, video = {}, {}
    for key, value in out.items():
        if key in ("input_ids", "attention_mask"):
            continue
        if key in TOKEN_FIELDS:
            tokens[key] = torch.as_tensor(value)[0].tolist()
        else:
            video[key] = value if isinstance(value, torch.Tensor) else torch.as_tensor(value)
    return {"prompt_ids": ids, "tokens": tokens, "video": video}


def collate_video(rows: list[dict], device=None, dtype=None) -> dict:
    """The rows' video tensors as one batch (floating tensors cast to ``dtype``)."""
    import torch

    batch = {}
    for key in rows[0]["video"]:
        value = torch.cat([r["video"][key] for r in rows], dim=0)
        if dtype is not None and value.is_floating_point() and key.startswith("pixel"):
            value = value.to(dtype)
        batch[key] = value.to(device) if device is not None else value
    return batch


def token_fields(rows: list[dict], width: int, total: int, device=None) -> dict:
    """Per-token fields left-padded to the prompt ``width`` (as TRL pads prompts), zeros over the completion."""
    import torch

    out = {}
    for key in rows[0]["tokens"]:
        t = torch.zeros((len(rows), total), dtype=torch.long)
        for i, r in enumerate(rows):
            vals = r["tokens"][key]
            t[i, width - len(vals) : width] = torch.tensor(vals, dtype=torch.long)
        out[key] = t.to(device) if device is not None else t
    return out


def placeholder_ids(processor) -> list[int]:
    """Token ids of the processor's image and video placeholders.

    Sampling must never emit them: the log-prob pass would count a sampled placeholder as a
    slot for video features (the LLaVA family finds its slots by token id) and fail.
    """
    tok = processor.tokenizer
    ids = set()
    for attr in ("video_token", "image_token", "vision_start_token", "vision_end_token"):
        token = getattr(processor, attr, None) or getattr(tok, attr, None)
        if isinstance(token, str):
            tid = tok.convert_tokens_to_ids(token)
            if isinstance(tid, int) and tid != tok.unk_token_id:
                ids.add(tid)
    for attr in ("video_token_id", "image_token_id"):
        tid = getattr(processor, attr, None)
        if isinstance(tid, int):
            ids.add(tid)
    return sorted(ids)


class _WithVideo:
    """A model call with the chunk's video tensors added (TRL's log-prob loop only calls the model)."""

    def __init__(self, model, extra: dict) -> None:
        self.model, self.extra = model, extra

    def __call__(self, **kwargs):
        return self.model(**kwargs, **self.extra)


def video_grpo_trainer():
    """The ``GRPOTrainer`` subclass that feeds video (see the module docstring)."""
    import torch
    from trl import GRPOTrainer

    from vstar_cli.training.trainer import FullCheckpointReload

    class VideoGRPOTrainer(FullCheckpointReload, GRPOTrainer):
        """``GRPOTrainer`` whose prompts carry a video: ``clip_loader(row) -> Clip`` decodes a row's video.

        ``completion_log`` (a path) receives one JSON line per scored completion: the row's
        record fields, ``output``, ``reward`` per function and ``step``.
        """

        def __init__(self, *args, clip_loader, completion_log: str | Path | None = None, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.clip_loader = clip_loader
            self.completion_log = Path(completion_log) if completion_log else None
            self._video_rows: list[dict] | None = None

        # -- the video of each row ------------------------------------------------------------
        def _encode(self, inputs: list[dict]) -> list[dict]:
            cache: dict[tuple, dict] = {}
            rows = []
            for x in inputs:
                key = (x["prompt"], x["video_path"])
                if key not in cache:
                    cache[key] = encode_row(self.processing_class, x["prompt"], self.clip_loader(x))
                rows.append(cache[key])
            return rows

        def _video_dtype(self):
            model = self.accelerator.unwrap_model(self.model)
            return next((p.dtype for p in model.parameters() if p.is_floating_point()), None)

        def _generate_and_score_completions(self, inputs):
            self._video_rows = self._encode(inputs)
            try:
                output = super()._generate_and_score_completions(inputs)
            finally:
                rows, self._video_rows = self._video_rows, None
            output["video_rows"] = rows
            return output

        def _tokenize_prompts(self, prompts):
            rows = self._video_rows
            if rows is None:
                return super()._tokenize_prompts(prompts)
            fields: dict[str, Any] = collate_video(rows, dtype=self._video_dtype())
            for key in rows[0]["tokens"]:
                fields[key] = [r["tokens"][key] for r in rows]  # TRL left-pads list-of-list fields like the ids
            return [r["prompt_ids"] for r in rows], None, fields

        def _compute_loss(self, model, inputs):
            self._video_rows = inputs.get("video_rows")
            try:
                return super()._compute_loss(model, inputs)
            finally:
                self._video_rows = None

        def _get_per_token_logps_and_entropies(
            self, model, input_ids, attention_mask, logits_to_keep, batch_size=None, **kwargs
        ):
            rows = self._video_rows
            if rows is None:
                return super()._get_per_token_logps_and_entropies(
                    model, input_ids, attention_mask, logits_to_keep, batch_size, **kwargs
                )
            if len(rows) != input_ids.size(0):
                raise RuntimeError(f"{len(rows)} video rows for a batch of {input_ids.size(0)} sequences")
            n = input_ids.size(0)
            step = batch_size or n
            width, total = input_ids.size(1) - logits_to_keep, input_ids.size(1)
            dtype = self._video_dtype()
            parts = []
            for start in range(0, n, step):
                chunk = rows[start : start + step]
                extra = collate_video(chunk, input_ids.device, dtype)
                extra.update(token_fields(chunk, width, total, input_ids.device))
                parts.append(
                    super()._get_per_token_logps_and_entropies(
                        _WithVideo(model, extra),
                        input_ids[start : start + step],
                        attention_mask[start : start + step],
                        logits_to_keep,
                        len(chunk),
                        **kwargs,
                    )
                )
            logps = torch.cat([p[0] for p in parts], dim=0)
            entropies = torch.cat([p[1] for p in parts], dim=0) if parts[0][1] is not None else None
            aux = torch.stack([p[2] for p in parts]).mean() if parts[0][2] is not None else None
            return logps, entropies, aux

        # -- what was scored --------------------------------------------------------------------
        def _calculate_rewards(self, inputs, prompts, completions, completion_ids_list):
            rewards = super()._calculate_rewards(inputs, prompts, completions, completion_ids_list)
            if self.completion_log is not None:
                self._log_completions(inputs, completions, rewards)
            return rewards

        def _log_completions(self, inputs, completions, rewards) -> None:
            from accelerate.utils import gather_object

            from vstar_cli.rewards import completion_text

            n = len(inputs)
            mine = rewards[self.accelerator.process_index * n : (self.accelerator.process_index + 1) * n]
            rows = []
            for x, c, r in zip(inputs, completions, mine.tolist(), strict=True):
                rec = json.loads(x["record"]) if isinstance(x.get("record"), str) else {}
                rec["prompt"] = x.get("prompt_text", "")
                rec["output"] = completion_text(c)
                rec["reward"] = {
                    name: (None if v != v else v) for name, v in zip(self.reward_func_names, r, strict=True)
                }
                rec["step"] = self.state.global_step + 1  # the optimizer step these answers train
                rows.append(rec)
            rows = gather_object(rows)
            if self.accelerator.is_main_process:
                with self.completion_log.open("a", encoding="utf-8") as fh:
                    for rec in rows:
                        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")

    return VideoGRPOTrainer


class TrainLog:
    """A TrainerCallback writing each logged step (loss, reward, KL, time) to a JSONL file and a progress bar."""

    KEYS = ("loss", "reward", "reward_std", "kl", "entropy", "step_time", "completions/mean_length", "learning_rate")

    def __init__(self, path: Path, progress=None) -> None:
        from transformers import TrainerCallback

        outer = self

        class _CB(TrainerCallback):
            def on_log(self, args, state, control, logs=None, **kw):
                if not logs or "loss" not in logs or not state.is_world_process_zero:
                    return
                row = {"step": state.global_step, "time": round(time.time() - outer.t0, 2)}
                row.update({k: logs[k] for k in outer.KEYS if k in logs})
                row.update({k: v for k, v in logs.items() if k.startswith("rewards/") and k.endswith("/mean")})
                row = {k: (round(v, 6) if isinstance(v, float) else v) for k, v in row.items()}
                with outer.path.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(row) + "\n")
                if outer.progress is not None:  # the bar shows the loss; the reward is in the log
                    outer.progress(state.global_step, state.max_steps, float(logs["loss"]))

        self.path, self.progress, self.t0 = path, progress, time.time()
        self.callback = _CB()
