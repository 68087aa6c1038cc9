"""``vstar eval``: greedy answers on held-out labeled data, verified and scored; and ``eval compare``."""

from __future__ import annotations

import json
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
    usage_error,
)
from vstar_cli.commands.stream import Stream
from vstar_cli.commands.verify import KindPluginOption
from vstar_cli.io import InputError, read_records
from vstar_cli.options import ConfigOption, ErrorsOption, QuietOption, config_options
from vstar_cli.reporting import tables
from vstar_cli.stages.evaluate import EvalConfig
from vstar_cli.stages.generate import GenerateConfig
from vstar_cli.stages.verify import VerifyConfig

# The generation options eval exposes. By default it answers greedily, once per question; with
# --num-samples K (and --temperature) it samples K answers and scores each question by their mean.
GENERATE_OPTIONS = (
    "model", "adapter", "quantize", "video_dir", "frames", "batch_size", "max_new_tokens", "device", "max_pixels",
    "prompt_template", "num_samples", "temperature", "top_p",
)  # fmt: skip


def _print(table) -> None:
    tables.wide_console(110).print(table)


def compare(paths: list[str]) -> None:
    """Print metrics files side by side, with each file's difference to the first."""
    from vstar_cli.stages.evaluate import flatten

    docs = []
    for p in paths:
        try:
            docs.append(flatten(json.loads(Path(p).read_text(encoding="utf-8"))))
        except (OSError, ValueError) as exc:
            raise usage_error(f"cannot read metrics {p}: {exc}") from None
    _print(tables.compare_table(paths, docs))


def _report_join(counts: dict, unknown_ids: list[str], quiet: bool) -> None:
    """One stderr line: how the answers matched the test file (missing ones are scored as wrong)."""
    line = (
        f"eval: {counts['answered']} of {counts['test_records']} test records answered, "
        f"{counts['missing']} missing (scored as wrong), {counts['unknown']} answers for unknown ids (not scored)"
    )
    if counts["duplicate"]:
        line += f", {counts['duplicate']} repeated answers (not scored)"
    if counts["unknown"]:
        line += f"; unknown ids: {', '.join(unknown_ids)}{' ...' if counts['unknown'] > len(unknown_ids) else ''}"
    problem = counts["missing"] or counts["unknown"] or counts["duplicate"]
    if problem:
        console.print(f"[yellow]warning:[/] {line}", soft_wrap=True)
    elif not quiet:
        console.print(line, soft_wrap=True)


@config_options(GenerateConfig, "gen_flags", only=GENERATE_OPTIONS)
@config_options(EvalConfig)
def evaluate(
    inputs: Annotated[
        list[str], typer.Argument(help="Labeled test records (JSONL or JSON array), or: compare A.json B.json ...")
    ],
    output: Annotated[Optional[str], typer.Option("-o", "--output", help="Metrics JSON; '-' for stdout.")] = "-",
    gen_flags: dict | None = None,
    answers: Annotated[
        Optional[Path], typer.Option(help="Score these already generated answers instead (no model).")
    ] = None,
    details: Annotated[Optional[Path], typer.Option(help="Per-record results (JSONL).")] = None,
    verify_config: Annotated[
        Optional[Path],
        typer.Option(help="YAML of vstar verify options \\[default: the --config file's verify: section]"),
    ] = None,
    kind_plugin: KindPluginOption = None,
    flags: dict | None = None,
    errors: ErrorsOption = None,
    config_file: ConfigOption = None,
    quiet: QuietOption = False,
) -> None:
    """Score a model on held-out labeled data with the verifier that builds the training data.

    Writes accuracy overall, per label type and per verifier kind (95% bootstrap intervals),
    multiple-choice accuracy, and Spearman's rho and relative L2 for [italic]float[/] labels. Examples:

        vstar eval test.jsonl --model BASE --adapter ckpt --video-dir videos -o metrics.json
        vstar eval test.jsonl --answers answers.jsonl -o metrics.json
        vstar eval compare base.json cycle1.json cycle2.json
    """
    setup_logging(quiet)
    if inputs and inputs[0] == "compare":
        if len(inputs) < 3:
            raise usage_error("eval compare needs at least two metrics files")
        compare(inputs[1:])
        return
    if len(inputs) != 1:
        raise usage_error("give one test file (or: vstar eval compare A.json B.json ...)")
    test = inputs[0]
    check_input(test, "test file")
    check_outputs([test, answers], {"-o": output, "--details": details, "--errors": errors})
    gen_flags = gen_flags or {}
    from vstar_cli.stages import evaluate as ev
    from vstar_cli.stages.generate import run as generate_run
    from vstar_cli.stages.verify import run as verify_run
    from vstar_cli.stages.verify import setup as verify_setup

    try:
        vcfg = config.resolve(VerifyConfig, verify_config or config_file, "verify")
        vcfg.kind_plugins = list(dict.fromkeys([*vcfg.kind_plugins, *(kind_plugin or [])]))
        verify_setup(vcfg)  # loads the plugin kinds: a bad one is a usage error, before any model loads
        ecfg = config.resolve(ev.EvalConfig, config_file, "eval", **(flags or {}))
        gcfg = None
        if answers is None:  # greedy, one answer per question, unless sampling is asked for
            gen_flags = {"num_samples": 1, **{k: v for k, v in gen_flags.items() if v is not None}}
            gen_flags.setdefault("temperature", 0.0 if gen_flags["num_samples"] == 1 else None)
            gcfg = config.resolve(GenerateConfig, config_file, "eval", **gen_flags)
            gcfg.template  # noqa: B018 - validates the template file early
    except (config.ConfigError, ValueError) as exc:
        if str(exc) == "--model is required":
            raise usage_error("give --model to generate answers, or --answers FILE to score existing ones") from None
        raise usage_error(str(exc)) from None
    if gcfg is not None:
        check_sources(gcfg.model, gcfg.video_dir, gcfg.adapter)
    if answers is not None and not answers.is_file():
        raise usage_error(f"answers file not found: {answers}")

    scored: list[dict] = []
    join = ev.AnswerJoin() if answers is not None else None

    def keep(item: dict) -> None:
        scored.append(
            {
                k: item.get(k)
                for k in ("question_id", "id", "label", "label_type", "verifier_type", "verified", "verdict", "choices")
            }
        )

    with Stream("eval", output=details, errors=errors, quiet=quiet) as s:
        if join is not None:
            try:
                for err in join.add_test(read_records(test)):
                    s.error(err)
            except InputError as exc:
                raise usage_error(str(exc)) from None
            source = join.join(s.read([answers]))
        else:
            source = generate_run(s.read([test]), gcfg)
        s.drive(verify_run(source, vcfg), each=keep)
        if join is not None:
            s.drive(join.missing(), each=keep)
    metrics = ev.compute(scored, errors=s.counts.errors, n_boot=ecfg.bootstrap, seed=ecfg.seed)
    if join is not None:
        metrics["answers"] = join.counts()
    metrics["config"] = {
        "test": test,
        "answers": str(answers) if answers else None,
        "model": gcfg.model if gcfg else None,
        "adapter": gcfg.adapter if gcfg else None,
        "quantize": gcfg.quantize if gcfg else "none",
        "generate": config.to_dict(gcfg) if gcfg else None,
        "verify": config.to_dict(vcfg),
        "bootstrap": ecfg.bootstrap,
        "seed": ecfg.seed,
        "seconds": round(s.timer.seconds, 1),
    }
    text = ev.to_json(metrics)
    try:
        if output in (None, "-"):
            typer.echo(text, nl=False)
        else:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            Path(output).write_text(text, encoding="utf-8")
    except BrokenPipeError:
        raise
    except OSError as exc:  # a full disk, a path below a file: one line, as for the other outputs
        where = "stdout" if output in (None, "-") else output
        raise usage_error(f"cannot write {where}: {exc.strerror or exc}") from None
    if not quiet:
        _print(tables.metrics_table(metrics, f"vstar eval: {test}"))
    if join is not None:
        _report_join(metrics["answers"], join.unknown_ids, quiet)
    s.finish()
