# Two commands a person needs: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# make serve listens here; put a TLS-terminating proxy in front (README, Running in production).
BIND ?= 127.0.0.1:8000
# make test-postgres: a server where this role may create databases (the tests use test_triage).
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/triage
# pytest-xdist processes for the tests that need no browser: one per core ("auto"). Each has its
# own test database (pytest-django names them test_triage_gw0, _gw1, ...). WORKERS=0: one process.
WORKERS ?= auto

.PHONY: run serve test test-postgres lint security format install clean messages

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (looked for $(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The Spanish catalogue (README, Languages): locale/es/LC_MESSAGES/django.mo is committed, so a
# machine without GNU gettext still runs; where msgfmt exists it is compiled again from the .po.
messages: $(STAMP)
	@if command -v msgfmt >/dev/null 2>&1; then \
	  DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py compilemessages -l es \
	    --ignore=.venv --ignore=node_modules --verbosity 0; \
	else echo "msgfmt not found (apt-get install gettext): using the committed django.mo" >&2; fi

## make run: install, migrate, load the rules and sections, serve on 127.0.0.1:8000
run: export DJANGO_DEBUG ?= true
run: $(STAMP) messages
	$(BIN)/python manage.py migrate --verbosity 0
	$(BIN)/python manage.py load_rules
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## make serve: production: collect static files, then gunicorn on $(BIND). Needs the production
## variables (README, Configuration); run migrate and load_rules first.
serve: $(STAMP) messages
	@case "$$(printf '%s' "$${DJANGO_DEBUG:-}" | tr A-Z a-z)" in 1|true|yes|on) \
	  echo "make serve is for production: unset DJANGO_DEBUG (make run is for development)" >&2; exit 1;; esac
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn -c gunicorn.conf.py triage.wsgi:application --bind $(BIND) --access-logfile -

## make test: install, check style and security, run the whole suite: the tests that need no
## browser in parallel, then the browser tests in one process (they share one Chromium, one live
## server and the pages they capture for the HTML check, so they do not split across workers)
test: $(STAMP) messages lint security
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0
	$(BIN)/python -m pytest -n $(WORKERS) -m "not browser"
	$(BIN)/python -m pytest -m browser

# The browser tests' tools (package.json: axe-core, vnu-jar, lforms), installed again when the
# lock changes. --ignore-scripts: vnu-jar's install script would download a Java runtime.
# --legacy-peer-deps (also in .npmrc): lforms' Angular peer dependencies would stall npm.
NODE_STAMP := node_modules/.installed
test test-postgres: $(NODE_STAMP)
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --legacy-peer-deps --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the browser tests will skip (README, Browser tests)" >&2; fi

## make test-postgres: the suite again on PostgreSQL at $(POSTGRES_URL), all but the browser tests.
## What depends on the database (transactions, the ruleset token, locks and counts, two app
## instances on one database, every view through the test client) is in the tests that need no
## browser. The browser tests check what Chromium makes of the same pages (accessibility, HTML,
## layout, print, scripts); the pages come from the same views and queries, so a second run on
## PostgreSQL would prove nothing new. BROWSER=1 runs them on PostgreSQL too.
test-postgres: $(STAMP) messages
	@$(BIN)/python -c 'import sys, psycopg; psycopg.connect(sys.argv[1], dbname="postgres", connect_timeout=5).close()' "$(POSTGRES_URL)" 2>/dev/null || \
	  { echo "PostgreSQL does not answer at $(POSTGRES_URL) (README: Running the tests on PostgreSQL locally)" >&2; exit 1; }
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/python -m pytest -n $(WORKERS) -m "not browser"
	@if [ -n "$(BROWSER)" ]; then DATABASE_URL=$(POSTGRES_URL) $(BIN)/python -m pytest -m browser; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## bandit: no medium- or high-severity finding in our code
security: $(STAMP)
	$(BIN)/bandit -q -ll -r triage

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
