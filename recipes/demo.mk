# The embedded default: Video-STaR end to end on synthetic clips and a tiny model, on a CPU.
#   make demo                    (from the repository root; installs first)
#   make -f recipes/demo.mk      (with vstar installed)
#   make demo ABLATION_CYCLES=3  (the ablation for all 3 cycles; about 4 more minutes)
# Builds the clips and a tiny Qwen2-VL (256 wide, 4 layers), gives it captioning competence
# (full finetuning on captions of 600 clips of its own: the analogue of Video-LLaVA), evaluates
# it, runs 3 Video-STaR cycles through recipes/cycle.mk, then cycle 1 again without
# rationalization (the ablation; it shares the base and cycle 1's generation), and writes
# runs/demo/summary.json and runs/demo/vstar/report.md, then the viewer of both runs
# (runs/demo/view/index.html: frames, answers, verdicts; open it in a browser). Same SEED, same result.
DEMO ?= runs/demo
SEED ?= 0
TRAIN_CLIPS ?= 160
TEST_CLIPS ?= 60
CAPTION_CLIPS ?= 600
MODEL_ARGS ?= --hidden 256 --layers 4 --vision-dim 128 --vision-depth 2
BASE_ARGS ?= --epochs 6 --batch-size 16 --grad-accum 1 --lr 1e-3 --no-gradient-checkpointing
EPOCHS ?= 3
LR ?= 1e-3
SAMPLES ?= 4
CYCLES ?= 3
ABLATION_CYCLES ?= 1
VSTAR ?= $(shell command -v vstar 2>/dev/null || echo .venv/bin/vstar)
DATA_DIR := $(DEMO)/data
TINY := $(DEMO)/tiny-model
BASE := $(DEMO)/base
MAIN := $(DEMO)/vstar
ABLATION := $(DEMO)/no-rationalization
# Sampling 4 answers per question at temperature 1 gives the verifier something to choose from.
CYCLE_VARS := BASE=$(BASE) DATA=$(DATA_DIR)/train.jsonl TEST=$(DATA_DIR)/test.jsonl VIDEO_DIR=$(DATA_DIR)/videos \
	METHOD=full DEVICE=cpu SAMPLES=$(SAMPLES) VSTAR=$(VSTAR) \
	GEN_ARGS="--temperature 1.0 --max-new-tokens 64 --batch-size 32 --seed $(SEED)" \
	FT_ARGS="--epochs $(EPOCHS) --batch-size 16 --grad-accum 1 --lr $(LR) --no-gradient-checkpointing --seed $(SEED) -q" \
	EVAL_ARGS="--max-new-tokens 64 --batch-size 32 -q"

.DEFAULT_GOAL := demo
.PHONY: demo
.DELETE_ON_ERROR:

demo: $(DEMO)/view/index.html

$(DEMO)/.started:
	@mkdir -p $(DEMO)
	date +%s > $@

$(DATA_DIR)/train.jsonl: | $(DEMO)/.started
	$(VSTAR) prepare synthetic --out $(DATA_DIR) --train $(TRAIN_CLIPS) --test $(TEST_CLIPS) --caption-clips $(CAPTION_CLIPS) --seed $(SEED)

$(TINY)/config.json: $(DATA_DIR)/train.jsonl
	$(VSTAR) prepare tiny-model --data $(DATA_DIR) --out $(TINY) $(MODEL_ARGS) --seed $(SEED)

$(BASE)/train_summary.json: $(TINY)/config.json
	$(VSTAR) finetune $(DATA_DIR)/captions.jsonl --model $(TINY) --method full --video-dir $(DATA_DIR)/videos --out $(BASE) \
		$(BASE_ARGS) --seed $(SEED) --device cpu -q

# A run is done when its last cycle is evaluated: a larger CYCLES or ABLATION_CYCLES goes on from there.
MAIN_DONE := $(MAIN)/cycle$(CYCLES)/metrics.json
ABLATION_DONE := $(ABLATION)/cycle$(ABLATION_CYCLES)/metrics.json
SHARED := base/metrics.json cycle1/gen.jsonl cycle1/ver.jsonl cycle1/rej.jsonl

$(MAIN_DONE): $(BASE)/train_summary.json
	$(MAKE) -f $(dir $(lastword $(MAKEFILE_LIST)))cycle.mk $(CYCLE_VARS) CYCLES=$(CYCLES) RUN=$(MAIN)

# The ablation shares the base evaluation and the first generation (same model, same seed);
# they are copied only when they differ, so a finished ablation is not redone.
$(ABLATION_DONE): $(MAIN_DONE)
	mkdir -p $(ABLATION)/base $(ABLATION)/cycle1
	for f in $(SHARED); do cmp -s $(MAIN)/$$f $(ABLATION)/$$f || cp $(MAIN)/$$f $(ABLATION)/$$f || exit 1; done
	$(MAKE) -f $(dir $(lastword $(MAKEFILE_LIST)))cycle.mk $(CYCLE_VARS) CYCLES=$(ABLATION_CYCLES) RUN=$(ABLATION) RATIONALIZE=0

$(DEMO)/summary.json: $(MAIN_DONE) $(ABLATION_DONE)
	$(VSTAR) report $(MAIN) --ablation $(ABLATION) --summary $@ --started-at $$(cat $(DEMO)/.started)

# Last: the static viewer of both runs (main and ablation), frames sampled as generate samples them.
$(DEMO)/view/index.html: $(DEMO)/summary.json
	$(VSTAR) view $(MAIN) $(ABLATION) --video-dir $(DATA_DIR)/videos --frames 8 -o $(DEMO)/view -q
	@echo "demo: look at the records: open $(abspath $@) in a browser"
