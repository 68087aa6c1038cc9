# vstar: one entry point for installing, testing, linting and benchmarking.
#   make demo     the whole method end to end on synthetic clips and a tiny model (CPU, minutes)
#   make test     install into .venv (first run only), check the import layers, run the default test suite
#   make bench    throughput and memory benchmarks (bench/*.py)
#   make bench-realsize  a 2B-class model (real layer sizes, random weights) through every stage on CPU; not in `make test`
#   make gpu-check  on an NVIDIA GPU machine (no internet): throughput, QLoRA memory, OOM halving -> bench/out/gpu_check.{json,md}
#   make interop  LLaMA-Factory and TRL (own venvs, from PyPI) train a step on merge output; not in `make test`
#   make fuzz     property-based fuzzing of the reader, verify, merge and the converters (long; FUZZ_EXAMPLES=N)
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# torch 2.14.1 lies on the CI machine's disk; elsewhere pip downloads it. Override with TORCH=...
TORCH ?= torch==2.14.1 torchvision==0.29.1
PYTEST_ARGS ?=
# gpu-check runs on a GPU machine's own Python (its torch), not necessarily this venv.
PYTHON_GPU ?= $(if $(wildcard $(PY)),$(PY),$(PYTHON))

FUZZ_EXAMPLES ?= 2000
# Stages of the demo run side by side, one thread each (JOBS=1 runs them one after another).
JOBS ?= $(shell nproc 2>/dev/null || echo 1)

.PHONY: install test test-all lint format bench bench-realsize gpu-check demo demo-grpo interop clean fuzz

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(TORCH)
	$(PY) -m pip install -q -e '.[test]'
	touch $@

# The layer and no-cycle contracts of pyproject.toml ([tool.importlinter]) are checked first.
test: install
	$(VENV)/bin/lint-imports --no-cache
	HF_HUB_OFFLINE=1 $(PY) -m pytest --durations=15 $(PYTEST_ARGS)

test-all: install
	$(VENV)/bin/lint-imports --no-cache
	HF_HUB_OFFLINE=1 $(PY) -m pytest -m "slow or not slow" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check vstar_cli tests bench
	$(VENV)/bin/ruff format --check vstar_cli tests bench

format: install
	$(VENV)/bin/ruff check --fix vstar_cli tests bench
	$(VENV)/bin/ruff format vstar_cli tests bench

# Each stage is its own Python process, and this environment may forbid writing bytecode
# (PYTHONDONTWRITEBYTECODE): compiling vstar once here saves every process recompiling it.
demo: install
	$(PY) -m compileall -q vstar_cli
	HF_HUB_OFFLINE=1 $(MAKE) -j $(JOBS) -f recipes/demo.mk VSTAR=$(CURDIR)/$(VENV)/bin/vstar

# The demo plus the online arm (vstar grpo) beside the cycles: recipes/demo-grpo.mk.
demo-grpo: install
	$(PY) -m compileall -q vstar_cli
	HF_HUB_OFFLINE=1 $(MAKE) -j $(JOBS) -f recipes/demo-grpo.mk demo-grpo VSTAR=$(CURDIR)/$(VENV)/bin/vstar

bench: install
	HF_HUB_OFFLINE=1 $(PY) bench/verify.py
	HF_HUB_OFFLINE=1 $(PY) bench/verify_quality.py
	HF_HUB_OFFLINE=1 $(PY) bench/verify_open_answer.py
	HF_HUB_OFFLINE=1 $(PY) bench/generate.py
	HF_HUB_OFFLINE=1 $(PY) bench/finetune_memory.py
	HF_HUB_OFFLINE=1 $(PY) bench/view.py
	HF_HUB_OFFLINE=1 $(PY) bench/decode.py
	HF_HUB_OFFLINE=1 $(PY) bench/plan_check.py
	HF_HUB_OFFLINE=1 $(PY) bench/seed_stats.py

bench-realsize: install
	HF_HUB_OFFLINE=1 $(PY) bench/realsize.py

# Needs torch, transformers, peft and accelerate only (bitsandbytes optional); writes bench/out/gpu_check.{json,md}.
gpu-check:
	HF_HUB_OFFLINE=1 $(PYTHON_GPU) bench/gpu_check.py

interop: install
	PY=$(PY) TORCH="$(TORCH)" bash interop/run.sh

fuzz: install
	HF_HUB_OFFLINE=1 HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest tests/hostile/test_fuzz.py -q -p no:cacheprovider $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info bench/out .interop
