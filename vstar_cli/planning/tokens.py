"""Visual tokens per video: counted by the model's own processor when there is one, else by
each architecture's rule (the rules follow transformers' processors; the tests hold them
against the processors of tiny models)."""

from __future__ import annotations

import math

QWEN_TYPES = ("qwen2_vl", "qwen2_5_vl", "qwen3_vl", "qwen3_vl_moe", "qwen2_5_omni")


def qwen_frame_size(height: int, width: int, factor: int, min_pixels: int, max_pixels: int) -> tuple[int, int]:
    """The size a Qwen-VL video processor resizes a frame to (``smart_resize``'s rule).

    >>> qwen_frame_size(360, 640, 28, 128 * 28 * 28, 768 * 28 * 28)
    (364, 644)
    >>> qwen_frame_size(720, 1280, 28, 128 * 28 * 28, 768 * 28 * 28)
    (560, 1008)
    """
    h = max(factor, round(height / factor) * factor)
    w = max(factor, round(width / factor) * factor)
    if h * w > max_pixels:
        beta = math.sqrt(height * width / max_pixels)
        h = max(factor, math.floor(height / beta / factor) * factor)
        w = max(factor, math.floor(width / beta / factor) * factor)
    elif h * w < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h = math.ceil(height * beta / factor) * factor
        w = math.ceil(width * beta / factor) * factor
    return h, w


def qwen_defaults(model_type: str) -> tuple[int, int]:
    """``(min_pixels, max_pixels)`` of the architecture's stock video processor."""
    side = 32 if model_type.startswith("qwen3") else 28
    return 128 * side * side, 768 * side * side


def rule_tokens(
    model_type: str,
    vision: dict,
    frames: int,
    height: int,
    width: int,
    max_pixels: int | None,
    bounds: tuple[int, int] | None = None,
) -> tuple[int, int, str]:
    """``(visual tokens, vision-tower patches, how it was counted)`` for one video by rule;
    ``bounds`` are the processor's own ``(min_pixels, max_pixels)`` when known."""
    if model_type in QWEN_TYPES:
        patch = int(vision.get("patch_size") or 14)
        merge = int(vision.get("spatial_merge_size") or 2)
        temporal = int(vision.get("temporal_patch_size") or 2)
        low, high = bounds or qwen_defaults(model_type)
        high = max_pixels or high
        h, w = qwen_frame_size(height, width, patch * merge, min(low, high), high)
        groups = math.ceil(frames / temporal)
        patches = groups * (h // patch) * (w // patch)
        return patches // (merge * merge), patches, f"{frames} frames at {w}x{h}"
    size = vision.get("image_size")
    patch = vision.get("patch_size")
    size = size[0] if isinstance(size, (list, tuple)) else size
    patch = patch[0] if isinstance(patch, (list, tuple)) else patch
    if not size or not patch:
        raise ValueError(
            f"{model_type}: no rule for its visual tokens; give a local model directory with its processor"
        )
    side = int(size) // int(patch)
    patches = frames * side * side
    note = f"{frames} frames at {size}x{size} (fixed by the model)"
    if model_type == "llava_onevision":  # 2x2 bilinear pooling per frame, one newline token per video
        pooled = math.ceil(side / 2)
        return frames * pooled * pooled + 1, patches, note
    if model_type == "llava_next_video":
        pooled = side // int(vision.get("spatial_pool_stride") or 2)
        return frames * pooled * pooled, patches, note
    if model_type == "video_llava":
        return frames * (side * side + 1), patches + frames, note
    if "scale_factor" in vision:  # SmolVLM / Idefics3 pixel shuffle
        return frames * (side * side) // int(vision["scale_factor"]) ** 2, patches, note
    if "downsample_ratio" in vision:  # InternVL pixel shuffle
        return int(frames * side * side * float(vision["downsample_ratio"]) ** 2), patches, note
    return patches, patches, note + ", one token per patch (approximate)"


def processor_bounds(path: str) -> tuple[int, int] | None:
    """The ``(min_pixels, max_pixels)`` per frame of a model directory's Qwen-style video processor."""
    from vstar_cli.model import ModelConfig, load_processor

    size = getattr(load_processor(ModelConfig(model=path)).video_processor, "size", None)
    get = size.get if isinstance(size, dict) else (lambda k, d=None: getattr(size, k, d))
    if size is None or not get("longest_edge") or not get("shortest_edge"):
        return None
    return int(get("shortest_edge")), int(get("longest_edge"))


def processor_tokens(path: str, frames: int, height: int, width: int, max_pixels: int | None) -> int:
    """Visual tokens of one video as the model directory's processor makes them (exact)."""
    import numpy as np

    from vstar_cli.model import ModelConfig, load_processor, processor_inputs
    from vstar_cli.video import Clip

    processor = load_processor(ModelConfig(model=path, max_pixels=max_pixels))
    clip = Clip(np.zeros((frames, height, width, 3), np.uint8), list(range(frames)), 30.0, frames / 30, frames, "plan")
    messages = [{"role": "user", "content": [{"type": "video"}]}]
    with_video = processor.apply_chat_template(messages, add_generation_prompt=False, tokenize=False)
    ids = processor_inputs(processor, [with_video], [clip])["input_ids"]
    bare = processor.tokenizer(with_video, return_tensors="pt")["input_ids"]
    return int(ids.shape[1] - bare.shape[1]) + 1  # the video placeholder itself was one token
