"""Webhooks against a real HTTP receiver started here: a refused filling's alert reaches the
market's endpoint signed the Standard Webhooks way (verified with the library), and no other
department's; a receiver failing three times then succeeding; a dead letter and its redelivery;
a worker that dies mid-delivery and a restarted one that delivers what was pending."""

from __future__ import annotations

import asyncio
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.config import Settings
from hub.graph import webhook_repo
from hub.graph.driver import Graph
from hub.oauth.admin import add_client
from hub.webhooks.cli import add
from hub.webhooks.worker import Worker
from tests.graphql import cypher, error_codes, gql
from tests.ingest_support import HUB_CLOCK, World, Writer, filling, forget

pytestmark = pytest.mark.neo4j


@dataclass
class Receiver:
    """A partner's endpoint: answers 500 to the first `failures` requests, then 200."""

    failures: int = 0
    got: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""

    async def endpoint(self, request: Request) -> Response:
        self.got.append((dict(request.headers), await request.body()))
        if self.failures > 0:
            self.failures -= 1
            return Response("not now", status_code=500)
        return Response("ok")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    app = Starlette(routes=[Route("/hook", r.endpoint, methods=["POST"])])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(500):  # until it listens
        if server.started:
            break
        await asyncio.sleep(0.01)
    r.url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    yield r
    server.should_exit = True
    await task


@pytest.fixture(scope="module")
async def world(client: httpx.AsyncClient, graph: Graph) -> AsyncIterator[World]:
    writer = Writer(client, f"t-hook-{secrets.token_hex(4)}")
    yield await World(writer).build()
    await forget(graph, writer.subject)


@pytest.fixture
async def endpoints(graph: Graph) -> AsyncIterator[Callable[..., Any]]:
    made: list[str] = []

    async def register(url: str, role: str = "market") -> dict[str, Any]:
        name = f"t-hook-{role}-{secrets.token_hex(4)}"
        new = await add_client(graph, name, role, "graph:read")
        added = await add(graph, new.client.client_id, url)
        assert added is not None
        made.append(added["id"])
        return added

    yield register

    async def clean(tx: Any) -> None:
        await (await tx.run(
            "MATCH (w:WebhookEndpoint)-[:FOR]->(c:OAuthClient) WHERE w.id IN $ids "
            "OPTIONAL MATCH (d:WebhookDelivery) WHERE d.endpoint = w.id "
            "DETACH DELETE d, w, c", ids=made,
        )).consume()  # fmt: skip

    await graph.write(clean)


def fast(settings: Settings, **over: Any) -> Settings:
    return settings.model_copy(
        update={"hub_webhook_backoff_s": 0.05, "hub_webhook_backoff_cap_s": 0.2} | over
    )


async def until(check: Callable[[], Any], worker: Worker | None = None, turns: int = 400) -> None:
    """Run the worker (if any) turn by turn until `check()` holds (bounded, not timed)."""
    async with httpx.AsyncClient(timeout=5) as http:
        for _ in range(turns):
            if worker is not None:
                await worker.run_once(http)
            if await check() if asyncio.iscoroutinefunction(check) else check():
                return
            await asyncio.sleep(0.02)
    raise AssertionError("not reached")


async def _overdue_filling(world: World) -> str:
    five_years_ago = (HUB_CLOCK.today() - timedelta(days=5 * 365)).isoformat()
    [code] = await world.cylinders(1, madeOn=five_years_ago)
    [result] = await world.w.results("recordFillings", [filling(code)], enterprise=world.station)
    assert result["errors"][0]["code"] == "CYLINDER_OVERDUE"
    return code


async def _deliveries(graph: Graph, endpoint: str) -> list[dict[str, Any]]:
    return await cypher(
        graph,
        "MATCH (d:WebhookDelivery {endpoint: $e}) RETURN d.id AS id, d.status AS status, "
        "d.attempts AS attempts, d.alert AS alert ORDER BY d.createdAt",
        e=endpoint,
    )


async def test_a_refused_filling_reaches_the_markets_endpoint_signed(
    world: World, graph: Graph, settings: Settings, receiver: Receiver, endpoints: Any
) -> None:
    market = await endpoints(receiver.url, "market")
    transport = await endpoints(receiver.url, "transport")
    code = await _overdue_filling(world)
    [pending] = await _deliveries(graph, market["id"])
    assert pending["status"] == "PENDING"  # written with the alert, before any worker ran
    assert await _deliveries(graph, transport["id"]) == []
    worker = Worker(graph, fast(settings))
    await until(lambda: len(receiver.got) == 1, worker)
    headers, body = receiver.got[0]
    payload = Webhook(market["secret"]).verify(body, headers)
    assert payload["type"] == "alert.raised"
    assert payload["data"]["rule"] == "FILL_OVERDUE"
    assert payload["data"]["id"] == "Alert:" + pending["alert"]
    assert headers["webhook-id"] == pending["id"]
    with pytest.raises(Exception, match="signature"):
        Webhook(transport["secret"]).verify(body, headers)  # another endpoint's secret fails
    [done] = await _deliveries(graph, market["id"])
    assert done["status"] == "DELIVERED"
    assert done["attempts"] == 1
    del code


async def test_a_receiver_failing_three_times_gets_it_on_the_fourth(
    world: World, graph: Graph, settings: Settings, receiver: Receiver, endpoints: Any
) -> None:
    receiver.failures = 3
    market = await endpoints(receiver.url)
    await _overdue_filling(world)
    worker = Worker(graph, fast(settings))

    async def delivered() -> bool:
        rows = await _deliveries(graph, market["id"])
        return bool(rows[0]["status"] == "DELIVERED")

    await until(delivered, worker)
    [row] = await _deliveries(graph, market["id"])
    assert row["attempts"] == 4
    assert len(receiver.got) == 4
    assert {h["webhook-id"] for h, _ in receiver.got} == {row["id"]}
    assert len({b for _, b in receiver.got}) == 1  # the same bytes every time
    for headers, body in receiver.got:
        Webhook(market["secret"]).verify(body, headers)


async def test_the_last_failure_is_a_dead_letter_and_redeliver_sends_it_again(
    world: World, graph: Graph, settings: Settings, receiver: Receiver, endpoints: Any
) -> None:
    receiver.failures = 2
    market = await endpoints(receiver.url)
    await _overdue_filling(world)
    worker = Worker(graph, fast(settings, hub_webhook_max_attempts=2))

    async def status() -> str:
        return str((await _deliveries(graph, market["id"]))[0]["status"])

    await until(lambda: len(receiver.got) == 2, worker)
    assert await status() == "DEAD"
    await worker_idle(worker)
    assert len(receiver.got) == 2  # a dead delivery is not tried again

    async def again(tx: Any) -> int:
        return await webhook_repo.redeliver(tx, None, market["id"], datetime.now(UTC))

    assert await graph.write(again) == 1
    await until(lambda: len(receiver.got) == 3, worker)
    assert await status() == "DELIVERED"


async def worker_idle(worker: Worker) -> None:
    async with httpx.AsyncClient(timeout=5) as http:
        for _ in range(5):
            await worker.run_once(http)


async def test_a_worker_dying_mid_delivery_loses_nothing(
    world: World, graph: Graph, settings: Settings, receiver: Receiver, endpoints: Any
) -> None:
    market = await endpoints(receiver.url)
    for _ in range(3):
        await _overdue_filling(world)
    ids = {r["id"] for r in await _deliveries(graph, market["id"])}
    assert len(ids) == 3
    # A worker claims them all and dies before posting (its claims lapse shortly).
    now = datetime.now(UTC)

    async def claim(tx: Any) -> list[dict[str, Any]]:
        return await webhook_repo.claim(tx, "dead-replica", now, now + timedelta(seconds=1), 50)

    claimed = {r["id"] for r in await graph.write(claim)}
    assert ids <= claimed
    # The restarted hub's worker delivers each exactly once after the claims lapse.
    restarted = Worker(graph, fast(settings))
    await until(lambda: len({h["webhook-id"] for h, _ in receiver.got} & ids) == 3, restarted)
    rows = await _deliveries(graph, market["id"])
    assert {r["status"] for r in rows} == {"DELIVERED"}
    assert sorted(h["webhook-id"] for h, _ in receiver.got if h["webhook-id"] in ids) == sorted(ids)


async def test_two_replicas_workers_deliver_each_alert_once(
    world: World, graph: Graph, settings: Settings, receiver: Receiver, endpoints: Any
) -> None:
    # Every replica runs a worker over the one outbox in Neo4j: the claim lets only one of
    # them send a delivery, whichever takes it first.
    market = await endpoints(receiver.url)
    for _ in range(4):
        await _overdue_filling(world)
    ids = {r["id"] for r in await _deliveries(graph, market["id"])}
    assert len(ids) == 4
    replicas = [Worker(graph, fast(settings)), Worker(graph, fast(settings))]
    async with httpx.AsyncClient(timeout=5) as http:
        for _ in range(400):
            await asyncio.gather(*(w.run_once(http) for w in replicas))
            rows = await _deliveries(graph, market["id"])
            if {r["status"] for r in rows} == {"DELIVERED"}:
                break
            await asyncio.sleep(0.02)
    assert {r["status"] for r in rows} == {"DELIVERED"}
    sent = [h["webhook-id"] for h, _ in receiver.got if h["webhook-id"] in ids]
    assert sorted(sent) == sorted(ids)


ADD = """mutation($c: String!, $u: String!) { addWebhook(client: $c, url: $u) {
    id client url secret } }"""
DEACTIVATE = "mutation($id: ID!) { deactivateWebhook(id: $id) }"


async def test_an_admin_registers_an_endpoint_over_the_api_and_stops_it(
    world: World, graph: Graph, settings: Settings, receiver: Receiver, client: httpx.AsyncClient
) -> None:
    partner = await add_client(graph, f"t-hook-api-{secrets.token_hex(4)}", "market", "graph:read")
    refused = await gql(client, ADD, "market", {"c": partner.client.client_id, "u": receiver.url},
                        scopes="graph:write admin")  # fmt: skip
    assert error_codes(refused) == ["FORBIDDEN"]
    body = await gql(client, ADD, "admin", {"c": partner.client.client_id, "u": receiver.url},
                     scopes="admin")  # fmt: skip
    added = body["data"]["addWebhook"]
    try:
        assert (added["client"], added["url"]) == (partner.client.name, receiver.url)
        bad = await gql(client, ADD, "admin", {"c": partner.client.client_id, "u": "ftp://x"},
                        scopes="admin")  # fmt: skip
        assert error_codes(bad) == ["BAD_USER_INPUT"]
        await _overdue_filling(world)
        [pending] = await _deliveries(graph, added["id"])
        await until(lambda: len(receiver.got) == 1, Worker(graph, fast(settings)))
        headers, delivered = receiver.got[0]
        assert Webhook(added["secret"]).verify(delivered, headers)["data"]["rule"] == "FILL_OVERDUE"
        stopped = await gql(client, DEACTIVATE, "admin", {"id": added["id"]}, scopes="admin")
        assert stopped["data"]["deactivateWebhook"] is True
        await _overdue_filling(world)
        assert [d["id"] for d in await _deliveries(graph, added["id"])] == [pending["id"]]
    finally:

        async def clean(tx: Any) -> None:
            await (await tx.run(
                "MATCH (w:WebhookEndpoint {id: $id})-[:FOR]->(c:OAuthClient) "
                "OPTIONAL MATCH (d:WebhookDelivery) WHERE d.endpoint = w.id "
                "DETACH DELETE d, w, c", id=added["id"],
            )).consume()  # fmt: skip

        await graph.write(clean)


async def test_a_refusal_rings_the_worker_instead_of_waiting_for_its_poll(
    world: World, graph: Graph, settings: Settings, receiver: Receiver, endpoints: Any
) -> None:
    """With an hour between polls, the alert of a refusal made in this process is delivered at
    once: the write rings the worker's bell after its commit (hub/linkage/bell.py)."""
    await endpoints(receiver.url, "market")
    worker = Worker(graph, fast(settings, hub_webhook_poll_s=3600.0))
    running = asyncio.create_task(worker.run())
    try:
        await _overdue_filling(world)
        await until(lambda: len(receiver.got) == 1)
    finally:
        running.cancel()
    del world
