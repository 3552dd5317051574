"""Operations: Prometheus metrics, and each client's rate limit on /graphql."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
from starlette.applications import Starlette

from hub.app import create_app
from hub.config import Settings
from hub.ratelimit import RateLimiter
from tests.graphql import principal_header

ClientFactory = Callable[[Starlette], AsyncIterator[httpx.AsyncClient]]


def _sample(text: str, name: str) -> float:
    """The value of the sample line that starts with `name`; 0 before it was first counted."""
    for line in text.splitlines():
        if line.startswith(name):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_metrics_count_requests_and_neo4j_transactions(client: httpx.AsyncClient) -> None:
    before = (await client.get("/metrics")).text
    await client.post(
        "/graphql",
        json={"query": "{ cylinders(first: 1) { totalCount } }"},
        headers=principal_header("market"),
    )
    after = (await client.get("/metrics")).text
    reads = 'hub_neo4j_transactions_total{kind="read"}'
    graphql_ok = 'hub_http_requests_total{route="/graphql",status="200"}'
    assert _sample(after, reads) >= _sample(before, reads) + 1
    assert _sample(after, graphql_ok) >= _sample(before, graphql_ok) + 1
    assert "hub_http_request_seconds_bucket" in after


async def test_metrics_carry_no_client_or_query(client: httpx.AsyncClient) -> None:
    await client.post(
        "/graphql",
        json={"query": '{ cylinder(code: "SECRET-CODE") { code } }'},
        headers=principal_header("market", sub="client-xyz"),
    )
    text = (await client.get("/metrics")).text
    assert "SECRET-CODE" not in text
    assert "client-xyz" not in text


async def test_a_client_past_its_rate_gets_429_and_others_do_not(
    settings: Settings, make_client: ClientFactory
) -> None:
    limited = settings.model_copy(update={"hub_rate_limit_per_min": 60, "hub_rate_limit_burst": 3})
    query = {"query": "{ me { role } }"}
    async for c in make_client(create_app(limited)):
        busy = principal_header("market", sub="busy-client")
        statuses = [(await c.post("/graphql", json=query, headers=busy)).status_code
                    for _ in range(4)]  # fmt: skip
        refused = await c.post("/graphql", json=query, headers=busy)
        other = await c.post("/graphql", json=query, headers=principal_header("market", sub="b"))
        assert statuses[:3] == [200, 200, 200]
        assert statuses[3] == 429
        assert refused.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
        assert int(refused.headers["retry-after"]) >= 1
        assert other.status_code == 200


async def test_a_caller_gets_its_burst_then_waits_and_zero_turns_it_off() -> None:
    limiter = RateLimiter(per_minute=60, burst=2)  # 2 in any 2 s
    assert await limiter.retry_after("c") == 0
    assert await limiter.retry_after("c") == 0
    assert 1 <= await limiter.retry_after("c") <= 2
    assert await limiter.retry_after("d") == 0  # another caller has its own share
    assert await RateLimiter(per_minute=0, burst=0).retry_after("c") == 0  # 0 turns it off
