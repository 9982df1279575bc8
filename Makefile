# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The addok engine the geocoding tests run (tests/addok_server.py): its own venv, since addok
# pins old falcon/redis-py and registers a pytest plugin of its own.
ADDOK_VENV := .venv-addok
ADDOK_STAMP := $(ADDOK_VENV)/.installed
ADDOK_PACKAGES := addok==1.3.2 addok-fr==1.1.0 addok-france==1.2.0

.PHONY: run test bench lint format screenshots dist dist-check clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

$(ADDOK_STAMP): Makefile
	@test -x $(ADDOK_VENV)/bin/python || $(PYTHON) -m venv $(ADDOK_VENV)
	$(ADDOK_VENV)/bin/python -m pip install --quiet $(ADDOK_PACKAGES)
	@touch $(ADDOK_STAMP)

run: $(STAMP)
	$(BIN)/stopcamb-desk gui --demo

test: $(STAMP) $(ADDOK_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# Every benchmark runs and prints, even after one misses its goal; the target fails at the end.
bench: $(STAMP)
	@missed=""; for f in bench/*.py; do echo "== $$f"; \
	  QT_QPA_PLATFORM=offscreen $(BIN)/python $$f || missed="$$missed $$f"; done; \
	if [ -n "$$missed" ]; then echo "Objectif manqué :$$missed"; exit 1; fi

# Every screen at 1280x800 and 1366x768 into docs/screenshots/ (the README's « Visite rapide »).
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshots.py --out docs/screenshots

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Installers (not part of `make test`): Linux one-folder build, AppImage and a test MSI in dist/.
DIST_STAMP := $(VENV)/.installed-dist

$(DIST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dist]'
	@touch $(DIST_STAMP)

dist: $(DIST_STAMP)
	bash installer/dist_build.sh

dist-check:
	bash installer/dist_check.sh

clean:
	rm -rf $(VENV) $(ADDOK_VENV) build dist .pytest_cache
