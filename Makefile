# Jiayuan: two commands for a newcomer — `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint setup setup-dev browser bench load check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(RUN_STAMP)

setup: $(RUN_STAMP)

setup-dev: $(DEV_STAMP)

## Set up, load the demo data into the embedded SQLite database and serve on 127.0.0.1:8000.
run: setup
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_demo
	@echo ""
	@echo "家园 已启动：请在浏览器打开 http://127.0.0.1:8000/"
	@$(BIN)/python manage.py demo_accounts
	@echo "公众法律咨询（无需登录）：http://127.0.0.1:8000/legal/"
	@echo "接口文档：http://127.0.0.1:8000/api/docs"
	@echo ""
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## Set up and run the whole test suite (browser tests use Debian's Chromium, installed here if missing).
test: setup-dev browser lint
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test -v 0
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

## The code gates: ruff (lint and format) and djLint for the templates; part of `make test`.
lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint --lint --quiet jiayuan templates

browser:
	@sh scripts/ensure-chromium.sh

## City-scale benchmarks (not part of the test suite).
bench: setup-dev
	$(BIN)/python bench/run.py

## Load test against gunicorn on PostgreSQL.
load: setup-dev
	sh scripts/load.sh
