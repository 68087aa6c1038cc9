# Video-STaR on STAR (situated QA over Charades), 3 cycles, 4-bit model:
#   make -f recipes/star.mk STAR=/data/STAR CHARADES=/data/Charades_v1_480 BASE=Qwen/Qwen2.5-VL-7B-Instruct QUANTIZE=4bit
# Expects $(STAR)/STAR_train.json, $(STAR)/STAR_val.json, $(STAR)/classes/ (*_classes.txt and
# video_fps, each video's frame rate) and the Charades videos ({video_id}.mp4) in $(CHARADES),
# read for durations and frame sizes.
STAR ?= data/STAR
CHARADES ?= data/Charades_v1_480
RUN ?= runs/star
VIDEO_DIR ?= $(CHARADES)
DATA := $(RUN)/data/train.jsonl
TEST := $(RUN)/data/test.jsonl
VSTAR ?= $(shell command -v vstar 2>/dev/null || echo .venv/bin/vstar)

$(DATA): $(STAR)/STAR_train.json
	@mkdir -p $(@D)
	$(VSTAR) prepare star $< --classes-dir $(STAR)/classes --video-dir $(CHARADES) --seed 0 -o $@

$(TEST): $(STAR)/STAR_val.json
	@mkdir -p $(@D)
	$(VSTAR) prepare star $< --classes-dir $(STAR)/classes --video-dir $(CHARADES) --seed 1 -o $@

OWN_DATA_RULES := 1
include $(dir $(lastword $(MAKEFILE_LIST)))cycle.mk
