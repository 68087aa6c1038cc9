# The demo with an online arm: GRPO (vstar grpo) from the demo's base model on the same training questions.
#   make demo-grpo                          (from the repository root; installs first)
#   make -f recipes/demo-grpo.mk demo-grpo  (with vstar installed)
#   make demo-grpo SEEDS=1                  (one seed)
# Runs what `make demo` runs (recipes/demo.mk: clips, base model, Video-STaR cycles and the
# ablation), and beside them, per seed, GRPO_STAGES stages of GRPO_STEPS GRPO steps from
# $(DEMO)/base, full training as the cycles' finetuning, the verifier as the reward. After
# each stage the model is evaluated on the held-out questions exactly as the cycles are. The
# online run folder ($(DEMO)/seedS/grpo) has the cycles' layout (base/, cycle1/ = after stage
# 1, ...), so its accuracies get the same intervals. $(DEMO)/summary-grpo.md holds the demo's
# summary plus both arms as accuracy against wall time, and the cycles' accuracy reached in
# the same time as each GRPO stage. All arms run side by side (make -j JOBS), so wall times
# include that contention. `make demo` itself is unchanged.
include $(dir $(lastword $(MAKEFILE_LIST)))demo.mk

GRPO_STAGES ?= 4
GRPO_STEPS ?= 25
GRPO_ARGS ?= --group-size 4 --questions-per-step 4 --completion-length 48 --temperature 1.0 --lr 1e-4 \
	--no-gradient-checkpointing
grpo = $(DEMO)/seed$(1)/grpo
GRPO_STAGE_IDS := $(shell seq 1 $(GRPO_STAGES))

.DEFAULT_GOAL := demo-grpo
.PHONY: demo-grpo
demo-grpo: $(DEMO)/summary-grpo.json

# Stage k trains on to k x GRPO_STEPS steps, resuming the run's checkpoint of stage k-1, then evaluates.
define GRPO_STAGE
$(call grpo,$(1))/cycle$(2)/metrics.json: $(call grpo,$(1))/$(if $(filter 1,$(2)),base,cycle$(3))/metrics.json
	$(VSTAR) grpo $(DATA_DIR)/train.jsonl --model $(BASE) --method full --video-dir $(DATA_DIR)/videos --frames 8 \
		--device cpu $(GRPO_ARGS) --steps $(shell echo $$(($(2) * $(GRPO_STEPS)))) --save-steps $(GRPO_STEPS) \
		--seed $(1) --output-dir $(call grpo,$(1))/ckpt --resume-from-checkpoint auto -q
	mkdir -p $$(@D)
	cp $(call grpo,$(1))/ckpt/train_summary.json $$(@D)/train_summary.json
	$(VSTAR) eval $(DATA_DIR)/test.jsonl --model $(call grpo,$(1))/ckpt --video-dir $(DATA_DIR)/videos --frames 8 \
		--device cpu $(EVAL_ARGS) --details $$(@D)/details.jsonl -o $$@
endef

define GRPO_RUN
$(call grpo,$(1))/base/metrics.json: $(BASE_EVAL)/metrics.json
	mkdir -p $$(@D)
	cp $(BASE_EVAL)/details.jsonl $$(@D)/details.jsonl
	cp $(BASE_EVAL)/metrics.json $$@
$(foreach k,$(GRPO_STAGE_IDS),$(eval $(call GRPO_STAGE,$(1),$(k),$(shell echo $$(($(k) - 1))))))
endef
$(foreach s,$(SEED_LIST),$(eval $(call GRPO_RUN,$(s))))

GRPO_DONE := $(foreach s,$(SEED_LIST),$(call grpo,$(s))/cycle$(GRPO_STAGES)/metrics.json)

$(DEMO)/summary-grpo.json: $(RUNS_DONE) $(GRPO_DONE)
	$(VSTAR) report $(foreach s,$(SEED_LIST),$(call main,$(s))) $(foreach s,$(SEED_LIST),--ablation $(call ablation,$(s))) \
		$(foreach s,$(SEED_LIST),--online $(call grpo,$(s))) --seeds "$(SEED_LIST)" --summary $@ \
		--started-at $$(cat $(DEMO)/.started) $(TIMINGS_ARG)
