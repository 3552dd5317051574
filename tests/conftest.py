"""Fixtures over the real Neo4j that `make test` starts (HUB_NEO4J_INSTANCE=test)."""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator, Iterator
from types import FrameType

import httpx
import pytest
from neo4j import AsyncDriver
from starlette.applications import Starlette

from graph_seed.generate import Generation, generation
from graph_seed.loader import load
from hub.app import create_app
from hub.config import Settings
from hub.graph.driver import Graph, graph_for, open_driver
from tests.servers import redis_server


def _interrupted(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


# A run stopped by SIGTERM (a `timeout`, CI cancelling) unwinds like Ctrl-C: the fixtures'
# teardowns stop the servers they started (an outage test's Neo4j, Redis, hub replicas) instead
# of leaving them running. Children of bench/cluster.py also die with this process
# (bench/children.py), which covers a SIGKILL too.
signal.signal(signal.SIGTERM, _interrupted)

os.environ.setdefault("HUB_NEO4J_INSTANCE", "test")
os.environ.setdefault("HUB_ENV", "test")
# The suite acts as every role through the development header, turned on for it alone.
os.environ.setdefault("HUB_DEV_PRINCIPAL", "true")
# A request's deadline (5 s in service) is longer here: the suite shares two cores with whatever
# else runs, and a cold server compiles its first statements slowly. tests/test_outage.py sets
# its own short one to time refusals.
os.environ.setdefault("HUB_REQUEST_DEADLINE_S", "20")


# A test that uses any of these fixtures (directly or through another fixture) talks to the
# server: it is marked `neo4j`, so `pytest -m "not neo4j"` runs the rest with no server.
SERVER_FIXTURES = frozenset({"driver", "graph", "client", "tiny_seed", "make_client"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.neo4j)


@pytest.fixture(scope="session")
def settings() -> Settings:
    # No webhook worker inside the app under test: tests/test_webhooks.py runs its own workers
    # (the same class), so that it decides when one runs, stops or restarts.
    return Settings(hub_webhook_poll_s=0.0)


@pytest.fixture(scope="session")
async def driver(settings: Settings) -> AsyncIterator[AsyncDriver]:
    drv = open_driver(settings)
    try:
        await drv.verify_connectivity()
    except Exception as exc:  # the suite is meaningless without the server: say how to get one
        pytest.exit(f"Neo4j is not reachable ({exc}); run the suite with `make test`", returncode=3)
    yield drv
    await drv.close()


@pytest.fixture(scope="session")
def graph(driver: AsyncDriver, settings: Settings) -> Graph:
    return graph_for(driver, settings)


async def _client_for(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            yield client


@pytest.fixture(scope="session")
def app(settings: Settings) -> Starlette:
    return create_app(settings)


@pytest.fixture(scope="session")
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async for c in _client_for(app):
        yield c


@pytest.fixture(scope="session")
def redis_url(settings: Settings) -> Iterator[str]:
    """A real Redis (Debian's redis-server) for the tests of limits shared across replicas."""
    with redis_server(settings) as url:
        yield url


TINY_SEED = 7


@pytest.fixture(scope="session")
async def tiny_seed(graph: Graph) -> Generation:
    """The `tiny` graph (seed 7), loaded once per run; loading again adds nothing."""
    gen = generation("tiny", TINY_SEED)
    await load(graph, gen, quiet=True)
    return gen


@pytest.fixture(scope="session")
def make_client() -> object:
    """Builds a client over an app with other settings (a closed port, production mode...)."""
    return _client_for
