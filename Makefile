# Two commands for a fresh clone with only Python present: `make run` and `make test`.
PYTHON ?= python3
SRC    := sos_schema sos_api tests $(wildcard bench)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint format openapi schemas install clean browser pgbouncer node bench wrk

# Install into .venv on first use, and again whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[api,test]'
	touch $(STAMP)

install: $(STAMP)

# Start the API on an embedded PostgreSQL kept in ./.sos-data (migrations run first).
run: $(STAMP)
	$(BIN)/sos-api migrate
	$(BIN)/sos-api serve

lint: $(STAMP)
	$(BIN)/ruff format --check $(SRC)
	$(BIN)/ruff check $(SRC)
	$(BIN)/mypy sos_schema sos_api $(wildcard bench)
	$(BIN)/lint-imports

# The load generator for `make bench`: Debian's wrk, installed once if missing.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }

# The API against its same-stack ceiling, side by side in one run (bench/README.md). PostgreSQL: the server at
# SOS_BENCH_SERVER_URL, else an embedded one; the HTTP server: SOS_SERVER (uvicorn, the default, or granian).
# BENCH_CASES: the data sizes, each loaded by `sos-api synth` into its own database and measured in turn, then
# printed side by side (BENCH_CASES=10000,1000000 needs ~55 GB of disk); BENCH_ARGS: more options for bench.run.
BENCH_CASES ?= 10000
BENCH_CONCURRENCY ?= 64
BENCH_ARGS ?=
bench: $(STAMP) wrk
	$(BIN)/python -m bench.scale --cases $(BENCH_CASES) -- --client wrk --concurrency $(BENCH_CONCURRENCY) $(BENCH_ARGS)

# A real headless browser for the tests that check rendered pages: Debian's Chromium, installed once if missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# PgBouncer for tests/api/test_pgbouncer.py (the app behind a transaction-mode pooler): Debian's, installed once if
# missing. The tests start their own on a free port; the package's service is not used.
pgbouncer:
	@command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || { \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq pgbouncer >/dev/null; }

# Node tooling the contract tests use (tools/package.json, versions pinned by tools/package-lock.json): Spectral with
# the OWASP ruleset, the TypeScript client generator, TypeScript 5 and tsx, and the Swagger UI that /docs serves.
# Node 20.19+ and npm are all it needs (no root); installed again whenever the lock file changes.
NODE_STAMP := tools/node_modules/.installed
$(NODE_STAMP): tools/package-lock.json
	cd tools && npm ci --no-audit --no-fund --loglevel=error
	touch $@

node: $(NODE_STAMP)

# The whole suite, spread over pytest-xdist workers, one per core up to four (TEST_WORKERS=0 runs it in one process;
# each worker has its own embedded PostgreSQL, or its own databases on SOS_TEST_DATABASE_URL). Much of a test's time
# is spent waiting on PostgreSQL, so two workers on two cores take about half the time of one.
# pytest's exit code 5 ("no tests collected") counts as a failure.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n < 4 ? n : 4 )))
test: lint browser pgbouncer node
	@$(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

format: $(STAMP)
	$(BIN)/ruff format $(SRC)
	$(BIN)/ruff check --fix $(SRC)

# Regenerate the committed contract: JSON Schemas and the OpenAPI document.
schemas: $(STAMP)
	$(BIN)/python -m sos_schema.export openapi/schemas

openapi: schemas
	$(BIN)/sos-api openapi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache tools/node_modules
