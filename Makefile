# Two commands do all the set-up on a fresh machine:
#   make demo   creates .venv, installs the project and graphviz's `dot`, steps through a worked example
#   make test   the same plus the dev extras and PyTorch (the torch extra, CPU wheel), then the
#               whole test suite (notebooks and the torch cross-checks included)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint format bench notebooks dot browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamps record that the install matches pyproject.toml; editing it reinstalls.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# The torch extra for the cross-checks, pinned to the CPU wheel (another version may be a
# CUDA build of several GB). About 30 s from a local wheel; see README.md.
TORCH ?= torch==2.13.0

$(VENV)/.installed-torch: pyproject.toml $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet -e '.[dev,torch]' '$(TORCH)'
	touch $@

dot:
	@.ci/require dot graphviz "brew install graphviz    # macOS;  conda install -c conda-forge graphviz    # conda"

# Debian's Chromium and its driver, for the step-through page's browser tests
browser:
	@.ci/require chromium "chromium chromium-driver" "install Chromium, e.g.  brew install --cask chromium    # macOS"
	@.ci/require chromedriver chromium-driver "install ChromeDriver, e.g.  brew install --cask chromedriver    # macOS"

demo: $(VENV)/.installed dot
	$(BIN)/autograd-lite demo --html gad_neuron.html
	@echo "Step through it in a browser: open gad_neuron.html (xdg-open gad_neuron.html; macOS: open gad_neuron.html)"

test: $(VENV)/.installed-torch dot browser
	@$(BIN)/python -c "import torch" || { echo "PyTorch is installed but will not import: the torch cross-checks cannot run"; exit 1; }
	$(BIN)/python -m pytest

# with PyTorch for notebook 09 (from scalars to tensors)
$(VENV)/.installed-notebooks: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[notebooks,torch]' '$(TORCH)'
	touch $@ $(VENV)/.installed

notebooks: $(VENV)/.installed-notebooks dot
	$(BIN)/jupyter lab notebooks/

# Benchmarks run in an environment of their own: this project plus the peers it is measured
# against (benchmarks/requirements.txt). `make bench ARGS=--quick` for a fast sanity run.
BENCH_VENV := benchmarks/.venv

$(BENCH_VENV)/bin/python:
	$(PYTHON) -m venv $(BENCH_VENV)

$(BENCH_VENV)/.installed: pyproject.toml benchmarks/requirements.txt | $(BENCH_VENV)/bin/python
	$(BENCH_VENV)/bin/python -m pip install --quiet -e . -r benchmarks/requirements.txt
	touch $@

bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python benchmarks/run.py $(ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis .ruff_cache
