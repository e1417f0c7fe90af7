# Two commands do all set-up on a fresh machine:  `make demo`  and  `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
STORE   ?= out/demo.duckdb
SAMPLE  := data_samples/small

.PHONY: setup demo test test-fast lint bench clean system-deps

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Debian packages the tests use: Chromium for the real-browser test, poppler for rendering PDFs.
system-deps:
	@command -v chromium >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-dejavu-core >/dev/null; }

# The main job on the bundled small county: reference data, every source format, checks, scores, status.
# Each command is one step of pipelines/steps.py (with its duties: the last check and score publish the snapshot).
demo: setup
	rm -f $(STORE) $(STORE).wal
	mkdir -p out
	$(BIN)/lokivahti --store $(STORE) reference $(SAMPLE)/reference
	$(BIN)/lokivahti --store $(STORE) ingest $(SAMPLE)/events/*
	$(BIN)/lokivahti --store $(STORE) check
	$(BIN)/lokivahti --store $(STORE) score
	$(BIN)/lokivahti --store $(STORE) evaluate --labels $(SAMPLE)/labels
	$(BIN)/lokivahti --store $(STORE) status

test: setup system-deps
	$(BIN)/ruff check pipelines tests app.py app_pages
	$(BIN)/python -m pytest -n 2 -q

# The inner loop: no browser, nothing marked slow (tests on a whole generated county or a real pipeline run).
test-fast: setup
	$(BIN)/python -m pytest -n 2 -q -m "not slow and not browser"

lint: setup
	$(BIN)/ruff check pipelines tests app.py app_pages

bench: setup
	$(BIN)/lokivahti bench

clean:
	rm -rf $(VENV) out test-artifacts
