# dangjian: `make run` serves the demo, `make test` runs every check.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SCALE ?= county
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: run test install lint bench serve demo clean fuzz

$(BIN)/.installed: pyproject.toml
	$(PY) -c 'import sys; assert sys.version_info >= (3, 11), "需要 Python 3.11 或更新版本"'
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/dangjian compilecatalogs
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/dangjian compilecatalogs
	$(BIN)/dangjian migrate --noinput -v0
	$(BIN)/dangjian demo --scale $(SCALE) --if-empty
	DEBUG=false DANGJIAN_LOCAL=1 $(BIN)/dangjian serve 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/dangjian makemigrations --check --dry-run -v0
	$(BIN)/dangjian systemcheck --fail-level WARNING

test: lint
	$(BIN)/dangjian compilecatalogs
	DANGJIAN_FAST_HASHER=1 $(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile

bench: install
	$(BIN)/python bench/run_all.py

# schemathesis over the whole API on a test database with the small demo jurisdiction.
fuzz: install
	DANGJIAN_FUZZ=1 DANGJIAN_FAST_HASHER=1 $(BIN)/pytest -q -s -m fuzz dangjian/api/tests/test_fuzz.py

clean:
	rm -rf $(VENV) var/dangjian.sqlite3*
