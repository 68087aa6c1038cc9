# Online GRPO on a real dataset's records (from vstar prepare), the verifier as the reward, then eval:
#   make -f recipes/grpo.mk BASE=Qwen/Qwen2.5-VL-7B-Instruct DATA=runs/star/data/train.jsonl TEST=runs/star/data/test.jsonl VIDEO_DIR=/data/Charades_v1_480 METHOD=qlora
# DATA and TEST are labeled records, e.g. what recipes/star.mk, kinetics700.mk or finediving.mk
# write under RUN/data with `vstar prepare`. The run resumes where it stopped (checkpoints every
# SAVE_STEPS steps in RUN/ckpt/checkpoints). Several GPUs:
#   make -f recipes/grpo.mk ... ACCELERATE="accelerate launch --num_processes 4"
BASE ?= $(error set BASE to the model to start from (hub id or directory))
DATA ?= $(error set DATA to the labeled training records)
TEST ?= $(error set TEST to the held-out labeled records)
VIDEO_DIR ?= .
TEST_VIDEO_DIR ?= $(VIDEO_DIR)
RUN ?= runs/grpo
METHOD ?= qlora
FRAMES ?= 8
MAX_PIXELS ?= 50176
GROUP ?= 8
STEPS ?= 500
SAVE_STEPS ?= 50
DEVICE ?= auto
ACCELERATE ?=
GRPO_ARGS ?= --completion-length 256 --beta 0.0 --lr 1e-5 --format-reward-weight 0.1
EVAL_ARGS ?=
VSTAR ?= $(shell command -v vstar 2>/dev/null || echo .venv/bin/vstar)
LAUNCH := $(if $(strip $(ACCELERATE)),$(ACCELERATE) -m vstar_cli,$(VSTAR))
QUANT := $(if $(filter qlora,$(METHOD)),--quantize 4bit)
MODEL_OF := $(if $(filter full,$(METHOD)),--model $(RUN)/ckpt,--model $(BASE) --adapter $(RUN)/ckpt)

.DEFAULT_GOAL := all
.PHONY: all
.DELETE_ON_ERROR:

all: $(RUN)/eval/metrics.json

$(RUN)/ckpt/train_summary.json: $(DATA)
	$(LAUNCH) grpo $(DATA) --model $(BASE) --method $(METHOD) --video-dir $(VIDEO_DIR) --frames $(FRAMES) \
		--max-pixels $(MAX_PIXELS) --group-size $(GROUP) --steps $(STEPS) --save-steps $(SAVE_STEPS) --device $(DEVICE) \
		$(GRPO_ARGS) --output-dir $(RUN)/ckpt --errors $(RUN)/grpo-errors.jsonl --resume-from-checkpoint auto

$(RUN)/base/metrics.json: $(TEST)
	@mkdir -p $(@D)
	$(VSTAR) eval $(TEST) --model $(BASE) $(QUANT) --video-dir $(TEST_VIDEO_DIR) --frames $(FRAMES) --device $(DEVICE) \
		$(EVAL_ARGS) --details $(@D)/details.jsonl -o $@

$(RUN)/eval/metrics.json: $(RUN)/ckpt/train_summary.json $(RUN)/base/metrics.json
	@mkdir -p $(@D)
	$(VSTAR) eval $(TEST) $(MODEL_OF) $(QUANT) --video-dir $(TEST_VIDEO_DIR) --frames $(FRAMES) --device $(DEVICE) \
		$(EVAL_ARGS) --details $(@D)/details.jsonl -o $@

$(DATA) $(TEST):
	@test -f $@ || { echo "error: $@ not found (set DATA and TEST to labeled records)" >&2; exit 1; }
