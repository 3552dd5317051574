"""The read API on the tiny seed: root fields, relationships, paging, filters, round trips."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import GraphQLError
from neo4j import AsyncManagedTransaction
from neo4j.exceptions import Neo4jError
from starlette.applications import Starlette

from hub.app import _public_error
from hub.cli import SCHEMA_FILE
from hub.config import Settings
from hub.graph.driver import Graph, graph_for, open_driver
from hub.graph.mapping import TYPES
from hub.linkage.scan import scan
from hub.schema import sdl
from tests.graphql import cypher, error_codes, gql, scalar


@pytest.fixture(autouse=True)
def _seeded(tiny_seed: object) -> None:
    """Every test here reads the tiny graph."""


async def test_the_committed_schema_file_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text() == sdl()


async def test_a_cylinder_reads_with_its_owner_maker_location_and_histories(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    [row] = await cypher(
        graph,
        "MATCH (h:Household)<-[:LOCATED_AT]-(c:Cylinder)-[:OWNED_BY]->(o), (c)-[:MADE_BY]->(m) "
        "WHERE EXISTS { (c)<-[:OF]-(:Filling) } "
        "RETURN c.code AS code, c.status AS status, toString(c.nextInspection) AS next, "
        "o.uscc AS owner, m.uscc AS maker, h.id AS hh, "
        "COUNT { (c)<-[:OF]-(:Filling) } AS fillings, COUNT { (c)<-[:OF]-(:Inspection) } AS insp "
        "ORDER BY code LIMIT 1",
    )
    query = """query($c: String!) { cylinder(code: $c) {
        id code status nextInspection owner { uscc } maker { uscc } location { householdId }
        fillings { totalCount } inspections { totalCount } deliveries { totalCount } } }"""
    body = await gql(client, query, "market", {"c": row["code"]})
    c = body["data"]["cylinder"]
    assert c["id"] == f"Cylinder:{row['code']}"
    assert (c["status"], c["nextInspection"]) == (row["status"], row["next"])
    assert c["owner"]["uscc"] == row["owner"]
    assert c["maker"]["uscc"] == row["maker"]
    assert c["location"]["householdId"] == row["hh"]
    assert c["fillings"]["totalCount"] == row["fillings"]
    assert c["inspections"]["totalCount"] == row["insp"]


def _link_query(type_name: str) -> str:
    """Selects every relationship field of a type, two rows deep at most."""
    parts = []
    for name, link in TYPES[type_name].links.items():
        if link.target == "Node":
            parts.append(f"{name} {{ id }}")
        elif link.many:
            parts.append(f"{name}(first: 2) {{ totalCount edges {{ cursor node {{ id }} }} }}")
        else:
            parts.append(f"{name} {{ id }}")
    return (
        f"query($id: ID!) {{ node(id: $id) {{ id ... on {type_name} {{ {' '.join(parts)} }} }} }}"
    )


@pytest.mark.parametrize("type_name", sorted(t for t in TYPES if TYPES[t].links))
async def test_every_relationship_field_answers_for_the_market_regulator(
    client: httpx.AsyncClient, graph: Graph, type_name: str
) -> None:
    key = TYPES[type_name].global_key
    most_linked = (
        "MATCH (n) WHERE $label IN labels(n) RETURN n[$key] AS k, COUNT { (n)--() } AS degree "
        "ORDER BY degree DESC, k LIMIT 1"
    )
    rows = await cypher(graph, most_linked, label=type_name, key=key)
    if not rows and type_name == "Alert":  # not seeded: the linkage scan raises them
        await scan(graph)
        rows = await cypher(graph, most_linked, label=type_name, key=key)
    body = await gql(
        client, _link_query(type_name), "market", {"id": f"{type_name}:{rows[0]['k']}"}
    )
    assert "errors" not in body, body
    node = body["data"]["node"]
    related = 0
    for name, link in TYPES[type_name].links.items():
        value = node[name]
        if link.target == "Node":
            related += len(value)
            assert all(":" in v["id"] for v in value)
        elif link.many:
            related += value["totalCount"]
            assert len(value["edges"]) == min(2, value["totalCount"])
            assert all(e["node"]["id"].startswith(link.target + ":") for e in value["edges"])
        elif value is not None:
            related += 1
            assert value["id"].startswith(link.target + ":")
    assert related > 0


async def test_paging_through_a_list_has_no_gap_and_no_duplicate(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    expected = await cypher(
        graph,
        "MATCH (c:Cylinder) RETURN c.code AS code ORDER BY c.nextInspection, c.code",
    )
    query = """query($after: String) { cylinders(first: 37, after: $after,
        orderBy: {field: NEXT_INSPECTION}) { totalCount edges { cursor node { code } }
        pageInfo { hasNextPage endCursor } } }"""
    seen: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        body = await gql(client, query, "market", {"after": after})
        page = body["data"]["cylinders"]
        seen += [e["node"]["code"] for e in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]
    assert seen == [r["code"] for r in expected]
    assert len(set(seen)) == len(seen) == page["totalCount"]
    assert pages == -(-len(seen) // 37)


async def test_descending_order_pages_are_stable_under_equal_sort_keys(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    # Many cylinders share a manufacture date; ties are broken by code, so pages never overlap.
    expected = await cypher(
        graph, "MATCH (c:Cylinder) RETURN c.code AS code ORDER BY c.madeOn DESC, c.code DESC"
    )
    query = """query($after: String) { cylinders(first: 100, after: $after,
        orderBy: {field: MADE_ON, direction: DESC}) { edges { node { code } }
        pageInfo { hasNextPage endCursor } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = (await gql(client, query, "market", {"after": after}))["data"]["cylinders"]
        seen += [e["node"]["code"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [r["code"] for r in expected]


FILTER_CASES: list[tuple[str, str, str]] = [
    # (root list, filter literal, the same set in Cypher)
    ("cylinders", "{status: [OVERDUE, SCRAPPED]}",
     "MATCH (n:Cylinder) WHERE n.status IN ['OVERDUE', 'SCRAPPED'] RETURN count(n)"),
    ("cylinders", '{model: "YSP118"}', "MATCH (n:Cylinder {model: 'YSP118'}) RETURN count(n)"),
    ("cylinders", '{nextInspectionBefore: "2026-11-01"}',
     "MATCH (n:Cylinder) WHERE n.nextInspection < date('2026-11-01') RETURN count(n)"),
    ("cylinders", '{nextInspectionAfter: "2027-06-01"}',
     "MATCH (n:Cylinder) WHERE n.nextInspection > date('2027-06-01') RETURN count(n)"),
    ("cylinders", '{district: "350181"}',
     "MATCH (n:Cylinder)-[:LOCATED_AT]->(:Household {district: '350181'}) RETURN count(n)"),
    ("enterprises", "{kind: [FILLING_STATION]}",
     "MATCH (n:Enterprise {kind: 'FILLING_STATION'}) RETURN count(n)"),
    ("enterprises", '{district: "350102"}',
     "MATCH (n:Enterprise {district: '350102'}) RETURN count(n)"),
    ("enterprises", '{nameContains: "燃气"}',
     "MATCH (n:Enterprise) WHERE n.name CONTAINS '燃气' RETURN count(n)"),
    ("households", '{district: "350181"}',
     "MATCH (n:Household {district: '350181'}) RETURN count(n)"),
    ("vehicles", '{permitExpiresBefore: "2026-11-01"}',
     "MATCH (n:Vehicle) WHERE n.permitExpiry < date('2026-11-01') RETURN count(n)"),
    ("products", "{category: [VEGETABLES]}",
     "MATCH (n:Product {category: 'VEGETABLES'}) RETURN count(n)"),
    ("products", "{testResult: FAIL}",
     "MATCH (n:Product) WHERE EXISTS { (n)<-[:OF]-(:BatchTest {result: 'FAIL'}) } RETURN count(n)"),
    ("incidents", '{district: "350181"}',
     "MATCH (n:Incident {district: '350181'}) RETURN count(n)"),
    ("vehicles", '{permitExpiresAfter: "2027-01-01"}',
     "MATCH (n:Vehicle) WHERE n.permitExpiry > date('2027-01-01') RETURN count(n)"),
    ("households", '{status: ["UNREGISTERED"]}',
     "MATCH (n:Household {status: 'UNREGISTERED'}) RETURN count(n)"),
    ("products", "{testResult: PASS, category: [VEGETABLES, FRUIT]}",
     "MATCH (n:Product) WHERE n.category IN ['VEGETABLES', 'FRUIT'] "
     "AND EXISTS { (n)<-[:OF]-(:BatchTest {result: 'PASS'}) } RETURN count(n)"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("field", "arg", "label", "prop"),
    [
        ("households", "street", "Household", "street"),
        ("products", "origin", "Product", "origin"),
        ("incidents", "kind", "Incident", "kind"),
        ("incidents", "severity", "Incident", "severity"),
    ],
)
async def test_filters_on_seeded_values_select_what_the_database_says(
    client: httpx.AsyncClient, graph: Graph, field: str, arg: str, label: str, prop: str
) -> None:
    [row] = await cypher(
        graph,
        "MATCH (n) WHERE $label IN labels(n) WITH n[$prop] AS v, count(*) AS c "
        "RETURN v, c ORDER BY c DESC, v LIMIT 1",
        label=label,
        prop=prop,
    )
    value = [row["v"]] if arg in ("kind", "severity") else row["v"]
    query = f"query($v: {'[String!]' if isinstance(value, list) else 'String'}) {{ " \
        f"{field}(filter: {{{arg}: $v}}) {{ totalCount }} }}"  # fmt: skip
    body = await gql(client, query, "market", {"v": value})
    assert body["data"][field]["totalCount"] == row["c"]


async def test_an_event_list_takes_an_until_bound(client: httpx.AsyncClient, graph: Graph) -> None:
    [row] = await cypher(
        graph,
        "MATCH (c:Cylinder)<-[:OF]-(f:Filling) WITH c, collect(f.time) AS times "
        "WHERE size(times) >= 3 RETURN c.code AS code, times ORDER BY code LIMIT 1",
    )
    times = sorted(row["times"])
    query = """query($c: String!, $u: DateTime!) { cylinder(code: $c) {
        fillings(until: $u) { totalCount } } }"""
    body = await gql(client, query, "market", {"c": row["code"], "u": times[-1].isoformat()})
    assert body["data"]["cylinder"]["fillings"]["totalCount"] == len(times) - 1


@pytest.mark.parametrize(("field", "literal", "query"), FILTER_CASES)
async def test_each_filter_selects_what_the_database_says(
    client: httpx.AsyncClient, graph: Graph, field: str, literal: str, query: Any
) -> None:
    body = await gql(client, f"{{ {field}(filter: {literal}) {{ totalCount }} }}", "market")
    assert "errors" not in body, body
    assert body["data"][field]["totalCount"] == await scalar(graph, query)


async def test_filters_by_owner_producer_and_operator_follow_the_relationship(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    for field, arg, pattern in [
        ("cylinders", "owner", "MATCH (n:Cylinder)-[:OWNED_BY]->(e:Enterprise)"),
        ("products", "producer", "MATCH (n:Product)-[:PRODUCED_BY]->(e:Enterprise)"),
        ("vehicles", "operator", "MATCH (n:Vehicle)-[:OPERATED_BY]->(e:Enterprise)"),
    ]:
        [row] = await cypher(
            graph,
            pattern + " RETURN e.uscc AS u, count(n) AS c ORDER BY c DESC, u LIMIT 1",
        )
        body = await gql(
            client, f'{{ {field}(filter: {{{arg}: "{row["u"]}"}}) {{ totalCount }} }}', "market"
        )
        assert body["data"][field]["totalCount"] == row["c"], field


async def test_an_event_list_takes_a_time_range(client: httpx.AsyncClient, graph: Graph) -> None:
    [row] = await cypher(
        graph,
        "MATCH (c:Cylinder)<-[:OF]-(f:Filling) WITH c, collect(f.time) AS times "
        "WHERE size(times) >= 3 RETURN c.code AS code, times ORDER BY code LIMIT 1",
    )
    times = sorted(row["times"])
    since = times[1].isoformat()
    query = """query($c: String!, $s: DateTime!) { cylinder(code: $c) {
        fillings(since: $s) { totalCount edges { node { time } } } } }"""
    body = await gql(client, query, "market", {"c": row["code"], "s": since})
    fillings = body["data"]["cylinder"]["fillings"]
    assert fillings["totalCount"] == len(times) - 1
    listed = [e["node"]["time"] for e in fillings["edges"]]
    assert listed == sorted(listed, reverse=True)  # newest first


async def test_a_depth_four_query_over_a_hundred_items_is_one_round_trip(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    query = """{ cylinders(first: 100) { edges { node {
        code owner { name vehicles(first: 5) { edges { node { plate
            drivers(first: 3) { edges { node { name employer { name } } } } } } } }
        location { householdId person { name households(first: 2) { totalCount } } }
        fillings(first: 3) { edges { node { time station { name } filler { name } } } }
    } } } }"""
    counter = app.state.runtime.graph.counter
    before = counter.reads
    body = await gql(client, query, "market")
    assert "errors" not in body, body
    assert len(body["data"]["cylinders"]["edges"]) == 100
    assert counter.reads - before == 1


async def test_each_root_field_costs_one_round_trip(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    query = """{ a: cylinders(first: 5) { totalCount } b: enterprises(first: 5) { totalCount }
        c: households(first: 5) { totalCount } }"""
    counter = app.state.runtime.graph.counter
    before = counter.reads
    await gql(client, query, "market")
    assert counter.reads - before == 3


async def test_me_describes_the_caller(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ me { role district scopes } }", "housing", district="350102")
    assert body["data"]["me"] == {"role": "housing", "district": "350102", "scopes": ["graph:read"]}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ cylinders(first: 101) { totalCount edges { cursor } } }", "BAD_USER_INPUT"),
        ("{ cylinders(first: -1) { edges { cursor } } }", "BAD_USER_INPUT"),
        ('{ cylinders(after: "Household:HH1") { edges { cursor } } }', "BAD_USER_INPUT"),
        ('{ cylinders(filter: {nextInspectionBefore: "tomorrow"}) { totalCount } }',
         "BAD_USER_INPUT"),
        ("{ cylinders(first: 100) { edges { node { owner { cylinders(first: 100) { edges { node {"
         " fillings(first: 100) { edges { cursor } } } } } } } } } }", "LIMIT_EXCEEDED"),
        ("{ cylinderz { totalCount } }", "BAD_USER_INPUT"),
    ],
)  # fmt: skip
async def test_bad_input_gets_a_clear_error_and_no_data(
    client: httpx.AsyncClient, query: str, code: str
) -> None:
    body = await gql(client, query, "market")
    assert error_codes(body) == [code]
    assert not body.get("data") or all(v is None for v in body["data"].values())
    assert "Traceback" not in str(body)
    assert "MATCH" not in str(body)


async def test_hostile_nesting_and_aliasing_are_refused_before_any_work(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    deep = '{ cylinder(code: "x") { ' + "owner { cylinders { edges { node { " * 4 + "code"
    deep += " } } } }" * 4 + " } }"
    aliases = "{ " + " ".join(f"a{i}: me {{ role }}" for i in range(40)) + " }"
    counter = app.state.runtime.graph.counter
    before = counter.reads
    for query in (deep, deep, aliases):  # twice: a cached validation must refuse it too
        body = await gql(client, query, "market")
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert body.get("data") is None
    assert counter.reads == before


async def test_unknown_fields_get_no_suggestions(client: httpx.AsyncClient) -> None:
    body = await gql(client, '{ cylinder(code: "x") { cod } }', "market")
    assert "Did you mean" not in body["errors"][0]["message"]


async def test_introspection_needs_a_token(client: httpx.AsyncClient) -> None:
    public = await gql(client, "{ __schema { queryType { name } } }")
    market = await gql(client, "{ __schema { queryType { name } } }", "market")
    assert error_codes(public) == ["UNAUTHENTICATED"]
    assert market["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_a_hostile_key_is_only_ever_a_value(client: httpx.AsyncClient, graph: Graph) -> None:
    before = await scalar(graph, "MATCH (n:Cylinder) RETURN count(n)")
    hostile = "x'}) MATCH (n) DETACH DELETE n //"
    body = await gql(client, "query($c: String!) { cylinder(code: $c) { code } }", "market",
                     {"c": hostile})  # fmt: skip
    assert body == {"data": {"cylinder": None}}
    assert await scalar(graph, "MATCH (n:Cylinder) RETURN count(n)") == before


async def test_a_statement_past_the_transaction_timeout_is_limit_exceeded(
    settings: Settings,
) -> None:
    # A real timeout from the server (Neo4j checks timeouts periodically, so a statement that
    # outlasts the check is needed), as the GraphQL layer would receive it from a resolver.
    hurried = settings.model_copy(update={"neo4j_tx_timeout_s": 0.01})
    driver = open_driver(hurried)

    async def slow(tx: AsyncManagedTransaction) -> None:
        query = "UNWIND range(1, 20000000) AS i WITH i WHERE i % 7 = 0 RETURN count(*) AS n"
        await (await tx.run(query)).consume()

    try:
        with pytest.raises(Neo4jError) as raised:
            await graph_for(driver, hurried).read(slow)
    finally:
        await driver.close()
    shown = _public_error(GraphQLError("x", path=["cylinders"], original_error=raised.value), True)
    assert shown["extensions"] == {"code": "LIMIT_EXCEEDED"}
    assert "time limit" in shown["message"]
    assert "Neo" not in shown["message"]
