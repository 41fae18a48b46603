# Everyday targets. The README quickstart is `make demo` and `make test`; both create the
# environment first when it is missing or out of date.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export KPIWH_HOME ?= $(CURDIR)/var

.PHONY: setup demo run generate test lint format ui dbt-parse bench lock clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

## demo: generate the sample company and run the full nightly job on DuckDB
demo: $(STAMP)
	$(BIN)/kpiwh generate --scale small --clean
	$(BIN)/kpiwh run

run: $(STAMP)
	$(BIN)/kpiwh run

generate: $(STAMP)
	$(BIN)/kpiwh generate --scale small --clean

## test: lint, then every test
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project/models
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project/models

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/sqlfluff fix dbt_project/models

ui: $(STAMP)
	$(BIN)/kpiwh ui

dbt-parse: $(STAMP)
	cd dbt_project && ../$(BIN)/dbt parse --profiles-dir . --quiet

## bench: benchmark the nightly job (SCALE=S by default; M takes a while), see docs/benchmarks.md
SCALE ?= S
bench: $(STAMP)
	$(BIN)/kpiwh bench --scale $(SCALE)

## lock: re-resolve the whole dependency tree into requirements.lock
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet -e ".[dev]"
	(echo "# Full dependency tree, resolved on Python 3.11 (linux x86_64). Regenerate with \`make lock\`."; \
	  .lockenv/bin/pip freeze --exclude-editable) > requirements.lock
	rm -rf .lockenv

clean:
	rm -rf var dbt_project/target dbt_project/logs .pytest_cache
