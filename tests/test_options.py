"""Options declared once: flags, defaults, help, YAML keys and VSTAR_* variables all come from the config dataclasses."""

import dataclasses
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import make_record
from vstar_cli import config
from vstar_cli.cli import app
from vstar_cli.options import default_of, field_type, fields, flag_names, show_default
from vstar_cli.stages.evaluate import EvalConfig
from vstar_cli.stages.finetune import FinetuneConfig
from vstar_cli.stages.generate import GenerateConfig
from vstar_cli.stages.merge import MergeConfig
from vstar_cli.stages.questions import QuestionsConfig
from vstar_cli.stages.verify import VerifyConfig
from vstar_cli.view.build import ViewConfig

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
WIDE = {"COLUMNS": "400", "TERMINAL_WIDTH": "400"}

RUN_YAML = """\
seed: 7
video_dir: {videos}
frames: 4
verify:
  float_tol: 0.25
merge:
  format: sharegpt
  shuffle: false
finetune:
  lora_r: 8
"""


def jsonl(*recs):
    return "".join(json.dumps(r) + "\n" for r in recs)


def merge_rec(qid):
    return {
        "question_id": qid,
        "video_path": f"{qid}.mp4",
        "question": f"What happens in {qid}?",
        "label": {"action": "running"},
        "label_type": ["action"],
        "verifier_type": ["simple"],
        "output": "Someone is running.",
        "source": "generate",
        "verified": True,
    }


@pytest.fixture
def run_yaml(tmp_path):
    (tmp_path / "vids").mkdir()
    path = tmp_path / "vstar.yaml"
    path.write_text(RUN_YAML.format(videos=tmp_path / "vids"), encoding="utf-8")
    return path


def test_one_file_configures_verify_and_merge(run_yaml, tmp_path):
    rec = make_record("The final score is 95.", 80, "float")
    res = runner.invoke(app, ["verify", "--config", str(run_yaml), "-q"], input=jsonl(rec))
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["verified"] is True  # the verify: section's tolerance

    out = tmp_path / "sft.jsonl"
    recs = [merge_rec(f"q{i}") for i in range(6)]
    res = runner.invoke(app, ["merge", "--config", str(run_yaml), "-o", str(out), "-"], input=jsonl(*recs))
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert all("messages" in r and "videos" in r for r in rows)  # format: sharegpt
    assert [r["videos"][0] for r in rows] == [f"q{i}.mp4" for i in range(6)]  # shuffle: false keeps the order
    assert str((tmp_path / "vids").resolve()) in res.stderr.replace("\n", "")  # shared video_dir: media_dir

    merge = config.resolve(MergeConfig, run_yaml, "merge")
    assert merge.seed == 7 and merge.format == "sharegpt" and merge.video_dir == str(tmp_path / "vids")
    ft = config.resolve(FinetuneConfig, run_yaml, "finetune", model="m", out="o", env={})
    assert (ft.lora_r, ft.frames, ft.seed) == (8, 4, 7)
    verify = config.resolve(VerifyConfig, run_yaml, "verify", env={})
    assert verify.float_tol == 0.25 and verify.batch_size == 256


def test_environment_overrides_the_file_and_flags_override_the_environment(run_yaml):
    rec = make_record("The final score is 95.", 80, "float")  # off by 18.75%
    args = ["verify", "--config", str(run_yaml), "-q"]
    res = runner.invoke(app, args, input=jsonl(rec), env={"VSTAR_VERIFY_FLOAT_TOL": "0.1"})
    assert json.loads(res.stdout)["verified"] is False
    res = runner.invoke(app, args, input=jsonl(rec), env={"VSTAR_FLOAT_TOL": "0.1"})  # the shared form
    assert json.loads(res.stdout)["verified"] is False
    res = runner.invoke(app, [*args, "--float-tol", "0.3"], input=jsonl(rec), env={"VSTAR_VERIFY_FLOAT_TOL": "0.1"})
    assert json.loads(res.stdout)["verified"] is True

    env = {"VSTAR_SEED": "3", "VSTAR_MERGE_SHUFFLE": "true", "VSTAR_VIDEO_DIR": "elsewhere"}
    merge = config.resolve(MergeConfig, run_yaml, "merge", env=env)
    assert (merge.seed, merge.shuffle, merge.video_dir) == (3, True, "elsewhere")
    assert config.resolve(MergeConfig, run_yaml, "merge", env=env, seed=11).seed == 11
    # the stage's variable beats the shared one; a string field keeps the text as it is
    gen = config.resolve(GenerateConfig, None, "generate", env={"VSTAR_MODEL": "a", "VSTAR_GENERATE_MODEL": "007"})
    assert gen.model == "007"


def test_bad_environment_value_is_a_usage_error(run_yaml):
    rec = make_record("The final score is 95.", 80, "float")
    res = runner.invoke(app, ["verify", "-q"], input=jsonl(rec), env={"VSTAR_VERIFY_FLOAT_TOL": "lots"})
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1 and not res.stdout


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("flot_tol: 0.2\n", "flot_tol"),  # a key no stage knows
        ("verify:\n  float_tol: 0.2\n  lora_r: 8\n", "lora_r"),  # another stage's key in verify's section
        ("verify: 3\n", "verify"),
    ],
)
def test_unknown_keys_are_one_line_errors_naming_them(tmp_path, text, named):
    path = tmp_path / "vstar.yaml"
    path.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["verify", "--config", str(path)], input=jsonl(make_record("5", 5, "float")))
    assert res.exit_code == 2, res.output
    assert len(res.stderr.strip().splitlines()) == 1 and named in res.stderr and not res.stdout
    if named == "lora_r":
        assert "float_tol" in res.stderr  # the known keys are listed


def test_a_stage_ignores_the_other_stages_sections_and_keys(tmp_path):
    path = tmp_path / "vstar.yaml"
    path.write_text("lora_r: 8\nmerge:\n  bogus: 1\nfinetune:\n  method: full\n", encoding="utf-8")
    assert config.resolve(VerifyConfig, path, "verify", env={}).float_tol == 0.1
    with pytest.raises(config.ConfigError, match="bogus"):
        config.resolve(MergeConfig, path, "merge", env={})


def test_rationalize_reads_the_generate_section_then_its_own(tmp_path):
    path = tmp_path / "vstar.yaml"
    path.write_text("model: m\ngenerate:\n  frames: 4\n  top_p: 0.5\nrationalize:\n  frames: 2\n", encoding="utf-8")
    cfg = config.resolve(GenerateConfig, path, "rationalize", ("generate", "rationalize"), env={})
    assert (cfg.model, cfg.frames, cfg.top_p) == ("m", 2, 0.5)
    assert config.resolve(GenerateConfig, path, "generate", env={}).frames == 4


COMMANDS = [
    (["verify"], VerifyConfig, ()),
    (["generate"], GenerateConfig, ()),
    (["rationalize"], GenerateConfig, ()),
    (["merge"], MergeConfig, ()),
    (["finetune"], FinetuneConfig, ("adapter", "quantize")),
    (["eval"], EvalConfig, ()),
    (["questions"], QuestionsConfig, ()),
    (["view"], ViewConfig, ()),
]


@pytest.mark.parametrize(("command", "cls", "excluded"), COMMANDS, ids=[c[0][0] for c in COMMANDS])
def test_help_shows_each_field_with_its_dataclass_help_and_default(command, cls, excluded):
    res = runner.invoke(app, [*command, "--help"], env=WIDE)
    assert res.exit_code == 0
    text = " ".join(res.stdout.split())
    shown = 0
    for f, tp in fields(cls):
        if f.name in excluded or f.metadata.get("cli") is False or field_type(tp) is None and "parse" not in f.metadata:
            continue
        shown += 1
        assert flag_names(f)[0].split("/")[0] in text, f.name
        words = " ".join(str(f.metadata["help"]).split())
        assert words[1:40] in text, f.name  # the dataclass's help (first letter may be capitalized)
        default = default_of(f)
        if default not in (None, False, "") and "default" not in words:
            assert f"{words[1:]} [default: {show_default(default)}]" in text, f.name
    assert shown >= 2


def test_eval_shows_the_generation_options_it_passes_on():
    text = " ".join(runner.invoke(app, ["eval", "--help"], env=WIDE).stdout.split())
    assert "--model" in text and "--frames" in text and "[default: 8]" in text and "--num-samples" in text
    assert "--lora-r" not in text and "--resume" not in text  # not generation options eval passes on


def test_readme_verifier_defaults_match_the_declared_parameters():
    """The README's table of kinds states each kind's default threshold: it must be the declared one."""
    from vstar_cli.verify.registry import builtin

    reg = {k.name: k for k in builtin()}
    rows = [ln for ln in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if ln.startswith("| `")]
    checked = 0
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        names = re.findall(r"`(\w+)`", cells[0])
        if not names or not all(n in reg for n in names) or len(cells) < 3:
            continue
        stated = [float(x) / (100 if pct else 1) for x, pct in re.findall(r"(\d+(?:\.\d+)?)(%?)", cells[-1])]
        declared = {p.default for n in names for p in reg[n].params}
        for value in stated:
            assert any(abs(value - d) < 1e-9 for d in declared), (names, value, declared)
            checked += 1
    assert checked >= 8


def test_readme_flag_defaults_match_the_dataclasses():
    """Wherever the README writes "`--flag N` ... default", N is the dataclass default."""
    defaults = {}
    for cls in (GenerateConfig, MergeConfig, FinetuneConfig, EvalConfig, ViewConfig, QuestionsConfig, VerifyConfig):
        for f in dataclasses.fields(cls):
            for flag in flag_names(f):
                defaults.setdefault(flag, []).append(default_of(f))
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    checked = 0
    for sentence in re.split(r"(?<=[.;:])\s", text):
        if "default" not in sentence:
            continue
        for flag, value in re.findall(r"`(--[a-z-]+) (\d+(?:\.\d+)?)`", sentence):
            if flag in defaults:
                assert any(isinstance(d, (int, float)) and float(value) == d for d in defaults[flag]), (flag, value)
                checked += 1
    assert checked >= 1


def test_generate_writes_its_resolved_config_beside_the_output(tmp_path):
    path = config.beside(tmp_path / "gen.jsonl")
    cfg = config.resolve(GenerateConfig, None, "generate", model="m", frames=3, env={})
    config.write(cfg, path)
    assert path.name == "gen.config.yaml"
    again = config.resolve(GenerateConfig, path, "generate", env={})
    assert again == cfg


def test_readme_run_config_is_accepted_by_every_stage(tmp_path):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# vstar\.yaml.*?)```", text, re.S).group(1)
    path = tmp_path / "vstar.yaml"
    path.write_text(block, encoding="utf-8")
    assert config.resolve(VerifyConfig, path, "verify", env={}).float_tol == 0.2
    assert config.resolve(MergeConfig, path, "merge", env={}).max_per_question == 2
    ft = config.resolve(FinetuneConfig, path, "finetune", out="o", env={})
    assert (ft.method, ft.quantize, ft.video_dir) == ("qlora", "4bit", "data/videos")
    gen = config.resolve(GenerateConfig, path, "generate", env={})
    assert (gen.model, gen.quantize, gen.frames) == ("Qwen/Qwen2.5-VL-7B-Instruct", "4bit", 8)
    assert config.resolve(ViewConfig, path, "view", env={}).video_dir == "data/videos"


def test_list_options_parse_from_flags_and_variables_as_the_dataclass_says():
    env = {"VSTAR_FINETUNE_LORA_TARGETS": "q_proj, v_proj"}
    cfg = config.resolve(FinetuneConfig, None, "finetune", model="m", out="o", env=env)
    assert cfg.lora_targets == ["q_proj", "v_proj"]
    from vstar_cli.options import parse_flags

    given = parse_flags(FinetuneConfig, {"lora_targets": "q_proj,k_proj", "frames": None})
    assert given == {"lora_targets": ["q_proj", "k_proj"], "frames": None}
