"""Benchmark of `vstar view`: build rate on 2 cores and open time in headless Chromium.

Run with `make bench` (or `python bench/view.py --records 100000 --videos 200`). Targets (issue 16):
100,000 records open in under 3 s (time to the first rendered rows); thumbnails built in
parallel worker processes. Results go to stdout and bench/out/view.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fixtures.view_inputs import make_inputs  # noqa: E402


def open_times(site: Path, repeats: int) -> dict:
    """Time to the first rendered rows, a filter and a full-text search, in headless Chromium."""
    from tests.view.cdp import Browser, find_chromium

    binary = find_chromium()
    if binary is None:
        return {"skipped": "no Chromium on PATH (apt-get install chromium)"}
    url = (site / "index.html").as_uri()
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp, Browser(binary, Path(tmp) / "profile") as b:
        walls, firsts = [], []
        for _ in range(repeats):
            b.send("Page.navigate", url="about:blank")
            t0 = time.perf_counter()
            b.open(url, timeout=60)
            walls.append(time.perf_counter() - t0)
            firsts.append(b.eval("window.vstarFirstRender") / 1000)
        rows = b.eval("document.querySelectorAll('article.rec').length")
        t0 = time.perf_counter()
        b.eval(
            "new Promise(done => { const s = document.getElementById('f-status');"
            " s.value = String(VSTAR_INDEX.facets.status.indexOf('rejected')); document.body.dataset.ready = '';"
            " s.dispatchEvent(new Event('change')); (function wait() { document.body.dataset.ready === '1' ? done() : setTimeout(wait, 5); })(); })"
        )
        filter_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        b.eval(
            "(() => { const q = document.getElementById('q'); q.value = 'clip 7?'; document.body.dataset.ready = '';"
            " q.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'})); })()"
        )
        b.wait_for("document.body.dataset.ready === '1'", timeout=120)
        search_s = time.perf_counter() - t0
        found = b.eval("document.getElementById('counts').textContent")
        out = {
            "open_seconds_median": round(statistics.median(walls), 3),
            "open_seconds": [round(w, 3) for w in walls],
            "first_rows_after_navigation_seconds": [round(x, 3) for x in firsts],
            "rows_rendered": rows,
            "filter_seconds": round(filter_s, 3),
            "search_all_chunks_seconds": round(search_s, 3),
            "search_counts": found,
            "network_requests_not_file": [u for u in b.requests if not u.startswith(("file://", "about:"))],
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--videos", type=int, default=200, help="distinct videos (thumbnails are per video)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    from vstar_cli.view.build import ViewConfig, build

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        data, videos = make_inputs(root, args.records, args.videos)
        made = time.perf_counter() - t0
        site = root / "site"
        cfg = ViewConfig(video_dir=str(videos), workers=args.workers)
        cold = build([data], site, cfg)
        warm = build([data], site, cfg)
        opened = open_times(site, args.repeats)
        size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        result = {
            "records": cold.records,
            "videos": cold.videos,
            "workers": args.workers,
            "inputs_made_seconds": round(made, 1),
            "build_seconds": round(cold.seconds, 2),
            "build_records_per_s": round(cold.records / cold.seconds),
            "rebuild_cached_seconds": round(warm.seconds, 2),
            "rebuild_records_per_s": round(warm.records / warm.seconds),
            "strips_built": cold.strips_built,
            "strips_cached_on_rebuild": warm.strips_cached,
            "chunks": cold.chunks,
            "index_js_bytes": (site / "data" / "index.js").stat().st_size,
            "site_bytes": size,
            "browser": opened,
        }
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "view.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
