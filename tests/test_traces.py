"""traceCylinder and traceProduct on the tiny seed: timelines, the planted violations found by the
flags, the product chain and its recall list, and the policy on what a trace shows."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from graph_seed.generate import Generation
from hub.graph.driver import Graph
from tests.graphql import cypher, error_codes, gql

INVESTIGATOR = {"scopes": "graph:read investigate"}
FLAG_OF_VIOLATION = {
    "foreign_filling": "FILLED_OUTSIDE_OWNER",
    "overdue_filling": "FILLED_WHILE_OVERDUE",
    "expired_permit_delivery": "DELIVERED_WITHOUT_VALID_PERMIT",
    "unregistered_household_delivery": "DELIVERED_TO_UNREGISTERED_HOUSEHOLD",
}
TRACE = """query($c: String!) { traceCylinder(code: $c) {
    cylinder { code status }
    location { householdId }
    timeline { kind date time status node { __typename id
        ... on Delivery { vehicle { plate } household { householdId } driver { name } } } }
    flags { kind date event } } }"""


@pytest.fixture(autouse=True)
def _seeded(tiny_seed: object) -> None:
    """Every test here reads the tiny graph."""


async def _cylinder_of(graph: Graph, event_key: str) -> str:
    [row] = await cypher(
        graph, "MATCH (e {eventId: $k})-[:OF]->(c:Cylinder) RETURN c.code AS code", k=event_key
    )
    return str(row["code"])


async def test_a_cylinder_trace_lists_its_life_in_order(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    [row] = await cypher(
        graph,
        "MATCH (c:Cylinder) WHERE EXISTS { (c)<-[:OF]-(:Delivery) } "
        "RETURN c.code AS code, COUNT { (c)<-[:OF]-(:Inspection) } AS inspections, "
        "COUNT { (c)<-[:OF]-(:Filling) } AS fillings, COUNT { (c)<-[:OF]-(:Delivery) } AS "
        "deliveries ORDER BY code LIMIT 1",
    )
    body = await gql(client, TRACE, "market", {"c": row["code"]})
    trace = body["data"]["traceCylinder"]
    kinds = [e["kind"] for e in trace["timeline"]]
    assert kinds[:2] == ["MADE", "REGISTERED"]
    assert kinds.count("INSPECTED") == row["inspections"]
    assert kinds.count("FILLED") == row["fillings"]
    assert kinds.count("DELIVERED") == row["deliveries"]
    dates = [e["date"] for e in trace["timeline"] if e["date"]]
    assert dates == sorted(dates)
    delivery = next(e["node"] for e in trace["timeline"] if e["kind"] == "DELIVERED")
    assert delivery["vehicle"]["plate"]
    assert delivery["household"]["householdId"]
    assert delivery["driver"]["name"].endswith("*")  # masked for the market role


async def test_every_planted_violation_is_found_by_the_flags_and_nothing_else_is(
    client: httpx.AsyncClient, graph: Graph, tiny_seed: Generation
) -> None:
    planted = tiny_seed.manifest.planted
    assert all(planted[kind] for kind in FLAG_OF_VIOLATION)
    expected: dict[str, set[tuple[str, str]]] = {}
    for kind, flag in FLAG_OF_VIOLATION.items():
        label = "Filling" if "filling" in kind else "Delivery"
        for key in planted[kind]:
            code = await _cylinder_of(graph, key)
            expected.setdefault(code, set()).add((flag, f"{label}:{key}"))
    for code, wanted in expected.items():
        body = await gql(client, TRACE, "market", {"c": code})
        flags = body["data"]["traceCylinder"]["flags"]
        found = {(f["kind"], f["event"]) for f in flags if f["event"]}
        seeded = {f for f in found if f[1].split(":")[1][:4] in ("FIL-", "DEL-")}
        assert seeded == wanted, code


async def test_an_overdue_cylinder_is_flagged_overdue(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    [row] = await cypher(
        graph, "MATCH (c:Cylinder {status: 'OVERDUE'}) RETURN c.code AS code ORDER BY code LIMIT 1"
    )
    body = await gql(client, TRACE, "market", {"c": row["code"]})
    trace = body["data"]["traceCylinder"]
    assert "OVERDUE" in {f["kind"] for f in trace["flags"]}
    assert {"kind": "STATUS", "status": "OVERDUE"}.items() <= next(
        e for e in trace["timeline"] if e["kind"] == "STATUS"
    ).items()


async def test_a_trace_shows_only_what_the_role_reads(
    client: httpx.AsyncClient, graph: Graph, tiny_seed: Generation
) -> None:
    code = await _cylinder_of(graph, tiny_seed.manifest.planted["expired_permit_delivery"][0])
    query = """query($c: String!) { traceCylinder(code: $c) {
        timeline { kind node { id } } flags { kind } } }"""
    body = await gql(client, query, "housing", {"c": code})
    trace = body["data"]["traceCylinder"]
    assert "INSPECTED" not in {e["kind"] for e in trace["timeline"]}  # housing reads no Inspection
    # The permit flag is made of Vehicle data, which housing may not read.
    assert "DELIVERED_WITHOUT_VALID_PERMIT" not in {f["kind"] for f in trace["flags"]}
    refused = await gql(client, TRACE.replace("plate", "plate permitNo"), "housing", {"c": code})
    assert error_codes(refused) == ["FORBIDDEN"]
    assert refused["data"] is None or refused["data"]["traceCylinder"] is None


async def test_a_cylinder_out_of_an_enterprises_scope_is_not_there(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    [row] = await cypher(
        graph,
        "MATCH (c:Cylinder)-[:OWNED_BY]->(o:Enterprise), (e:Enterprise {kind: 'FILLING_STATION'})"
        " WHERE e <> o RETURN c.code AS code, e.uscc AS other LIMIT 1",
    )
    query = "query($c: String!) { traceCylinder(code: $c) { cylinder { code } } }"
    body = await gql(client, query, "enterprise", {"c": row["code"]}, enterprise=row["other"])
    assert body["data"]["traceCylinder"] is None


async def test_a_trace_is_one_round_trip(client: httpx.AsyncClient, app: Starlette) -> None:
    counter = app.state.runtime.graph.counter
    before = counter.reads
    await gql(client, TRACE, "market", {"c": "FZ0000000001"})
    assert counter.reads - before == 1


async def _failed_batch(graph: Graph, tiny_seed: Generation) -> dict[str, Any]:
    key = tiny_seed.manifest.planted["failed_batch_shipped"][0]
    [row] = await cypher(
        graph,
        "MATCH (:Shipment {eventId: $k})-[:OF]->(p:Product) "
        "RETURN p.traceCode AS code, COLLECT { MATCH (p)<-[:OF]-(s:Shipment)-[:TO]->(e) "
        "RETURN DISTINCT e.uscc } AS receivers, "
        "COLLECT { MATCH (p)<-[:OF]-(s:Shipment)-[:TO]->(e) RETURN {uscc: e.uscc, "
        "kg: s.quantityKg} } AS received",
        k=key,
    )
    return row


PRODUCT = """query($t: String!, $d: TraceDirection!) {
    traceProduct(traceCode: $t, direction: $d) {
      product { traceCode producer { uscc } }
      subgraph { truncated nodes { __typename id } edges { from to type } }
      recall { enterprise { uscc } quantityKg shipments hop firstReceived } } }"""


async def test_a_failed_batch_is_recalled_from_every_enterprise_that_received_it(
    client: httpx.AsyncClient, graph: Graph, tiny_seed: Generation
) -> None:
    batch = await _failed_batch(graph, tiny_seed)
    body = await gql(client, PRODUCT, "market", {"t": batch["code"], "d": "DOWNSTREAM"})
    trace = body["data"]["traceProduct"]
    recall = {r["enterprise"]["uscc"]: r for r in trace["recall"]}
    assert set(recall) == set(batch["receivers"])
    for uscc in recall:
        kg = sum(r["kg"] for r in batch["received"] if r["uscc"] == uscc)
        assert recall[uscc]["quantityKg"] == pytest.approx(kg)
    assert min(r["hop"] for r in trace["recall"]) == 1
    ids = {n["id"] for n in trace["subgraph"]["nodes"]}
    assert f"Product:{batch['code']}" in ids
    assert {e["type"] for e in trace["subgraph"]["edges"]} >= {"OF", "FROM", "TO", "PRODUCED_BY"}
    assert all(e["from"] in ids and e["to"] in ids for e in trace["subgraph"]["edges"])


async def test_upstream_shows_producer_and_tests_not_where_the_batch_went(
    client: httpx.AsyncClient, graph: Graph, tiny_seed: Generation
) -> None:
    batch = await _failed_batch(graph, tiny_seed)
    body = await gql(client, PRODUCT, "market", {"t": batch["code"], "d": "UPSTREAM"})
    types = {n["__typename"] for n in body["data"]["traceProduct"]["subgraph"]["nodes"]}
    assert {"Product", "Enterprise", "BatchTest"} <= types
    assert not types & {"Shipment", "Sale"}


async def test_product_traces_are_refused_to_roles_that_read_no_products(
    client: httpx.AsyncClient,
) -> None:
    body = await gql(client, PRODUCT, "police", {"t": "x", "d": "BOTH"})
    assert error_codes(body) == ["FORBIDDEN"]


async def test_trace_bounds_are_checked(client: httpx.AsyncClient) -> None:
    query = '{ traceProduct(traceCode: "x", maxHops: 9) { recall { hop } } }'
    assert error_codes(await gql(client, query, "market")) == ["BAD_USER_INPUT"]
