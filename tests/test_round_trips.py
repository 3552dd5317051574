"""Bolt round trips per read request, the audit included, counted by the bench's relay in front of
the real Neo4j (bench/bolt_count.py): a turn of the conversation is one trip.

A read request is its statement (one auto-commit read), its audit entry (one auto-commit append
after the head the writer last left, with the head's signature when one is due) and, once per
token per status-cache interval, the token's status (one auto-commit read): at most three."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from starlette.applications import Starlette

from bench.bolt_count import BoltCounter
from hub.app import create_app
from hub.audit import repo
from hub.audit.entry import Decision, Draft, Kind
from hub.audit.signing import load_signer
from hub.audit.verify import verify_chain
from hub.config import Settings
from hub.graph.driver import Graph, connection_for, graph_for
from hub.oauth.status import StatusCache
from tests.audit_support import drop_chain, entries_for, request_id
from tests.graphql import cypher
from tests.oauth_support import ClientFactory, Registrar, token_for

pytestmark = pytest.mark.neo4j

READ = """query W1($code: String!) { cylinder(code: $code) {
  code status owner { uscc name } location { householdId district }
  fillings(first: 3) { edges { node { eventId time station { name } } } } } }"""


@pytest.fixture
async def reg(graph: Graph) -> AsyncIterator[Registrar]:
    registrar = Registrar(graph)
    yield registrar
    await registrar.cleanup()


@pytest.fixture
async def chain(graph: Graph) -> AsyncIterator[str]:
    name = f"t-trips-{secrets.token_hex(4)}"
    yield name
    await drop_chain(graph, name)


@pytest.fixture
def relay(settings: Settings) -> Iterator[BoltCounter]:
    conn = connection_for(settings)
    host, port = conn.uri.split("://", 1)[1].rsplit(":", 1)
    with BoltCounter(host, int(port)) as counter:
        yield counter


@pytest.fixture
async def code(graph: Graph, tiny_seed: object) -> str:
    rows = await cypher(graph, "MATCH (c:Cylinder) RETURN c.code AS code ORDER BY code LIMIT 1")
    return str(rows[0]["code"])


def _relayed(settings: Settings, relay: BoltCounter, chain: str, **more: object) -> Starlette:
    conn = connection_for(settings)
    return create_app(
        settings.model_copy(
            update={
                "neo4j_uri": f"bolt://127.0.0.1:{relay.port}",
                "neo4j_password": conn.password,
                "hub_audit_chain": chain,
                "hub_dev_principal": False,
                **more,
            }
        )
    )


async def _read(http: httpx.AsyncClient, token: str, code: str) -> str:
    rid = request_id("trips")
    response = await http.post(
        "/graphql",
        json={"query": READ, "variables": {"code": code}},
        headers={"authorization": "Bearer " + token, "x-request-id": rid},
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["cylinder"]["code"] == code
    return rid


async def _trips(relay: BoltCounter, http: httpx.AsyncClient, token: str, code: str) -> int:
    before = relay.turns
    await _read(http, token, code)
    return relay.turns - before


async def test_a_read_with_a_fresh_token_costs_three_round_trips_its_audit_included(
    settings: Settings, graph: Graph, reg: Registrar, relay: BoltCounter, chain: str, code: str,
    make_client: ClientFactory,
) -> None:  # fmt: skip
    app = _relayed(settings, relay, chain)
    async for http in make_client(app):
        warm = await token_for(http, await reg.client("market"))
        await _read(http, warm, code)  # the writer has left the head; the statements are planned
        token = await token_for(http, await reg.client("market"))
        # The token's status (its first use), the read, the audit append (this read's intent
        # with the outcome of the read before, while the read runs).
        assert await _trips(relay, http, token, code) <= 3
        # The status is remembered for a few seconds: the read and the append.
        before = relay.turns
        rid = await _read(http, token, code)
        assert relay.turns - before <= 2
        # The intent was durable before the answer came: it is in the store already.
        assert [e.phase for e in await entries_for(graph, rid, chain)][:1] == ["intent"]


async def test_a_read_whose_entry_signs_the_head_still_costs_two_round_trips(
    settings: Settings, graph: Graph, reg: Registrar, relay: BoltCounter, chain: str, code: str,
    make_client: ClientFactory,
) -> None:  # fmt: skip
    app = _relayed(settings, relay, chain, hub_audit_sign_every=1)
    async for http in make_client(app):
        token = await token_for(http, await reg.client("market"))
        await _read(http, token, code)
        for _ in range(3):
            assert await _trips(relay, http, token, code) <= 2
    report = await verify_chain(graph, settings, chain)
    assert report.ok, report.summary()
    # Every entry (the token's own, the four reads) under a signature of its own.
    assert report.signatures >= 4
    assert report.head_seq == report.entries


async def test_a_read_after_another_writer_moved_the_head_costs_three_round_trips(
    settings: Settings, graph: Graph, reg: Registrar, relay: BoltCounter, chain: str, code: str,
    make_client: ClientFactory,
) -> None:  # fmt: skip
    app = _relayed(settings, relay, chain)
    sign = repo.SignPolicy(load_signer(settings), every=1000, interval_s=3600)
    async for http in make_client(app):
        token = await token_for(http, await reg.client("market"))
        await _read(http, token, code)
        for i in range(2):
            # A mutation's own append (or another replica's) moves the head under the writer.
            draft = Draft(Kind.GRAPHQL, f"other-{i}", Decision.ALLOWED, 200)
            await graph.write(repo.append_batch, chain, [draft], sign, graph.clock.stamp())
            # The read, the append refused (the head that came back with it), the append again.
            assert await _trips(relay, http, token, code) <= 3
    report = await verify_chain(graph, settings, chain)
    assert report.ok, report.summary()
    # The token, three reads (an intent and an outcome each), two others.
    assert report.entries == report.head_seq == 9


async def test_requests_that_miss_the_status_cache_together_share_one_read(
    graph: Graph, reg: Registrar
) -> None:
    new = await reg.client("market")
    cache = StatusCache(2.0)
    counted = graph_for(graph.driver, Settings())
    found = await asyncio.gather(
        *(cache.status(counted, new.client.client_id, None, "jti-" + new.client.client_id)
          for _ in range(8))
    )  # fmt: skip
    assert counted.counter.reads == 1
    assert all(status.allowed for status in found)
    # Within the interval nothing more is asked; a client disabled here is asked afresh.
    await cache.status(counted, new.client.client_id, None, "jti-" + new.client.client_id)
    assert counted.counter.reads == 1
    cache.forget_client(new.client.client_id)
    await cache.status(counted, new.client.client_id, None, "jti-" + new.client.client_id)
    assert counted.counter.reads == 2
