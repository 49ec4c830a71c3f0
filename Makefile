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

## Set up, load the demo data into the embedded SQLite database and serve on 127.0.0.1:$(PORT) (default 8000),
## with the background-task worker and the scheduler beside the web server (Procfile; Ctrl-C stops all three).
PORT ?= 8000
run: setup
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_demo
	@echo ""
	@echo "家园 已启动：请在浏览器打开 http://127.0.0.1:$(PORT)/"
	@$(BIN)/python manage.py demo_accounts
	@echo "公众法律咨询（无需登录）：http://127.0.0.1:$(PORT)/legal/"
	@echo "接口文档：http://127.0.0.1:$(PORT)/api/docs"
	@echo "后台任务进程与调度进程同时运行（计划任务见 系统运行 页面，账号 admin）；按 Ctrl-C 全部停止。"
	@echo ""
	PATH="$(CURDIR)/$(BIN):$$PATH" DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/honcho -f Procfile start -p $(PORT)

## Set up and run the whole test suite (browser tests use Debian's Chromium, installed here if missing).
test: setup-dev browser lint
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test -v 0
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

## The code gates: ruff (lint and format), djLint for the templates, the adapter gate (no queries or policy
## calls in pages and API modules) and mypy on the typed apps; part of `make test`.
lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint --lint --quiet jiayuan templates
	$(BIN)/python scripts/check_layers.py
	$(BIN)/mypy

browser:
	@sh scripts/ensure-chromium.sh

## City-scale benchmarks (not part of the test suite).
bench: setup-dev
	$(BIN)/python bench/run.py

## Load test against gunicorn on PostgreSQL.
load: setup-dev
	sh scripts/load.sh
