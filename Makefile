# Seminar — everyday commands. Needs python3 (3.11+) on PATH; everything else goes in .venv.
#   make demo   install, migrate, load the demo seminar, serve it on http://127.0.0.1:8000
#   make test   install, run the whole test suite (browser tests included)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_PASSWORD ?= seminar-demo
PYTEST_ARGS ?=
# Test processes (pytest-xdist): `auto` is one per CPU core; each has its own test
# database, live server and Chromium, and its own Redis database for the cache.
TEST_WORKERS ?= auto
XDIST := -n $(TEST_WORKERS) --dist loadfile

.PHONY: help install demo serve migrate seed test test-fast e2e screenshots lint typecheck fmt worker beat clean-venv

help:
	@echo "make demo     install, migrate, seed the demo seminar and serve it on 127.0.0.1:8000"
	@echo "make test     install and run every test (needs /usr/bin/chromium for the e2e tests)"
	@echo "make e2e      only the browser tests (pytest -m e2e)"
	@echo "make screenshots  refresh docs/screenshots/ (the README's pictures) from the demo"
	@echo "make lint     ruff check + format --check, lint-imports (layers), mypy, djLint"
	@echo "make typecheck  mypy alone (mypy.ini: the app packages, core strict)"
	@echo "make fmt      ruff format + ruff check --fix"
	@echo "make worker   Celery worker (needs REDIS_URL)"
	@echo "make beat     Celery beat (needs REDIS_URL)"

# The venv is (re)built when it is missing or pyproject.toml changed.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --password '$(DEMO_PASSWORD)'

demo: seed
	$(PY) manage.py runserver 127.0.0.1:8000

serve: migrate
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(PY) -m pytest $(XDIST) --durations=15 $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest $(XDIST) -m "not e2e" $(PYTEST_ARGS)

e2e: $(STAMP)
	$(PY) -m pytest $(XDIST) -m e2e $(PYTEST_ARGS)

screenshots: $(STAMP)
	SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest tests/e2e/test_screenshots.py $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(VENV)/bin/djlint --lint templates

typecheck: $(STAMP)
	$(VENV)/bin/mypy

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: $(STAMP)
	$(PY) -m celery -A seminar worker --loglevel INFO

beat: $(STAMP)
	$(PY) -m celery -A seminar beat --loglevel INFO --schedule $(VENV)/celerybeat-schedule

clean-venv:
	rm -rf $(VENV)
