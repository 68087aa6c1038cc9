"""Tiny random-weight video LVLMs of real architectures, built locally (no hub download).

Each builder writes a directory with ``save_pretrained`` (config, weights, a tokenizer
trained here on a small corpus, processor and chat template) that loads back through the
same code path a user's model takes (:func:`vstar_cli.model.load`). Tests and the demo use
them; they are also handy to try a pipeline without a GPU.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

BASE_CORPUS = (
    "question answer video the a an is are was what which who where when how why step by step "
    "can you explain arrive at this conclusion person man woman playing guitar riding bike ball "
    "red blue green yellow circle square triangle moves left right up down appears disappears "
    "score seconds time start end first then finally yes no same different object action happens "
    "0 1 2 3 4 5 6 7 8 9 . , ? ! : ; ( ) [ ] - % ' \" \n"
)

QWEN_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}{% else %}"
    "{% for c in message['content'] %}{% if c['type'] == 'video' %}<|vision_start|><|video_pad|><|vision_end|>"
    "{% elif c['type'] == 'image' %}<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif c['type'] == 'text' %}{{ c['text'] }}{% endif %}{% endfor %}{% endif %}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
LLAVA_TEMPLATE = (
    "{% for message in messages %}{{ message['role'].upper() }}: "
    "{% if message['content'] is string %}{{ message['content'] }}{% else %}"
    "{% for c in message['content'] %}{% if c['type'] == 'video' %}<video>\n"
    "{% elif c['type'] == 'image' %}<image>\n{% elif c['type'] == 'text' %}{{ c['text'] }}{% endif %}{% endfor %}"
    "{% endif %}{% if message['role'] == 'assistant' %}</s>{% endif %}\n"
    "{% endfor %}{% if add_generation_prompt %}ASSISTANT:{% endif %}"
)


def train_tokenizer(corpus: Iterable[str], specials: list[str], vocab_size: int = 600, digits: bool = False):
    """A byte-level BPE tokenizer trained on ``corpus``, with ``specials`` as added tokens.

    ``digits``: every digit is a token of its own, as in Qwen2's tokenizer, so numbers are never
    merged into tokens by how often they happen to occur in the corpus.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    if digits:
        tok.pre_tokenizer = pre_tokenizers.Sequence(
            [pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.ByteLevel(add_prefix_space=False)]
        )
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(list(corpus), trainer=trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok)


def _corpus(extra: Iterable[str]) -> list[str]:
    return [BASE_CORPUS] * 4 + list(extra)


QWEN_SPECIALS = [
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|image_pad|>",
    "<|video_pad|>",
]


def qwen_tokenizer(corpus: Iterable[str]):
    """A Qwen2-VL-style tokenizer trained on ``corpus``, and the ids of its special tokens."""
    tok = train_tokenizer(corpus, QWEN_SPECIALS, digits=True)
    tok.eos_token, tok.pad_token = "<|im_end|>", "<|endoftext|>"
    return tok, {s: tok.convert_tokens_to_ids(s) for s in QWEN_SPECIALS}


def _save(model, processor, out: Path, eos_id: int, pad_id: int) -> Path:
    """Set the generation stop/pad tokens and write model and processor with ``save_pretrained``."""
    model.generation_config.eos_token_id = eos_id
    model.generation_config.pad_token_id = pad_id
    model.save_pretrained(out)
    processor.save_pretrained(out)
    return out


def _text_sizes(vocab: int, hidden: int, layers: int) -> dict:
    """The language model sizes every tiny builder shares."""
    return {
        "vocab_size": vocab,
        "hidden_size": hidden,
        "intermediate_size": hidden * 2,
        "num_hidden_layers": layers,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "max_position_embeddings": 4096,
    }


def build_qwen2_vl(
    out: str | Path,
    corpus: Iterable[str] = (),
    hidden: int = 64,
    layers: int = 2,
    seed: int = 0,
    vision_dim: int = 32,
    vision_depth: int = 1,
    merge: int = 2,
) -> Path:
    """A tiny Qwen2-VL (``Qwen2VLForConditionalGeneration``) with its processor.

    ``merge`` is the side of the square of 14-pixel patches merged into one token (Qwen2-VL's
    ``spatial_merge_size``): 2 as in the released models; 4 makes a 56x56 frame pair a single
    token whose features list the 16 patches in a fixed order, so where a thing is becomes
    part of what the language model reads.
    """
    import torch
    from transformers import (
        Qwen2VLConfig,
        Qwen2VLForConditionalGeneration,
        Qwen2VLImageProcessor,
        Qwen2VLProcessor,
        Qwen2VLVideoProcessor,
    )

    out = Path(out)
    tok, ids = qwen_tokenizer(_corpus(corpus))
    heads = 4
    cfg = Qwen2VLConfig(
        text_config={
            **_text_sizes(len(tok), hidden, layers),
            "rope_parameters": {
                "rope_type": "default",
                "rope_theta": 10000.0,
                "mrope_section": _mrope_section(hidden // heads),
            },
            "bos_token_id": ids["<|endoftext|>"],
            "eos_token_id": ids["<|im_end|>"],
            "pad_token_id": ids["<|endoftext|>"],
        },
        vision_config={
            "depth": vision_depth,
            "embed_dim": vision_dim,
            "hidden_size": hidden,
            "num_heads": 2,
            "mlp_ratio": 2,
            "patch_size": 14,
            "spatial_merge_size": merge,
            "temporal_patch_size": 2,
        },
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"],
    )
    torch.manual_seed(seed)
    model = Qwen2VLForConditionalGeneration(cfg)
    side = max(56, 14 * merge)
    size = {"shortest_edge": side * side, "longest_edge": side * side}
    proc = Qwen2VLProcessor(
        image_processor=Qwen2VLImageProcessor(size=size, merge_size=merge),
        video_processor=Qwen2VLVideoProcessor(size=size, merge_size=merge, **_uncapped(Qwen2VLVideoProcessor)),
        tokenizer=tok,
        chat_template=QWEN_TEMPLATE,
    )
    return _save(model, proc, out, ids["<|im_end|>"], ids["<|endoftext|>"])


def build_llava_onevision(
    out: str | Path, corpus: Iterable[str] = (), hidden: int = 64, layers: int = 2, seed: int = 0
) -> Path:
    """A tiny LLaVA-OneVision (SigLIP vision tower + Qwen2 language model) with its processor."""
    import torch
    from transformers import (
        LlavaOnevisionConfig,
        LlavaOnevisionForConditionalGeneration,
        LlavaOnevisionImageProcessor,
        LlavaOnevisionProcessor,
        LlavaOnevisionVideoProcessor,
    )

    out = Path(out)
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<image>", "<video>"]
    tok = train_tokenizer(_corpus(corpus), specials)
    tok.eos_token, tok.pad_token = "<|im_end|>", "<|endoftext|>"
    ids = {s: tok.convert_tokens_to_ids(s) for s in specials}
    image, patch = 28, 14
    cfg = LlavaOnevisionConfig(
        text_config={
            "model_type": "qwen2",
            **_text_sizes(len(tok), hidden, layers),
            "eos_token_id": ids["<|im_end|>"],
            "pad_token_id": ids["<|endoftext|>"],
        },
        vision_config={
            "model_type": "siglip_vision_model",
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 1,
            "num_attention_heads": 2,
            "image_size": image,
            "patch_size": patch,
        },
        image_token_index=ids["<image>"],
        video_token_index=ids["<video>"],
        vision_feature_select_strategy="full",
        vision_feature_layer=-1,
        image_grid_pinpoints=[[image, image]],
    )
    torch.manual_seed(seed)
    model = LlavaOnevisionForConditionalGeneration(cfg)
    size = {"height": image, "width": image}
    proc = LlavaOnevisionProcessor(
        image_processor=LlavaOnevisionImageProcessor(size=size, image_grid_pinpoints=[[image, image]]),
        video_processor=LlavaOnevisionVideoProcessor(size=size),
        tokenizer=tok,
        chat_template=QWEN_TEMPLATE.replace("<|vision_start|><|video_pad|><|vision_end|>", "<video>").replace(
            "<|vision_start|><|image_pad|><|vision_end|>", "<image>"
        ),
        num_image_tokens=(image // patch) ** 2,
        vision_feature_select_strategy="full",
    )
    return _save(model, proc, out, ids["<|im_end|>"], ids["<|endoftext|>"])


def build_video_llava(
    out: str | Path, corpus: Iterable[str] = (), hidden: int = 64, layers: int = 2, seed: int = 0
) -> Path:
    """A tiny Video-LLaVA (CLIP vision tower + Llama language model), the paper's architecture."""
    import torch
    from transformers import (
        VideoLlavaConfig,
        VideoLlavaForConditionalGeneration,
        VideoLlavaImageProcessor,
        VideoLlavaProcessor,
    )

    try:
        from transformers import VideoLlavaVideoProcessor
    except ImportError:  # older releases process videos with the image processor
        VideoLlavaVideoProcessor = None

    out = Path(out)
    specials = ["<unk>", "<s>", "</s>", "<image>", "<video>"]
    tok = train_tokenizer(_corpus(corpus), specials)
    tok.unk_token, tok.bos_token, tok.eos_token, tok.pad_token = "<unk>", "<s>", "</s>", "<unk>"
    ids = {s: tok.convert_tokens_to_ids(s) for s in specials}
    image, patch = 28, 14
    cfg = VideoLlavaConfig(
        text_config={
            "model_type": "llama",
            **_text_sizes(len(tok), hidden, layers),
            "bos_token_id": ids["<s>"],
            "eos_token_id": ids["</s>"],
            "pad_token_id": ids["<unk>"],
        },
        vision_config={
            "model_type": "clip_vision_model",
            "hidden_size": 32,
            "intermediate_size": 64,
            "projection_dim": 32,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "image_size": image,
            "patch_size": patch,
        },
        image_token_index=ids["<image>"],
        video_token_index=ids["<video>"],
        vision_feature_select_strategy="default",
        vision_feature_layer=-1,
    )
    torch.manual_seed(seed)
    model = VideoLlavaForConditionalGeneration(cfg)
    size = {"shortest_edge": image}
    crop = {"height": image, "width": image}
    kw = {"video_processor": VideoLlavaVideoProcessor(size=size, crop_size=crop)} if VideoLlavaVideoProcessor else {}
    proc = VideoLlavaProcessor(
        image_processor=VideoLlavaImageProcessor(size=size, crop_size=crop),
        tokenizer=tok,
        chat_template=LLAVA_TEMPLATE,
        patch_size=patch,
        vision_feature_select_strategy="default",
        num_additional_image_tokens=1,
        **kw,
    )
    return _save(model, proc, out, ids["</s>"], ids["<unk>"])


def _uncapped(video_processor_class) -> dict:
    """Keep transformers' current per-frame sizing, said explicitly where the release asks for it.

    Releases that announce a change of Qwen2-VL's per-frame pixel cap warn on every call until
    the choice is made; the tiny frames are far below any cap, so either choice gives the same.
    """
    return {"cap_pixels_per_frame": False} if hasattr(video_processor_class, "cap_pixels_per_frame") else {}


def _mrope_section(head_dim: int) -> list[int]:
    half = head_dim // 2
    t = half // 4
    rest = half - t
    return [t, rest // 2, rest - rest // 2]


BUILDERS = {"qwen2_vl": build_qwen2_vl, "llava_onevision": build_llava_onevision, "video_llava": build_video_llava}


@dataclass
class TinyModelConfig:
    """Options of ``vstar prepare tiny-model``."""

    arch: str = field(default="qwen2_vl", metadata={"help": " | ".join(BUILDERS)})
    hidden: int = field(default=128, metadata={"help": "language model width"})
    layers: int = field(default=2, metadata={"help": "language model layers"})
    vision_dim: int = field(default=64, metadata={"help": "vision tower width (qwen2_vl)"})
    vision_depth: int = field(default=2, metadata={"help": "vision tower blocks (qwen2_vl)"})
    merge: int = field(
        default=2, metadata={"help": "patches merged per token, per side (qwen2_vl's spatial_merge_size)"}
    )
    seed: int = field(default=0, metadata={"help": "seed of the random weights"})

    def __post_init__(self) -> None:
        if self.arch not in BUILDERS:
            raise ValueError(f"unknown architecture {self.arch!r} (known: {', '.join(BUILDERS)})")

    def builder_args(self) -> dict:
        """The keyword arguments of the architecture's builder."""
        extra = (
            {"vision_dim": self.vision_dim, "vision_depth": self.vision_depth, "merge": self.merge}
            if self.arch == "qwen2_vl"
            else {}
        )
        return {"hidden": self.hidden, "layers": self.layers, "seed": self.seed, **extra}


def build(arch: str, out: str | Path, corpus: Iterable[str] = (), **kw) -> Path:
    """Build the tiny model of architecture ``arch`` (one of :data:`BUILDERS`) into ``out``."""
    if arch not in BUILDERS:
        raise ValueError(f"unknown tiny architecture {arch!r} (known: {', '.join(BUILDERS)})")
    return BUILDERS[arch](out, corpus, **kw)


def synthetic_corpus(data: Path) -> list[str]:
    """The texts of a ``prepare synthetic`` directory (captions, train, test) to train a tokenizer on.

    Raises ``FileNotFoundError`` naming the first of those files that is missing.
    """
    import json

    texts: list[str] = []
    for name in ("captions", "train", "test"):
        path = Path(data) / f"{name}.jsonl"
        if not path.exists():
            raise FileNotFoundError(2, "not found", str(path))
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            texts += [c["value"] for c in r.get("conversations", [])] or [
                r.get("question", ""),
                json.dumps(r.get("label")),
            ]
    return texts
