# Video-STaR cycles: generate -> verify -> rationalize -> verify -> merge -> finetune (from BASE) -> eval.
#   make -f recipes/cycle.mk BASE=Qwen/Qwen2.5-VL-7B-Instruct DATA=train.jsonl TEST=test.jsonl VIDEO_DIR=videos QUANTIZE=4bit
# Every step writes a file, so an interrupted run restarts where it stopped (generation resumes
# inside its file). Cycle c generates with cycle c-1's model and always trains from BASE.
# Set RATIONALIZE=0 for the ablation without rationalization, ACCELERATE to run on several GPUs:
#   make -f recipes/cycle.mk ... ACCELERATE="accelerate launch --num_processes 4"

BASE ?= $(error set BASE to the pretrained model (hub id or directory))
MODEL ?= $(BASE)
DATA ?= $(error set DATA to the labeled training records)
TEST ?= $(error set TEST to the held-out labeled records)
VIDEO_DIR ?= .
TEST_VIDEO_DIR ?= $(VIDEO_DIR)
RUN ?= runs/default
CYCLES ?= 3
QUANTIZE ?= none
FRAMES ?= 8
METHOD ?= $(if $(filter 4bit,$(QUANTIZE)),qlora,lora)
SAMPLES ?= 1
RATIONALIZE ?= 1
ACCELERATE ?=
DEVICE ?= auto
GEN_ARGS ?=
FT_ARGS ?=
EVAL_ARGS ?=
VERIFY_ARGS ?=
MERGE_ARGS ?=
VSTAR ?= $(shell command -v vstar 2>/dev/null || echo .venv/bin/vstar)
# Under accelerate the stages run as a module in each process.
LAUNCH := $(if $(strip $(ACCELERATE)),$(ACCELERATE) -m vstar_cli,$(VSTAR))

COMMON := --video-dir $(VIDEO_DIR) --frames $(FRAMES) --device $(DEVICE)
QUANT := $(if $(filter qlora,$(METHOD)),--quantize 4bit,$(if $(filter-out none,$(QUANTIZE)),--quantize $(QUANTIZE)))
# The model of cycle c: full finetuning writes a whole model; (Q)LoRA an adapter on BASE.
trained = $(if $(filter full,$(METHOD)),--model $(RUN)/cycle$(1)/ckpt,--model $(BASE) --adapter $(RUN)/cycle$(1)/ckpt)
model_of = $(if $(filter 0,$(1)),--model $(MODEL),$(call trained,$(1)))

CYCLE_IDS := $(shell seq 1 $(CYCLES))

.DEFAULT_GOAL := all
.PHONY: all cycles report clean-run
.DELETE_ON_ERROR:

all: report

report: $(RUN)/report.md

$(RUN)/report.md: $(RUN)/base/metrics.json $(foreach c,$(CYCLE_IDS),$(RUN)/cycle$(c)/metrics.json)
	$(VSTAR) report $(RUN)

$(RUN)/base/metrics.json: $(TEST)
	@mkdir -p $(@D)
	$(VSTAR) eval $(TEST) --model $(BASE) $(QUANT) --video-dir $(TEST_VIDEO_DIR) --frames $(FRAMES) --device $(DEVICE) $(EVAL_ARGS) --details $(@D)/details.jsonl -o $@

define CYCLE
$(RUN)/cycle$(1)/gen.jsonl: $(DATA) $(if $(filter 1,$(1)),,$(RUN)/cycle$(2)/ckpt/train_summary.json)
	@mkdir -p $$(@D)
	$(LAUNCH) generate $(DATA) $(call model_of,$(2)) $(QUANT) $(COMMON) --num-samples $(SAMPLES) $(GEN_ARGS) -o $$(@D)/gen.partial.jsonl --resume
	cat $$(@D)/gen.partial*.jsonl > $$@

$(RUN)/cycle$(1)/ver.jsonl: $(RUN)/cycle$(1)/gen.jsonl
	$(VSTAR) verify $$< $(VERIFY_ARGS) --rejected $$(@D)/rej.jsonl -o $$@

$(RUN)/cycle$(1)/rat.jsonl: $(RUN)/cycle$(1)/ver.jsonl
ifeq ($(RATIONALIZE),1)
	$(LAUNCH) rationalize $$(@D)/rej.jsonl $(call model_of,$(2)) $(QUANT) $(COMMON) $(GEN_ARGS) -o $$(@D)/rat.partial.jsonl --resume
	cat $$(@D)/rat.partial*.jsonl > $$@
else
	: > $$@
endif

# Without rationalization there is nothing to verify: no verifier process is started.
$(RUN)/cycle$(1)/ratver.jsonl: $(RUN)/cycle$(1)/rat.jsonl
ifeq ($(RATIONALIZE),1)
	$(VSTAR) verify $$< $(VERIFY_ARGS) -o $$@
else
	: > $$@
endif

$(RUN)/cycle$(1)/sft.jsonl: $(RUN)/cycle$(1)/ver.jsonl $(RUN)/cycle$(1)/ratver.jsonl
	$(VSTAR) merge $$^ $(MERGE_ARGS) -o $$@

$(RUN)/cycle$(1)/ckpt/train_summary.json: $(RUN)/cycle$(1)/sft.jsonl
	$(LAUNCH) finetune $$< --model $(BASE) --method $(METHOD) --video-dir $(VIDEO_DIR) --frames $(FRAMES) --device $(DEVICE) $(FT_ARGS) --out $(RUN)/cycle$(1)/ckpt --resume-from-checkpoint auto

$(RUN)/cycle$(1)/metrics.json: $(RUN)/cycle$(1)/ckpt/train_summary.json $(TEST)
	$(VSTAR) eval $(TEST) $(call trained,$(1)) $(QUANT) --video-dir $(TEST_VIDEO_DIR) --frames $(FRAMES) --device $(DEVICE) $(EVAL_ARGS) --details $$(@D)/details.jsonl -o $$@
endef

$(foreach c,$(CYCLE_IDS),$(eval $(call CYCLE,$(c),$(shell echo $$(($(c)-1))))))

# Dataset recipes that make DATA and TEST themselves set OWN_DATA_RULES before including this.
ifndef OWN_DATA_RULES
$(DATA) $(TEST):
	@test -f $@ || { echo "error: $@ not found (set DATA and TEST to labeled records)" >&2; exit 1; }
endif

cycles: $(foreach c,$(CYCLE_IDS),$(RUN)/cycle$(c)/metrics.json)

clean-run:
	rm -rf $(RUN)
