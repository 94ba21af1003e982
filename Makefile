# The two commands of the README. Each creates .venv and installs the project on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# The pip bundled with older Pythons cannot resolve trafilatura's lxml extras cleanly.
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

## run: the pipeline on seeds/ with the default settings, writing parquet/
run: $(STAMP)
	$(BIN)/dedupe run seeds --out parquet

## test: lint, type-check and the whole test suite (CI runs exactly this)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks.prefect_overhead

clean:
	rm -rf $(VENV) parquet/documents parquet/blocks parquet/errors parquet/inputs parquet/_staging
