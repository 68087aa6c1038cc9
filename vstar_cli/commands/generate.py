"""``vstar generate`` and ``vstar rationalize``: answer labeled samples with a video LVLM."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from vstar_cli import config
from vstar_cli.commands._common import (
    ErrorSink,
    Timer,
    check_input,
    check_outputs,
    check_sources,
    console,
    setup_logging,
    usage_error,
)
from vstar_cli.commands.verify import KindPluginOption, load_kind_plugins
from vstar_cli.io import ErrorRecord, JsonlWriter, done_pairs, flag_duplicate_ids, read_records, repair_tail


def part_path(output: str, rank: int, world: int) -> str:
    """The part file of one process: ``gen.jsonl`` -> ``gen.part1-of-4.jsonl``.

    >>> part_path("out/gen.jsonl", 1, 4)
    'out/gen.part1-of-4.jsonl'
    """
    p = Path(output)
    return str(p.with_name(f"{p.stem}.part{rank}-of-{world}{p.suffix or '.jsonl'}"))


def parse_shard(text: str) -> tuple[int, int]:
    """``"i/N"`` -> ``(i, N)`` with ``0 <= i < N``."""
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard must look like i/N (e.g. 0/4), got {text!r}") from None
    if n < 1 or not 0 <= i < n:
        raise ValueError(f"--shard {text}: need 0 <= i < N")
    return i, n


def _run(
    source: str,
    input: str,
    output: str,
    errors: Optional[Path],
    resume: bool,
    shard: Optional[str],
    config_file: Optional[Path],
    quiet: bool,
    force: bool = False,
    **flags,
) -> None:
    from vstar_cli.stages.generate import GenerateConfig, identity, run, shard_from_env

    setup_logging(quiet)
    try:
        cfg = config.resolve(GenerateConfig, config_file, source=source, **flags)
        cfg.template  # noqa: B018 - validates the template file before any model loads
        shard_t = parse_shard(shard) if shard else shard_from_env()
    except (config.ConfigError, ValueError) as exc:
        raise usage_error(str(exc)) from None
    check_input(input)
    check_sources(cfg.model, cfg.video_dir, cfg.adapter)
    shard_t = shard_t or (0, 1)
    if output != "-" and shard is None and shard_t[1] > 1:
        output = part_path(output, *shard_t)
    check_outputs([input], {"-o": output, "--errors": errors})
    if resume and output == "-":
        raise usage_error("--resume needs -o FILE")
    if not resume and not force and output != "-" and Path(output).is_file() and Path(output).stat().st_size > 0:
        raise usage_error(f"{output} exists: pass --resume to continue it, or --force to overwrite it")

    timer = Timer()
    stats: dict = {}
    n = 0
    # The output is locked before it is read for --resume: a second run on it stops here.
    with JsonlWriter(output, append=resume, direct=True) as out:
        done: set = set()
        if resume:
            cut = repair_tail(output)
            if cut:
                console.print(f"resume: cut a torn last line ({cut} bytes) from {output}")
            done = done_pairs(output, source)
        sink = ErrorSink(errors, direct=True)
        try:
            records = flag_duplicate_ids(read_records(input), lambda rec: identity(rec, source))
            for item in run(records, cfg, done=done, shard=shard_t, stats=stats):
                if isinstance(item, ErrorRecord):
                    sink.add(item)
                else:
                    out.write(item)
                    n += 1
        except (OSError, ValueError) as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            raise usage_error(f"cannot load model {cfg.model}: {str(exc).splitlines()[0]}") from None
        finally:
            sink.close()
    if not quiet:
        rate = n / timer.seconds * 60 if timer.seconds > 0 else 0.0
        skipped = f", {stats.get('skipped', 0)} already done" if resume else ""
        console.print(
            f"{source}: [green]{n} answers[/], [red]{sink.count} errors[/]{skipped}"
            f" (shard {shard_t[0]}/{shard_t[1]}, {timer.seconds:.1f}s, {rate:.1f} answers/min)"
        )
    if sink.count:
        raise typer.Exit(1)


def make_command(source: str):
    """The Typer command function for ``generate`` or ``rationalize``."""

    def command(
        input: Annotated[str, typer.Argument(help="Labeled records (JSONL or JSON array); '-' for stdin.")] = "-",
        model: Annotated[Optional[str], typer.Option("--model", "-m", help="Hub id or local model directory.")] = None,
        output: Annotated[str, typer.Option("-o", "--output", help="Answers (JSONL); '-' for stdout.")] = "-",
        video_dir: Annotated[Optional[str], typer.Option(help="Directory that video paths are relative to.")] = None,
        adapter: Annotated[Optional[str], typer.Option(help="PEFT adapter directory (from vstar finetune).")] = None,
        quantize: Annotated[Optional[str], typer.Option(help="none | 4bit | 8bit (bitsandbytes).")] = None,
        device: Annotated[Optional[str], typer.Option(help="auto | cpu | cuda | cuda:N.")] = None,
        dtype: Annotated[Optional[str], typer.Option(help="auto | float32 | bfloat16 | float16.")] = None,
        trust_remote_code: Annotated[
            Optional[bool], typer.Option("--trust-remote-code", help="Run code shipped with the model.")
        ] = None,
        frames: Annotated[
            Optional[int], typer.Option(help="Frames sampled uniformly per video \\[default: 8].")
        ] = None,
        fps: Annotated[Optional[float], typer.Option(help="Sample frames at this rate instead of --frames.")] = None,
        batch_size: Annotated[Optional[int], typer.Option(help="Videos per generate call \\[default: 8].")] = None,
        num_samples: Annotated[
            Optional[int], typer.Option("--num-samples", "-k", help="Answers sampled per question \\[default: 1].")
        ] = None,
        temperature: Annotated[
            Optional[float], typer.Option(help="0 = greedy \\[default: 0 for one sample, 0.7 for several].")
        ] = None,
        top_p: Annotated[Optional[float], typer.Option(help="Nucleus sampling \\[default: 0.9].")] = None,
        max_new_tokens: Annotated[Optional[int], typer.Option(help="Answer length limit \\[default: 256].")] = None,
        seed: Annotated[Optional[int], typer.Option(help="Random seed \\[default: 0].")] = None,
        prompt_template: Annotated[
            Optional[str], typer.Option(help="File with the prompt; {question}, {label} and record fields.")
        ] = None,
        decode_workers: Annotated[
            Optional[int],
            typer.Option(
                help="Video decoding processes; 0 decodes inline \\[default: 0 on CPU, else min(4, cores-1)]."
            ),
        ] = None,
        video_backend: Annotated[Optional[str], typer.Option(help="auto | decord | pyav.")] = None,
        allow_outside_video_dir: Annotated[
            Optional[bool],
            typer.Option(
                "--allow-outside-video-dir", help="Let video paths lead outside --video-dir (.., /, symlinks)."
            ),
        ] = None,
        resume: Annotated[
            bool, typer.Option("--resume", help="Skip (question_id, sample_index) pairs already in -o FILE.")
        ] = False,
        force: Annotated[bool, typer.Option("--force", help="Overwrite -o FILE when it exists.")] = False,
        max_pixels: Annotated[
            Optional[int], typer.Option(help="Per-frame pixel budget of the video processor (Qwen-VL family).")
        ] = None,
        shard: Annotated[
            Optional[str], typer.Option(help="Take shard i/N of the input (automatic under accelerate launch).")
        ] = None,
        errors: Annotated[
            Optional[Path], typer.Option("--errors", help="Write records that could not be processed here.")
        ] = None,
        config_file: Annotated[
            Optional[Path], typer.Option("--config", help="YAML/JSON file of options; flags override it.")
        ] = None,
        kind_plugin: KindPluginOption = None,
        quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Only errors on stderr.")] = False,
    ) -> None:
        load_kind_plugins(kind_plugin)  # their kinds render the gold hints of rationalization prompts
        _run(
            source,
            input,
            output,
            errors,
            resume,
            shard,
            config_file,
            quiet,
            force,
            model=model,
            max_pixels=max_pixels,
            video_dir=video_dir,
            adapter=adapter,
            quantize=quantize,
            device=device,
            dtype=dtype,
            trust_remote_code=trust_remote_code,
            frames=frames,
            fps=fps,
            batch_size=batch_size,
            num_samples=num_samples,
            temperature=temperature,
            top_p=top_p,
            max_new_tokens=max_new_tokens,
            seed=seed,
            prompt_template=prompt_template,
            decode_workers=decode_workers,
            video_backend=video_backend,
            allow_outside_video_dir=allow_outside_video_dir,
        )

    if source == "generate":
        command.__doc__ = (
            "Answer each labeled sample about its video, explaining step by step (the paper's prompt).\n\n"
            "Adds [italic]output, source, sample_index, prompt, model[/]. Example:\n\n"
            "    vstar generate train.jsonl --model Qwen/Qwen2.5-VL-7B-Instruct --quantize 4bit --video-dir videos -o gen.jsonl"
        )
    else:
        command.__doc__ = (
            "Explain the gold label given as a hint, for answers that failed verification.\n\n"
            "Takes what [italic]vstar verify --rejected[/] writes; send its output back through vstar verify. Example:\n\n"
            "    vstar rationalize rejected.jsonl --model MODEL --video-dir videos -o rat.jsonl"
        )
    return command
