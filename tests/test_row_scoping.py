"""Row rules: an enterprise sees its own rows, a district-bound token its district's, at every
depth and through filters; a row out of scope answers exactly like one that does not exist."""

from __future__ import annotations

import httpx
import pytest

from hub.graph.driver import Graph
from tests.graphql import cypher, gql, scalar


@pytest.fixture(scope="module")
async def station(graph: Graph, tiny_seed: object) -> str:
    """The filling station that owns the most cylinders."""
    return str(
        await scalar(
            graph,
            "MATCH (c:Cylinder)-[:OWNED_BY]->(e:Enterprise {kind: 'FILLING_STATION'}) "
            "RETURN e.uscc AS u, count(c) AS n ORDER BY n DESC, u LIMIT 1",
        )
    )


@pytest.fixture(scope="module")
async def district(graph: Graph, tiny_seed: object) -> str:
    """The district with the most households."""
    return str(
        await scalar(
            graph,
            "MATCH (h:Household) RETURN h.district AS d, count(*) AS n ORDER BY n DESC, d LIMIT 1",
        )
    )


async def test_an_enterprise_counts_and_lists_only_its_own_cylinders(
    client: httpx.AsyncClient, graph: Graph, station: str
) -> None:
    own = await scalar(
        graph, "MATCH (:Enterprise {uscc: $u})<-[:OWNED_BY]-(c:Cylinder) RETURN count(c)", u=station
    )
    body = await gql(
        client,
        "{ cylinders(first: 100) { totalCount edges { node { owner { uscc } } } } }",
        "enterprise",
        enterprise=station,
    )
    page = body["data"]["cylinders"]
    assert page["totalCount"] == own
    assert {e["node"]["owner"]["uscc"] for e in page["edges"]} == {station}


async def test_another_enterprises_cylinder_answers_like_a_missing_one(
    client: httpx.AsyncClient, graph: Graph, station: str
) -> None:
    [row] = await cypher(
        graph,
        "MATCH (c:Cylinder)-[:OWNED_BY]->(e:Enterprise) WHERE e.uscc <> $u "
        "RETURN c.code AS code ORDER BY code LIMIT 1",
        u=station,
    )
    query = """query($c: String!, $id: ID!) {
        cylinder(code: $c) { code } node(id: $id) { id } missing: cylinder(code: "FZ-NONE") { code }
    }"""
    body = await gql(
        client, query, "enterprise", {"c": row["code"], "id": f"Cylinder:{row['code']}"},
        enterprise=station,
    )  # fmt: skip
    assert body == {"data": {"cylinder": None, "node": None, "missing": None}}


async def test_an_enterprise_sees_only_its_own_fillings_of_its_cylinders(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    # A planted foreign filling: the owner's cylinder filled at another station.
    [row] = await cypher(
        graph,
        "MATCH (f:Filling)-[:OF]->(c:Cylinder)-[:OWNED_BY]->(o:Enterprise), (f)-[:AT]->(s) "
        "WHERE s <> o RETURN c.code AS code, o.uscc AS owner, f.eventId AS foreign LIMIT 1",
    )
    query = """query($c: String!) { cylinder(code: $c) {
        fillings(first: 100) { totalCount edges { node { eventId station { uscc } } } } } }"""
    body = await gql(client, query, "enterprise", {"c": row["code"]}, enterprise=row["owner"])
    fillings = body["data"]["cylinder"]["fillings"]
    seen = {e["node"]["eventId"] for e in fillings["edges"]}
    assert row["foreign"] not in seen
    assert fillings["totalCount"] == len(seen)
    assert all(e["node"]["station"]["uscc"] == row["owner"] for e in fillings["edges"])
    # The market regulator sees the foreign filling.
    market = await gql(client, query, "market", {"c": row["code"]})
    assert row["foreign"] in {
        e["node"]["eventId"] for e in market["data"]["cylinder"]["fillings"]["edges"]
    }


async def test_a_district_token_counts_only_its_district(
    client: httpx.AsyncClient, graph: Graph, district: str
) -> None:
    expected = await scalar(graph, "MATCH (h:Household {district: $d}) RETURN count(h)", d=district)
    body = await gql(
        client, "{ households { totalCount } all: households(first: 100) { edges { node { "
        "district } } } }", "police", district=district,
    )  # fmt: skip
    assert body["data"]["households"]["totalCount"] == expected
    assert {e["node"]["district"] for e in body["data"]["all"]["edges"]} == {district}


async def test_a_district_token_cannot_reach_another_district_by_key_or_nesting(
    client: httpx.AsyncClient, graph: Graph, district: str
) -> None:
    [row] = await cypher(
        graph,
        "MATCH (c:Cylinder)-[:LOCATED_AT]->(h:Household) WHERE h.district <> $d "
        "RETURN h.id AS hh, c.code AS code ORDER BY hh LIMIT 1",
        d=district,
    )
    body = await gql(
        client,
        "query($h: String!, $c: String!) { household(id: $h) { householdId } "
        "cylinder(code: $c) { code location { householdId } } }",
        "police",
        {"h": row["hh"], "c": row["code"]},
        district=district,
    )
    assert body["data"]["household"] is None
    assert body["data"]["cylinder"] is None


async def test_a_filter_on_a_related_type_is_no_oracle_for_rows_out_of_scope(
    client: httpx.AsyncClient, graph: Graph, district: str
) -> None:
    # An owner outside the district: filtering by it must not reveal anything about it.
    [row] = await cypher(
        graph,
        "MATCH (c:Cylinder)-[:OWNED_BY]->(e:Enterprise) WHERE e.district <> $d "
        "RETURN e.uscc AS u, count(c) AS n ORDER BY n DESC LIMIT 1",
        d=district,
    )
    query = "query($u: String!) { cylinders(filter: {owner: $u}) { totalCount } }"
    scoped = await gql(client, query, "market", {"u": row["u"]}, district=district)
    unscoped = await gql(client, query, "market", {"u": row["u"]})
    assert scoped["data"]["cylinders"]["totalCount"] == 0
    assert unscoped["data"]["cylinders"]["totalCount"] == row["n"]


async def test_a_filter_on_a_type_the_role_may_not_read_is_forbidden(
    client: httpx.AsyncClient,
) -> None:
    body = await gql(client, '{ cylinders(filter: {district: "350102"}) { totalCount } }',
                     "transport")  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "Household" in body["errors"][0]["message"]
    assert body["data"] is None


async def test_transport_sees_drivers_but_no_other_people(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    [row] = await cypher(
        graph,
        "MATCH (d:Person)-[:DRIVES]->() WITH d LIMIT 1 "
        "MATCH (o:Person) WHERE NOT (o)-[:DRIVES]->() "
        "RETURN 'Person:' + d.pid AS driver, 'Person:' + o.pid AS other LIMIT 1",
    )
    query = "query($a: ID!, $b: ID!) { a: node(id: $a) { id } b: node(id: $b) { id } }"
    body = await gql(client, query, "transport", {"a": row["driver"], "b": row["other"]})
    assert body["data"]["a"] == {"id": row["driver"]}
    assert body["data"]["b"] is None


async def test_an_enterprise_token_without_an_enterprise_claim_sees_nothing(
    client: httpx.AsyncClient,
) -> None:
    body = await gql(client, "{ cylinders { totalCount } }", "enterprise")
    assert body["data"]["cylinders"]["totalCount"] == 0


async def test_a_cursor_of_a_row_out_of_scope_tells_nothing(
    client: httpx.AsyncClient, graph: Graph, district: str
) -> None:
    [row] = await cypher(
        graph,
        "MATCH (h:Household) WHERE h.district <> $d RETURN h.id AS hh ORDER BY hh LIMIT 1",
        d=district,
    )
    query = """query($after: String) { households(first: 5, after: $after) {
        edges { node { householdId } } } }"""
    body = await gql(client, query, "police", {"after": f"Household:{row['hh']}"},
                     district=district)  # fmt: skip
    assert body["data"]["households"]["edges"] == []
