"""The site builder: files written, facets, frame strips sampled like generate, cache, run folders, the command."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.view.conftest import fabricate_run, fabricate_summary
from vstar_cli.cli import app
from vstar_cli.view.build import ViewConfig, build
from vstar_cli.view.thumbs import Sampling, make_strip

ROOT = Path(__file__).resolve().parents[2]


def load_index(site: Path) -> dict:
    text = (site / "data" / "index.js").read_text(encoding="utf-8")
    return json.loads(text[len("window.VSTAR_INDEX=") : -2])


def load_chunks(site: Path) -> list[dict]:
    out = []
    files = sorted((site / "data").glob("chunk-*.js"), key=lambda p: int(re.findall(r"\d+", p.name)[0]))
    for p in files:
        text = p.read_text(encoding="utf-8")
        out += json.loads(text[text.index(",") + 1 : -3])
    return out


def test_site_has_every_record_and_its_facets(crafted, tmp_path):
    site = tmp_path / "site"
    s = build(
        [crafted.answers, crafted.errors], site, ViewConfig(video_dir=str(crafted.videos), chunk_size=3, workers=2)
    )
    assert s.records == crafted.total == 9
    assert s.status == {"verified": 4, "rejected": 3, "error": 2}
    assert s.chunks == 3 and s.files == 2
    # 3 good videos, one missing, one corrupt (+ the error record's clip2, already counted)
    assert s.videos == 5 and s.strips_failed == 2 and s.strips_built == 3
    assert s.records_without_frames == 3  # gone.mp4, corrupt.mp4 and the raw error line
    idx = load_index(site)
    assert idx["n"] == 9 and idx["missingVideos"] == 2
    status = [idx["facets"]["status"][v] for v in idx["cols"]["status"]]
    assert status == [
        "verified",
        "rejected",
        "verified",
        "verified",
        "verified",
        "rejected",
        "rejected",
        "error",
        "error",
    ]
    assert ["direction", "color"] in idx["facets"]["label"]
    assert set(idx["facets"]["source"]) >= {"generate", "rationalize"}
    reasons = idx["facets"]["reason"]
    assert "label '…' not found in the answer" in reasons  # values blanked so like reasons group
    errs = [s for s in idx["strips"].values() if "error" in s]
    assert any("not found" in e["error"] for e in errs) and len(errs) == 2
    chunks = load_chunks(site)
    assert [c["r"].get("question_id") for c in chunks[:7]] == [r["question_id"] for r in crafted.records]
    assert chunks[0]["r"] == crafted.records[0]  # the record itself, untouched
    assert chunks[7]["e"].startswith("unknown verifier kind") and chunks[7]["il"] == 9 and chunks[7]["l"] == 1
    assert chunks[8]["raw"] == "{not json" and chunks[8]["r"] == {}
    assert idx["files"][0]["href"].endswith("answers.jsonl")
    assert (site / idx["files"][0]["href"]).resolve() == crafted.answers.resolve()
    for name in ("index.html", "assets/app.js", "assets/style.css"):
        assert (site / name).stat().st_size > 500


def test_rationalized_records_carry_the_hint_they_were_given(crafted, tmp_path):
    site = tmp_path / "site"
    build([crafted.answers], site, ViewConfig(video_dir=str(crafted.videos), thumbnails=False))
    chunks = load_chunks(site)
    rat = chunks[2]
    assert rat["r"]["source"] == "rationalize" and rat["h"] == {"text": "right", "inPrompt": True}
    assert "Answer: right." in rat["r"]["prompt"]  # the hint is what the prompt showed
    assert "h" not in chunks[0]
    custom = dict(crafted.records[2], prompt="Question: which way? Explain.", question_id="custom")
    src = tmp_path / "custom.jsonl"
    src.write_text(json.dumps(custom) + "\n")
    build([src], tmp_path / "s2", ViewConfig(thumbnails=False))
    assert load_chunks(tmp_path / "s2")[0]["h"] == {"text": "right", "inPrompt": False}


@pytest.mark.parametrize("frames,fps", [(8, None), (3, None), (None, 4.0)])
def test_strips_sample_like_generate(tmp_path, frames, fps):
    from tests.fixtures.media import write_video
    from vstar_cli.video import load_clip

    video = write_video(tmp_path / "v.mp4", n_frames=24, fps=8, size=(64, 48), seed=3)
    strip = make_strip(str(video), "k", Sampling(frames, fps, 48, "jpeg"), str(tmp_path))
    clip = load_clip(video, frames=frames, fps=fps)
    assert strip.error is None and strip.frames == len(clip.indices)
    from PIL import Image

    img = np.asarray(Image.open(tmp_path / strip.file).convert("RGB")).astype(int)
    assert img.shape == (48, 64 * strip.frames, 3)
    for k, frame in enumerate(clip.frames):  # each tile is the frame generate decodes (JPEG-close)
        tile = img[:, k * 64 : (k + 1) * 64]
        assert np.abs(tile - frame.astype(int)).mean() < 8


def test_rebuild_reuses_strips_until_a_video_changes(crafted, tmp_path):
    site = tmp_path / "site"
    cfg = ViewConfig(video_dir=str(crafted.videos), workers=2)
    first = build([crafted.answers], site, cfg)
    assert first.strips_built == 3 and first.strips_cached == 0
    again = build([crafted.answers], site, cfg)
    assert again.strips_built == 0 and again.strips_cached == 3
    clip = crafted.videos / "clip1.mp4"
    st = clip.stat()
    os.utime(clip, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    third = build([crafted.answers], site, cfg)
    assert third.strips_built == 1 and third.strips_cached == 2
    other = build([crafted.answers], site, ViewConfig(video_dir=str(crafted.videos), frames=4))
    assert other.strips_built == 3  # another sampling is another strip
    assert len(list((site / "thumbs").glob("*.webp"))) == 3  # stale strips pruned
    cache = tmp_path / "cache"
    build([crafted.answers], tmp_path / "s1", ViewConfig(video_dir=str(crafted.videos), cache_dir=str(cache)))
    shared = build([crafted.answers], tmp_path / "s2", ViewConfig(video_dir=str(crafted.videos), cache_dir=str(cache)))
    assert shared.strips_cached == 3 and len(list((tmp_path / "s2" / "thumbs").glob("*.webp"))) == 3


def test_run_folder_gives_cycles_plots_and_error_files(crafted, tmp_path):
    run = fabricate_run(tmp_path / "run", crafted, cycles=2)
    site = tmp_path / "site"
    s = build([run], site, ViewConfig(video_dir=str(crafted.videos)))
    gen = sum(r["source"] == "generate" for r in crafted.records)
    rat = len(crafted.records) - gen
    assert s.records == 2 * (gen + rat + 1) and s.status["error"] == 2
    idx = load_index(site)
    assert idx["facets"]["cycle"] == ["1", "2"]
    names = [f["name"] for f in idx["files"]]
    assert names == [
        "run/cycle1/ver.jsonl",
        "run/cycle1/ratver.jsonl",
        "run/cycle1/verify.errors.jsonl",
        "run/cycle2/ver.jsonl",
        "run/cycle2/ratver.jsonl",
        "run/cycle2/verify.errors.jsonl",
    ]
    assert len(idx["plots"]) == 1 and (site / idx["plots"][0]["src"]).stat().st_size > 1000


def test_several_runs_name_their_cycles(crafted, tmp_path):
    fabricate_run(tmp_path / "demo" / "vstar", crafted, cycles=2)
    fabricate_run(tmp_path / "demo" / "no-rationalization", crafted, cycles=1, report_png=False)
    (tmp_path / "demo" / "data").mkdir()
    site = tmp_path / "site"
    s = build([tmp_path / "demo"], site, ViewConfig(video_dir=str(crafted.videos), thumbnails=False))
    idx = load_index(site)
    assert sorted(idx["facets"]["cycle"]) == ["no-rationalization/1", "vstar/1", "vstar/2"]
    assert s.plots == 2  # vstar's report, and a plot made for the run without one
    same = build(
        [tmp_path / "demo" / "vstar", tmp_path / "demo" / "no-rationalization"], site, ViewConfig(thumbnails=False)
    )
    assert same.records == s.records


def test_a_folder_of_seeds_finds_the_runs_below(crafted, tmp_path):
    """`runs/demo` holds seedN/vstar and seedN/no-rationalization: runs two levels down are found."""
    for seed in (0, 1):
        fabricate_run(tmp_path / "demo" / f"seed{seed}" / "vstar", crafted, cycles=1, report_png=False)
        fabricate_run(tmp_path / "demo" / f"seed{seed}" / "no-rationalization", crafted, cycles=1, report_png=False)
    (tmp_path / "demo" / "data" / "videos").mkdir(parents=True)
    site = tmp_path / "site"
    build([tmp_path / "demo"], site, ViewConfig(video_dir=str(crafted.videos), thumbnails=False))
    cycles = sorted(load_index(site)["facets"]["cycle"])
    assert cycles == ["seed0/no-rationalization/1", "seed0/vstar/1", "seed1/no-rationalization/1", "seed1/vstar/1"]


def test_view_command(crafted, tmp_path):
    site = tmp_path / "site"
    args = ["view", str(crafted.answers), str(crafted.errors), "--video-dir", str(crafted.videos), "-o", str(site)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "9 records from 2 file(s)" in res.output and "2 without frames" in res.output
    assert f"open {(site / 'index.html').resolve()}" in res.output
    bad = CliRunner().invoke(app, ["view", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "s2")])
    assert bad.exit_code == 2 and "input not found" in bad.output and "Traceback" not in bad.output
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("keep me")
    res = CliRunner().invoke(app, ["view", str(crafted.answers), "-o", str(foreign)])
    assert res.exit_code == 2 and "not empty" in res.output and (foreign / "thesis.tex").exists()
    res = CliRunner().invoke(app, ["view", str(crafted.answers), "-o", str(tmp_path / "s3"), "--frames", "0"])
    assert res.exit_code == 2 and "frames" in res.output
    res = CliRunner().invoke(app, ["view", str(tmp_path), "-o", str(tmp_path / "s4")])
    assert res.exit_code == 2 and "neither a JSONL file nor a run folder" in res.output


def test_summary_tables_are_on_the_run_page(crafted, tmp_path):
    """--summary: the summary's tables (the ablation per label type among them) go into the page's index."""
    run, abl, summary = fabricate_summary(tmp_path / "demo", crafted)
    site = tmp_path / "site"
    build([run, abl], site, ViewConfig(video_dir=str(crafted.videos), thumbnails=False, summary=str(summary)))
    idx = load_index(site)
    titles = [t["title"] for t in idx["tables"]]
    assert titles[0].startswith("Held-out accuracy by cycle") and titles[1].startswith("Held-out accuracy by label")
    table = next(t for t in idx["tables"] if t["title"].startswith("Without rationalization by label type"))
    assert table["headers"] == ["label type", "no rat. 1", "effect 1"]
    assert table["rows"] == [["motion", "0.000 [0.000, 0.000]", "+100.0 [+100.0, +100.0]"]]
    by_type = idx["tables"][1]  # with rationalization, per label type
    assert by_type["rows"] == [["motion", "0.000 [0.000, 0.000]", "1.000 [1.000, 1.000]", "+100.0 [+100.0, +100.0]"]]
    assert "with vs without rationalization at cycle 1: +100.0 points" in idx["tablesNote"]
    assert "tables" not in load_index(build([run], tmp_path / "s2", ViewConfig(thumbnails=False)).site)
    # through the command, and its one-line errors
    res = CliRunner().invoke(app, ["view", str(run), "-o", str(tmp_path / "s4"), "--summary", str(summary), "-q"])
    assert res.exit_code == 0, res.output
    assert len(load_index(tmp_path / "s4")["tables"]) == len(idx["tables"])
    for bad, needle in ((tmp_path / "nope.json", "cannot read"), (crafted.answers, "not a summary")):
        res = CliRunner().invoke(app, ["view", str(run), "-o", str(tmp_path / "s3"), "--summary", str(bad)])
        assert res.exit_code == 2 and needle in res.output and "Traceback" not in res.output
        assert not (tmp_path / "s3").exists()  # nothing written


def test_real_verify_output_is_shown(crafted, tmp_path):
    """Answers verified by `vstar verify` itself: verdict spans are used when present, never re-parsed."""
    answers = [{k: v for k, v in r.items() if k not in ("verified", "verdict")} for r in crafted.records[:5]]
    src = tmp_path / "answers.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in answers))
    ver = tmp_path / "ver.jsonl"
    res = CliRunner().invoke(app, ["verify", str(src), "-o", str(ver), "-q"])
    assert res.exit_code == 0, res.output
    site = tmp_path / "site"
    build([ver], site, ViewConfig(video_dir=str(crafted.videos), thumbnails=False))
    chunks = load_chunks(site)
    assert [c["s"] for c in chunks] == [
        "verified" if r["verified"] else "rejected" for r in map(json.loads, ver.open())
    ]
    for c in chunks:
        for v in c["r"]["verdict"].values():
            if "span" in v:  # whatever the verifier read lies inside the answer
                a, b = v["span"]
                assert 0 <= a < b <= len(c["r"]["output"])


def test_demo_recipe_ends_with_the_view(tmp_path):
    res = subprocess.run(
        ["make", "-n", "-f", str(ROOT / "recipes" / "demo.mk"), "DEMO=run", "VSTAR=vstar"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    # Under `make test` the inner make is a sub-make: it adds "make[N]: Entering/Leaving directory" lines.
    lines = [x for x in res.stdout.strip().splitlines() if not x.startswith("make")]
    assert (
        "vstar view run/seed0/vstar run/seed0/no-rationalization --video-dir run/data/videos --frames 8 "
        "--summary run/summary.json -o run/view" in lines[-2]
    )
    assert "open" in lines[-1] and "run/view/index.html" in lines[-1]


def test_videos_outside_the_video_dir_are_not_opened(tmp_path):
    """As in generate: '..', absolute paths and outward symlinks are refused unless allowed."""
    from tests.fixtures.media import write_video

    inside, outside = tmp_path / "videos", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    secret = write_video(outside / "secret.mp4", n_frames=8, fps=8, size=(32, 32), seed=1)
    (inside / "link.mp4").symlink_to(secret)
    names = ["../elsewhere/secret.mp4", str(secret), "link.mp4"]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"question_id": f"q{i}", "video_path": n}) + "\n" for i, n in enumerate(names)))
    s = build([src], tmp_path / "site", ViewConfig(video_dir=str(inside), workers=1))
    assert s.records_without_frames == 3 and s.strips_built == 0  # two names are one file: one failed strip
    cfg = ViewConfig(video_dir=str(inside), workers=1, allow_outside_video_dir=True)
    s = build([src], tmp_path / "site2", cfg)
    assert s.strips_built >= 1 and s.strips_failed == 0 and s.records_without_frames == 0
