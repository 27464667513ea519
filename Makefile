# Community 365 — the project's commands. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.DEFAULT_GOAL := help
.PHONY: help setup demo demo-full serve test test-fast lint format bench bench-deps bench-python messages screens clean browser-deps pdf-deps backup restore scheduler install-systemd mutate pdf-fonts test-calendar

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/vendor/.installed: node_modules/.installed scripts/vendor_assets.py
	$(PYTHON) scripts/vendor_assets.py
	@touch $@

locale/en/LC_MESSAGES/django.mo: locale/en/LC_MESSAGES/django.po $(VENV)/.installed
	@command -v msgfmt >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq gettext >/dev/null; }
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*' >/dev/null

browser-deps: ## install Debian's chromium and CJK fonts when missing (as root)
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get install -y -qq chromium fonts-noto-cjk >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)); \
	  else echo "chromium missing: run 'sudo apt-get install chromium fonts-noto-cjk'"; fi; \
	fi

pdf-deps: ## install Debian's CJK fonts embedded in every PDF, and poppler-utils that reads PDFs back (as root)
	@if ! ls /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc >/dev/null 2>&1 || ! command -v pdftotext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get install -y -qq fonts-noto-cjk poppler-utils >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq fonts-noto-cjk poppler-utils >/dev/null)); \
	  else echo "PDF fonts missing: run 'sudo apt-get install fonts-noto-cjk poppler-utils'"; fi; \
	fi

setup: $(VENV)/.installed static/vendor/.installed locale/en/LC_MESSAGES/django.mo pdf-deps pdf-fonts ## build venv, packages, assets, translations, PDF fonts (cut once)

demo: setup ## build everything, create the SQLite demo database, load the demo district and serve it
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload

demo-full: setup ## the full-size district (360,000 residents; time and disk in docs/demo.md) in var/full.sqlite3, then serve it
	DATABASE_URL=$(or $(DATABASE_URL),sqlite:///$(CURDIR)/var/full.sqlite3) $(PY) manage.py migrate --noinput
	DATABASE_URL=$(or $(DATABASE_URL),sqlite:///$(CURDIR)/var/full.sqlite3) $(PY) manage.py seed_demo --full
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	DATABASE_URL=$(or $(DATABASE_URL),sqlite:///$(CURDIR)/var/full.sqlite3) $(PY) manage.py runserver $(HOST):$(PORT) --noreload

serve: setup ## serve the existing demo database
	$(PY) manage.py runserver $(HOST):$(PORT)

# TEST_WORKERS=N runs the suite in N processes (pytest-xdist; each builds its own demo world in a
# database of its own). The default is one process: on this 2-core machine two workers took
# 12 min 8 s on SQLite against 9 min 17 s in one process (measured 2026-11-30, quiet machine).
TEST_WORKERS ?= 0
test: setup browser-deps ## build the same and run the whole suite (DATABASE_URL selects PostgreSQL)
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-fast: setup ## the suite without the browser tests
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

# The calendar check: the whole suite with the clock set to a moment where date rules break
# (default: the next New Year's Day, 00:30 in Ningbo). Not part of `make test`; see docs/architecture.md.
CLOCK ?= $(shell date -u +%Y | awk '{print $$1 + 1 "-01-01T00:30:00+08:00"}')
test-calendar: setup browser-deps ## the whole suite on another day (CLOCK=2027-02-28T23:55:00+08:00 …)
	C365_TEST_CLOCK=$(CLOCK) DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed ## ruff (lint + format check), English catalogue complete, migrations check, mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) scripts/po_tool.py check
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run >/dev/null
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/mypy community365 config

format: $(VENV)/.installed ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench-deps: ## install Debian's wrk, the load generator of `make bench` (as root)
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)); \
	  else echo "wrk missing: run 'sudo apt-get install wrk'"; fi; \
	fi

# PostgreSQL databases of their own, seeded once and kept (the full size takes long to build).
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
BENCH_SIZES ?= demo full
bench: setup bench-deps ## wrk against gunicorn (prod settings, PostgreSQL + pool) at demo and full size; see docs/benchmarks.md
	@for size in $(BENCH_SIZES); do \
	  createdb -h 127.0.0.1 -U postgres c365_bench_$$size 2>/dev/null || true; \
	  $(PY) bench/server.py --size $$size --db $(BENCH_PG)/c365_bench_$$size $(BENCH_ARGS) || exit 1; \
	done
	$(PY) bench/report.py

bench-python: setup ## the older in-process benchmarks (hot reads; flash claim with a Python client)
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) bench/run.py

screens: setup browser-deps ## screenshot each demo persona's home page on a phone into docs/screens/ (after `make demo`)
	$(PY) manage.py screenshots

backup: $(VENV)/.installed ## back up the database and uploaded files (var/backups/, or OUT=…)
	$(PY) manage.py backup --out $(or $(OUT),var/backups)

restore: $(VENV)/.installed ## restore ARCHIVE=… over the configured database (stop the server first)
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=var/backups/community365-….tar.gz"; exit 2; }
	$(PY) manage.py restore "$(ARCHIVE)" --force

pdf-fonts: $(VENV)/.installed pdf-deps ## cut the PDF faces to the common characters once (about 30 s; documents several times faster)
	@$(PY) manage.py pdf_fonts --quiet

scheduler: $(VENV)/.installed ## run the scheduler: enqueues the wishes and talks sweeps when due
	$(PY) manage.py scheduler

install-systemd: ## install and enable the worker and scheduler units from deploy/systemd (as root)
	install -m 0644 deploy/systemd/community365-worker.service deploy/systemd/community365-scheduler.service /etc/systemd/system/
	systemctl daemon-reload
	systemctl enable --now community365-worker.service community365-scheduler.service
mutate: setup ## mutation testing of the rules, one module at a time (long; not part of make test); TARGETS="wishes-claim …" to choose
	DJANGO_SETTINGS_MODULE=config.settings.mutate $(PY) scripts/mutate.py $(TARGETS)

messages: $(VENV)/.installed ## refresh the English message catalogue (source strings are zh-Hans) from the sources
	$(PY) manage.py makemessages -l en --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'static/*' --no-obsolete

clean: ## remove the venv, node_modules, vendored assets and the demo database
	rm -rf $(VENV) node_modules static/vendor var/demo.sqlite3*
