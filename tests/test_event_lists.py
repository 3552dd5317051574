"""The root event lists `deliveries` and `sales`: filters, newest first, the policy, paging."""

from __future__ import annotations

import httpx
import pytest

from hub.graph.driver import Graph
from tests.graphql import cypher, error_codes, gql


@pytest.fixture(autouse=True)
def _seeded(tiny_seed: object) -> None:
    """Every test here reads the tiny graph."""


DELIVERIES = """query($d: String, $s: DateTime, $u: DateTime, $after: String) {
  deliveries(first: 5, after: $after, filter: { district: $d, since: $s, until: $u }) {
    edges { cursor node { eventId time household { district } } } pageInfo { hasNextPage } } }"""


async def test_deliveries_to_a_district_in_a_time_range_come_newest_first(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    [top] = await cypher(
        graph,
        "MATCH (:Delivery)-[:TO]->(h:Household) RETURN h.district AS d, count(*) AS n "
        "ORDER BY n DESC, d LIMIT 1",
    )
    expected = await cypher(
        graph,
        "MATCH (e:Delivery)-[:TO]->(:Household {district: $d}) "
        "WHERE e.time >= datetime($s) AND e.time < datetime($u) "
        "RETURN e.eventId AS id ORDER BY e.time DESC, e.eventId DESC LIMIT 5",
        d=top["d"], s="2000-01-01T00:00:00Z", u="2100-01-01T00:00:00Z",
    )  # fmt: skip
    variables = {"d": top["d"], "s": "2000-01-01T00:00:00Z", "u": "2100-01-01T00:00:00Z"}
    body = await gql(client, DELIVERIES, "market", variables)
    edges = body["data"]["deliveries"]["edges"]
    assert [e["node"]["eventId"] for e in edges] == [r["id"] for r in expected]
    assert {e["node"]["household"]["district"] for e in edges} == {top["d"]}


async def test_paging_a_time_ranged_list_has_no_gap_and_no_duplicate(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    variables: dict[str, str | None] = {"s": "2000-01-01T00:00:00Z", "u": "2100-01-01T00:00:00Z"}
    seen: list[str] = []
    for _ in range(4):
        page = (await gql(client, DELIVERIES, "market", variables))["data"]["deliveries"]
        seen += [e["node"]["eventId"] for e in page["edges"]]
        variables["after"] = page["edges"][-1]["cursor"]
    expected = await cypher(
        graph, "MATCH (e:Delivery) RETURN e.eventId AS id ORDER BY e.time DESC, e.eventId DESC "
        "LIMIT 20",
    )  # fmt: skip
    assert seen == [r["id"] for r in expected]


async def test_an_enterprise_sees_only_its_own_deliveries(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    [row] = await cypher(
        graph,
        "MATCH (e:Enterprise)<-[:FROM]-(:Delivery) RETURN e.uscc AS uscc, count(*) AS n "
        "ORDER BY n DESC, uscc LIMIT 1",
    )
    query = "{ deliveries(first: 100) { edges { node { supplier { uscc } } } } }"
    body = await gql(client, query, "enterprise", enterprise=row["uscc"])
    suppliers = {e["node"]["supplier"]["uscc"] for e in body["data"]["deliveries"]["edges"]}
    assert suppliers == {row["uscc"]}


async def test_the_district_filter_needs_households_readable(client: httpx.AsyncClient) -> None:
    query = '{ deliveries(filter: { district: "350102" }) { edges { node { eventId } } } }'
    body = await gql(client, query, "transport")
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"] is None


async def test_sales_are_newest_first_and_hidden_from_roles_without_them(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    expected = await cypher(
        graph, "MATCH (s:Sale) RETURN s.eventId AS id ORDER BY s.time DESC, s.eventId DESC LIMIT 3"
    )
    query = "{ sales(first: 3) { edges { node { eventId product { traceCode } } } } }"
    body = await gql(client, query, "market")
    assert [e["node"]["eventId"] for e in body["data"]["sales"]["edges"]] == [
        r["id"] for r in expected
    ]
    assert error_codes(await gql(client, query, "housing")) == ["FORBIDDEN"]
