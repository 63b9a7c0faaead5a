# Civo — two commands on a fresh machine with Python 3.11+:
#   make run    install, migrate, seed the demo data if the database is empty, start the app
#   make test   install the test extras (Playwright, Debian Chromium) and run the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)
export REFLEX_USE_NPM := 1
export REFLEX_TELEMETRY_ENABLED := false

.PHONY: run test install install-test seed migrate i18n bench bench-live bench-budget

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Civo needs Python 3.11+"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test]"
	# pabutools (the budget outcome tests' reference) without its gurobipy requirement
	$(BIN)/python -m pip install --quiet --no-deps "pabutools>=1.2"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test
	@test -x /usr/bin/chromium || { echo "Installing Debian Chromium for the browser tests…"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null'; }

migrate: install
	mkdir -p data
	$(BIN)/reflex db migrate

seed: migrate
	$(BIN)/python -m civo.cli seed --if-empty

run: seed
	$(BIN)/reflex run

test: install-test
	$(BIN)/python scripts/run_tests.py


i18n: install
	$(BIN)/python scripts/i18n.py update && $(BIN)/python scripts/i18n.py check

# The feed benchmark (bench/feed.py): generates 100k contributions, 2M read marks and 1M
# reactions on SQLite, prints p50/p95 figures and a RESULT line. ~3 minutes on 2 cores.
bench: install
	$(BIN)/python bench/feed.py

# Live updates under load (bench/live.py): Civo in production mode beside a bare Reflex
# counter, 100 and 300 crafted websocket clients, fan-out to 200 pages. ~5 minutes.
bench-live: install-test
	$(BIN)/python bench/live.py

# Budget outcomes (bench/budget.py): 100 projects x 50,000 voters (5 approvals each), the
# Method of Equal Shares with Add1 and greedy by votes; ~1 minute (mostly building the data).
bench-budget: install
	$(BIN)/python bench/budget.py
