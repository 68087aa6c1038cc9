"""Seeded mutations of real items (wrong types, missing keys, NaN, huge numbers, path-like and
brace-laden strings) through every JSON converter: never an exception, every record and error
record valid JSON (no NaN), counts that add up, no record text made of a stringified non-text."""

from __future__ import annotations

import copy
import json
import pickle
import random
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.fixtures.media import write_video
from tests.prepare.test_converters import moma_video
from vstar_cli.io import ErrorRecord
from vstar_cli.prepare.base import FormatError
from vstar_cli.prepare.converter import Context
from vstar_cli.prepare.phrasing import Phraser
from vstar_cli.prepare.registry import REGISTRY
from vstar_cli.prepare.runner import Counts, run
from vstar_cli.prepare.safe_pickle import load as load_pickle

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
VALUES = [None, True, 0, -1, 1.5, float("nan"), float("inf"), 10**30, "", " ", "x", "../x", "a/b", "\ud800",
          "{0}", "{x}", [], [None], [[1]], {}, {"a": 1}, "\u0000", "9" * 50, [1, 2, 3, 4], ["a", "b"], "o027"]  # fmt: skip
SEEDS = 40


def mutate(obj, rng: random.Random, depth: int = 0):
    """``obj`` with one value somewhere replaced, or one key dropped."""
    if isinstance(obj, dict) and obj:
        obj = dict(obj)
        k = rng.choice(list(obj))
        r = rng.random()
        if r < 0.15:
            del obj[k]
        elif r < 0.6 or depth > 4:
            obj[k] = copy.deepcopy(rng.choice(VALUES))
        else:
            obj[k] = mutate(obj[k], rng, depth + 1)
        return obj
    if isinstance(obj, list) and obj:
        obj = list(obj)
        i = rng.randrange(len(obj))
        obj[i] = mutate(obj[i], rng, depth + 1) if rng.random() < 0.5 else copy.deepcopy(rng.choice(VALUES))
        return obj
    return copy.deepcopy(rng.choice(VALUES))


def convert_all(name: str, path: Path, **options) -> None:
    conv = REGISTRY.get(name)
    opts = {"video_pattern": conv.video_pattern, **{o.name: o.default for o in conv.options}, **options}
    ctx = Context(SimpleNamespace(**opts), Phraser(0, None, "templates", conv.phrasings))
    counts = Counts()
    try:
        out = list(run(conv, path, ctx, counts))
    except FormatError:
        return
    recs = [r for r in out if not isinstance(r, ErrorRecord)]
    for r in out:
        json.dumps(r.to_json() if isinstance(r, ErrorRecord) else r, allow_nan=False).encode("utf-8")
    assert counts.read == counts.converted + sum(counts.skipped.values()) + counts.errors
    assert len({r["question_id"] for r in recs}) == len(recs) == counts.written
    for r in recs:
        assert r["question"].strip() and r["video_path"].strip()
        assert all(isinstance(c, str) and c.strip() for c in r.get("choices") or []), r
        words = [r["video_path"], *(str(v) for v in r["label"].values() if not isinstance(v, (list, bool)))]
        assert not any(w.rsplit(".", 1)[0] in {"None", "True", "False", "nan", "inf", "[]", "{}"} for w in words), r
        assert not any(n in r["question"] for n in ("[nan", "nan,", "nan]", "[inf", "inf,")), r
        for kind, value in zip(r["verifier_type"], r["label"].values(), strict=True):
            if kind in ("temporal_range", "timestamp", "bbox"):
                assert all(0 <= v <= 1 for v in (value if isinstance(value, list) else [value])), r


@pytest.fixture(scope="module")
def star_videos(tmp_path_factory):
    root = tmp_path_factory.mktemp("star")
    for vid in ("6H78U", "WBS4I"):
        write_video(root / f"{vid}.mp4", n_frames=20, fps=2, size=(640, 480))
    return root


CASES = {
    "star": lambda: json.loads((REAL / "star_2records.json").read_text()),
    "ssv2": lambda: json.loads((REAL / "ssv2_smthelse_fewshot_base_validation_set.json").read_text())[:20],
    "msvd-qa": lambda: [
        {"video_name": f"clip{i}", "question": "what is it?", "answer": "dog", "question_id": i} for i in range(8)
    ],
    "moma": lambda: [moma_video()],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_mutated_json_items(name, tmp_path, star_videos):
    items = CASES[name]()
    options = {"classes_dir": REAL / "star_classes", "video_dir": star_videos} if name == "star" else {}
    for seed in range(SEEDS):
        rng = random.Random(seed)
        data = [mutate(it, rng) if rng.random() < 0.7 else it for it in copy.deepcopy(items)]
        path = tmp_path / f"{seed}.json"
        path.write_text(json.dumps(data))
        convert_all(name, path, **options)


def test_mutated_tempcompass_and_finediving(tmp_path):
    tc = json.loads((REAL / "tempcompass_multi-choice.json").read_text())
    tc.update(json.loads((REAL / "tempcompass_captioning.json").read_text()))
    fd = load_pickle(REAL / "finediving_fine-grained_annotation.pkl")
    keys = list(fd)[:10]
    for seed in range(SEEDS):
        rng = random.Random(seed)
        data = copy.deepcopy(tc)
        v = rng.choice(list(data))
        d = rng.choice(list(data[v]))
        data[v][d] = [mutate(it, rng) for it in data[v][d]]
        path = tmp_path / "tc.json"
        path.write_text(json.dumps(data))
        convert_all("tempcompass", path)
        dives = {k: dict(fd[k]) for k in keys}
        k = rng.choice(keys)
        dives[k][rng.choice(list(dives[k]))] = copy.deepcopy(rng.choice(VALUES))
        path = tmp_path / "fd.pkl"
        path.write_bytes(pickle.dumps(dives))
        convert_all("finediving", path)
