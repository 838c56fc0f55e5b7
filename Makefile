# Two commands: `make run` (set up, index corpus/, start the app) and `make test`.
# Everything is installed into .venv at the repo root; nothing is fetched at run time.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test bench ingest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The default install has no torch.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

# Test extras add sentence-transformers. torch is pinned first: these machines hold its
# CPU build; an unpinned requirement would pull a multi-GB CUDA build instead.
$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[test,st]'
	touch $@

ingest: $(VENV)/.installed
	$(BIN)/factbot ingest

run: ingest
	$(BIN)/python app.py

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

# Long benchmarks (ARCD, ANS, scale, latency); rewrites benchmarks/README.md.
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py --json --write-readme

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
