#!/bin/bash
# usage: base_exp.sh NAME data model "finetune args"
set -e
V=/work/main/.venv/bin/vstar; N=$1; D=$2; M=$3; shift 3
export OMP_NUM_THREADS=1
rm -rf $D/$N
$V finetune $D/captions.jsonl --model $M --method full --video-dir $D/videos --frames 8 --out $D/$N --device cpu --seed 0 -q --no-gradient-checkpointing "$@"
$V generate $D/test.jsonl --model $D/$N --video-dir $D/videos --frames 8 --device cpu --num-samples 4 --temperature 1.0 --max-new-tokens 48 --batch-size 64 --seed 0 -q -o $D/$N.gen.jsonl
$V verify $D/$N.gen.jsonl -o $D/$N.ver.jsonl -q
grep -E "seconds|last_loss" $D/$N/train_summary.json
PYTHONPATH=/work/main /work/main/.venv/bin/python analyze.py $D/$N.ver.jsonl
