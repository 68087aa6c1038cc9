"""Data for `make interop`: a tiny Qwen2-VL, labeled clips, and `vstar merge` output for each trainer.

Runs in vstar's own environment. Writes under OUT (argument):
  model/            tiny random-weight Qwen2-VL (built locally, nothing downloaded)
  videos/           six short clips and their labeled records
  data/sft.jsonl, data/llava.jsonl, data/tagged.jsonl
                    `vstar merge` output as sharegpt, llava and `messages --video-tag`, with the
                    data/dataset_info.json entries merge writes beside them (for LLaMA-Factory)
  data/msgs.jsonl   `vstar merge -f messages` output (what TRL users feed SFTTrainer)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.fixtures.media import make_dataset
from vstar_cli.demo.tiny_models import build


def main(out: Path) -> None:
    build("qwen2_vl", out / "model")
    records = make_dataset(out / "videos", 6, (".mp4",))
    answers = out / "answers.jsonl"
    with answers.open("w", encoding="utf-8") as f:
        for line in records.read_text().splitlines():
            rec = json.loads(line)
            rec.update(output="The white bar moves to the right.", verified=True, source="generate")
            f.write(json.dumps(rec) + "\n")
    (out / "data").mkdir(exist_ok=True)
    vstar = [sys.executable, "-m", "vstar_cli", "merge", str(answers), "--video-dir", str(out / "videos")]
    subprocess.run([*vstar, "-f", "sharegpt", "-o", str(out / "data" / "sft.jsonl")], check=True)
    subprocess.run([*vstar, "-f", "llava", "-o", str(out / "data" / "llava.jsonl"), "-q"], check=True)
    subprocess.run(
        [*vstar, "-f", "messages", "--video-tag", "-o", str(out / "data" / "tagged.jsonl"), "-q"], check=True
    )
    subprocess.run([*vstar, "-f", "messages", "-o", str(out / "data" / "msgs.jsonl"), "-q"], check=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
