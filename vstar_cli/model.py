"""Loading and running any transformers video LVLM: processor + model, 4/8-bit, PEFT adapters."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from vstar_cli import timings
from vstar_cli.video import Clip

log = logging.getLogger("vstar.model")


@dataclass
class ModelOptions:
    """Which model to load and how (the model group: every config that loads a model composes it)."""

    model: str = field(default="", metadata={"help": "hub id or local model directory", "flags": ("--model", "-m")})
    quantize: str = field(default="none", metadata={"help": "none | 4bit | 8bit (bitsandbytes)"})
    device: str = field(default="auto", metadata={"help": "auto | cpu | cuda | cuda:N"})
    dtype: str = field(default="auto", metadata={"help": "auto | float32 | bfloat16 | float16"})
    trust_remote_code: bool = field(default=False, metadata={"help": "run code shipped with the model"})

    def __post_init__(self) -> None:
        if self.quantize not in {"none", "4bit", "8bit"}:
            raise ValueError("quantize must be none, 4bit or 8bit")
        if self.dtype not in {"auto", "float32", "bfloat16", "float16"}:
            raise ValueError("dtype must be auto, float32, bfloat16 or float16")


@dataclass
class ModelConfig(ModelOptions):
    """A video LVLM to load (shared by generate, rationalize, eval and finetune): the model group, an
    adapter, and the video processor's pixel budget."""

    adapter: str | None = field(default=None, metadata={"help": "PEFT adapter directory (output of vstar finetune)"})
    max_pixels: int | None = field(
        default=None, metadata={"help": "per-frame pixel budget of the video processor (e.g. 50176 = 224x224)"}
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.max_pixels is not None and self.max_pixels < 1:
            raise ValueError("max_pixels must be >= 1")

    def describe(self) -> str:
        """The ``model`` field written into records: model id, plus the adapter if any."""
        return self.model + (f"+{self.adapter}" if self.adapter else "")


def resolve_device(device: str) -> str:
    """``auto`` -> the local process's GPU when there is one, else ``cpu``."""
    import os

    import torch

    if device != "auto":
        return device
    if torch.cuda.is_available():
        return f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}"
    return "cpu"


def resolve_dtype(dtype: str, device: str):
    """``auto`` -> bf16 on a GPU that supports it, fp16 on older GPUs, fp32 on CPU."""
    import torch

    if dtype != "auto":
        return getattr(torch, dtype)
    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32


# The vision encoder and projector are small next to the language model and lose the most
# from quantization, so they stay in the compute dtype (as QLoRA recipes for LVLMs do).
_VISION_PARTS = [
    "visual",
    "vision_tower",
    "vision_model",
    "image_tower",
    "video_tower",
    "multi_modal_projector",
    "mm_projector",
    "merger",
    "connector",
]
# transformers matches these as substrings in older releases and as anchored regexes in newer ones.
SKIP_QUANTIZE = _VISION_PARTS + [f".*{p}" for p in _VISION_PARTS] + ["lm_head"]


def quantization_config(quantize: str, compute_dtype):
    """bitsandbytes config: nf4 with double quantization for 4-bit, LLM.int8 for 8-bit."""
    if quantize == "none":
        return None
    from transformers import BitsAndBytesConfig

    if quantize == "4bit":
        return BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=compute_dtype,
            llm_int8_skip_modules=SKIP_QUANTIZE,
        )
    return BitsAndBytesConfig(load_in_8bit=True, llm_int8_skip_modules=SKIP_QUANTIZE)


def _model_class(name: str, trust_remote_code: bool):
    """AutoModelForImageTextToText, or the architecture's own class when it is not registered."""
    import transformers
    from transformers import AutoConfig, AutoModelForImageTextToText

    cfg = AutoConfig.from_pretrained(name, trust_remote_code=trust_remote_code)
    try:
        AutoModelForImageTextToText._model_mapping[type(cfg)]
        return AutoModelForImageTextToText
    except KeyError:
        pass
    for arch in cfg.architectures or []:
        cls = getattr(transformers, arch, None)
        if cls is not None:
            return cls
    raise ValueError(f"{name}: {type(cfg).__name__} is not a video/image-text-to-text model known to transformers")


@timings.timed("model_load")
def load_processor(cfg: ModelConfig):
    """The model's processor, checked for video support, with left padding for batched generation."""
    from transformers import AutoProcessor
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    processor = AutoProcessor.from_pretrained(cfg.model, trust_remote_code=cfg.trust_remote_code)
    if getattr(processor, "video_processor", None) is None:
        raise ValueError(f"{cfg.model}: its processor has no video processor, so it cannot take videos")
    if cfg.max_pixels:
        set_pixel_budget(processor.video_processor, cfg.max_pixels)
    tok = getattr(processor, "tokenizer", None)
    if tok is not None:
        tok.padding_side = "left"  # batched generation appends to the right
        if tok.pad_token is None:
            tok.pad_token = tok.eos_token
    return processor


def set_pixel_budget(video_processor, max_pixels: int) -> None:
    """Cap the pixels per frame the video processor resizes to (Qwen-VL style ``min/max_pixels``).

    Raises ``ValueError`` for processors that resize every frame to a fixed size: they have no
    budget to lower (their memory per frame is fixed by the model).
    """
    size = getattr(video_processor, "size", None)
    get = size.get if isinstance(size, dict) else (lambda k, d=None: getattr(size, k, d))
    if size is None or not (get("longest_edge") and get("shortest_edge")) or get("height"):
        raise ValueError(
            f"--max-pixels: {type(video_processor).__name__} resizes frames to a fixed size ({size}), "
            "it takes no pixel budget"
        )
    smallest = min(int(get("shortest_edge")), max_pixels)
    if isinstance(size, dict):
        video_processor.size = {**size, "longest_edge": max_pixels, "shortest_edge": smallest}
    else:
        size.longest_edge, size.shortest_edge = max_pixels, smallest
    for attr, value in (("max_pixels", max_pixels), ("min_pixels", smallest)):
        if getattr(video_processor, attr, None) is not None:
            setattr(video_processor, attr, value)


@timings.timed("model_load")
def load_model(cfg: ModelConfig, for_training: bool = False):
    """The model (quantized and with its adapter as configured); in eval mode unless ``for_training``."""
    device = resolve_device(cfg.device)
    dtype = resolve_dtype(cfg.dtype, device)
    cls = _model_class(cfg.model, cfg.trust_remote_code)
    kwargs: dict[str, Any] = {"dtype": dtype, "trust_remote_code": cfg.trust_remote_code}
    qcfg = quantization_config(cfg.quantize, dtype)
    if qcfg is not None:
        kwargs["quantization_config"] = qcfg
        kwargs["device_map"] = {"": device}
    model = cls.from_pretrained(cfg.model, **kwargs)
    if qcfg is None:
        model = model.to(device)
    if cfg.adapter:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, cfg.adapter, is_trainable=for_training)
    if not for_training:
        model.eval()
    return model


def load(cfg: ModelConfig, for_training: bool = False) -> tuple[Any, Any]:
    """Load ``(processor, model)``."""
    return load_processor(cfg), load_model(cfg, for_training)


def decode_short_side(processor) -> int | None:
    """The shorter side frames need for this processor, so decoders can downscale larger videos.

    Sizes are read from the video processor: fixed ``height``/``width`` or ``shortest_edge`` in
    pixels, or Qwen-style pixel budgets (``longest_edge`` = max pixels per frame). ``None`` when
    unknown (frames are kept as decoded).
    """
    vp = getattr(processor, "video_processor", None)
    size = getattr(vp, "size", None)
    if size is None:
        return None
    get = size.get if isinstance(size, dict) else (lambda k, d=None: getattr(size, k, d))
    sides = []
    if get("height") and get("width"):
        sides.append(max(int(get("height")), int(get("width"))))
    edge, longest = get("shortest_edge"), get("longest_edge")
    if edge and not longest:
        sides.append(int(edge))
    budget = get("max_pixels") or (longest if edge else None)  # Qwen: both are pixel counts
    if budget:
        sides.append(int(int(budget) ** 0.5) + 1)
    crop = getattr(vp, "crop_size", None)
    if crop is not None:
        cget = crop.get if isinstance(crop, dict) else (lambda k, d=None: getattr(crop, k, d))
        if cget("height") and cget("width"):
            sides.append(max(int(cget("height")), int(cget("width"))))
    return max(sides) if sides else None


def chat_text(processor, prompt: str, answer: str | None = None) -> str:
    """The processor's chat template applied to a user turn holding the video and ``prompt``."""
    messages = [{"role": "user", "content": [{"type": "video"}, {"type": "text", "text": prompt}]}]
    if answer is not None:
        messages.append({"role": "assistant", "content": [{"type": "text", "text": answer}]})
    return processor.apply_chat_template(messages, add_generation_prompt=answer is None, tokenize=False)


def processor_inputs(processor, texts: list[str], clips: list[Clip], **extra):
    """Tokenized batch with videos; passes sampling metadata where the processor takes it."""
    videos = [c.frames for c in clips]
    base = dict(text=texts, videos=videos, return_tensors="pt", padding=True, **extra)
    try:
        return processor(**base, video_metadata=[c.metadata() for c in clips], do_sample_frames=False)
    except (TypeError, ValueError):
        return processor(**base)


@dataclass
class GenParams:
    """Sampling settings of one generate call."""

    max_new_tokens: int = 256
    temperature: float = 0.0
    top_p: float = 1.0


def generate(processor, model, prompts: list[str], clips: list[Clip], params: GenParams) -> list[str]:
    """Answers for a batch of (prompt, clip) pairs; greedy when ``temperature`` is 0."""
    import torch

    texts = [chat_text(processor, p) for p in prompts]
    inputs = processor_inputs(processor, texts, clips).to(model.device)
    dtype = next((p.dtype for p in model.parameters() if p.is_floating_point()), None)
    for key in ("pixel_values_videos", "pixel_values"):
        if key in inputs and dtype is not None and inputs[key].is_floating_point():
            inputs[key] = inputs[key].to(dtype)
    tok = processor.tokenizer
    kwargs: dict[str, Any] = {"max_new_tokens": params.max_new_tokens, "pad_token_id": tok.pad_token_id}
    if params.temperature > 0:
        kwargs.update(do_sample=True, temperature=params.temperature, top_p=params.top_p)
    else:
        kwargs.update(do_sample=False)
    with torch.inference_mode():
        out = model.generate(**inputs, **kwargs)
    new = out[:, inputs["input_ids"].shape[1] :]
    return [t.strip() for t in processor.batch_decode(new, skip_special_tokens=True)]
