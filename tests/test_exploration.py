"""neighborhood and shortestPath: the scope and purpose they need, their bounds, and the policy on
every node and every hop (a path never runs through a node the role may not see)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, LiteralString

import httpx
import pytest
from neo4j import AsyncManagedTransaction

from hub.graph import investigation_repo
from hub.graph.driver import Graph
from tests.graphql import cypher, error_codes, gql

INVESTIGATE = {"scopes": "graph:read investigate"}
NEIGHBOURS = """query($id: ID!, $d: Int!, $l: Int!) {
    neighborhood(id: $id, depth: $d, limit: $l, purpose: "case 2026-017") {
      truncated nodes { __typename id ... on Person { name idNumber phone } }
      edges { from to type } } }"""
PATH = """query($a: ID!, $b: ID!, $h: Int!) {
    shortestPath(from: $a, to: $b, maxHops: $h, purpose: "case 2026-017") {
      nodes { __typename id } edges { from to type } } }"""


@pytest.fixture(autouse=True)
def _seeded(tiny_seed: object) -> None:
    """Every test here reads the tiny graph."""


async def _explore(
    client: httpx.AsyncClient, query: str, role: str, variables: dict[str, Any], **claims: str
) -> dict[str, Any]:
    return await gql(client, query, role, variables, **{**INVESTIGATE, **claims})


async def test_a_neighbourhood_is_the_visible_nodes_around_a_node_and_their_edges(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    body = await _explore(client, NEIGHBOURS, "market", {"id": "Cylinder:FZ0000000001", "d": 1,
                                                          "l": 100})  # fmt: skip
    sub = body["data"]["neighborhood"]
    [row] = await cypher(
        graph, "MATCH (c:Cylinder {code: 'FZ0000000001'}) RETURN COUNT { (c)--() } AS degree"
    )
    assert len(sub["nodes"]) == row["degree"] + 1
    assert sub["nodes"][0]["id"] == "Cylinder:FZ0000000001"
    ids = {n["id"] for n in sub["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in sub["edges"])
    assert not sub["truncated"]


async def test_masked_fields_stay_masked_in_a_neighbourhood(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    # A delivery: its driver and escort are one hop away.
    [row] = await cypher(graph, "MATCH (d:Delivery) RETURN d.eventId AS e ORDER BY e LIMIT 1")
    variables = {"id": f"Delivery:{row['e']}", "d": 1, "l": 100}
    body = await _explore(client, NEIGHBOURS, "market", variables)
    people = [n for n in body["data"]["neighborhood"]["nodes"] if n["__typename"] == "Person"]
    assert people
    for p in people:
        assert p["name"].endswith("*")
        assert "********" in p["idNumber"]
        assert "****" in p["phone"]


async def test_a_node_cap_truncates_the_neighbourhood(client: httpx.AsyncClient) -> None:
    body = await _explore(client, NEIGHBOURS, "market", {"id": "Cylinder:FZ0000000001", "d": 3,
                                                          "l": 5})  # fmt: skip
    sub = body["data"]["neighborhood"]
    assert len(sub["nodes"]) == 5
    assert sub["truncated"]


async def test_a_neighbourhood_holds_no_node_the_role_may_not_read(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    query = NEIGHBOURS.replace(" name idNumber phone", " name")
    variables = {"id": "Cylinder:FZ0000000001", "d": 3, "l": 300}
    body = await _explore(client, query, "transport", variables)
    nodes = body["data"]["neighborhood"]["nodes"]
    types = {n["__typename"] for n in nodes}
    assert types <= {"Vehicle", "Enterprise", "Delivery", "Cylinder", "Person"}
    assert "Delivery" in types
    people = [n["id"].split(":", 1)[1] for n in nodes if n["__typename"] == "Person"]
    drivers = await cypher(
        graph, "UNWIND $ids AS i MATCH (p:Person {pid: i}) WHERE EXISTS { (p)-[:DRIVES]->() }"
        " RETURN count(p) AS n", ids=people,
    )  # fmt: skip
    assert drivers[0]["n"] == len(people)  # transport sees drivers only


async def test_an_enterprise_sees_only_its_own_rows_around_its_station(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    [row] = await cypher(
        graph, "MATCH (:Cylinder {code: 'FZ0000000001'})-[:OWNED_BY]->(o) RETURN o.uscc AS uscc"
    )
    variables = {"id": f"Enterprise:{row['uscc']}", "d": 2, "l": 500}
    body = await _explore(client, NEIGHBOURS, "enterprise", variables, enterprise=row["uscc"])
    enterprises = [
        n["id"] for n in body["data"]["neighborhood"]["nodes"] if n["__typename"] == "Enterprise"
    ]
    assert enterprises == [f"Enterprise:{row['uscc']}"]


async def _inspection_chain(graph: Graph) -> dict[str, Any]:
    [row] = await cypher(
        graph,
        "MATCH (c:Cylinder {code: 'FZ0000000001'})<-[:OF]-(i:Inspection)-[:BY]->(a:Enterprise) "
        "RETURN c.code AS code, i.eventId AS inspection, a.uscc AS agency LIMIT 1",
    )
    return row


async def test_a_path_through_a_hidden_node_is_not_returned_but_is_to_a_role_that_sees_it(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    chain = await _inspection_chain(graph)
    variables = {"a": f"Cylinder:{chain['code']}", "b": f"Enterprise:{chain['agency']}", "h": 2}
    market = await _explore(client, PATH, "market", variables)
    path = market["data"]["shortestPath"]
    assert [n["__typename"] for n in path["nodes"]] == ["Cylinder", "Inspection", "Enterprise"]
    assert {e["type"] for e in path["edges"]} == {"OF", "BY"}
    # Transport reads cylinders and enterprises but no inspections: no path within two hops.
    transport = await _explore(client, PATH, "transport", variables)
    assert "errors" not in transport
    assert transport["data"]["shortestPath"] is None


async def test_a_longer_path_avoids_hidden_nodes(client: httpx.AsyncClient, graph: Graph) -> None:
    chain = await _inspection_chain(graph)
    variables = {"a": f"Cylinder:{chain['code']}", "b": f"Enterprise:{chain['agency']}", "h": 8}
    body = await _explore(client, PATH, "transport", variables)
    path = body["data"]["shortestPath"]
    if path is not None:  # some longer chain may exist; it never crosses what transport can't see
        types = {n["__typename"] for n in path["nodes"]}
        assert types <= {"Vehicle", "Enterprise", "Delivery", "Cylinder", "Person"}


AVOIDING = """query($a: ID!, $b: ID!, $h: Int!, $avoid: [String!]) {
    shortestPath(from: $a, to: $b, maxHops: $h, purpose: "case 2026-017", avoid: $avoid) {
      nodes { __typename id } } }"""


async def test_a_path_can_be_asked_to_avoid_a_type(client: httpx.AsyncClient, graph: Graph) -> None:
    chain = await _inspection_chain(graph)
    ends = {"a": f"Cylinder:{chain['code']}", "b": f"Enterprise:{chain['agency']}"}
    direct = await _explore(client, AVOIDING, "market", {**ends, "h": 2, "avoid": []})
    assert [n["__typename"] for n in direct["data"]["shortestPath"]["nodes"]] == [
        "Cylinder", "Inspection", "Enterprise"
    ]  # fmt: skip
    around = await _explore(client, AVOIDING, "market", {**ends, "h": 2, "avoid": ["Inspection"]})
    assert around["data"]["shortestPath"] is None  # the one two-hop chain is through it
    longer = await _explore(client, AVOIDING, "market", {**ends, "h": 8, "avoid": ["Inspection"]})
    path = longer["data"]["shortestPath"]
    if path is not None:  # a longer chain may exist; none of its inner nodes is an inspection
        assert "Inspection" not in {n["__typename"] for n in path["nodes"][1:-1]}
    unknown = await _explore(client, AVOIDING, "market", {**ends, "h": 2, "avoid": ["Nope"]})
    assert error_codes(unknown) == ["BAD_USER_INPUT"]


async def test_a_hidden_endpoint_answers_like_a_missing_one(client: httpx.AsyncClient) -> None:
    variables = {"a": "Cylinder:FZ0000000001", "b": "Inspection:INS-000000001", "h": 3}
    body = await _explore(client, PATH, "transport", variables)
    assert body["data"]["shortestPath"] is None
    assert "errors" not in body


@pytest.mark.parametrize(
    ("role", "claims", "code"),
    [
        ("market", {"scopes": "graph:read"}, "FORBIDDEN"),  # no investigate scope
        ("auditor", {"scopes": "audit:read investigate"}, "FORBIDDEN"),
    ],
)
async def test_exploring_needs_the_investigate_scope(
    client: httpx.AsyncClient, role: str, claims: dict[str, str], code: str
) -> None:
    variables = {"id": "Cylinder:FZ0000000001", "d": 1, "l": 10}
    body = await gql(client, NEIGHBOURS, role, variables, **claims)
    assert error_codes(body) == [code]


async def test_the_public_may_not_explore(client: httpx.AsyncClient) -> None:
    variables = {"id": "Cylinder:FZ0000000001", "d": 1, "l": 10}
    body = await gql(client, NEIGHBOURS, None, variables)
    assert error_codes(body) == ["FORBIDDEN"]


@pytest.mark.parametrize(
    "query",
    [
        '{ neighborhood(id: "Cylinder:FZ0000000001", purpose: "  ") { truncated } }',
        '{ neighborhood(id: "Cylinder:FZ0000000001", purpose: "x", depth: 4) { truncated } }',
        '{ neighborhood(id: "Cylinder:FZ0000000001", purpose: "x", limit: 501) { truncated } }',
        '{ neighborhood(id: "Cylinder:FZ0000000001", purpose: "x", types: ["KNOWS"])'
        " { truncated } }",
        '{ shortestPath(from: "Cylinder:a", to: "Cylinder:b", purpose: "x", maxHops: 9)'
        " { truncated } }",
        '{ neighborhood(id: "Cylinder:FZ0000000001") { truncated } }',  # no purpose at all
    ],
)
async def test_bad_exploration_arguments_are_refused(client: httpx.AsyncClient, query: str) -> None:
    body = await gql(client, query, "market", None, **INVESTIGATE)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_fields_of_a_hidden_type_are_refused_by_name(client: httpx.AsyncClient) -> None:
    query = """{ neighborhood(id: "Cylinder:FZ0000000001", purpose: "x") {
        nodes { id ... on Inspection { result } } } }"""
    body = await gql(client, query, "housing", None, **INVESTIGATE)
    assert error_codes(body) == ["FORBIDDEN"]
    assert "Inspection" in body["errors"][0]["message"]


async def test_types_and_time_window_narrow_a_neighbourhood(client: httpx.AsyncClient) -> None:
    query = """{ neighborhood(id: "Cylinder:FZ0000000001", purpose: "x", types: ["OWNED_BY"],
        depth: 1) { nodes { __typename } edges { type } } }"""
    body = await gql(client, query, "market", None, **INVESTIGATE)
    sub = body["data"]["neighborhood"]
    assert [n["__typename"] for n in sub["nodes"]] == ["Cylinder", "Enterprise"]
    assert [e["type"] for e in sub["edges"]] == ["OWNED_BY"]
    future = """{ neighborhood(id: "Cylinder:FZ0000000001", purpose: "x",
        since: "2099-01-01T00:00:00+08:00") { nodes { __typename } } }"""
    body = await gql(client, future, "market", None, **INVESTIGATE)
    types = {n["__typename"] for n in body["data"]["neighborhood"]["nodes"]}
    assert not types & {"Filling", "Delivery", "Inspection", "Incident"}


async def test_a_truncated_neighbourhood_is_the_same_every_time(client: httpx.AsyncClient) -> None:
    variables = {"id": "Cylinder:FZ0000000001", "d": 2, "l": 20}
    first = await _explore(client, NEIGHBOURS, "market", variables)
    second = await _explore(client, NEIGHBOURS, "market", variables)
    assert first["data"]["neighborhood"]["truncated"]
    assert first == second


async def test_a_neighbourhood_under_its_cap_is_every_node_within_its_depth(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    # Each level takes at most limit + 1 new neighbours of each node while it expands; where no
    # node has that many, nothing is cut and the answer is the whole depth-2 neighbourhood.
    [row] = await cypher(graph, "MATCH (c:Cylinder {code: 'FZ0000000001'})-[:LOCATED_AT]->(h)"
                         " RETURN h.id AS h")  # fmt: skip
    types = ["LOCATED_AT", "OF", "TO", "VIA", "OWNED_BY"]
    query = """query($id: ID!, $t: [String!]) { neighborhood(id: $id, purpose: "x", depth: 2,
        limit: 500, types: $t) { truncated nodes { id } } }"""
    body = await gql(client, query, "market", {"id": f"Household:{row['h']}", "t": types},
                     **INVESTIGATE)  # fmt: skip
    sub = body["data"]["neighborhood"]
    rows = await cypher(
        graph,
        "MATCH (h:Household {id: $h})-[:LOCATED_AT|OF|TO|VIA|OWNED_BY*0..2]-(x)"
        " RETURN DISTINCT labels(x)[0] + ':' + coalesce(x.code, x.eventId, x.id, x.plate, x.uscc)"
        " AS id",
        h=row["h"],
    )
    assert not sub["truncated"]
    assert {n["id"] for n in sub["nodes"]} == {r["id"] for r in rows}


BUSIEST_STATION: LiteralString = (
    "MATCH (e:Enterprise {kind: 'FILLING_STATION'})<-[:AT]-(f:Filling)"
    " WITH e, count(f) AS n ORDER BY n DESC, e.uscc LIMIT 1"
    " RETURN e.uscc AS uscc, elementId(e) AS node, COUNT { (e)--() } AS degree,"
    " COLLECT { MATCH (e)<-[r]-(x) RETURN DISTINCT labels(x)[0] } AS kinds"
)


async def test_a_truncated_level_still_shows_every_kind_of_neighbour(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    # A station's cylinders, fillings, staff and customers each get a place before any kind
    # gets a second one, so a short answer is not all of one relationship type.
    [station] = await cypher(graph, BUSIEST_STATION)
    kinds = set(station["kinds"])
    assert {"Filling", "Cylinder", "Person", "Household"} <= kinds
    variables = {"id": f"Enterprise:{station['uscc']}", "d": 1, "l": len(kinds) + 1}
    sub = (await _explore(client, NEIGHBOURS, "market", variables))["data"]["neighborhood"]
    assert sub["truncated"]
    assert {n["__typename"] for n in sub["nodes"][1:]} == kinds


class _AnyNode:
    """Every node visible: the statement's shape is what is measured here, not the policy."""

    def predicate(self, var: str, among: Iterable[str] | None = None) -> str:
        return "true"

    def global_id(self, var: str) -> str:
        return "elementId(" + var + ")"


async def test_a_level_reads_a_few_neighbours_of_each_kind_not_every_relationship(
    graph: Graph,
) -> None:
    # A station with a hundred thousand fillings must not have them all read to show five.
    [station] = await cypher(graph, BUSIEST_STATION)
    statements = investigation_repo.neighborhood(
        _AnyNode(), "Enterprise", list(investigation_repo.REL_TYPES), "", "elementId(n)"
    )

    async def profiled(tx: AsyncManagedTransaction) -> tuple[int, int]:
        at = [station["node"]]
        grown = {"frontier": at, "seen": at}
        result = await tx.run("PROFILE " + statements.level, grown=grown, room=5)
        [record] = [r async for r in result]
        summary = await result.consume()
        return len(record["found"]), _db_hits(summary.profile or {})

    found, hits = await graph.read(profiled)
    assert found == 5
    assert station["degree"] > 200
    assert hits < station["degree"]


def _db_hits(plan: dict[str, Any]) -> int:
    return int(plan.get("dbHits", 0)) + sum(_db_hits(c) for c in plan.get("children", []))
