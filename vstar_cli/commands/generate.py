"""``vstar generate`` and ``vstar rationalize``: answer labeled samples with a video LVLM."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from vstar_cli import config
from vstar_cli.commands._common import (
    check_input,
    check_outputs,
    check_sources,
    console,
    setup_logging,
    stdin_is,
    usage_error,
)
from vstar_cli.commands.stream import Stream
from vstar_cli.commands.verify import KindPluginOption, load_kind_plugins
from vstar_cli.io import done_pairs, flag_duplicate_ids
from vstar_cli.options import ConfigOption, ErrorsOption, QuietOption, config_options
from vstar_cli.output import repair_tail
from vstar_cli.stages.generate import GenerateConfig


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
    flags: dict | None = None,
    dry_run: bool = False,
) -> None:
    from vstar_cli.stages.generate import identity, parse_shard, part_path, run, shard_from_env

    setup_logging(quiet)
    try:
        sections = ("generate", "rationalize") if source == "rationalize" else ("generate",)
        cfg = config.resolve(GenerateConfig, config_file, source, sections, source=source, **(flags or {}))
        cfg.template  # noqa: B018 - validates the template file before any model loads
        shard_t = parse_shard(shard) if shard else shard_from_env()
    except (config.ConfigError, ValueError) as exc:
        raise usage_error(str(exc)) from None
    if dry_run:
        from vstar_cli.commands.plan import plan_of_generate, show

        show(plan_of_generate(cfg), quiet)
        return
    check_input(input)
    check_sources(cfg.model, cfg.video_dir, cfg.adapter)
    shard_t = shard_t or (0, 1)
    if output != "-" and shard is None and shard_t[1] > 1:
        output = part_path(output, *shard_t)
    check_outputs([input], {"-o": output, "--errors": errors})
    if input == "-" and output != "-" and stdin_is(output):  # written in place: it would be truncated as it is read
        raise usage_error(f"-o {output} is also the standard input: writing it would destroy what is being read")
    if resume and output == "-":
        raise usage_error("--resume needs -o FILE")
    if not resume and not force and output != "-" and Path(output).is_file() and Path(output).stat().st_size > 0:
        raise usage_error(f"{output} exists: pass --resume to continue it, or --force to overwrite it")

    if output != "-":
        config.write(cfg, config.beside(output))  # the answers cost minutes: keep how they were made
    stats: dict = {}
    # The output is locked before it is read for --resume: a second run on it stops here.
    with Stream(source, output=output, errors=errors, quiet=quiet, direct=True, append=resume) as s:
        done: set = set()
        if resume:
            cut = repair_tail(output)
            if cut:
                console.print(f"resume: cut a torn last line ({cut} bytes) from {output}")
            done = done_pairs(output, source)
        records = flag_duplicate_ids(s.read([input]), lambda rec: identity(rec, source))
        try:
            s.drive(run(records, cfg, done=done, shard=shard_t, stats=stats))
        except (OSError, ValueError) as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            raise usage_error(f"cannot load model {cfg.model}: {str(exc).splitlines()[0]}") from None
    skipped = f", {stats.get('skipped', 0)} already done" if resume else ""
    s.finish(
        f"{source}: [green]{s.counts.kept} answers[/], [red]{s.counts.errors} errors[/]{skipped}"
        f" (shard {shard_t[0]}/{shard_t[1]}, {s.timer.seconds:.1f}s, {s.counts.kept / max(s.timer.seconds, 1e-9) * 60:.1f} answers/min)"
    )


def make_command(source: str):
    """The Typer command function for ``generate`` or ``rationalize``."""

    @config_options(GenerateConfig)
    def command(
        input: Annotated[str, typer.Argument(help="Labeled records (JSONL or JSON array); '-' for stdin.")] = "-",
        output: Annotated[str, typer.Option("-o", "--output", help="Answers (JSONL); '-' for stdout.")] = "-",
        flags: dict | None = None,
        resume: Annotated[
            bool, typer.Option("--resume", help="Skip (question_id, sample_index) pairs already in -o FILE.")
        ] = False,
        force: Annotated[bool, typer.Option("--force", help="Overwrite -o FILE when it exists.")] = False,
        shard: Annotated[
            Optional[str], typer.Option(help="Take shard i/N of the input (automatic under accelerate launch).")
        ] = None,
        errors: ErrorsOption = None,
        config_file: ConfigOption = None,
        kind_plugin: KindPluginOption = None,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Print the estimated peak GPU memory (as vstar plan) and exit.")
        ] = False,
        quiet: QuietOption = False,
    ) -> None:
        load_kind_plugins(kind_plugin)  # their kinds render the gold hints of rationalization prompts
        _run(source, input, output, errors, resume, shard, config_file, quiet, force, flags, dry_run)

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
