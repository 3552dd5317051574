"""Prometheus metrics at GET /metrics: requests, latency, Cypher transactions, rate-limit refusals.

Aggregates only: no client id, no query text, no row ever becomes a label.

One replica, one registry: Prometheus scrapes each replica (each pod) and sums. Within a replica
served by several workers (`hub serve --workers N`), `hub serve` sets `PROMETHEUS_MULTIPROC_DIR`
before the workers start; each worker then writes its samples there and /metrics answers the
sum over all workers (prometheus_client's multiprocess mode), whichever worker is asked.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from starlette.requests import Request
from starlette.responses import Response

from hub.graph.driver import TransactionCounter
from hub.sharedstore import WindowStore

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# Known routes only, so that random paths cannot grow the label set.
_ROUTES = {"/graphql", "/oauth/token", "/oauth/introspect", "/oauth/revoke", "/oauth/authorize",
           "/healthz", "/readyz", "/metrics", "/explorer"}  # fmt: skip


class Metrics:
    def __init__(self, transactions: TransactionCounter, store: WindowStore | None = None) -> None:
        self.transactions_source = transactions
        self.store = store
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "hub_http_requests", "HTTP requests by route and status",
            ["route", "status"], registry=self.registry,
        )  # fmt: skip
        self.latency = Histogram(
            "hub_http_request_seconds", "HTTP request latency by route", ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )  # fmt: skip
        self.rate_limited = Counter(
            "hub_rate_limited", "Requests refused by a client's rate limit", registry=self.registry
        )
        self.transactions = Counter(
            "hub_neo4j_transactions", "Neo4j transactions run", ["kind"], registry=self.registry
        )
        self.store_fallbacks = Counter(
            "hub_shared_store_fallbacks",
            "Limit operations counted in the process because Redis did not answer",
            registry=self.registry,
        )
        self._seen = {"read": 0, "write": 0, "fallback": 0}

    def observe(self, path: str, status: int, seconds: float) -> None:
        """One finished request (called by the access-log middleware, which times it)."""
        route = path if path in _ROUTES else "other"
        self.requests.labels(route, str(status)).inc()
        self.latency.labels(route).observe(seconds)
        self._catch_up()

    def _catch_up(self) -> None:
        """Moves the driver's and the store's plain counts into the Prometheus counters."""
        source = self.transactions_source
        current = {
            "read": source.reads,
            "write": source.writes,
            "fallback": self.store.fallbacks if self.store else 0,
        }
        for kind in ("read", "write"):
            if current[kind] > self._seen[kind]:
                self.transactions.labels(kind).inc(current[kind] - self._seen[kind])
        if current["fallback"] > self._seen["fallback"]:
            self.store_fallbacks.inc(current["fallback"] - self._seen["fallback"])
        self._seen = current

    async def endpoint(self, _: Request) -> Response:
        self._catch_up()
        registry = self.registry
        if os.environ.get(MULTIPROC_ENV):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return Response(generate_latest(registry), media_type="text/plain; version=0.0.4")
