"""One contiguous chain under concurrency, and fail closed when an entry cannot be written."""

from __future__ import annotations

import asyncio
import itertools
import secrets
import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from hub.app import create_app
from hub.audit.verify import verify_chain
from hub.config import Settings
from hub.graph.driver import Graph
from tests.audit_support import a_person, drop_chain, records_for, request_id, run_write
from tests.graphql import cypher, principal_header
from tests.oauth_support import ClientFactory, Registrar

QUERY = "{ cylinders(first: 3) { edges { node { code status } } } }"


async def test_fifty_concurrent_reads_make_a_hundred_contiguous_entries_in_one_chain(
    client: httpx.AsyncClient, graph: Graph, settings: Settings
) -> None:
    prefix = request_id("fifty")

    def request(i: int) -> dict[str, str]:
        return {**principal_header("market"), "X-Request-Id": f"{prefix}-{i}"}

    responses = await asyncio.gather(
        *(client.post("/graphql", json={"query": QUERY}, headers=request(i)) for i in range(50))
    )
    assert all(r.status_code == 200 for r in responses)
    for i in range(50):  # each read: its intent, and its outcome after the answer left
        assert len(await records_for(graph, f"{prefix}-{i}", 1)) == 1
    mine = await cypher(
        graph,
        "MATCH (a:AuditEntry {chain: 'main'}) WHERE a.requestId STARTS WITH $p RETURN a.seq AS seq",
        p=prefix + "-",
    )
    seqs = sorted(r["seq"] for r in mine)
    assert len(seqs) == len(set(seqs)) == 100
    # Other tests append to the same chain meanwhile: the range is contiguous and linked.
    span = await cypher(
        graph,
        "MATCH (a:AuditEntry {chain: 'main'}) WHERE $lo <= a.seq <= $hi "
        "RETURN a.seq AS seq, a.prevHash AS prev, a.hash AS hash ORDER BY a.seq",
        lo=seqs[0],
        hi=seqs[-1],
    )
    assert [r["seq"] for r in span] == list(range(seqs[0], seqs[-1] + 1))
    assert all(b["prev"] == a["hash"] for a, b in itertools.pairwise(span))
    report = await verify_chain(graph, settings, "main")
    assert report.ok, report.summary()
    assert report.head_seq >= seqs[-1]


@pytest.fixture
async def blocked_chain(graph: Graph) -> AsyncIterator[str]:
    """A chain whose next seq is already taken: every append to it fails in the store."""
    chain = f"t-blocked-{secrets.token_hex(4)}"
    await run_write(graph, "CREATE (:AuditEntry {chain: $chain, seq: 1})", chain=chain)
    yield chain
    await drop_chain(graph, chain)


async def test_no_entry_no_data_the_request_gets_503(
    settings: Settings, make_client: ClientFactory, graph: Graph, blocked_chain: str,
    tiny_seed: object,
) -> None:  # fmt: skip
    person = await a_person(graph)
    blocked = settings.model_copy(update={"hub_audit_chain": blocked_chain})
    async for c in make_client(create_app(blocked)):
        response = await c.post(
            "/graphql",
            json={"query": "query($id: String!) { person(idNumber: $id) { id name } }",
                  "variables": {"id": person}},
            headers=principal_header("police"),
        )  # fmt: skip
        assert response.status_code == 503
        assert response.headers["retry-after"]
        body = response.json()
        assert "data" not in body
        assert body["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
        assert person not in response.text


async def test_no_entry_no_token(
    settings: Settings, make_client: ClientFactory, graph: Graph, blocked_chain: str
) -> None:
    reg = Registrar(graph)
    try:
        police = await reg.client("police", "graph:read")
        assert police.secret is not None
        blocked = settings.model_copy(update={"hub_audit_chain": blocked_chain})
        async for c in make_client(create_app(blocked)):
            response = await c.post(
                "/oauth/token", data={"grant_type": "client_credentials"},
                auth=(police.client.client_id, police.secret),
            )  # fmt: skip
            assert response.status_code == 503
            assert "access_token" not in response.text
            assert response.json()["error"] == "temporarily_unavailable"
    finally:
        await reg.cleanup()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_without_the_store_even_a_request_that_reads_nothing_gets_503(
    settings: Settings, make_client: ClientFactory
) -> None:
    down = settings.model_copy(
        update={
            "neo4j_uri": f"bolt://127.0.0.1:{_closed_port()}",
            "neo4j_connect_timeout_s": 0.5,
            "neo4j_write_retry_s": 0.5,
            "hub_audit_timeout_s": 1.0,
        }
    )
    async for c in make_client(create_app(down)):
        response = await c.post(
            "/graphql", json={"query": "{ me { role } }"}, headers=principal_header("police")
        )
        assert response.status_code == 503
        assert "police" not in response.text
