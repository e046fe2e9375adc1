# Wangge — the two everyday commands are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO_CASES ?= 400
BOUNDARIES := $(wildcard ../shared/data/geo/pingdingshan_410400.geojson)

.PHONY: install run demo serve test lint check-services prod-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,redis]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv 2>/dev/null || true
	$(BIN)/python manage.py demo $(if $(BOUNDARIES),--boundaries $(BOUNDARIES)) --cases $(DEMO_CASES)

run: demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo "Wangge is serving on http://$(HOST):$(PORT)/ with its task worker and scheduler  (Ctrl-C to stop)"
	PATH="$(abspath $(BIN)):$$PATH" HOST=$(HOST) PORT=$(PORT) $(BIN)/honcho -f Procfile.dev start

test: install
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# The production set (Procfile under honcho: gunicorn, an RQ worker, two schedulers) on PostgreSQL + Redis with a
# short smoke (login, intake, dispatch, a bulletin through the queue), then deploy/nginx.conf in front (TLS, static
# files, an upload by X-Accel-Redirect) when nginx is installed; a throwaway database, dropped after.
prod-check: install
	$(BIN)/python deploy/prod_check.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy wangge config
	$(BIN)/lint-imports
	$(BIN)/deptry .
