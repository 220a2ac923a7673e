# massage-review: the whole set-up is `make run` (review the demo cases) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export MASSAGE_REVIEW_HOME ?= $(CURDIR)/data

.PHONY: run test lint bench eval ingest clean fuzz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## review the demo cases offline (builds the guideline index on first use)
run: $(STAMP)
	$(BIN)/massage-review ingest
	$(BIN)/massage-review review examples/cases --format text

## lint and run the whole test suite
test: $(STAMP)
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

clean:
	rm -rf $(VENV) data reports .pytest_cache .ruff_cache
