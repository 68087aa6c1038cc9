"""Peak GPU memory of generation or one training step, component by component.

The model (all sizes in bytes, ``d`` = bytes of the compute dtype, 2 for bf16):

- weights: ``d`` per parameter; 8-bit: 1 B per quantized language-model linear weight plus a
  4 B row scale; 4-bit (nf4, double quantization, blocks of 64): 0.5 + 1/64 + 4/(64*256) B.
  Vision tower, projector, embeddings, norms and ``lm_head`` are never quantized (vstar skips
  them). QLoRA's ``prepare_model_for_kbit_training`` casts every unquantized parameter to
  fp32, so under QLoRA those count 4 B.
- LoRA adapters: rank x (in + out) per adapted linear, fp32: 4 B weight + 4 B gradient + 8 B
  AdamW states. Full finetuning trains the language model and projector in the model's dtype:
  weight, gradient and two AdamW states (torch keeps them in the parameter's dtype).
- KV cache (generation): 2 x layers x kv heads x head dim x (prompt + new tokens) x batch x ``d``.
- prefill activations (generation, no gradient): one layer's working set per token,
  ``(3 h + q/k/v + 3 i)`` values, plus the vision tower's (patches x (4 e + 2 m)).
- training activations with gradient checkpointing: each layer's input kept
  (layers x tokens x h x ``d``), plus one layer recomputed with everything backward needs
  (``8 h + 2 kv + 4 i`` values per token) and its gradients (x2), plus LoRA's dropout inputs;
  without checkpointing every layer keeps the latter. Logits: tokens x vocab x (``d`` + 4 + 4)
  (the loss upcasts them to fp32 and keeps fp32 log-probabilities for backward).
- overhead: 0.75 GiB (CUDA context, cuBLAS workspace, allocator slack), GPU only.
- attention scores: none for the language model (flash / memory-efficient SDPA on a GPU, and
  torch's flash kernel on CPU, never hold the L x L scores); on CPU (``gpu=False``) the vision
  tower's per-frame attention holds heads x n x n scores and probabilities.

The activation terms are checked against measured CPU peaks of tiny real architectures by
``bench/plan_check.py``; parameter counts against the meta-device model in the tests.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

from vstar_cli import config
from vstar_cli.planning.arch import Architecture
from vstar_cli.planning.tokens import QWEN_TYPES, processor_bounds, processor_tokens, rule_tokens

GIB = 2**30
OVERHEAD = 0.75 * GIB
NF4_BYTES = 0.5 + 1 / 64 + 4 / (64 * 256)
METHODS = ("none", "lora", "qlora", "full")


def parse_size(text: str) -> float:
    """``"24GiB"``, ``"24GB"``, ``"80G"``, ``"24"`` (GiB) -> bytes.

    >>> parse_size("24GiB") / 2**30, parse_size("16") / 2**30, parse_size("40 GB") / 1e9
    (24.0, 16.0, 40.0)
    """
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([kmgt]i?b?|b)?\s*", str(text).lower())
    if not m:
        raise ValueError(f"--gpu-memory: cannot read {text!r} (e.g. 24GiB, 80GB)")
    value, unit = float(m.group(1)), (m.group(2) or "gib")
    power = {"k": 1, "m": 2, "g": 3, "t": 4}.get(unit[0], 0)
    base = 1024 if "i" in unit or unit in ("k", "m", "g", "t") or m.group(2) is None else 1000
    return value * base**power


@dataclass
class PlanConfig:
    """Options of ``vstar plan`` (and the plan behind ``generate --dry-run`` / ``finetune --dry-run``)."""

    model: str = field(
        default="",
        metadata={"help": "local model directory, preset (qwen2-vl-2b, qwen2-vl-7b ...) or model_type (qwen2_vl ...)"},
    )
    method: str = field(default="none", metadata={"help": "none (generation) | lora | qlora | full"})
    quantize: str = field(default="none", metadata={"help": "none | 4bit | 8bit (qlora: 4bit)"})
    dtype: str = field(default="bfloat16", metadata={"help": "compute dtype: bfloat16 | float16 | float32"})
    frames: int = field(default=8, metadata={"help": "frames per video"})
    fps: float | None = field(
        default=None, metadata={"help": "sample at this rate over --duration instead of --frames"}
    )
    duration: float = field(default=60.0, metadata={"help": "video length in seconds (with --fps)"})
    height: int = field(default=360, metadata={"help": "video frame height in pixels"})
    width: int = field(default=640, metadata={"help": "video frame width in pixels"})
    max_pixels: int | None = field(default=None, metadata={"help": "per-frame pixel budget (Qwen-VL processors)"})
    batch_size: int = field(default=1, metadata={"help": "videos per generate call / examples per step"})
    prompt_tokens: int = field(default=96, metadata={"help": "text tokens of the prompt (question and template)"})
    new_tokens: int = field(default=256, metadata={"help": "generated tokens (generation) / answer tokens (training)"})
    lora_r: int = field(default=64, metadata={"help": "LoRA rank"})
    gradient_checkpointing: bool = field(default=True, metadata={"help": "training recomputes layer activations"})
    gpu_memory: str | None = field(
        default=None, metadata={"help": "GPU memory (e.g. 24GiB): say whether it fits, and what would"}
    )
    trust_remote_code: bool = field(default=False, metadata={"help": "run code shipped with the model"})

    def __post_init__(self) -> None:
        if not self.model:
            raise ValueError("--model is required (a model directory, preset or model_type)")
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}")
        if self.method == "qlora":
            self.quantize = "4bit"
        if self.quantize not in ("none", "4bit", "8bit"):
            raise ValueError("quantize must be none, 4bit or 8bit")
        if self.method in ("lora", "full") and self.quantize != "none":
            raise ValueError(f"--method {self.method} trains an unquantized model (4-bit training is --method qlora)")
        if self.dtype not in ("bfloat16", "float16", "float32"):
            raise ValueError("dtype must be bfloat16, float16 or float32")
        check = config.check_number
        for name in ("frames", "height", "width", "batch_size", "lora_r"):
            check(name, getattr(self, name), low=1, high=1_000_000, integer=True)
        check("prompt_tokens", self.prompt_tokens, low=0, high=10_000_000, integer=True)
        check("new_tokens", self.new_tokens, low=0, high=10_000_000, integer=True)
        check("duration", self.duration, low=0, high=1e7, low_open=True)
        if self.fps is not None:
            check("fps", self.fps, low=0, high=1000, low_open=True)
        if self.max_pixels is not None:
            check("max_pixels", self.max_pixels, low=1, integer=True)
        if self.gpu_memory is not None:
            parse_size(self.gpu_memory)

    @property
    def sampled_frames(self) -> int:
        """Frames per video: ``--frames``, or ``--fps`` over ``--duration``."""
        return max(1, int(self.duration * self.fps)) if self.fps else self.frames


@dataclass
class Plan:
    """One estimate: token counts and GiB by component."""

    visual_tokens: int
    tokens_note: str
    sequence: int
    parts: dict[str, float]
    params: dict[str, int]
    source: str

    @property
    def peak(self) -> float:
        """The estimated peak, GiB."""
        return self.parts["peak"]


def visual_tokens(arch: Architecture, cfg: PlanConfig, exact: bool = True) -> tuple[int, int, str]:
    """``(tokens, vision patches, note)`` of one video: the processor's count for a local model
    (when ``exact``), else the architecture's rule."""
    frames = cfg.sampled_frames
    if arch.processor_path and "bounds" not in arch.vision:
        try:
            arch.vision["bounds"] = processor_bounds(arch.processor_path)
        except (OSError, ValueError, KeyError):
            arch.vision["bounds"] = None
    tokens, patches, note = rule_tokens(
        arch.model_type, arch.vision, frames, cfg.height, cfg.width, cfg.max_pixels, arch.vision.get("bounds")
    )
    if exact and arch.processor_path:
        try:
            tokens = processor_tokens(arch.processor_path, frames, cfg.height, cfg.width, cfg.max_pixels)
            note += ", counted by the model's processor"
        except (OSError, ValueError, KeyError):
            note += ", by rule (the processor could not count it)"
    return tokens, patches, note


def estimate(arch: Architecture, cfg: PlanConfig, tokens: tuple[int, int, str] | None = None, gpu: bool = True) -> Plan:
    """The peak memory of ``cfg`` on ``arch`` (``tokens`` from :func:`visual_tokens` to reuse a count).

    ``gpu=False`` leaves out the CUDA overhead (to compare with a CPU measurement).
    """
    vis, patches, note = tokens or visual_tokens(arch, cfg)
    d = 4 if cfg.dtype == "float32" else 2
    b = cfg.batch_size
    p = arch.params
    unquantized = arch.total - arch.quantizable
    train = cfg.method != "none"
    if cfg.quantize == "4bit":
        weights = arch.quantizable * NF4_BYTES + unquantized * (4 if cfg.method == "qlora" else d)
    elif cfg.quantize == "8bit":
        weights = arch.quantizable * 1.0 + 4 * arch.quantizable / max(1, arch.hidden) + unquantized * d
    else:
        weights = arch.total * d
    lora = cfg.lora_r * arch.lora_per_rank if cfg.method in ("lora", "qlora") else 0
    trained = p["language"] + p["embeddings"] + p["lm_head"] + p["projector"] if cfg.method == "full" else 0
    adapter_weights = 4 * lora
    gradients = 4 * lora + d * trained
    optimizer = 8 * lora + 2 * d * trained
    h, i, kv = arch.hidden, arch.intermediate, arch.kv_heads * arch.head_dim
    vision = patches * (4 * (arch.vision.get("hidden") or 0) + 2 * (arch.vision.get("intermediate") or 0)) * d
    prompt = vis + cfg.prompt_tokens
    vheads = int(arch.vision.get("heads") or 16)
    groups = max(1, math.ceil(cfg.sampled_frames / int(arch.vision.get("temporal_patch_size") or 1)))
    vision += 0 if gpu else 2 * vheads * (patches // groups) ** 2 * d
    parts: dict[str, float] = {"weights": weights, "adapters": adapter_weights}
    if train:
        seq = prompt + cfg.new_tokens
        layer = b * seq * (8 * h + 2 * kv + 4 * i) * d
        if lora:
            layer += b * seq * (arch.lora_inputs * (d + 1) + 7 * cfg.lora_r * d)
        dequant = arch.largest_linear * d if cfg.quantize != "none" else 0
        if cfg.gradient_checkpointing:
            acts = arch.layers * b * seq * h * d + 2 * layer + dequant
        else:
            acts = arch.layers * layer + layer + dequant
        parts.update(
            gradients=gradients,
            optimizer=optimizer,
            kv_cache=0.0,
            activations=acts + vision * b,
            logits=b * seq * arch.vocab * (d + 8),
        )
    else:
        seq = prompt
        kv_cache = 2 * arch.layers * kv * b * (prompt + cfg.new_tokens) * d
        prefill = b * prompt * (3 * h + h + 2 * kv + 3 * i) * d + arch.largest_linear * d * (cfg.quantize != "none")
        parts.update(
            gradients=0.0,
            optimizer=0.0,
            kv_cache=kv_cache,
            activations=max(prefill, vision * b),
            logits=b * arch.vocab * 4 * 2,
        )
    parts["overhead"] = OVERHEAD if gpu else 0.0
    parts["peak"] = sum(parts.values())
    return Plan(vis, note, seq, {k: v / GIB for k, v in parts.items()}, dict(p), arch.source)


def _largest(fits, low: int, high: int) -> int | None:
    """The largest n in [low, high] with ``fits(n)`` (monotone), or None."""
    if not fits(low):
        return None
    while low < high:
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return low


def proposals(arch: Architecture, cfg: PlanConfig, budget: float) -> dict[str, int | None]:
    """The largest frames, max pixels and batch size (each with the others as given) that fit ``budget`` bytes."""

    def fits(**change) -> bool:
        c = replace(cfg, **change)
        return estimate(arch, c, visual_tokens(arch, c, exact=False)).peak * GIB <= budget

    step = int(arch.vision.get("temporal_patch_size") or 1) if arch.model_type in QWEN_TYPES else 1
    out: dict[str, int | None] = {}
    n = _largest(lambda k: fits(frames=k * step, fps=None), 1, 4096 // step)
    out["frames"] = n * step if n else None
    out["batch_size"] = _largest(lambda k: fits(batch_size=k), 1, 4096)
    if arch.model_type in QWEN_TYPES:
        unit = (int(arch.vision.get("patch_size") or 14) * int(arch.vision.get("spatial_merge_size") or 2)) ** 2
        top = max(4, math.ceil(cfg.height * cfg.width / unit) + 1)
        n = _largest(lambda k: fits(max_pixels=k * unit), 4, top)
        out["max_pixels"] = n * unit if n else None
    return out
