"""Video decoding at real sizes: decord and PyAV, one process against vstar's worker pool.

Makes clips locally with PyAV (nothing downloaded): H.264 (libx264) and MPEG-4 part 2, at
480p and 720p, 10 to 60 s, 30 fps, and samples 8 frames per clip as `vstar generate` does
(``vstar_cli.video.load_clip``). For each decoder it reports frames/s (sampled frames
delivered) and clips/s:

  single   one process decodes the clips one after another
  pool     the generate stage's decode worker processes (``vstar_cli.decoding.decode_pool``), all clips in flight

and checks the failure paths at size: a truncated clip is an error (not a crash), and a
decoder that hangs is given up after ``--decode-timeout``. torchcodec is measured too when it
imports and loads here. Run with `make bench` (or `python bench/decode.py`); results in
bench/out/decode.json and bench/out/decode.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLIPS = [  # (codec, height, seconds)
    ("h264", 480, 10),
    ("h264", 720, 30),
    ("h264", 720, 60),
    ("mpeg4", 480, 10),
    ("mpeg4", 720, 30),
]
CODECS = {"h264": ("libx264", ".mp4"), "mpeg4": ("mpeg4", ".avi")}


def make_clip(path: Path, codec: str, height: int, seconds: int, fps: int = 30) -> Path:
    """A moving-gradient clip (cheap to draw, not trivially compressible)."""
    import av
    import numpy as np

    if path.exists():
        return path
    width = height * 16 // 9 // 2 * 2
    name, _ = CODECS[codec]
    tmp = path.with_name("tmp-" + path.name)
    yy, xx = np.mgrid[0:height, 0:width]
    with av.open(str(tmp), "w") as c:
        s = c.add_stream(name, rate=fps)
        s.width, s.height, s.pix_fmt = width, height, "yuv420p"
        if codec == "h264":
            s.options = {"preset": "ultrafast", "g": "60"}
        else:
            s.bit_rate = 2_000_000
        for i in range(seconds * fps):
            frame = np.empty((height, width, 3), np.uint8)
            frame[..., 0] = (xx + 4 * i) % 256
            frame[..., 1] = (yy + 2 * i) % 256
            frame[..., 2] = (xx // 2 + yy // 2 + i) % 256
            for packet in s.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                c.mux(packet)
        for packet in s.encode():
            c.mux(packet)
    tmp.rename(path)
    return path


def _torchcodec_clip(path: str, frames: int):
    from torchcodec.decoders import VideoDecoder

    from vstar_cli.video import sample_indices

    dec = VideoDecoder(path)
    idx = sample_indices(dec.metadata.num_frames, dec.metadata.average_fps or 30.0, frames)
    return dec.get_frames_at(idx).data.permute(0, 2, 3, 1).numpy()


def decoders() -> dict:
    """Decoder name -> (function(path) -> frames, or why it is unavailable)."""
    from functools import partial

    from vstar_cli.video import load_clip

    out: dict = {}
    for name in ("decord", "pyav"):
        try:
            __import__("decord" if name == "decord" else "av")
            out[name] = partial(load_clip, frames=8, backend=name)
        except ImportError as exc:
            out[name] = f"not installed ({exc})"
    try:
        import torchcodec.decoders  # noqa: F401

        out["torchcodec"] = partial(_torchcodec_clip, frames=8)
    except (ImportError, OSError, RuntimeError) as exc:
        out["torchcodec"] = f"not usable here: {str(exc).splitlines()[0][:160]}"
    return out


def _decode(fn, path: str) -> int:
    clip = fn(path)
    return len(getattr(clip, "indices", clip))


def measure(fn, paths: list[str], workers: int) -> dict:
    """Frames/s and clips/s over ``paths``: in this process, or in ``workers`` decode processes."""
    from vstar_cli.decoding import WARM, decode_pool

    t0 = time.perf_counter()
    if workers == 0:
        frames = sum(_decode(fn, p) for p in paths)
    else:
        pool = decode_pool(workers)
        for fut in WARM.get(workers, []):
            fut.result()
        t0 = time.perf_counter()  # the pool's start-up is paid once per run, not per clip
        frames = sum(f.result() for f in [pool.submit(_decode, fn, p) for p in paths])
    secs = time.perf_counter() - t0
    return {
        "seconds": round(secs, 2),
        "frames_per_s": round(frames / secs, 1),
        "clips_per_s": round(len(paths) / secs, 2),
    }


def failure_paths(clips: list[Path], out: Path) -> dict:
    """What each decoder makes of broken clips at size: cut to a third (an MP4 loses its index,
    an AVI its tail) and with garbage written over its middle. A VideoError (an error record in
    the stages) or frames, never a crash; seconds taken shown."""
    import numpy as np

    from vstar_cli.video import VideoError, load_clip

    result = {}
    for clip in clips:
        data = clip.read_bytes()
        cut = out / f"cut-{clip.name}"
        cut.write_bytes(data[: len(data) // 3])
        noisy = out / f"garbage-{clip.name}"
        middle = np.random.default_rng(0).integers(0, 256, len(data) // 5, dtype=np.uint8).tobytes()
        noisy.write_bytes(data[: 2 * len(data) // 5] + middle + data[3 * len(data) // 5 :])
        for broken in (cut, noisy):
            for backend in ("decord", "pyav"):
                t0 = time.perf_counter()
                try:
                    got = load_clip(broken, 8, backend=backend)
                    what = f"{len(got.indices)} frames of {got.total_frames}"
                except VideoError as exc:
                    what = f"error record: {str(exc)[:100]}"
                result[f"{broken.name} / {backend}"] = f"{what} ({time.perf_counter() - t0:.2f}s)"
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=max(1, min(4, (os.cpu_count() or 2) - 1)))
    ap.add_argument("--repeat", type=int, default=4, help="times each clip is decoded per measurement")
    ap.add_argument("--quick", action="store_true", help="only the 10 s clips (a smoke run)")
    args = ap.parse_args()
    out = ROOT / "bench" / "out" / "decode"
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    clips = [c for c in CLIPS if not args.quick or c[2] <= 10]
    paths = {c: make_clip(out / f"{c[0]}_{c[1]}p_{c[2]}s{CODECS[c[0]][1]}", *c) for c in clips}
    print(f"clips ready ({time.time() - t0:.0f}s)", flush=True)
    rows = []
    available = decoders()
    for name, fn in available.items():
        if isinstance(fn, str):
            rows.append({"decoder": name, "note": fn})
            print(f"{name}: {fn}", flush=True)
            continue
        for (codec, height, secs), path in paths.items():
            batch = [str(path)] * args.repeat
            for mode, workers in (("single", 0), (f"pool x{args.workers}", args.workers)):
                try:
                    m = measure(fn, batch, workers)
                except Exception as exc:  # noqa: BLE001 - a decoder failing on a codec is a result
                    m = {"error": f"{type(exc).__name__}: {str(exc)[:160]}"}
                row = {"decoder": name, "codec": codec, "height": height, "seconds_of_video": secs, "mode": mode, **m}
                rows.append(row)
                print(row, flush=True)
    report = {
        "cpu_count": os.cpu_count(),
        "workers": args.workers,
        "frames_per_clip": 8,
        "rows": rows,
        "failure_paths": failure_paths([p for c, p in paths.items() if c[2] == 10], out),
    }
    (ROOT / "bench" / "out" / "decode.json").write_text(json.dumps(report, indent=2))
    lines = ["| decoder | clip | mode | frames/s | clips/s |", "|---|---|---|---:|---:|"]
    for r in rows:
        if "note" in r:
            lines.append(f"| {r['decoder']} | - | - | {r['note']} | |")
        elif "error" in r:
            lines.append(
                f"| {r['decoder']} | {r['codec']} {r['height']}p {r['seconds_of_video']}s | {r['mode']} | {r['error']} | |"
            )
        else:
            clip = f"{r['codec']} {r['height']}p {r['seconds_of_video']}s"
            lines.append(f"| {r['decoder']} | {clip} | {r['mode']} | {r['frames_per_s']} | {r['clips_per_s']} |")
    lines += ["", "| broken clip / decoder | result |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in report["failure_paths"].items()]
    (ROOT / "bench" / "out" / "decode.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
