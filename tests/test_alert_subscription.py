"""The `alertRaised` subscription over graphql-transport-ws, on a real hub served by uvicorn and a
real websocket client: each subscriber gets the alerts routed to it and no other; no token, no
connection; an expired token ends the subscription."""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import uvicorn
import websockets
from websockets.typing import Subprotocol

from hub.app import create_app
from hub.config import Settings
from hub.graph.driver import Graph
from tests.ingest_support import HUB_CLOCK, World, Writer, filling, forget, new_plate, truck
from tests.oauth_support import Registrar, claims_for, hub_key, sign

pytestmark = pytest.mark.neo4j

SUBSCRIBE = "subscription { alertRaised { alertId rule departments about { id } } }"
PROTOCOL = Subprotocol("graphql-transport-ws")


@pytest.fixture(scope="module")
async def hub_url(settings: Settings) -> AsyncIterator[str]:
    """The hub itself on a free loopback port (no token leeway: expiry is exact)."""
    served = settings.model_copy(update={"hub_token_leeway_s": 0, "hub_alert_feed_poll_s": 0.1})
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(served), log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(1000):
        if server.started:
            break
        await asyncio.sleep(0.01)
    yield f"ws://127.0.0.1:{sock.getsockname()[1]}/graphql"
    server.should_exit = True
    await task


@pytest.fixture(scope="module")
async def world(client: httpx.AsyncClient, graph: Graph) -> AsyncIterator[World]:
    writer = Writer(client, f"t-live-{secrets.token_hex(4)}")
    yield await World(writer).build()
    await forget(graph, writer.subject)


@pytest.fixture
async def registrar(graph: Graph) -> AsyncIterator[Registrar]:
    r = Registrar(graph)
    yield r
    await r.cleanup()


async def _token(registrar: Registrar, settings: Settings, role: str, ttl_s: int = 300) -> str:
    new = await registrar.client(role, "graph:read")
    claims = claims_for(settings, new.client.client_id, role=role, exp=int(time.time()) + ttl_s)
    return sign(claims, hub_key(settings))


async def _subscribe(url: str, token: str) -> Any:
    ws = await websockets.connect(
        url, subprotocols=[PROTOCOL], additional_headers={"Authorization": "Bearer " + token}
    )
    await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
    return ws


async def _next(ws: Any) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
    return message


async def test_each_subscriber_hears_its_own_alerts_only(
    hub_url: str, world: World, registrar: Registrar, settings: Settings
) -> None:
    market = await _subscribe(hub_url, await _token(registrar, settings, "market"))
    transport = await _subscribe(hub_url, await _token(registrar, settings, "transport"))
    try:
        await asyncio.sleep(0.3)  # both feeds have begun before the events below
        five_years_ago = (HUB_CLOCK.today() - timedelta(days=5 * 365)).isoformat()
        [code] = await world.cylinders(1, madeOn=five_years_ago)
        await world.w.results("recordFillings", [filling(code)], enterprise=world.station)
        got = await _next(market)
        assert got["type"] == "next", got
        alert = got["payload"]["data"]["alertRaised"]
        assert alert["rule"] == "FILL_OVERDUE"
        assert "Cylinder:" + code in {a["id"] for a in alert["about"]}
        # Then a delivery by a truck whose permit expired: transport's first message is that.
        plate = new_plate()
        expired = (HUB_CLOCK.today() - timedelta(days=2)).isoformat()
        await world.w.ok("registerVehicles", [truck(plate, permitExpiry=expired)],
                         enterprise=world.station)  # fmt: skip
        [fresh] = await world.cylinders(1)
        await world.w.results("recordDeliveries", [world.delivery(fresh, vehicle=plate)],
                              enterprise=world.station)  # fmt: skip
        heard = await _next(transport)
        assert heard["payload"]["data"]["alertRaised"]["rule"] == "DELIVERY_PERMIT"
        assert "transport" in heard["payload"]["data"]["alertRaised"]["departments"]
    finally:
        await market.close()
        await transport.close()


async def test_no_token_no_subscription(hub_url: str) -> None:
    with pytest.raises(websockets.exceptions.InvalidStatus):
        await websockets.connect(
            hub_url, subprotocols=[PROTOCOL], additional_headers={"Authorization": "Bearer x"}
        )


async def test_an_expired_token_ends_the_subscription(
    hub_url: str, registrar: Registrar, settings: Settings
) -> None:
    ws = await _subscribe(hub_url, await _token(registrar, settings, "market", ttl_s=2))
    try:
        ended = await _next(ws)
        assert ended["type"] in ("error", "next"), ended
        errors = ended["payload"] if ended["type"] == "error" else ended["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED", errors
    finally:
        await ws.close()
