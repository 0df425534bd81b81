# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo

.PHONY: run test test-fast lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "ppid-batch memerlukan Python 3.11 atau lebih baru ($(PYTHON) terlalu lama atau tidak ada)."; \
	  echo "Contoh: make run PYTHON=python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/ppid-batch demo $(DEMO_DIR)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

# The edit loop: everything but the tests marked slow (crash safety, browser, LibreOffice,
# PostgreSQL clusters, whole nights through the CLI).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n auto -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check ppid_batch tests bench
	$(BIN)/ruff format --check ppid_batch tests bench
	$(BIN)/mypy

bench: $(STAMP)
	for f in bench/bench_*.py; do $(BIN)/python $$f; done

clean:
	rm -rf $(VENV) $(DEMO_DIR)
