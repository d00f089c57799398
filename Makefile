# Two commands on a fresh machine: `make run` (the product) and `make test` (the suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export FLASK_APP := webapp
# `make run`'s ports: the web app's, and the JOOR simulator's (which JOOR_LOCAL_URL points at).
export PORT ?= 5000
export JOOR_SIM_PORT ?= 5050
export JOOR_LOCAL_URL ?= http://127.0.0.1:$(JOOR_SIM_PORT)/v2
# honcho hands each process a PORT of its own (5000, 5100, ...), so Procfile.dev's web reads this.
export WEB_PORT := $(PORT)

.PHONY: run test install lint format bench stop clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Set up, migrate, create the demo store and login, then run web, worker, clock and the JOOR simulator.
# A webhook receiver on this machine may take alerts here (never in production).
run: export ALERT_WEBHOOK_ALLOW_LOOPBACK ?= 1
run: $(STAMP)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	$(BIN)/honcho -f Procfile.dev start

## Set up and run the whole suite (real Redis; a real browser where Chromium is installed).
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench.inventory_plan
	$(BIN)/python -m bench.import_orders
	$(BIN)/python -m bench.panel
	$(BIN)/python -m bench.push_credits

## Stop the embedded Redis that local runs start in instance/.
stop: $(STAMP)
	$(BIN)/python -c "import redis; redis.Redis(unix_socket_path='instance/redis.sock').shutdown(nosave=False)" || true

clean: stop
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .hypothesis
