# Video-STaR on Kinetics-700 (action recognition), 3 cycles on one GPU with a 4-bit model:
#   make -f recipes/kinetics700.mk K700=/data/kinetics700 BASE=Qwen/Qwen2.5-VL-7B-Instruct QUANTIZE=4bit
# Expects the downloaded annotations ($(K700)/annotations/train.csv and the validation CSV, named
# validate.csv by the 2019 release and val.csv by the 2020 one: either is used) and clips
# named by the downloader ($(K700)/train/{youtube_id}_{start:06d}_{end:06d}.mp4, same for val).
# LIMIT / TEST_LIMIT take the first N questions (0 = all).
K700 ?= data/kinetics700
RUN ?= runs/kinetics700
LIMIT ?= 0
TEST_LIMIT ?= 2000
VIDEO_DIR ?= $(K700)/train
TEST_VIDEO_DIR ?= $(K700)/val
VAL_CSV ?= $(firstword $(wildcard $(K700)/annotations/val.csv $(K700)/annotations/validate.csv) $(K700)/annotations/validate.csv)
DATA := $(RUN)/data/train.jsonl
TEST := $(RUN)/data/test.jsonl
VSTAR ?= $(shell command -v vstar 2>/dev/null || echo .venv/bin/vstar)
take = $(if $(filter 0,$(1)),cat,head -n $(1))

$(DATA): $(K700)/annotations/train.csv
	@mkdir -p $(@D)
	$(VSTAR) prepare kinetics700 $< --split train --seed 0 | $(call take,$(LIMIT)) > $@

$(TEST): $(VAL_CSV)
	@mkdir -p $(@D)
	$(VSTAR) prepare kinetics700 $< --split val --seed 1 | $(call take,$(TEST_LIMIT)) > $@

OWN_DATA_RULES := 1
include $(dir $(lastword $(MAKEFILE_LIST)))cycle.mk
