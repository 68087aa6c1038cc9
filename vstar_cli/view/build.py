"""Build the static viewer site: records in chunks, a small index of facets, frame strips, plots.

The page (``assets/``) loads ``data/index.js`` (one integer per record and facet, for filters
and counts) and fetches ``data/chunk-N.js`` only for the records it shows or searches, so
100,000 records open as fast as 100. Everything is a local file: the site makes no network
request and works from disk.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from vstar_cli.groups import VideoOptions
from vstar_cli.view.sources import Entry, discover, entries, video_of
from vstar_cli.view.thumbs import Sampling, Strip, StripMaker

MARKER = ".vstar-view"
ASSETS = ("app.js", "style.css")
FACETS = ("status", "label", "kind", "source", "reason", "cycle", "file")


@dataclass
class ViewConfig(VideoOptions):
    """Options of ``vstar view``."""

    thumb_height: int = field(default=64, metadata={"help": "thumbnail height in pixels"})
    thumb_format: str = field(default="webp", metadata={"help": "webp | jpeg"})
    workers: int = field(default=0, metadata={"help": "thumbnail worker processes (0: one per CPU core)"})
    chunk_size: int = field(default=200, metadata={"help": "records per data chunk the page loads"})
    cache_dir: str | None = field(
        default=None, metadata={"help": "keep thumbnails here between builds (default: SITE/thumbs)"}
    )
    thumbnails: bool = field(default=True, metadata={"help": "make frame strips"})
    title: str | None = field(default=None, metadata={"help": "page title"})
    summary: str | None = field(
        default=None,
        metadata={
            "help": "a summary.json of `vstar report --summary`: the run page shows its tables (per label "
            "type, with and without rationalization, the effect with intervals)"
        },
    )

    def __post_init__(self) -> None:
        self.check_video()
        if not 8 <= self.thumb_height <= 512:
            raise ValueError("thumb_height must be between 8 and 512")
        if self.thumb_format not in {"webp", "jpeg"}:
            raise ValueError("thumb_format must be webp or jpeg")
        if self.chunk_size < 1 or self.workers < 0:
            raise ValueError("chunk_size must be >= 1 and workers >= 0")

    def sampling(self) -> Sampling:
        """The frame sampling and thumbnail size, as the strip cache keys them."""
        return Sampling(
            None if self.fps else self.frames, self.fps, self.thumb_height, self.thumb_format, self.video_backend
        )


@dataclass
class BuildSummary:
    """What a build wrote, for the command's stderr summary."""

    site: Path
    records: int = 0
    status: Counter = field(default_factory=Counter)
    files: int = 0
    chunks: int = 0
    videos: int = 0
    strips_built: int = 0
    strips_cached: int = 0
    strips_failed: int = 0
    records_without_frames: int = 0
    plots: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def index(self) -> Path:
        return self.site / "index.html"


class SiteError(ValueError):
    """The output folder cannot be used (holds something that is not a viewer site)."""


class _Interner:
    """Value -> small integer, in order of first appearance."""

    def __init__(self) -> None:
        self.ids: dict = {}

    def __call__(self, value) -> int:
        return self.ids.setdefault(value, len(self.ids))

    def values(self) -> list:
        return list(self.ids)


def _prepare(site: Path) -> None:
    if site.exists() and not site.is_dir():
        raise SiteError(f"output {site} is a file, not a folder")
    if site.is_dir() and any(site.iterdir()) and not (site / MARKER).exists():
        raise SiteError(f"output folder {site} is not empty and was not made by vstar view; choose another")
    (site / "data").mkdir(parents=True, exist_ok=True)
    for old in (site / "data").glob("*.js"):
        old.unlink()
    (site / MARKER).write_text("made by vstar view; rebuilt in place\n", encoding="utf-8")


def _href(path: Path, site: Path) -> str:
    try:
        rel = os.path.relpath(path.resolve(), site.resolve())
    except ValueError:  # another drive: only an absolute URI reaches it
        return path.resolve().as_uri()
    return quote(Path(rel).as_posix())


def _hint(rec: dict) -> dict | None:
    """The gold label as rationalization showed it to the model (the prompt keeps the full text)."""
    if rec.get("source") != "rationalize" or not isinstance(rec.get("label"), dict):
        return None
    from vstar_cli.prompts import render_label

    try:
        hint = render_label(rec)
    except (TypeError, ValueError):
        return None
    prompt = rec.get("prompt")
    if isinstance(prompt, str) and hint not in prompt:
        # A custom template without {label}: the model was not shown it, and the page says so.
        return {"text": hint, "inPrompt": False}
    return {"text": hint, "inPrompt": isinstance(prompt, str)}


def _payload(e: Entry, strip: str | None, hint: dict | None) -> dict:
    out = {"r": e.record, "f": e.file, "l": e.line, "c": e.cycle, "s": e.status}
    for key, value in (("v", strip), ("e", e.error), ("raw", e.raw), ("il", e.input_line), ("h", hint)):
        if value is not None:
            out[key] = value
    return out


def _write_js(path: Path, prefix: str, doc, suffix: str = ";\n") -> None:
    """``prefix + JSON + suffix`` as UTF-8; a lone surrogate (JSON allows ``"\\ud800"``) stays an escape.

    Surrogates only occur inside JSON strings, where ``backslashreplace`` writes exactly the
    ``\\udXXX`` escape JavaScript reads back, so one odd record cannot stop the build.
    """
    data = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    if '"__proto__"' in data:
        # In a JavaScript object literal a "__proto__" key sets the prototype instead of a field;
        # JSON.parse keeps it as the record's own key.
        data = "JSON.parse(" + json.dumps(data, ensure_ascii=False) + ")"
    path.write_bytes((prefix + data + suffix).encode("utf-8", "backslashreplace"))


def _plots(found, site: Path, summary: BuildSummary) -> list[dict]:
    out = []
    plot_dir = site / "plots"
    if plot_dir.exists():
        shutil.rmtree(plot_dir)
    with_png = {png.parent for _, png in found.plots}
    todo = list(found.plots)
    for run in found.runs:
        if run not in with_png:
            # A run still in progress has no report yet: plot what is there, into the site only.
            try:
                from vstar_cli.reporting.report import collect, plot

                plot_dir.mkdir(parents=True, exist_ok=True)
                target = plot_dir / f"{len(todo)}-{run.name}.png"
                plot(collect(run), target)
                todo.append((f"{run.name} (so far)", target))
            except Exception as exc:  # a plot is a nicety: a failure is a note, not a failed build
                summary.notes.append(f"no plot for {run}: {type(exc).__name__}: {exc}")
    for i, (title, png) in enumerate(todo):
        plot_dir.mkdir(parents=True, exist_ok=True)
        name = f"{i}-{png.parent.name}-{png.name}" if png.parent != plot_dir else png.name
        if png.parent != plot_dir:
            shutil.copyfile(png, plot_dir / name)
        out.append({"title": title, "src": f"plots/{quote(name)}"})
    summary.plots = len(out)
    return out


def _summary_tables(path: str | None) -> dict:
    """``tables`` (title, headers, rows) and ``tablesNote`` of a ``vstar report --summary`` file, for the page.

    Raises ``ValueError`` with a one-line reason for a file that is missing or not such a summary.
    """
    if path is None:
        return {}
    from vstar_cli.reporting.report import effect_lines, gain_line, summary_tables

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        tables = summary_tables(data)
        note = "; ".join([gain_line(data), *effect_lines(data)])
    except OSError as exc:
        raise ValueError(f"--summary: cannot read {path}: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ValueError(
            f"--summary: {path} is not a summary of vstar report --summary ({type(exc).__name__})"
        ) from None
    return {
        "tables": [{"title": t, "headers": h, "rows": r} for t, h, r in tables],
        "tablesNote": f"{note}. Intervals: {data.get('interval', '-')}.",
    }


def _confined(cfg: ViewConfig, video: str) -> tuple[str, str | None]:
    """The video's file and, when it leads outside --video-dir (as generate refuses), why it is not opened."""
    from vstar_cli.video import VideoError, video_path

    try:
        return video_path(cfg.video_dir, video, cfg.allow_outside_video_dir), None
    except VideoError as exc:
        return os.path.join(cfg.video_dir, video), str(exc)


def build(
    inputs: list[str | Path], site: str | Path, cfg: ViewConfig | None = None, advance: Callable[[], None] | None = None
) -> BuildSummary:
    """Write the viewer site for ``inputs`` (JSONL files or run folders) into ``site``.

    ``advance`` is called once per record read (a progress bar's).

    Raises ``ValueError`` (or :class:`SiteError`) with a one-line reason for unusable inputs.
    """
    cfg = cfg or ViewConfig()
    started = time.perf_counter()
    tables = _summary_tables(cfg.summary)  # a bad --summary fails before any work
    site = Path(site)
    found = discover(list(inputs))
    if not found.sources:
        raise ValueError("no records to show: the run folders hold no cycle files yet")
    _prepare(site)
    summary = BuildSummary(site)
    thumbs_dir = site / "thumbs"
    cache = Path(cfg.cache_dir) if cfg.cache_dir else thumbs_dir
    maker = StripMaker(cfg.sampling(), thumbs_dir, cache, cfg.workers or os.cpu_count() or 1)
    ids = {name: _Interner() for name in FACETS}
    cols: dict[str, list[int]] = {name: [] for name in FACETS}
    record_strips: list[str | None] = []
    chunk: list[dict] = []

    def flush() -> None:
        _write_js(site / "data" / f"chunk-{summary.chunks}.js", f"vstarChunk({summary.chunks},", chunk, ");\n")
        summary.chunks += 1
        chunk.clear()

    try:
        for fi, src in enumerate(found.sources):
            for e in entries(src, fi):
                video = video_of(e.record)
                strip = None
                if video is not None and cfg.thumbnails:
                    strip = maker.add(*_confined(cfg, video))
                record_strips.append(strip)
                for name, value in (
                    ("status", e.status),
                    ("label", e.labels),
                    ("kind", e.kinds),
                    ("source", e.source),
                    ("reason", e.reason),
                    ("cycle", e.cycle),
                    ("file", fi),
                ):
                    cols[name].append(ids[name](value))
                summary.status[e.status] += 1
                chunk.append(_payload(e, strip, _hint(e.record)))
                if len(chunk) >= cfg.chunk_size:
                    flush()
                if advance is not None:
                    advance()
        if chunk:
            flush()
        strips = maker.finish()
    except BaseException:
        maker.close()
        raise
    summary.records = len(record_strips)
    summary.files = len(found.sources)
    if not summary.records:
        summary.notes.append("the inputs hold no records: the site shows an empty list")
    summary.videos = len(strips)
    summary.strips_built, summary.strips_cached = maker.built, maker.cached
    summary.strips_failed = sum(1 for s in strips.values() if s.file is None)
    summary.records_without_frames = sum(1 for k in record_strips if k is None or strips[k].file is None)
    _prune(thumbs_dir, strips, cache)
    index = {
        "version": 1,
        "title": cfg.title or _default_title(found),
        "n": summary.records,
        "chunkSize": cfg.chunk_size,
        "facets": {name: ids[name].values() for name in FACETS if name != "file"},
        "cols": cols,
        "files": [
            {"name": _short(src.path), "href": _href(src.path, site), "cycle": src.cycle} for src in found.sources
        ],
        "strips": {k: s.to_json() for k, s in strips.items()},
        "plots": _plots(found, site, summary),
        **tables,
        "sampling": cfg.sampling().describe(),
        "missingVideos": summary.strips_failed,
    }
    _write_js(site / "data" / "index.js", "window.VSTAR_INDEX=", index)
    _write_assets(site, index["title"])
    summary.seconds = time.perf_counter() - started
    return summary


def _short(path: Path) -> str:
    parts = path.parts[-3:] if _is_cycle(path.parent.name) else path.parts[-1:]
    return "/".join(parts)


def _is_cycle(name: str) -> bool:
    return name.startswith("cycle") and name[5:].isdigit()


def _default_title(found) -> str:
    if found.runs:
        return "vstar view: " + ", ".join(r.name for r in found.runs)
    return "vstar view: " + ", ".join(s.path.name for s in found.sources[:3]) + ("…" if len(found.sources) > 3 else "")


def _prune(thumbs_dir: Path, strips: dict[str, Strip], cache: Path) -> None:
    """Drop strips of videos the site no longer shows (the cache, if elsewhere, keeps them)."""
    keep = {s.file for s in strips.values() if s.file}
    keep |= {f"{k}.json" for k in strips} if cache == thumbs_dir else set()
    for p in thumbs_dir.iterdir():
        if p.name not in keep and p.is_file():
            p.unlink()


def _write_assets(site: Path, title: str) -> None:
    assets = resources.files("vstar_cli.view") / "assets"
    (site / "assets").mkdir(exist_ok=True)
    for name in ASSETS:
        (site / "assets" / name).write_text((assets / name).read_text(encoding="utf-8"), encoding="utf-8")
    page = (assets / "index.html").read_text(encoding="utf-8").replace("{{title}}", html.escape(title))
    # A title from an undecodable file name holds surrogates: written as U+FFFD, not a failed build.
    (site / "index.html").write_bytes(page.encode("utf-8", "replace"))
