# crosstalk: `make run` serves the site, `make test` runs every test. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock 2>/dev/null | md5sum | cut -c1-10)
export PORT ?= 8000

.PHONY: run serve test bench soak stop install db migrate static chromium nginx lint format

install: $(STAMP)

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade 'pip>=25.1'
	$(BIN)/python -m pip install -q --disable-pip-version-check -c requirements.lock --group dev
	@rm -f $(VENV)/.installed-*; touch $@

db:
	@scripts/db.sh start

migrate: install db
	$(BIN)/python manage.py migrate --noinput -v0

static: install
	$(BIN)/python manage.py collectstatic --noinput -v0

# The production settings over plain HTTP on loopback, with a secret key made once for this
# checkout (.secret_key) unless one is given.
PROD_ENV = export DJANGO_SETTINGS_MODULE=config.settings.prod CROSSTALK_PLAIN_HTTP=$${CROSSTALK_PLAIN_HTTP:-1} \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" SECRET_KEY="$${SECRET_KEY:-$$(scripts/secret_key.sh)}"

# DEBUG on (DEBUG=1): development settings; otherwise PROD_ENV.
run: migrate static
	$(BIN)/python manage.py seed_demo --if-empty
	@echo "crosstalk: serving on http://127.0.0.1:$(PORT)/ (Ctrl-C stops; 'make stop' stops the database)"
	@if [[ "$${DEBUG,,}" =~ ^(1|true|yes|on)$$ ]]; then \
	  export DJANGO_SETTINGS_MODULE=config.settings.dev; \
	else \
	  $(PROD_ENV); \
	fi; \
	exec scripts/run.sh

# The production-shaped stack on one machine: nginx (Debian's, installed when missing) on
# 127.0.0.1:$(PORT) in front of gunicorn on a Unix socket, the task worker, the production
# settings. Ctrl-C stops it all. See docs/DEPLOYMENT.md.
serve: migrate static nginx
	$(BIN)/python manage.py seed_demo --if-empty
	@echo "crosstalk: nginx serving on http://127.0.0.1:$(PORT)/ (Ctrl-C stops; 'make stop' stops the database)"
	@$(PROD_ENV); exec scripts/serve.sh

nginx:
	@scripts/ensure_nginx.sh

chromium:
	@scripts/ensure_chromium.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: migrate chromium nginx lint
	@scripts/ensure_node_tools.sh
	@scripts/ensure_redis.sh
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest $(PYTEST_ARGS)

bench:
	@$(MAKE) --no-print-directory -s install >&2
	@scripts/ensure_wrk.sh
	@scripts/ensure_nginx.sh
	@CROSSTALK_DB_NAME=crosstalk_bench scripts/db.sh start >&2
	@DJANGO_SETTINGS_MODULE=config.settings.bench CROSSTALK_DB_NAME=crosstalk_bench $(BIN)/python -m bench

# About two minutes: 90 s (SOAK_SECONDS) of mixed load against gunicorn with the production
# settings, on a throwaway PostgreSQL cluster (and Redis when installed), then checks that
# nothing was lost, doubled or miscounted. JSON lines on stdout, like `make bench`.
soak:
	@$(MAKE) --no-print-directory -s install >&2
	@scripts/ensure_redis.sh
	@$(BIN)/python -m soak

# Lighthouse 12.2.3 and the Nu Html Checker against a running `make run` site (AUDIT_URL, default
# http://127.0.0.1:$(PORT)): the home page and a 200-comment article; JSON lines on stdout.
.PHONY: audit
audit: install
	@scripts/ensure_node_tools.sh
	@AUDIT_URL="$${AUDIT_URL:-http://127.0.0.1:$(PORT)}" $(BIN)/python scripts/audit.py

stop:
	@scripts/db.sh stop
