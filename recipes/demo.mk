# The embedded default: Video-STaR end to end on synthetic clips and a tiny model, on a CPU.
#   make demo                    (from the repository root; installs first)
#   make -f recipes/demo.mk      (with vstar installed)
#   make demo SEED=100 SEEDS=5   (other seeds, more of them)
# Builds the clips and a tiny Qwen2-VL (256 wide, 2 layers), gives it captioning competence
# (full finetuning of its language model and projector on descriptions of 2,000 clips of
# their own: the analogue of Video-LLaVA's pretraining) and evaluates it. Then, for each of
# SEEDS seeds, it runs 3 Video-STaR cycles through recipes/cycle.mk, and the same cycles
# without rationalization (the ablation, which shares the first generation). The clips, the
# base model and its evaluation are shared by the seeds; a seed changes the sampled answers
# and the finetuning's data order. Seeds run side by side (JOBS, default the number of cores),
# one thread each. Last come runs/demo/summary.json and summary.md (means over seeds, 95%
# intervals over seeds and questions, per label kind, with and without rationalization; the
# process seconds per stage) and the viewer of the first seed's runs
# (runs/demo/view/index.html: frames, answers, verdicts).
# Accuracy is that of sampled answers (EVAL_SAMPLES per question, temperature 1): a greedy
# answer flips between a wording the verifier accepts and one it does not with tiny changes
# to the weights, which made single greedy numbers differ from machine to machine.
DEMO ?= runs/demo
SEED ?= 0
SEEDS ?= 3
TRAIN_CLIPS ?= 60
TEST_CLIPS ?= 40
CAPTION_CLIPS ?= 2000
MODEL_ARGS ?= --hidden 256 --layers 2 --vision-dim 128 --vision-depth 1
BASE_ARGS ?= --epochs 4 --batch-size 8 --grad-accum 1 --lr 5e-4 --no-gradient-checkpointing
# Three epochs per cycle: with two, the 2-layer model learned which numbers are scores but not
# which colour goes with which (README, "What made the score learnable").
EPOCHS ?= 3
LR ?= 5e-4
SAMPLES ?= 2
EVAL_SAMPLES ?= 2
CYCLES ?= 3
ABLATION_CYCLES ?= $(CYCLES)
# One thread per stage, several stages at once (make -j): tiny models do not scale across threads.
export OMP_NUM_THREADS ?= 1
# Every vstar process appends its seconds here (startup, model and embedder loading apart), emptied when
# the demo starts: summary.json's seconds_by_stage. VSTAR_TIMINGS= (empty) records nothing.
export VSTAR_TIMINGS ?= $(abspath $(DEMO))/timings.jsonl
TIMINGS_ARG := $(if $(VSTAR_TIMINGS),--timings $(VSTAR_TIMINGS))
BASE_THREADS ?= $(shell nproc 2>/dev/null || echo 1)
VSTAR ?= $(shell command -v vstar 2>/dev/null || echo .venv/bin/vstar)
DATA_DIR := $(DEMO)/data
TINY := $(DEMO)/tiny-model
BASE := $(DEMO)/base
BASE_EVAL := $(DEMO)/base-eval
SEED_LIST := $(shell seq $(SEED) $$(($(SEED) + $(SEEDS) - 1)))
FIRST := $(firstword $(SEED_LIST))
CYCLE_MK := $(dir $(lastword $(MAKEFILE_LIST)))cycle.mk
EVAL_ARGS := --max-new-tokens 48 --batch-size 64 --num-samples $(EVAL_SAMPLES) --temperature 1.0 -q
# Sampling SAMPLES answers per question at temperature 1 gives the verifier something to choose from.
cycle_vars = BASE=$(BASE) DATA=$(DATA_DIR)/train.jsonl TEST=$(DATA_DIR)/test.jsonl VIDEO_DIR=$(DATA_DIR)/videos \
	METHOD=full DEVICE=cpu SAMPLES=$(SAMPLES) VSTAR=$(VSTAR) \
	GEN_ARGS="--temperature 1.0 --max-new-tokens 48 --batch-size 64 --seed $(1)" \
	FT_ARGS="--epochs $(EPOCHS) --batch-size 8 --grad-accum 1 --lr $(LR) --no-gradient-checkpointing --seed $(1) -q" \
	EVAL_ARGS="$(EVAL_ARGS)"
main = $(DEMO)/seed$(1)/vstar
ablation = $(DEMO)/seed$(1)/no-rationalization
# Shared by a seed's two runs: the base evaluation, and the first generation (same model, same seed).
SHARED := base/metrics.json base/details.jsonl cycle1/gen.jsonl cycle1/ver.jsonl cycle1/rej.jsonl

.DEFAULT_GOAL := demo
.PHONY: demo
.DELETE_ON_ERROR:

demo: $(DEMO)/view/index.html

$(DEMO)/.started:
	@mkdir -p $(DEMO)
	$(if $(VSTAR_TIMINGS),: > $(VSTAR_TIMINGS))
	date +%s > $@

$(DATA_DIR)/train.jsonl: | $(DEMO)/.started
	$(VSTAR) prepare synthetic --out $(DATA_DIR) --train $(TRAIN_CLIPS) --test $(TEST_CLIPS) --caption-clips $(CAPTION_CLIPS) \
		--captions-per-clip 1 --seed $(SEED)

$(TINY)/config.json: $(DATA_DIR)/train.jsonl
	$(VSTAR) prepare tiny-model --data $(DATA_DIR) --out $(TINY) $(MODEL_ARGS) --seed $(SEED)

# The base model: captioning competence, the vision tower's merger included (the tower itself
# stays random: trained from scratch on this little data it collapses to a constant).
$(BASE)/train_summary.json: $(TINY)/config.json
	OMP_NUM_THREADS=$(BASE_THREADS) $(VSTAR) finetune $(DATA_DIR)/captions.jsonl --model $(TINY) --method full \
		--video-dir $(DATA_DIR)/videos --out $(BASE) $(BASE_ARGS) --seed $(SEED) --device cpu -q

$(BASE_EVAL)/metrics.json: $(BASE)/train_summary.json
	@mkdir -p $(@D)
	OMP_NUM_THREADS=$(BASE_THREADS) $(VSTAR) eval $(DATA_DIR)/test.jsonl --model $(BASE) --video-dir $(DATA_DIR)/videos \
		--frames 8 --device cpu $(EVAL_ARGS) --details $(@D)/details.jsonl -o $@

# Per seed: the main run's first generation, then both runs from there. Files are copied only
# when they differ, so a finished run is not redone.
define SEED_RUNS
$(call main,$(1))/cycle1/ver.jsonl: $(BASE_EVAL)/metrics.json
	mkdir -p $(call main,$(1))/base
	for f in metrics.json details.jsonl; do cmp -s $(BASE_EVAL)/$$$$f $(call main,$(1))/base/$$$$f || cp $(BASE_EVAL)/$$$$f $(call main,$(1))/base/$$$$f || exit 1; done
	$$(MAKE) -f $(CYCLE_MK) $(call cycle_vars,$(1)) CYCLES=1 RUN=$(call main,$(1)) $$@

$(call main,$(1))/cycle$(CYCLES)/metrics.json: $(call main,$(1))/cycle1/ver.jsonl
	$$(MAKE) -f $(CYCLE_MK) $(call cycle_vars,$(1)) CYCLES=$(CYCLES) RUN=$(call main,$(1))

$(call ablation,$(1))/cycle$(ABLATION_CYCLES)/metrics.json: $(call main,$(1))/cycle1/ver.jsonl
	mkdir -p $(call ablation,$(1))/base $(call ablation,$(1))/cycle1
	for f in $(SHARED); do cmp -s $(call main,$(1))/$$$$f $(call ablation,$(1))/$$$$f || cp $(call main,$(1))/$$$$f $(call ablation,$(1))/$$$$f || exit 1; done
	$$(MAKE) -f $(CYCLE_MK) $(call cycle_vars,$(1)) CYCLES=$(ABLATION_CYCLES) RUN=$(call ablation,$(1)) RATIONALIZE=0
endef
$(foreach s,$(SEED_LIST),$(eval $(call SEED_RUNS,$(s))))

RUNS_DONE := $(foreach s,$(SEED_LIST),$(call main,$(s))/cycle$(CYCLES)/metrics.json $(call ablation,$(s))/cycle$(ABLATION_CYCLES)/metrics.json)

$(DEMO)/summary.json: $(RUNS_DONE)
	$(VSTAR) report $(foreach s,$(SEED_LIST),$(call main,$(s))) $(foreach s,$(SEED_LIST),--ablation $(call ablation,$(s))) \
		--seeds "$(SEED_LIST)" --summary $@ --started-at $$(cat $(DEMO)/.started) $(TIMINGS_ARG)

# Last: the static viewer of the first seed's runs (main and ablation), frames sampled as generate samples them.
$(DEMO)/view/index.html: $(DEMO)/summary.json
	$(VSTAR) view $(call main,$(FIRST)) $(call ablation,$(FIRST)) --video-dir $(DATA_DIR)/videos --frames 8 --summary $(DEMO)/summary.json -o $(DEMO)/view -q
	@echo "demo: look at the records: open $(abspath $@) in a browser"
