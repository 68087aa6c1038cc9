"""``vstar prepare``: public annotation formats -> labeled records of the contract."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Optional

import typer

from vstar_cli.commands._common import Timer, check_outputs, console, guarded, setup_logging, usage_error
from vstar_cli.io import JsonlWriter, OutputError

app = typer.Typer(
    help="Turn public dataset annotations into labeled records (several phrasings per task, seeded).",
    rich_markup_mode="rich",
    no_args_is_help=True,
)

Out = Annotated[str, typer.Option("-o", "--output", help="Labeled records (JSONL); '-' for stdout.")]
Seed = Annotated[int, typer.Option(help="Seed of the phrasing draw.")]
Bank = Annotated[Optional[Path], typer.Option("--questions", help="Question bank from vstar questions (JSONL).")]
BankMode = Annotated[str, typer.Option("--questions-mode", help="both | bank | templates: where phrasings come from.")]
Quiet = Annotated[bool, typer.Option("-q", "--quiet", help="Only errors on stderr.")]


def _phraser(seed: int, bank: Path | None, mode: str):
    from vstar_cli.prepare.phrasing import Phraser, load_bank

    if bank is not None and not bank.is_file():
        raise usage_error(f"question bank not found: {bank}")
    try:
        return Phraser(seed, load_bank(bank) if bank else None, "templates" if bank is None else mode)
    except (ValueError, KeyError) as exc:
        raise usage_error(str(exc)) from None


def _write(name: str, make: Callable[[], Iterator[dict]], output: str, quiet: bool, inputs: list[Path]) -> None:
    setup_logging(quiet)
    for p in inputs:
        if p is not None and not Path(p).exists():
            raise usage_error(f"{name}: input not found: {p}")
    check_outputs(inputs, {"-o": output})
    timer = Timer()
    n = 0
    write = guarded(_write_all)  # a closed stdout ends quietly
    try:
        n = write(make, output)
    except (ValueError, KeyError, OSError, OutputError) as exc:
        raise usage_error(f"{name}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    except typer.Exit:
        raise
    except Exception as exc:  # noqa: BLE001 - a file the converter cannot read is a one-line error, not a traceback
        why = str(exc).splitlines()[0][:300] if str(exc) else ""
        raise usage_error(
            f"{name}: cannot read {', '.join(str(p) for p in inputs if p)}: {type(exc).__name__} {why}"
        ) from None
    if not quiet:
        console.print(f"prepare {name}: {n} records ({timer.seconds:.1f}s)")


def _write_all(make: Callable[[], Iterator[dict]], output: str) -> int:
    n = 0
    with JsonlWriter(output) as out:
        for rec in make():
            out.write(rec)
            n += 1
    return n


@app.command("kinetics700")
def kinetics700_cmd(
    csv_file: Annotated[
        Path, typer.Argument(help="Kinetics-700 annotation CSV (label, youtube_id, time_start, time_end, split).")
    ],
    output: Out = "-",
    split: Annotated[Optional[str], typer.Option(help="Keep rows of this split only (train, val).")] = None,
    video_pattern: Annotated[
        str, typer.Option(help="Video path from CSV fields.")
    ] = "{youtube_id}_{time_start:06d}_{time_end:06d}.mp4",
    seed: Seed = 0,
    questions: Bank = None,
    questions_mode: BankMode = "both",
    quiet: Quiet = False,
) -> None:
    """Action recognition questions ([italic]simple[/] labels) from the Kinetics-700 CSV."""
    from vstar_cli.prepare.datasets import kinetics700

    ph = _phraser(seed, questions, questions_mode)
    _write("kinetics700", lambda: kinetics700(csv_file, ph, split, video_pattern), output, quiet, [csv_file])


@app.command("finediving")
def finediving_cmd(
    annotations: Annotated[Path, typer.Argument(help="FineDiving_fine-grained_annotation.pkl")],
    split: Annotated[Optional[Path], typer.Option(help="train_split.pkl or test_split.pkl (keys to keep).")] = None,
    output: Out = "-",
    video_pattern: Annotated[
        str, typer.Option(help="Video path from {competition} and {index}.")
    ] = "{competition}_{index}.mp4",
    fps: Annotated[float, typer.Option(help="Frame rate of the annotated frames (for durations).")] = 25.0,
    seed: Seed = 0,
    questions: Bank = None,
    questions_mode: BankMode = "both",
    quiet: Quiet = False,
) -> None:
    """Sub-action sequence, before/after, difficulty and score questions from FineDiving (pickles read safely)."""
    from vstar_cli.prepare.datasets import finediving

    ph = _phraser(seed, questions, questions_mode)
    _write(
        "finediving",
        lambda: finediving(annotations, ph, split, video_pattern, fps),
        output,
        quiet,
        [annotations, split],
    )


@app.command("star")
def star_cmd(
    star_json: Annotated[Path, typer.Argument(help="STAR_train.json / STAR_val.json")],
    output: Out = "-",
    classes_dir: Annotated[Optional[Path], typer.Option(help="STAR's classes/ folder (code -> name).")] = None,
    video_dir: Annotated[
        Optional[Path], typer.Option(help="Charades videos, for temporal and spatial questions.")
    ] = None,
    video_pattern: Annotated[str, typer.Option(help="Video path from {video_id}.")] = "{video_id}.mp4",
    seed: Seed = 0,
    questions: Bank = None,
    questions_mode: BankMode = "both",
    quiet: Quiet = False,
) -> None:
    """QA, reversed QA, temporal ranges and object identity/comparison from the STAR benchmark."""
    from vstar_cli.prepare.datasets import star

    ph = _phraser(seed, questions, questions_mode)
    stats: dict = {}

    def make():
        yield from star(star_json, ph, classes_dir, video_dir, video_pattern, stats)
        if stats.get("skipped_no_video") and not quiet:
            console.print(
                f"star: {stats['skipped_no_video']} questions without a readable video: temporal and "
                "spatial questions skipped for them (pass --video-dir)"
            )

    _write("star", make, output, quiet, [star_json, classes_dir, video_dir])


@app.command("ssv2")
def ssv2_cmd(
    labels_json: Annotated[
        Path, typer.Argument(help="something-something-v2-train.json (id, label, template, placeholders).")
    ],
    output: Out = "-",
    video_pattern: Annotated[str, typer.Option(help="Video path from {id}.")] = "{id}.webm",
    seed: Seed = 0,
    questions: Bank = None,
    questions_mode: BankMode = "both",
    quiet: Quiet = False,
) -> None:
    """Object ([italic]simple[/]) and relationship ([italic]sentence[/]) questions from Something-Something v2."""
    from vstar_cli.prepare.datasets import ssv2

    ph = _phraser(seed, questions, questions_mode)
    _write("ssv2", lambda: ssv2(labels_json, ph, video_pattern), output, quiet, [labels_json])


@app.command("tempcompass")
def tempcompass_cmd(
    questions_json: Annotated[Path, typer.Argument(help="TempCompass questions/multi-choice.json or yes_no.json.")],
    output: Out = "-",
    video_pattern: Annotated[str, typer.Option(help="Video path from {video_id}.")] = "{video_id}.mp4",
    quiet: Quiet = False,
) -> None:
    """Evaluation records with [italic]choices[/] (multi-choice) or yes/no labels from TempCompass."""
    from vstar_cli.prepare.datasets import tempcompass

    _write("tempcompass", lambda: tempcompass(questions_json, video_pattern), output, quiet, [questions_json])


@app.command("synthetic")
def synthetic_cmd(
    out: Annotated[Path, typer.Option("--out", help="Directory for videos/, train.jsonl, test.jsonl, captions.jsonl.")],
    train: Annotated[int, typer.Option(help="Training clips (five questions each).")] = 160,
    test: Annotated[int, typer.Option(help="Held-out clips (five questions each).")] = 60,
    caption_clips: Annotated[
        int,
        typer.Option(help="Clips rendered for the base model's captions only (0: caption the training clips)."),
    ] = 600,
    captions_per_clip: Annotated[int, typer.Option(help="Captions per captioned clip.")] = 2,
    seed: Seed = 0,
    quiet: Quiet = False,
) -> None:
    """Rendered clips of moving squares with labels of five kinds: the embedded default dataset.

    Labels: motion ([italic]simple[/]), count ([italic]float[/]), visible span ([italic]temporal_range[/]),
    marker ([italic]bbox[/]) and event order ([italic]sentence_sequence[/]); held-out questions are phrased
    differently from training ones, and captions differently from both.
    """
    from vstar_cli.synthetic import build

    setup_logging(quiet)
    timer = Timer()
    counts = build(
        out, train=train, test=test, captions_per_clip=captions_per_clip, seed=seed, caption_clips=caption_clips
    )
    if not quiet:
        console.print(
            f"prepare synthetic: {counts['train']} train and {counts['test']} test questions, "
            f"{counts['captions']} captions in {out} ({timer.seconds:.1f}s)"
        )


@app.command("tiny-model")
def tiny_model_cmd(
    out: Annotated[Path, typer.Option("--out", help="Model directory to write (save_pretrained).")],
    data: Annotated[
        Optional[Path], typer.Option(help="A `prepare synthetic` directory: the tokenizer is trained on its text.")
    ] = None,
    arch: Annotated[str, typer.Option(help="qwen2_vl | llava_onevision | video_llava.")] = "qwen2_vl",
    hidden: Annotated[int, typer.Option(help="Language model width.")] = 128,
    layers: Annotated[int, typer.Option(help="Language model layers.")] = 2,
    vision_dim: Annotated[int, typer.Option(help="Vision tower width (qwen2_vl).")] = 64,
    vision_depth: Annotated[int, typer.Option(help="Vision tower blocks (qwen2_vl).")] = 2,
    seed: Seed = 0,
    quiet: Quiet = False,
) -> None:
    """A tiny random-weight video LVLM of a real architecture, with a tokenizer trained here."""
    import json

    from vstar_cli.tiny_models import BUILDERS, build

    setup_logging(quiet)
    if arch not in BUILDERS:
        raise usage_error(f"unknown architecture {arch!r} (known: {', '.join(BUILDERS)})")
    texts: list[str] = []
    if data is not None:
        for name in ("captions", "train", "test"):
            path = data / f"{name}.jsonl"
            if not path.exists():
                raise usage_error(f"{path} not found (run vstar prepare synthetic first)")
            for line in path.read_text(encoding="utf-8").splitlines():
                r = json.loads(line)
                texts += [c["value"] for c in r.get("conversations", [])] or [
                    r.get("question", ""),
                    json.dumps(r.get("label")),
                ]
    extra = {"vision_dim": vision_dim, "vision_depth": vision_depth} if arch == "qwen2_vl" else {}
    path = build(arch, out, corpus=texts, hidden=hidden, layers=layers, seed=seed, **extra)
    if not quiet:
        console.print(f"prepare tiny-model: {arch} ({hidden} wide, {layers} layers) written to {path}")
