# The two commands of the README: `make demo` and `make test`. Everything they need is
# installed from here (the virtualenv from uv.lock, Debian's chromium, fonts and poppler).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000

TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# pytest-xdist processes for `make test` (each has its own test database, test_<name>_gwN; the
# Celery, gunicorn and Redis tests start their services on free ports and queues of their own).
# `make test TEST_WORKERS=0` runs in one process.
TEST_WORKERS ?= auto

# Debian packages: the browser for the browser tests, a TrueType CJK font for the PDFs
# (fast to subset), poppler for checking PDFs, and the libraries WeasyPrint loads.
DEBIAN_PACKAGES := chromium fonts-arphic-uming poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

.PHONY: help demo serve test test-fast lint format bench venv sysdeps check-services migrate clean npm

help:
	@echo "make demo   - install, migrate SQLite, load demo data, serve http://$(HOST):$(PORT)"
	@echo "make test   - the whole test suite on PostgreSQL, Redis, Celery and Chromium"
	@echo "make lint   - ruff check, ruff format --check and lint-imports (the layer contract)"
	@echo "make bench  - the benchmarks; writes bench/results.json and bench/REPORT.md"

$(VENV)/.synced: pyproject.toml uv.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/python -m pip --version >/dev/null 2>&1 || $(PY) -m ensurepip -q
	@$(VENV)/bin/uv --version 2>/dev/null | grep -q "$(UV_VERSION)" || $(PY) -m pip install -q --disable-pip-version-check "uv==$(UV_VERSION)"
	$(VENV)/bin/uv sync --frozen --inexact --python $(PY)
	@touch $@

venv: $(VENV)/.synced

# axe-core for the accessibility tests (tests/browser inject it into each page), pinned by
# package-lock.json; node and npm come with the machine (Debian: apt-get install nodejs npm).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

npm: node_modules/.installed

sysdeps:
	@bash scripts/sysdeps.sh $(DEBIAN_PACKAGES)

migrate: venv
	$(PY) manage.py migrate --noinput

demo: venv sysdeps
	env -u DATABASE_URL -u REDIS_URL $(PY) manage.py migrate --noinput
	env -u DATABASE_URL -u REDIS_URL $(PY) manage.py load_demo --year
	env -u DATABASE_URL -u REDIS_URL $(PY) manage.py runserver $(HOST):$(PORT)

serve: venv
	$(PY) manage.py runserver $(HOST):$(PORT)

check-services: venv
	@DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" $(PY) scripts/check_services.py

test: venv sysdeps npm check-services
	DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" \
		$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

test-fast: venv
	DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" \
		$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal -m "not browser and not celery and not slow" $(PYTEST_ARGS)

# The checks CI runs before the tests: ruff's rules, ruff's format, and the layer contract of
# .importlinter (tests/test_architecture.py also finds import cycles and modules over 500 lines).
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: venv sysdeps check-services
	BENCH_DATABASE_URL="$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench}" \
		REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" $(PY) bench/run.py $(BENCH)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache node_modules
