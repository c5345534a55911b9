# Two commands on a fresh machine:  make run  ·  make test
# Every step skips what is already installed, so a second run is quick.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := .make
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/safeguarding
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# Debian packages: Pango for WeasyPrint, Chromium for browser tests,
# Graphviz for governance diagrams, poppler-utils to look at PDFs.
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
	chromium graphviz poppler-utils redis-tools nodejs

.PHONY: help install run test ci lint format migrations-check worker beat bench clean

help:
	@echo "make run    set up everything, load the demo data, serve http://127.0.0.1:8000"
	@echo "make test   the whole suite on PostgreSQL with a real Celery worker on Redis"
	@echo "make ci     lint, migrations check and tests (what .ci/run does)"

$(STAMP)/system: Makefile
	@mkdir -p $(STAMP)
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@touch $@

$(PY):
	python3.11 -m venv $(VENV) || python3 -m venv $(VENV)

$(STAMP)/python: requirements.txt | $(PY)
	@mkdir -p $(STAMP)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json | $(STAMP)/system
	npm ci --no-audit --no-fund

static/build/app.css: static/scss/app.scss node_modules/.package-lock.json
	@mkdir -p static/build
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js node_modules/htmx.org/dist/htmx.min.js static/build/
	@# Images only: the GDS Transport font is reserved for GOV.UK services.
	mkdir -p static/build/govuk-assets && cp -r node_modules/govuk-frontend/dist/govuk/assets/images static/build/govuk-assets/
	npx sass --load-path=node_modules --silence-deprecation=import --quiet-deps --style=compressed \
		--no-source-map static/scss/app.scss static/build/app.css

# GOV.UK's accessible-autocomplete for long pickers (static/js/autocomplete.js loads it on demand).
static/build/accessible-autocomplete.min.js: node_modules/.package-lock.json
	@mkdir -p static/build
	@# With their source maps: the files name them, and collectstatic refuses a missing one.
	cp node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.{js,js.map,css,css.map} static/build/

staticfiles/staticfiles.json: static/build/app.css static/build/accessible-autocomplete.min.js static/js/app.js \
		static/js/autocomplete.js static/css/autocomplete.css $(STAMP)/python
	DEBUG=false SECRET_KEY=collectstatic-only DATABASE_URL=sqlite:// $(PY) manage.py collectstatic --no-input -v0 --ignore scss

install: $(STAMP)/system $(STAMP)/python static/build/app.css static/build/accessible-autocomplete.min.js \
		staticfiles/staticfiles.json

run: install
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_demo
	@echo
	@echo "Open http://127.0.0.1:8000 and sign in with a login above."
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	@$(PY) -c "import sys, psycopg; psycopg.connect(sys.argv[1].rsplit('/', 1)[0] + '/postgres', connect_timeout=5).close()" \
		'$(TEST_DATABASE_URL)' 2>/dev/null \
		|| { echo "PostgreSQL is not reachable at $(TEST_DATABASE_URL): start it (see README) and run make test again." >&2; exit 1; }
	@redis-cli -u $(TEST_REDIS_URL) ping >/dev/null 2>&1 || { echo "Redis is not reachable at $(TEST_REDIS_URL): start it (see README) and run make test again." >&2; exit 1; }
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DEBUG=true AXES_ENABLED=false \
		$(PY) -m pytest --create-db $(PYTEST_ARGS)

lint: $(STAMP)/python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)/python
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: $(STAMP)/python
	$(PY) manage.py makemigrations --check --dry-run

ci: lint migrations-check test

worker: install
	$(VENV)/bin/celery -A safeguarding worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A safeguarding beat --loglevel=INFO

bench: install
	DATABASE_URL=$(TEST_DATABASE_URL)_bench $(PY) bench/plan_page.py
	DATABASE_URL=$(TEST_DATABASE_URL)_bench_reminders $(PY) bench/reminder_sweep.py
	DATABASE_URL=$(TEST_DATABASE_URL)_bench_packs $(PY) bench/board_pack.py

clean:
	rm -rf $(VENV) $(STAMP) node_modules static/build staticfiles
