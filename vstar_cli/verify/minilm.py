"""A BERT sentence encoder in NumPy: the bundled all-MiniLM-L6-v2 without torch or transformers.

``vstar verify`` on a semantic kind used to spend seconds importing sentence-transformers,
transformers and torch before embedding a few sentences. This reads the same files
(``model.safetensors``, ``tokenizer.json``, ``config.json``) with ``safetensors`` and the Rust
``tokenizers`` library, and runs the same computation as ``SentenceTransformer`` does for a
BERT model with mean pooling and normalization: the vectors agree with it to ~1e-6.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU, in place: ``x * Phi(x)`` with erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7)."""
    a = np.abs(x) * np.float32(0.7071067811865476)
    t = np.float32(0.3275911) * a
    t += 1
    np.reciprocal(t, out=t)
    p = np.float32(1.061405429) * t
    for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        p += np.float32(c)
        p *= t
    np.square(a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    p *= a  # 1 - erf(|x| / sqrt 2)
    # Phi(x) = 1 - p/2 for x >= 0, p/2 for x < 0
    p *= np.float32(0.5)
    np.copysign(p, x, out=p)
    np.negative(p, out=p)
    p += (x >= 0).astype(np.float32)
    x *= p
    return x


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    xc = x - mu
    var = (xc * xc).mean(-1, keepdims=True)
    return xc / np.sqrt(var + eps) * w + b


def _one_blas_thread():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: without it BLAS keeps its own thread count
        from contextlib import nullcontext

        return nullcontext()
    return threadpool_limits(1, "blas")


def is_plain_bert(path: str | Path) -> bool:
    """Whether ``path`` holds a BERT sentence encoder this module runs (mean pooling, normalized)."""
    p = Path(path)
    try:
        cfg = json.loads((p / "config.json").read_text(encoding="utf-8"))
        modules = json.loads((p / "modules.json").read_text(encoding="utf-8"))
        pooling = json.loads((p / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    return (
        cfg.get("model_type") == "bert"
        and cfg.get("hidden_act") == "gelu"
        and cfg.get("position_embedding_type", "absolute") == "absolute"
        and kinds == ["Transformer", "Pooling", "Normalize"]
        and pooling.get("pooling_mode_mean_tokens") is True
        and not any(pooling.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens"))
        and (p / "model.safetensors").is_file()
        and (p / "tokenizer.json").is_file()
    )


class MiniLM:
    """``encode(texts) -> (n, d)`` unit-norm float32 vectors, as ``SentenceTransformer.encode`` gives."""

    numpy_encoder = True

    def __init__(self, path: str | Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        p = Path(path)
        cfg = json.loads((p / "config.json").read_text(encoding="utf-8"))
        try:
            st = json.loads((p / "sentence_bert_config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            st = {}
        self.max_len = int(st.get("max_seq_length") or cfg.get("max_position_embeddings", 512))
        self.heads = int(cfg["num_attention_heads"])
        self.eps = float(cfg.get("layer_norm_eps", 1e-12))
        w = {
            k.removeprefix("bert."): v.astype(np.float32, copy=False)
            for k, v in load_file(str(p / "model.safetensors")).items()
        }
        e = "embeddings."
        self.word = w[e + "word_embeddings.weight"]
        self.pos = w[e + "position_embeddings.weight"]
        self.type0 = w[e + "token_type_embeddings.weight"][0]
        self.ln0 = (w[e + "LayerNorm.weight"], w[e + "LayerNorm.bias"])
        self.layers = []
        for i in range(int(cfg["num_hidden_layers"])):
            q = f"encoder.layer.{i}."
            qkv_w = np.concatenate([w[q + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]).T
            qkv_b = np.concatenate([w[q + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
            self.layers.append(
                (
                    np.ascontiguousarray(qkv_w),
                    qkv_b,
                    np.ascontiguousarray(w[q + "attention.output.dense.weight"].T),
                    w[q + "attention.output.dense.bias"],
                    (w[q + "attention.output.LayerNorm.weight"], w[q + "attention.output.LayerNorm.bias"]),
                    np.ascontiguousarray(w[q + "intermediate.dense.weight"].T),
                    w[q + "intermediate.dense.bias"],
                    np.ascontiguousarray(w[q + "output.dense.weight"].T),
                    w[q + "output.dense.bias"],
                    (w[q + "output.LayerNorm.weight"], w[q + "output.LayerNorm.bias"]),
                )
            )
        tok = Tokenizer.from_file(str(p / "tokenizer.json"))
        tok.no_padding()
        tok.enable_truncation(self.max_len)
        self.tokenizer = tok

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        b, n = ids.shape
        d = self.word.shape[1]
        h = self.heads
        dh = d // h
        x = self.word[ids] + self.pos[:n] + self.type0
        x = _layer_norm(x, *self.ln0, self.eps)
        bias = np.where(mask[:, None, None, :] > 0, np.float32(0), np.float32(-1e30)).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(dh))
        for qkv_w, qkv_b, o_w, o_b, ln1, i_w, i_b, f_w, f_b, ln2 in self.layers:
            qkv = (x.reshape(b * n, d) @ qkv_w + qkv_b).reshape(b, n, 3, h, dh).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            s = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            ctx = (s @ v).transpose(0, 2, 1, 3).reshape(b * n, d)
            x = _layer_norm(x + (ctx @ o_w + o_b).reshape(b, n, d), *ln1, self.eps)
            inner = _gelu(x.reshape(b * n, d) @ i_w + i_b)
            x = _layer_norm(x + (inner @ f_w + f_b).reshape(b, n, d), *ln2, self.eps)
        m = mask[:, :, None].astype(np.float32)
        pooled = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Unit-norm embeddings, in the order of ``texts`` (batched by length, as sentence-transformers does).

        A few texts are embedded on one BLAS thread: waking the others costs more than they save.
        """
        if len(texts) < 32:
            with _one_blas_thread():
                return self._encode(texts, batch_size)
        return self._encode(texts, batch_size)

    def _encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        encs = self.tokenizer.encode_batch([str(t).strip() for t in texts])
        out = np.zeros((len(texts), self.word.shape[1]), np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(encs[i].ids))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            n = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), n), np.int64)
            mask = np.zeros((len(idx), n), np.int64)
            for r, i in enumerate(idx):
                e = encs[i].ids
                ids[r, : len(e)] = e
                mask[r, : len(e)] = 1
            out[idx] = self._forward(ids, mask)
        return out
