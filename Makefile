# tongban 通办: the two commands are `make run` and `make test`; `make help` lists the others.
#
# Everything runs from the project's own virtual environment (.venv), created and kept in sync with
# requirements/lock.txt by bin/bootstrap. Override the interpreter with `make PYTHON=/path/to/python3.11`.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.NOTPARALLEL:
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
TEST_SETTINGS ?= tongban.conf.test
RUN_SETTINGS ?= tongban.conf.dev
# `:=`, not `?=`: shells export HOST (zsh: the machine name). `make run HOST=... PORT=...` still works.
HOST := 127.0.0.1
PORT := 8000
PYTEST_ARGS ?=
LINT_PATHS := src bench bin manage.py

# The gates of `make test`, in order. They all run (make -k) and the run fails if any failed.
TEST_STEPS := lint migrations-check openapi-check env-docs-check typecheck browser-deps pytest

header = @printf '\n==> %s\n' "$(1)"

.PHONY: help venv run test $(TEST_STEPS) fmt openapi env-docs messages lock clean distclean

help: ## list the targets
	@echo "tongban 通办: make run (serve locally with demo data) · make test (every check and test)"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-17s %s\n", $$1, $$2}'

venv: ## create .venv and install requirements/lock.txt + the project (only when the lock changed)
	@PYTHON="$(PYTHON)" bash bin/bootstrap

# --- The two commands -----------------------------------------------------------------------------

run: venv ## migrate, load demo data, serve web + task worker on http://127.0.0.1:8000 (Ctrl-C stops)
	@DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) $(PY) bin/run.py --host $(HOST) --port $(PORT)

test: venv ## lint, migrations, OpenAPI and config-doc drift, mypy, then the whole pytest suite
	@$(MAKE) -k $(TEST_STEPS) || { \
		printf '\nmake test: FAILED. The steps that failed are marked "Error" above.\n'; exit 1; }

# --- The steps of `make test` (each can be run alone) ---------------------------------------------

lint: venv ## ruff check + ruff format --check
	$(call header,ruff check + ruff format --check)
	@rc=0; set -x; $(VENV)/bin/ruff check $(LINT_PATHS) || rc=1; \
		$(VENV)/bin/ruff format --check $(LINT_PATHS) || rc=1; exit $$rc

migrations-check: venv ## fail if a model change has no migration
	$(call header,makemigrations --check --dry-run)
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(MANAGE) makemigrations --check --dry-run

openapi-check: venv ## fail if docs/api/openapi.json differs from the API in the code
	$(call header,OpenAPI drift: docs/api/openapi.json)
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(MANAGE) export_openapi --check docs/api/openapi.json

env-docs-check: venv ## fail if docs/configuration.md differs from the config() calls
	$(call header,configuration reference drift: docs/configuration.md)
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(MANAGE) env_reference --check docs/configuration.md

typecheck: venv ## mypy with django-stubs over src/tongban
	$(call header,mypy src/tongban)
	$(VENV)/bin/mypy src/tongban

browser-deps: ## install chromium + a CJK font for the browser tests (root), or warn loudly
	$(call header,browser test prerequisites)
	@bash bin/browser-deps

pytest: venv ## the whole pytest suite on SQLite, browser tests included (PYTEST_ARGS=... to narrow)
	$(call header,pytest)
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(VENV)/bin/pytest $(PYTEST_ARGS)

# --- Generated files ------------------------------------------------------------------------------

openapi: venv ## regenerate docs/api/openapi.json (sorted keys, indent 2, UTF-8)
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(MANAGE) export_openapi --output docs/api/openapi.json

env-docs: venv ## regenerate docs/configuration.md from the config() calls
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(MANAGE) env_reference --output docs/configuration.md

messages: venv ## makemessages -l zh_Hans (tests excluded) + compilemessages, run in src/tongban
	cd src/tongban && DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) ../../$(PY) ../../manage.py makemessages \
		-l zh_Hans --ignore 'tests/*' --ignore '*/tests/*'
	cd src/tongban && DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) ../../$(PY) ../../manage.py compilemessages

# --- Benchmarks (not part of `make test`) ---------------------------------------------------------

.PHONY: bench-search
BENCH_ARGS ?=
bench-search: venv ## search: accuracy on the evaluation set, engine vs BM25, 20k-doc scale (BENCH_ARGS=-v)
	$(PY) -m bench.search $(BENCH_ARGS)

.PHONY: bench-licenses
bench-licenses: venv ## licences: import rate, wallet look-ups, verification, 1M rows (BENCH_ARGS="--count 10000000")
	nice $(PY) -m bench.licenses $(BENCH_ARGS)

.PHONY: bench-cases
bench-cases: venv ## cases: submissions/s (API, service layer), workflow step cost, profile (BENCH_ARGS="--bundles 1000")
	nice $(PY) -m bench.cases $(BENCH_ARGS)

# --- Maintenance ----------------------------------------------------------------------------------

fmt: venv ## ruff check --fix + ruff format (rewrites files)
	$(VENV)/bin/ruff check --fix $(LINT_PATHS)
	$(VENV)/bin/ruff format $(LINT_PATHS)

lock: venv ## recompile requirements/lock.txt with uv (UPGRADE=1 to take newer versions)
	@test -x $(VENV)/bin/uv || { echo "==> installing uv into $(VENV) (a tool for this target only)"; \
		$(PY) -m pip install --quiet --disable-pip-version-check uv; }
	$(VENV)/bin/uv pip compile --quiet pyproject.toml --extra dev -o requirements/lock.txt --python-version 3.11 \
		$(if $(UPGRADE),--upgrade)

clean: ## remove caches and build output (keeps .venv and the local database in var/)
	find src bench bin -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf .mypy_cache .ruff_cache .pytest_cache test-results build src/*.egg-info var/staticfiles

distclean: clean ## also remove .venv and var/ (the local SQLite database, dev keys)
	rm -rf $(VENV) var
