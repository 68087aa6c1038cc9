# Video-STaR on FineDiving (sub-action sequences, difficulty, scores), 3 cycles, 4-bit model:
#   make -f recipes/finediving.mk FD=/data/FineDiving BASE=Qwen/Qwen2.5-VL-7B-Instruct QUANTIZE=4bit
# Expects $(FD)/Annotations/FineDiving_fine-grained_annotation.pkl, $(FD)/train_test_split/
# {train,test}_split.pkl, and one video per dive at $(FD)/videos/{competition}_{index}.mp4
# (FineDiving ships frames: encode each folder to a video first, at FPS frames per second; the
# pickles hold frame indices only, so durations use FPS). Pickles are read with a restricted
# unpickler. Evaluation reports accuracy, Spearman's rho and relative L2 on scores.
FD ?= data/FineDiving
RUN ?= runs/finediving
VIDEO_DIR ?= $(FD)/videos
FPS ?= 25
DATA := $(RUN)/data/train.jsonl
TEST := $(RUN)/data/test.jsonl
VSTAR ?= $(shell command -v vstar 2>/dev/null || echo .venv/bin/vstar)

$(DATA): $(FD)/Annotations/FineDiving_fine-grained_annotation.pkl $(FD)/train_test_split/train_split.pkl
	@mkdir -p $(@D)
	$(VSTAR) prepare finediving $< --split $(word 2,$^) --fps $(FPS) --seed 0 -o $@

$(TEST): $(FD)/Annotations/FineDiving_fine-grained_annotation.pkl $(FD)/train_test_split/test_split.pkl
	@mkdir -p $(@D)
	$(VSTAR) prepare finediving $< --split $(word 2,$^) --fps $(FPS) --seed 1 -o $@

OWN_DATA_RULES := 1
include $(dir $(lastword $(MAKEFILE_LIST)))cycle.mk
