"""Prometheus metrics at GET /metrics: requests, latency, Cypher transactions, rate-limit refusals.

Aggregates only: no client id, no query text, no row ever becomes a label.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

from hub.graph.driver import TransactionCounter

# Known routes only, so that random paths cannot grow the label set.
_ROUTES = {"/graphql", "/oauth/token", "/oauth/introspect", "/oauth/revoke", "/oauth/authorize",
           "/healthz", "/readyz", "/metrics", "/explorer"}  # fmt: skip


class Metrics:
    def __init__(self, transactions: TransactionCounter) -> None:
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
        self.registry.register(_TransactionCollector(transactions))

    def observe(self, path: str, status: int, seconds: float) -> None:
        """One finished request (called by the access-log middleware, which times it)."""
        route = path if path in _ROUTES else "other"
        self.requests.labels(route, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    async def endpoint(self, _: Request) -> Response:
        return Response(generate_latest(self.registry), media_type="text/plain; version=0.0.4")


class _TransactionCollector(Collector):
    def __init__(self, counter: TransactionCounter) -> None:
        self.counter = counter

    def collect(self) -> Iterable[Metric]:
        family = CounterMetricFamily(
            "hub_neo4j_transactions", "Neo4j transactions run by this process", labels=["kind"]
        )
        family.add_metric(["read"], self.counter.reads)
        family.add_metric(["write"], self.counter.writes)
        yield family
