# The two commands of the README: `make run` and `make test`. Both install into .venv first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
HUB := $(VENV)/bin/hub
STAMP := $(VENV)/.installed
SEED_SCALE ?= small

.PHONY: run test lint format clean install neo4j-stop bench bench-ingest page-assets browser-deps bench-investigation

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install -q --disable-pip-version-check --upgrade pip
	@$(VENV)/bin/pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# The pages' browser assets (Cytoscape.js for /explorer, ZXing for scanning on /check and /field,
# Apache ECharts for /supervision)
# from npm, pinned by hub/pages/package-lock.json; the hub serves them itself (no CDN).
PAGE_ASSETS := hub/pages/node_modules/.installed
page-assets: $(PAGE_ASSETS)

$(PAGE_ASSETS): hub/pages/package.json hub/pages/package-lock.json
	@cd hub/pages && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Debian's Chromium (and a CJK font) for the browser tests; Playwright never downloads its own.
browser-deps:
	@test -x /usr/bin/chromium || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei; }

# Start (or reuse) the local Neo4j, migrate, seed an empty graph, create (or reuse) the demo
# credentials and print how to get a token with each, and serve on 127.0.0.1:8000.
run: install page-assets
	@$(HUB) neo4j start
	@$(HUB) migrate
	@if $(HUB) seed --help >/dev/null 2>&1; then $(HUB) seed --scale $(SEED_SCALE) --if-empty; fi
	@$(HUB) demo credentials
	@$(HUB) neo4j status
	@$(HUB) serve

# A throwaway Neo4j on its own ports and data folder (it can run beside `make run`), the whole
# suite, then the server stopped whatever the result; the exit code is pytest's.
test: install page-assets browser-deps
	@export HUB_NEO4J_INSTANCE=test HUB_ENV=test; \
	$(HUB) neo4j stop >/dev/null; $(HUB) neo4j wipe >/dev/null; \
	$(HUB) neo4j start || exit 1; \
	trap '$(HUB) neo4j stop' EXIT; \
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Events per second: batches of 500 fillings through recordFillings (HTTP) against a
# hand-written UNWIND through the driver, over the `make run` graph (started if needed).
bench-ingest: install
	@$(HUB) neo4j start
	@$(VENV)/bin/python -m bench.ingest

# p50/p95 of the traces, a neighbourhood and a shortest path against the same Cypher through the
# driver, over the `make run` graph (and the city graph of the bench instance when it is loaded).
bench-investigation: install
	@$(HUB) neo4j start
	@$(VENV)/bin/python -m bench.investigation

# The hub, raw Cypher and the Neo4j GraphQL Library side by side on the bench's own Neo4j ("perf",
# with APOC and the small seed); writes bench/results/latest.md and .json. Not part of `make test`.
bench: install
	@$(VENV)/bin/python -m bench.run

neo4j-stop: install
	@$(HUB) neo4j stop
	@HUB_NEO4J_INSTANCE=test $(HUB) neo4j stop

# Stops the local servers and removes everything the commands made (venv, Neo4j, data, caches).
clean:
	@if [ -x $(HUB) ]; then for i in dev test bench perf; do \
		HUB_NEO4J_INSTANCE=$$i $(HUB) neo4j stop; done; fi
	rm -rf $(VENV) .neo4j var .pytest_cache .mypy_cache .ruff_cache .hypothesis deploy/neo4j/target
	rm -rf hub/pages/node_modules hub/explorer/node_modules bench/peer/node_modules test-artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
