# The two commands of the README: `make run` and `make test`. Both install into .venv first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
HUB := $(VENV)/bin/hub
STAMP := $(VENV)/.installed
SEED_SCALE ?= small

.PHONY: run test fuzz lint format clean install neo4j-stop bench bench-ingest page-assets browser-deps \
	bench-investigation bench-explorer server-deps helm scale-demo bench-deps

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

# Debian's Redis (the shared rate limits and throttles), HAProxy (the scale-out test's balancer)
# and nginx (deploy/nginx/hub.conf is tested in front of a hub).
server-deps:
	@test -x /usr/bin/redis-server -a -x /usr/sbin/haproxy -a -x /usr/sbin/nginx || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		redis-server haproxy nginx-light; }

# Helm, built from its Go module into .tools/ (once; cached), for `helm lint` / `helm template`
# of deploy/helm/hub in the suite. One compile job at a time: the machine is shared.
HELM_VERSION ?= v3.19.5
HELM_BIN := .tools/bin/helm
helm: $(HELM_BIN)

$(HELM_BIN):
	@mkdir -p .tools/bin
	GOBIN=$(CURDIR)/.tools/bin GOFLAGS=-p=1 nice go install helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)

# Start (or reuse) the local Neo4j, migrate, seed an empty graph, create (or reuse) the demo
# credentials and print how to get a token with each, and serve on 127.0.0.1:8000.
run: install page-assets
	@$(HUB) neo4j start
	@$(HUB) migrate
	@if $(HUB) seed --help >/dev/null 2>&1; then $(HUB) seed --scale $(SEED_SCALE) --if-empty; fi
	@$(HUB) demo credentials
	@$(HUB) neo4j status
	@$(HUB) redis start
	@HUB_REDIS_URL=$$($(HUB) redis url) $(HUB) serve

# A throwaway Neo4j on its own ports and data folder (it can run beside `make run`), the whole
# suite, then the server stopped whatever the result; the exit code is pytest's.
# Redis (the shared limits' tests) too, on HUB_REDIS_PORT or a free port picked here.
test: install page-assets browser-deps server-deps helm
	@export HUB_NEO4J_INSTANCE=test HUB_ENV=test; \
	export HUB_REDIS_PORT=$${HUB_REDIS_PORT:-$$($(VENV)/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}; \
	$(HUB) neo4j stop >/dev/null; $(HUB) neo4j wipe >/dev/null; \
	$(HUB) neo4j start || exit 1; \
	trap '$(HUB) neo4j stop; $(HUB) redis stop' EXIT; \
	$(HUB) redis start || exit 1; \
	HUB_TEST_REDIS_URL=$$($(HUB) redis url) $(VENV)/bin/pytest $(PYTEST_ARGS)

# The property-based fuzz of /graphql (tests/test_fuzz.py) at length: 10,000 generated documents,
# valid and broken, as several roles, on the same throwaway Neo4j as `make test`; the counts it
# saw are in test-artifacts/fuzz.json. `make test` runs 240 of them.
FUZZ_REQUESTS ?= 10000
fuzz: install
	@export HUB_NEO4J_INSTANCE=test HUB_ENV=test HUB_FUZZ_REQUESTS=$(FUZZ_REQUESTS); \
	$(HUB) neo4j stop >/dev/null; $(HUB) neo4j wipe >/dev/null; \
	$(HUB) neo4j start || exit 1; \
	trap '$(HUB) neo4j stop' EXIT; \
	$(VENV)/bin/pytest -q tests/test_fuzz.py $(PYTEST_ARGS); status=$$?; \
	cat test-artifacts/fuzz.json; exit $$status

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

# The explorer in headless Chromium over the `make run` graph: a scene grown to 500 nodes, the
# medians of its expand and layout times (bench/results/explorer-scene.md).
bench-explorer: install page-assets browser-deps
	@$(HUB) neo4j start
	@$(VENV)/bin/python -m bench.explorer_scene

# The hub, raw Cypher and the Neo4j GraphQL Library side by side on the bench's own Neo4j ("perf",
# with APOC and the small seed); writes bench/results/latest.md and .json. Not part of `make test`.
bench: install bench-deps
	@$(VENV)/bin/python -m bench.run

# Debian's wrk, the bench's throughput load generator (bench/wrk.py).
bench-deps:
	@test -x /usr/bin/wrk || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

# Throughput of one replica, two replicas and one replica with two workers, side by side, through
# HAProxy with TLS over the local Neo4j (HUB_NEO4J_INSTANCE, dev by default) and a Redis of its
# own; writes bench/results/scale-latest.md. A measurement, not part of `make test`.
scale-demo: install server-deps
	@$(HUB) neo4j start
	@$(HUB) migrate >/dev/null
	@$(HUB) seed --scale tiny --if-empty --quiet
	@$(VENV)/bin/python -m bench.scale_demo $(SCALE_ARGS)

neo4j-stop: install
	@$(HUB) neo4j stop
	@HUB_NEO4J_INSTANCE=test $(HUB) neo4j stop
	@$(HUB) redis stop

# Stops the local servers and removes everything the commands made (venv, Neo4j, data, caches).
clean:
	@if [ -x $(HUB) ]; then for i in dev test bench perf; do \
		HUB_NEO4J_INSTANCE=$$i $(HUB) neo4j stop; done; \
		for i in dev test; do HUB_NEO4J_INSTANCE=$$i $(HUB) redis stop; done; fi
	rm -rf $(VENV) .neo4j var .pytest_cache .mypy_cache .ruff_cache .hypothesis deploy/neo4j/target
	rm -rf hub/pages/node_modules hub/explorer/node_modules bench/peer/node_modules test-artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
