"""Limits that hold across replicas: two hub apps (each its own process state) sharing one Redis
count one rate limit per client and one failure throttle per client id, not one each."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from starlette.applications import Starlette

from hub.app import create_app
from hub.config import Settings
from hub.graph.driver import Graph
from hub.sharedstore import WindowStore
from tests.graphql import principal_header
from tests.oauth_support import Registrar, token_response
from tests.servers import free_port

ClientFactory = Callable[[Starlette], AsyncIterator[httpx.AsyncClient]]
QUERY = {"query": "{ me { role } }"}


@pytest.fixture
async def reg(graph: Graph) -> AsyncIterator[Registrar]:
    registrar = Registrar(graph)
    yield registrar
    await registrar.cleanup()


async def test_a_client_spread_over_two_replicas_gets_one_rate_limit(
    settings: Settings, make_client: ClientFactory, redis_url: str
) -> None:
    shared = settings.model_copy(
        update={"hub_rate_limit_per_min": 60, "hub_rate_limit_burst": 4, "hub_redis_url": redis_url}
    )
    busy = principal_header("market", sub="busy-" + secrets.token_hex(4))
    async for one in make_client(create_app(shared)):
        async for two in make_client(create_app(shared)):
            replicas = [one if i % 2 else two for i in range(6)]
            statuses = [
                (await r.post("/graphql", json=QUERY, headers=busy)).status_code for r in replicas
            ]
    assert statuses[:4] == [200, 200, 200, 200]
    assert statuses[4:] == [429, 429]  # each replica alone has seen only 2 or 3


async def test_without_redis_each_process_counts_its_own(
    settings: Settings, make_client: ClientFactory
) -> None:
    local = settings.model_copy(update={"hub_rate_limit_per_min": 60, "hub_rate_limit_burst": 4})
    busy = principal_header("market", sub="busy-" + secrets.token_hex(4))
    async for one in make_client(create_app(local)):
        async for two in make_client(create_app(local)):
            replicas = [one if i % 2 else two for i in range(6)]
            statuses = [
                (await r.post("/graphql", json=QUERY, headers=busy)).status_code for r in replicas
            ]
    assert statuses == [200] * 6  # the documented limit of a store-less deployment


async def test_guesses_spread_over_two_replicas_share_one_throttle(
    settings: Settings, make_client: ClientFactory, redis_url: str, reg: Registrar
) -> None:
    shared = settings.model_copy(update={"hub_redis_url": redis_url})
    police = await reg.client("police")
    async for one in make_client(create_app(shared)):
        async for two in make_client(create_app(shared)):
            for guess in range(settings.hub_oauth_max_failures):
                wrong = await (one if guess % 2 else two).post(
                    "/oauth/token",
                    data={"grant_type": "client_credentials"},
                    auth=(police.client.client_id, f"guess-{guess}"),
                )
                assert wrong.status_code == 401
            for replica in (one, two):
                throttled = await token_response(replica, police)
                assert throttled.status_code == 429
                assert int(throttled.headers["retry-after"]) >= 1


async def test_an_unreachable_redis_falls_back_to_the_process_counts() -> None:
    store = WindowStore(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    assert store.shared
    assert not await store.check()
    assert await store.hit("k", 2, 10)
    assert await store.hit("k", 2, 10)
    assert not await store.hit("k", 2, 10)  # still limited, in this process
    assert await store.retry_after("k", 2, 10) is not None
    assert store.fallbacks >= 4
    await store.close()


async def test_a_success_clears_the_name_in_the_shared_store(redis_url: str) -> None:
    store = WindowStore(redis_url)
    key = "fail:name:" + secrets.token_hex(4)
    assert await store.hit(key, 1, 60)
    assert await store.retry_after(key, 1, 60) is not None
    other = WindowStore(redis_url)
    await other.clear(key, 1, 60)  # another replica's success
    assert await store.retry_after(key, 1, 60) is None
    assert store.fallbacks == other.fallbacks == 0
    await store.close()
    await other.close()
