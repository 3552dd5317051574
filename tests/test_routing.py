"""The routing driver (`neo4j://`), as on a cluster, against the local single server: the hub
reads through `execute_read` and writes through `execute_write` under a routing table, and a
read right after a push sees it (the process's bookmarks)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from neo4j import AsyncManagedTransaction
from starlette.applications import Starlette

from hub.app import create_app
from hub.config import Settings
from hub.graph.driver import Graph, connection_for, graph_for, open_driver
from tests.ingest_support import World, Writer, filling, forget

# It needs the test Neo4j: not part of the no-server tier.
pytestmark = pytest.mark.neo4j

ClientFactory = Callable[[Starlette], AsyncIterator[httpx.AsyncClient]]
READ = """query($code: String!) { cylinder(code: $code) {
  fillings(first: 5) { edges { node { eventId } } } } }"""


def _routing(settings: Settings) -> Settings:
    conn = connection_for(settings)
    host_port = conn.uri.split("://", 1)[1]
    return settings.model_copy(
        update={"neo4j_uri": f"neo4j://{host_port}", "neo4j_password": conn.password}
    )


async def test_the_routing_driver_finds_a_writer_and_readers_on_the_single_server(
    settings: Settings,
) -> None:
    routed = _routing(settings)
    driver = open_driver(routed)
    try:
        await driver.verify_connectivity()
        assert type(driver).__name__ == "AsyncNeo4jDriver"  # routing, not the direct driver
        graph = graph_for(driver, routed)
        assert graph.bookmarks is not None
        assert await graph.bookmarks.get_bookmarks() == set()
        await graph.write(_touch, "t-routing-" + secrets.token_hex(4))
        assert await graph.bookmarks.get_bookmarks()  # the write's bookmark, for the next read
    finally:
        await driver.close()


async def _touch(tx: AsyncManagedTransaction, key: str) -> None:
    await tx.run("MERGE (m:RoutingProbe {key: $key}) DELETE m", key=key)


async def test_a_push_then_a_read_through_the_routing_driver_sees_the_push(
    settings: Settings, make_client: ClientFactory, graph: Graph
) -> None:
    async for client in make_client(create_app(_routing(settings))):
        world = await World(Writer(client, f"t-route-{secrets.token_hex(4)}")).build()
        [code] = await world.cylinders(1)
        item = filling(code, filler=world.filler)
        await world.w.ok("recordFillings", [item], enterprise=world.station)
        answer = await client.post(
            "/graphql",
            json={"query": READ, "variables": {"code": code}},
            headers={"X-Hub-Principal": "role=market"},
        )
        edges = answer.json()["data"]["cylinder"]["fillings"]["edges"]
        assert [e["node"]["eventId"] for e in edges] == [item["eventId"]]
        await forget(graph, world.w.subject)
