"""Idempotency and robustness: replays write nothing, the same key with other content is a
CONFLICT, concurrent overlapping batches leave no duplicate and no lost update, hostile strings
are data or refused, and an oversized batch writes nothing."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

import httpx
import pytest

from hub.graph.driver import Graph
from tests.graphql import cypher, error_codes, scalar
from tests.ingest_support import (
    World,
    Writer,
    ago,
    codes,
    enterprise,
    filling,
    forget,
    household,
    new_id_number,
    new_key,
    new_uscc,
)

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
async def world(client: httpx.AsyncClient, graph: Graph) -> AsyncIterator[World]:
    writer = Writer(client, f"t-idem-{secrets.token_hex(4)}")
    yield await World(writer).build()
    await forget(graph, writer.subject)


async def _fillings(graph: Graph, event_ids: list[str]) -> int:
    count: int = await scalar(
        graph, "MATCH (f:Filling) WHERE f.eventId IN $ids RETURN count(f)", ids=event_ids
    )
    return count


async def test_a_replayed_batch_returns_the_same_ids_and_writes_nothing(
    world: World, graph: Graph
) -> None:
    good = await world.cylinders(2)
    items = [filling(good[0]), filling(new_key("C")), filling(good[1])]
    first = await world.w.push("recordFillings", items, enterprise=world.station)
    second = await world.w.push("recordFillings", items, enterprise=world.station)
    a, b = first["data"]["recordFillings"], second["data"]["recordFillings"]
    assert (a["written"], a["replayed"], a["failed"]) == (2, 0, 1)
    assert (b["written"], b["replayed"], b["failed"]) == (0, 2, 1)
    assert [r["id"] for r in a["results"]] == [r["id"] for r in b["results"]]
    assert await _fillings(graph, [i["eventId"] for i in items]) == 2


async def test_the_same_event_id_with_other_content_is_a_conflict(
    world: World, graph: Graph
) -> None:
    [code] = await world.cylinders(1)
    item = filling(code)
    await world.w.ok("recordFillings", [item], enterprise=world.station)
    [result] = await world.w.results(
        "recordFillings", [item | {"quantityKg": 5.0}], enterprise=world.station
    )
    assert codes(result) == [("eventId", "CONFLICT")]
    kg = await scalar(graph, "MATCH (f:Filling {eventId: $id}) RETURN f.quantityKg",
                      id=item["eventId"])  # fmt: skip
    assert kg == 14.9


async def test_a_key_twice_in_one_batch_is_written_once(world: World, graph: Graph) -> None:
    [code] = await world.cylinders(1)
    item = filling(code)
    results = await world.w.results(
        "recordFillings", [item, item, item | {"quantityKg": 1.0}], enterprise=world.station
    )
    assert [r["ok"] for r in results] == [True, True, False]
    assert results[0]["id"] == results[1]["id"]
    assert codes(results[2]) == [("eventId", "CONFLICT")]
    assert await _fillings(graph, [item["eventId"]]) == 1


async def test_two_clients_pushing_overlapping_batches_at_once_record_each_event_once(
    world: World, graph: Graph, client: httpx.AsyncClient
) -> None:
    other = Writer(client, f"t-idem2-{secrets.token_hex(4)}")
    try:
        cylinders = await world.cylinders(30)
        items = [filling(c) for c in cylinders]
        left, right = items[:20], items[10:]
        a, b = await asyncio.gather(
            world.w.results("recordFillings", left, enterprise=world.station),
            other.results("recordFillings", right, enterprise=world.station),
        )
        assert all(r["ok"] for r in a + b)
        ids = [i["eventId"] for i in items]
        assert await _fillings(graph, ids) == 30
        overlap = {r["id"] for r in a[10:] if not r["replayed"]}
        overlap &= {r["id"] for r in b[:10] if not r["replayed"]}
        assert overlap == set()  # each overlapping event written by exactly one of them
    finally:
        await forget(graph, other.subject)


async def test_concurrent_deliveries_leave_each_cylinder_in_exactly_one_place(
    world: World, graph: Graph, client: httpx.AsyncClient
) -> None:
    """No lost update: the latest delivery wins, whichever batch commits first."""
    other = Writer(client, f"t-idem3-{secrets.token_hex(4)}")
    try:
        second_home = new_key("H")
        await world.w.ok("registerHouseholds", [household(second_home, new_id_number())],
                         enterprise=world.station)  # fmt: skip
        cylinders = await world.cylinders(10)
        early = [world.delivery(c, time=ago(minutes=30)) for c in cylinders]
        late = [world.delivery(c, household=second_home, time=ago(minutes=10)) for c in cylinders]
        await asyncio.gather(
            world.w.ok("recordDeliveries", late, enterprise=world.station),
            other.ok("recordDeliveries", early, enterprise=world.station),
        )
        rows = await cypher(
            graph,
            "UNWIND $codes AS code MATCH (c:Cylinder {code: code}) "
            "RETURN code, [(c)-[:LOCATED_AT]->(h) | h.id] AS at",
            codes=cylinders,
        )
        assert all(row["at"] == [second_home] for row in rows), rows
    finally:
        await forget(graph, other.subject)


HOSTILE = "x'}) MATCH (n) DETACH DELETE n // \"; DROP CONSTRAINT x; RETURN 1 AS $p {{"


async def test_cypher_fragments_are_stored_as_plain_data(world: World, graph: Graph) -> None:
    uscc = new_uscc()
    await world.w.ok("registerEnterprises", [enterprise(uscc, "RESTAURANT", name=HOSTILE,
                     address="福州 `) RETURN 1 UNION MATCH (n) RETURN n")], "market")  # fmt: skip
    stored = await scalar(graph, "MATCH (e:Enterprise {uscc: $u}) RETURN e.name", u=uscc)
    assert stored == HOSTILE


async def test_control_characters_and_huge_strings_are_refused_per_item(world: World) -> None:
    items = [
        enterprise(new_uscc(), "RESTAURANT", name="餐厅\u0000"),
        enterprise(new_uscc(), "RESTAURANT", name="a\x1b[2Jb"),
        enterprise(new_uscc(), "RESTAURANT", address="长" * 100_000),
        enterprise(new_uscc(), "RESTAURANT") | {"uscc": HOSTILE[:18]},
    ]
    results = await world.w.results("registerEnterprises", items, "market")
    assert [codes(r) for r in results] == [
        [("name", "INVALID_TEXT")],
        [("name", "INVALID_TEXT")],
        [("address", "TOO_LONG")],
        [("uscc", "INVALID_IDENTIFIER")],
    ]
    [bad_id] = await world.w.results(
        "recordFillings", [filling("C1", eventId=HOSTILE[:40])], enterprise=world.station
    )
    assert codes(bad_id) == [("eventId", "INVALID_IDENTIFIER")]


async def test_a_batch_over_the_limit_is_refused_whole_and_writes_nothing(
    world: World, graph: Graph
) -> None:
    items = [filling("C1") for _ in range(1001)]
    body = await world.w.push("recordFillings", items, enterprise=world.station)
    assert error_codes(body) == ["LIMIT_EXCEEDED"]
    assert body["data"] is None
    assert await _fillings(graph, [i["eventId"] for i in items]) == 0


async def test_a_batch_that_cannot_reach_the_graph_is_unavailable_and_says_retry(
    make_client: object, settings: object
) -> None:
    from hub.config import Settings

    assert isinstance(settings, Settings)
    down = settings.model_copy(
        update={"neo4j_uri": "bolt://127.0.0.1:9", "neo4j_write_retry_s": 0.5,
                "neo4j_connect_timeout_s": 0.5, "hub_audit_enabled": False}
    )  # fmt: skip
    from hub.app import create_app

    async for http in make_client(create_app(down)):  # type: ignore[operator]
        writer = Writer(http, "t-down")
        query = "mutation($items: [FillingInput!]!) { recordFillings(items: $items) { written } }"
        response = await http.post(
            "/graphql",
            json={"query": query, "variables": {"items": [filling("C1")]}},
            headers={"X-Hub-Principal": f"role=enterprise; enterprise={new_uscc()}; "
                     "scopes=graph:read graph:write"},
        )  # fmt: skip
        del writer
        assert response.status_code == 503
        assert error_codes(response.json()) == ["UNAVAILABLE"]
        assert "same eventIds" in response.json()["errors"][0]["message"]
