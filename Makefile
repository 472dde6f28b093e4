# The two commands (README): `make run` and `make test`. Everything installs itself into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Embedded defaults for running locally: DEBUG on (development secret key), SQLite, inline Celery, mail to var/mail.
RUN_ENV := DEBUG=$${DEBUG:-true}

.PHONY: run idp oidc test install install-pdf install-saml demo-data demo-code migrate worker beat lint format browser clean screenshots

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed (found %s)" % sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) install-pdf install-saml

# Debian's pango for weasyprint (CPD portfolio PDFs). Without it the portal runs and the portfolio page says PDF
# export is unavailable.
install-pdf:
	@/sbin/ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	  else echo "PDF export of CPD portfolios needs Debian's pango: run 'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0'"; fi; }

# Debian's xmlsec1 for pysaml2 (institutional sign-in checks every SAML signature with it). Without it the portal runs
# and the "find your institution" page says institutional sign-in is unavailable.
install-saml:
	@command -v xmlsec1 >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xmlsec1 >/dev/null; \
	  else echo "Institutional sign-in (SAML) needs Debian's xmlsec1: run 'sudo apt-get install xmlsec1'"; fi; }

migrate: install
	$(RUN_ENV) $(PY) manage.py migrate --no-input

demo-data: migrate
	$(RUN_ENV) $(PY) -m tests.institutions.demo_idp prepare
	$(RUN_ENV) $(PY) -m tests.institutions.demo_oidc prepare
	$(RUN_ENV) $(PY) manage.py seed_demo

# The current code of the demo officer's and moderator's authenticator app (the secret is published in README).
demo-code: install
	@$(RUN_ENV) $(PY) manage.py demo_code

# The test identity provider of the demo federation (127.0.0.1:8001) and the demo OpenID provider (127.0.0.1:8002)
# run beside the portal and stop with it.
run: demo-data
	@echo "Serving the portal at http://127.0.0.1:8000/ (mail is written to var/mail/)"
	@echo "Institutional sign-in: http://127.0.0.1:8000/institutions/ (test identity provider on 127.0.0.1:8001,"
	@echo "  demo OpenID provider \"Example College\" on 127.0.0.1:8002)"
	$(RUN_ENV) $(PY) -m tests.institutions.demo_idp serve & idp=$$!; \
	$(RUN_ENV) $(PY) -m tests.institutions.demo_oidc serve & oidc=$$!; trap 'kill $$idp $$oidc' EXIT INT TERM; \
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# The demo federation's test identity provider alone (`make run` starts it too).
idp: install
	$(RUN_ENV) $(PY) -m tests.institutions.demo_idp serve

# The demo OpenID provider alone ("Example College"; `make run` starts it too).
oidc: install
	$(RUN_ENV) $(PY) -m tests.institutions.demo_oidc serve

# The whole suite, browser tests included. Uses DATABASE_URL and REDIS_URL when they are set. Two workers (one per
# core; a test file stays on one worker), each with its own test database and Redis database (tests/parallel.py).
test: install browser
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# Debian's Chromium for the browser tests (never a downloaded browser build).
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's chromium: run 'sudo apt-get install chromium'"; exit 1; fi; }

# Celery needs a broker: REDIS_URL from the caller (e.g. REDIS_URL=redis://127.0.0.1:6379/0 make worker); the rest
# are the same embedded defaults as `make run`. The worker consumes every queue; run exactly one beat.
NEED_REDIS = @test -n "$$REDIS_URL" || { echo "Set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0 make $@"; exit 1; }

worker: install
	$(NEED_REDIS)
	$(RUN_ENV) $(VENV)/bin/celery -A sigportal worker --queues=default,mail,bulk --loglevel=INFO

beat: migrate
	$(NEED_REDIS)
	$(RUN_ENV) $(VENV)/bin/celery -A sigportal beat --loglevel=INFO

# Full-page screenshots of every main page as visitor, member, moderator and officer at 1280 and 390 px, into
# var/screenshots/<account>/ (the portal on the demo data, SQLite in a temporary directory). For looking, not a test.
screenshots: install browser
	$(PY) scripts/screenshots.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports  # the import contracts in pyproject.toml: the map of docs/ARCHITECTURE.md

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf var/sigportal.sqlite3 var/mail var/media var/private var/static var/demo-idp
