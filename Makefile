# Two commands on a fresh machine:  make run  ·  make test
# Every step skips what is already installed, so a second run is quick.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := .make
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/safeguarding
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# `make test TEST_WORKERS=2` runs the suite in two processes (pytest-xdist), each with its own test
# database (test_safeguarding_gw0, _gw1), Redis database (TEST_REDIS_URL's, then the ones below it:
# 15, 14) and Celery workers; whole modules and classes stay in one process (--dist loadscope), so
# their shared fixtures are made once. 0, the default, runs it in this one process: the one whole
# two-process run (30 November, 2 cores) took 35 min against 37 serially and failed three tests
# (two that start a Celery worker, and one since fixed), so it buys nothing on two cores yet.
TEST_WORKERS ?= 0
# make run: the port it serves on and the Redis its worker and beat use (started if local and down).
RUN_PORT ?= 8000
REDIS_URL ?= redis://127.0.0.1:6379/0
# Debian packages: Pango for WeasyPrint, Chromium for browser tests,
# Graphviz for governance diagrams, poppler-utils to look at PDFs.
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
	chromium graphviz poppler-utils redis-tools nodejs postgresql-client

.PHONY: help install redis run test ci lint format migrations-check worker beat bench backup restore clean lock typecheck

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

# Both lock files, every package pinned and hash-checked (pip refuses a file whose hash differs).
# requirements.txt is what production runs (the Dockerfile installs it alone); requirements-dev.txt
# adds tests and tooling. Edit requirements.in / requirements-dev.in, then `make lock` (README).
$(STAMP)/python: requirements.txt requirements-dev.txt | $(PY)
	@mkdir -p $(STAMP)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --require-hashes -r requirements.txt -r requirements-dev.txt
	@touch $@

PIP_COMPILE = $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links --resolver=backtracking
lock: | $(PY)
	@[ -x $(VENV)/bin/pip-compile ] || $(PY) -m pip install -q pip-tools
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in

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
		static/js/autocomplete.js static/css/autocomplete.css $(wildcard static/images/*) $(wildcard api/static/api/*) $(STAMP)/python
	DEBUG=false SECRET_KEY=collectstatic-only DATABASE_URL=sqlite:// $(PY) manage.py collectstatic --no-input -v0 --ignore scss

install: $(STAMP)/system $(STAMP)/python static/build/app.css static/build/accessible-autocomplete.min.js \
		staticfiles/staticfiles.json

# The worker and beat need Redis. Use the one at REDIS_URL when it answers; when it is a
# local one that does not, install Debian's redis-server if missing and start it in the
# background (a service like PostgreSQL: it keeps running after Ctrl-C; `redis-cli shutdown` stops it).
redis: $(STAMP)/system
	@redis-cli -u $(REDIS_URL) ping >/dev/null 2>&1 && exit 0; \
	host=$$(echo '$(REDIS_URL)' | sed -E 's#^rediss?://([^@/]*@)?([^:/]+).*#\2#'); \
	port=$$(echo '$(REDIS_URL)' | sed -E 's#^rediss?://([^@/]*@)?[^:/]+:?([0-9]*).*#\2#'); port=$${port:-6379}; \
	case "$$host" in 127.0.0.1|localhost) ;; \
		*) echo "Redis is not reachable at $(REDIS_URL) and it is not local: start it, or unset REDIS_URL." >&2; exit 1;; esac; \
	command -v redis-server >/dev/null || { echo "Installing redis-server"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server; }; \
	echo "Starting Redis on 127.0.0.1:$$port"; \
	redis-server --daemonize yes --bind 127.0.0.1 --port $$port --save "" --appendonly no --dir /tmp \
		--logfile /tmp/safeguarding-redis-$$port.log; \
	for i in $$(seq 50); do redis-cli -u $(REDIS_URL) ping >/dev/null 2>&1 && exit 0; sleep 0.1; done; \
	echo "Redis did not start: see /tmp/safeguarding-redis-$$port.log" >&2; exit 1

# Everything a user needs, in one command: the web server, a Celery worker and exactly one
# beat (Procfile, run by honcho). Ctrl-C stops all three.
# make run signs sessions (and derives the demo passwords) with a key of this installation's
# own, made once and kept in .make/secret-key, never the development default in settings.py.
$(STAMP)/secret-key:
	@mkdir -p $(STAMP)
	@umask 077 && python3 -c "import secrets; print(secrets.token_urlsafe(50))" > $@
RUN_SECRET = SECRET_KEY="$${SECRET_KEY:-$$(cat $(STAMP)/secret-key)}"

run: install redis $(STAMP)/secret-key
	$(RUN_SECRET) $(PY) manage.py migrate --no-input -v0
	$(RUN_SECRET) $(PY) manage.py load_demo
	@echo
	@echo "Open http://127.0.0.1:$(RUN_PORT) and sign in with a login above. Ctrl-C stops the web server, worker and beat."
	@mkdir -p $(STAMP)
	$(RUN_SECRET) PATH="$(abspath $(VENV))/bin:$$PATH" RUN_PORT=$(RUN_PORT) REDIS_URL=$(REDIS_URL) \
		SITE_URL=$${SITE_URL:-http://127.0.0.1:$(RUN_PORT)} $(VENV)/bin/honcho start --no-colour -f Procfile

test: install
	@$(PY) -c "import sys, psycopg; psycopg.connect(sys.argv[1].rsplit('/', 1)[0] + '/postgres', connect_timeout=5).close()" \
		'$(TEST_DATABASE_URL)' 2>/dev/null \
		|| { echo "PostgreSQL is not reachable at $(TEST_DATABASE_URL): start it (see README) and run make test again." >&2; exit 1; }
	@redis-cli -u $(TEST_REDIS_URL) ping >/dev/null 2>&1 || { echo "Redis is not reachable at $(TEST_REDIS_URL): start it (see README) and run make test again." >&2; exit 1; }
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DEBUG=true AXES_ENABLED=false \
		$(PY) -m pytest --create-db -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

lint: $(STAMP)/python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# mypy with django-stubs over the apps (pyproject.toml [tool.mypy]) alone; `make lint` runs it too.
typecheck: $(STAMP)/python
	$(VENV)/bin/mypy

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

# Each script prints its own figures; bench/summary.py then prints issue 18's table, every
# row beside its goal, from what they reported in this run (.make/bench-results.jsonl).
# The reminder sweep's data sets (up to a million actions) are built once and kept in
# <database>_bench_reminders_{10k,100k,1m}_built; BENCH_REBUILD=1 builds them afresh.
bench: install
	@mkdir -p $(STAMP) && rm -f $(STAMP)/bench-results.jsonl
	DATABASE_URL=$(TEST_DATABASE_URL)_bench $(PY) bench/plan_page.py
	DATABASE_URL=$(TEST_DATABASE_URL)_bench $(PY) bench/plan_revision.py
	DATABASE_URL=$(TEST_DATABASE_URL)_bench_reminders $(PY) bench/reminder_sweep.py
	DATABASE_URL=$(TEST_DATABASE_URL)_bench_packs $(PY) bench/board_pack.py
	$(PY) bench/summary.py

# Load test (gunicorn, Celery worker, private Redis) and the shared-cache check across two hosts.
.PHONY: load
load: install
	DATABASE_URL=$(TEST_DATABASE_URL)_bench_load $(PY) bench/load.py
	DATABASE_URL=$(TEST_DATABASE_URL)_bench_load $(PY) bench/shared_cache.py

# The database (pg_dump, or SQLite's online backup) and MEDIA_ROOT, into backups/<UTC time>/.
backup: $(STAMP)/system $(STAMP)/python
	$(PY) -m safeguarding.backup backup --to $${BACKUP_DIR:-backups}

# make restore FROM=backups/20261129T120000Z  (stop the web server and worker first)
restore: $(STAMP)/system $(STAMP)/python
	@[ -n "$(FROM)" ] || { echo "Say which backup: make restore FROM=backups/<folder>" >&2; exit 1; }
	$(PY) -m safeguarding.backup restore $(FROM)

clean:
	rm -rf $(VENV) $(STAMP) node_modules static/build staticfiles
