# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make run    set up, load the running example when the database is empty, start the app
#   make test   set up, lint, type-check (mypy), run the test suite
PYTHON ?= python3
# Where `make run` listens: this computer only unless sign-in is configured (docs/privacy.md).
ADDRESS ?= localhost
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint format demo bench bench-100m browser clean

# Bytecode is compiled at install (and our own modules before run/bench): with no .pyc, every
# process compiles streamlit, polars, altair... again (4.6 s of imports instead of 1.5 s here).
setup: $(STAMP)

$(STAMP): pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/pip install --quiet uv==0.13.9
	$(BIN)/uv sync --frozen --compile-bytecode --python $(BIN)/python
	touch $(STAMP)

run: setup
	$(BIN)/python -m compileall -q analytics views app.py
	$(BIN)/streamlit run app.py --server.headless true --server.address $(ADDRESS)

test: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

format: setup
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

demo: setup
	$(BIN)/adoption demo

bench: setup
	$(BIN)/python -m compileall -q analytics views app.py benchmarks
	$(BIN)/python -m benchmarks.run

# Issue 12: the 100M-event ingest with peak memory under 2 GB (the default ingest_memory_limit,
# 320MB); ingest only, one run, ~5.5 GB of files in /tmp (generated once, ~4 minutes), then
# about 10 minutes of ingest on a quiet machine.
bench-100m: setup
	$(BIN)/python -m compileall -q analytics views app.py benchmarks
	$(BIN)/python -m benchmarks.run --sizes 100m --steps ingest --runs 1

clean:
	rm -rf $(VENV) data/*.duckdb data/*.sqlite
