"""Named model sizes: the published checkpoints' configurations, for planning without weights.

Each preset is a transformers ``model_type`` plus the overrides that turn its default
configuration into the released model's (values read from each checkpoint's ``config.json``
on the Hugging Face Hub; the URL is in ``source``). ``published_params`` is the parameter
count the Hub shows for the checkpoint's safetensors, so tests can hold the meta-device count
against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_QWEN2_VL_VISION = {
    "depth": 32,
    "embed_dim": 1280,
    "num_heads": 16,
    "mlp_ratio": 4,
    "patch_size": 14,
    "spatial_merge_size": 2,
    "temporal_patch_size": 2,
}
_QWEN25_VL_VISION = {
    "depth": 32,
    "hidden_size": 1280,
    "intermediate_size": 3420,
    "num_heads": 16,
    "patch_size": 14,
    "spatial_merge_size": 2,
    "temporal_patch_size": 2,
    "window_size": 112,
    "fullatt_block_indexes": [7, 15, 23, 31],
}
_MROPE = {"rope_type": "default", "rope_theta": 1000000.0, "mrope_section": [16, 24, 24]}


def _text(hidden: int, layers: int, heads: int, kv: int, inter: int, vocab: int, tie: bool) -> dict:
    return {
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "num_key_value_heads": kv,
        "intermediate_size": inter,
        "vocab_size": vocab,
        "tie_word_embeddings": tie,
        "max_position_embeddings": 128000 if hidden == 2048 else 32768,
        "rope_parameters": _MROPE,
    }


@dataclass(frozen=True)
class Preset:
    """A published checkpoint's sizes."""

    model_type: str
    text: dict
    vision: dict
    source: str
    published_params: float  # billions, as the Hub's model page shows them
    top: dict = field(default_factory=dict)


PRESETS: dict[str, Preset] = {
    "qwen2-vl-2b": Preset(
        "qwen2_vl",
        _text(1536, 28, 12, 2, 8960, 151936, True),
        {**_QWEN2_VL_VISION, "hidden_size": 1536},
        "https://huggingface.co/Qwen/Qwen2-VL-2B-Instruct/blob/main/config.json",
        2.21,
        {"tie_word_embeddings": True},
    ),
    "qwen2-vl-7b": Preset(
        "qwen2_vl",
        _text(3584, 28, 28, 4, 18944, 152064, False),
        {**_QWEN2_VL_VISION, "hidden_size": 3584},
        "https://huggingface.co/Qwen/Qwen2-VL-7B-Instruct/blob/main/config.json",
        8.29,
    ),
    "qwen2.5-vl-3b": Preset(
        "qwen2_5_vl",
        _text(2048, 36, 16, 2, 11008, 151936, True),
        {**_QWEN25_VL_VISION, "out_hidden_size": 2048},
        "https://huggingface.co/Qwen/Qwen2.5-VL-3B-Instruct/blob/main/config.json",
        3.75,
        {"tie_word_embeddings": True},
    ),
    "qwen2.5-vl-7b": Preset(
        "qwen2_5_vl",
        _text(3584, 28, 28, 4, 18944, 152064, False),
        {**_QWEN25_VL_VISION, "out_hidden_size": 3584},
        "https://huggingface.co/Qwen/Qwen2.5-VL-7B-Instruct/blob/main/config.json",
        8.29,
    ),
}


def preset_config(name: str, **text_extra):
    """The transformers configuration of preset ``name`` (``text_extra`` overrides text sizes,
    e.g. the vocabulary of a locally trained tokenizer and its special token ids)."""
    from transformers import AutoConfig

    p = PRESETS[name]
    return AutoConfig.for_model(
        p.model_type, text_config={**p.text, **text_extra}, vision_config=dict(p.vision), **p.top
    )
