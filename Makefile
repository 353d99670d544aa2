# contrat-pro — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?= -n 2

# XStatic-Bootstrap's sdist does not build with setuptools >= 81 (ECOSYSTEM.md).
export PIP_CONSTRAINT := constraints/build.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run migrate demo test test-fast e2e-deps a11y-deps bench check ci clean

$(VENV)/.installed: pyproject.toml constraints/build.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet ".[test]"
	@touch $@

install: $(VENV)/.installed

migrate: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py demo

## make run: virtualenv, migrations, demo data, then http://127.0.0.1:8000
run: demo
	@echo "Portail prêt sur http://$(HOST)/ — identifiants de démonstration dans README.md"
	$(BIN)/python manage.py runserver $(HOST)

## make test: the whole suite (SQLite by default, PostgreSQL when DATABASE_URL is set)
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make test-fast: everything but the browser tests (tests/e2e), while working
test-fast: install
	$(BIN)/python -m pytest $(PYTEST_ARGS) --ignore=tests/e2e

## Debian packages the browser and PDF checks need (root only; CI calls it).
e2e-deps: a11y-deps
	scripts/system-deps

# The accessibility checkers of tests/e2e/test_accessibility.py, from the npm
# registry at exact versions, into var/node/ (ignored by git): no package.json,
# no lock file, no install scripts (vnu-jar's would fetch a Java; Debian's
# default-jre-headless runs it, scripts/system-deps).
AXE_CORE_VERSION := 4.14.1
VNU_JAR_VERSION := 26.9.27
NODE_DIR := var/node
A11Y_STAMP := $(NODE_DIR)/.installed-axe-$(AXE_CORE_VERSION)-vnu-$(VNU_JAR_VERSION)

$(A11Y_STAMP):
	@mkdir -p $(NODE_DIR)
	npm install --no-package-lock --no-save --ignore-scripts --no-audit --no-fund --prefix $(NODE_DIR) \
		axe-core@$(AXE_CORE_VERSION) vnu-jar@$(VNU_JAR_VERSION)
	@rm -f $(NODE_DIR)/.installed-*
	@touch $@

## make a11y-deps: axe-core and the Nu HTML checker for the accessibility tests
a11y-deps: $(A11Y_STAMP)

bench: install
	$(BIN)/python -m pytest benchmarks -p no:xdist --benchmark-only

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

## make ci: what CI runs (root, Debian): real PostgreSQL + Redis, no skips
ci:
	.ci/run

clean:
	-scripts/services stop
	rm -rf $(VENV) var .pytest_cache
