"""search: the explorer's one box, against the real full-text indexes. It finds by names, codes,
plates, addresses and ids, and obeys the policy like every read: only by fields the role sees in
full, never a hidden type, never a row out of scope (which also takes no place in a page)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hub.access.policy import search_fields
from hub.catalog import API_TYPES
from hub.catalog.roles import Role
from hub.graph.driver import Graph
from hub.resolvers.search import lucene_query
from tests.graphql import cypher, error_codes, gql

SEARCH = """query($t: String!, $types: [String!], $first: Int!) {
    search(text: $t, types: $types, first: $first) {
      type more nodes { __typename id
        ... on Person { name }
        ... on Household { householdId district person { name } } } } }"""


async def _search(
    client: httpx.AsyncClient, role: str, text: str, types: list[str] | None = None,
    first: int = 8, **claims: str,
) -> dict[str, Any]:  # fmt: skip
    body = await gql(client, SEARCH, role, {"t": text, "types": types, "first": first}, **claims)
    return body


def _groups(body: dict[str, Any]) -> dict[str, list[str]]:
    assert "errors" not in body, body
    return {g["type"]: [n["id"] for n in g["nodes"]] for g in body["data"]["search"]}


# --- no server: the query written for the index, and the fields each role may search by ------


def test_typed_text_becomes_required_tokens_with_the_last_a_prefix() -> None:
    assert lucene_query("fz0000000001") == "+fz0000000001*"
    assert lucene_query("闽A 123") == '+"闽" +a +123*'
    assert lucene_query("张三丰") == '+"张 三 丰"'
    assert lucene_query("DEL-000000001") == "+del +000000001*"


def test_no_lucene_syntax_survives() -> None:
    query = lucene_query('name:x OR "y" AND z* \\ (a) [b TO c] ~2 ^3 -d &&e||f !g /h/ ?')
    assert query is not None
    assert not set(query) & set(":()[]{}^~?\\/!&|"), query
    assert " OR " not in query
    assert " AND " not in query
    assert lucene_query("  -- :: ") is None


def test_a_role_searches_only_by_fields_it_sees_in_full() -> None:
    person = API_TYPES["Person"]
    assert search_fields(Role.HOUSING, person) == ()
    assert search_fields(Role.MARKET, person) == ()
    assert set(search_fields(Role.EMERGENCY, person)) == {"name", "phone"}
    assert set(search_fields(Role.POLICE, person)) == {"idNumber", "name", "phone"}
    assert search_fields(Role.HOUSING, API_TYPES["Vehicle"]) == ()  # a type it does not read
    for entry in API_TYPES.values():
        for role in Role:
            for prop in search_fields(role, entry):
                rule = entry.prop(prop)
                assert rule is not None
                assert rule.search
                assert rule.mask is None or role in rule.mask.full_for


# --- against the real graph -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _seeded(tiny_seed: object) -> None:
    """Every test below reads the tiny graph."""


async def test_a_code_is_found_in_any_case_and_by_its_prefix(client: httpx.AsyncClient) -> None:
    groups = _groups(await _search(client, "market", "fz0000000001"))
    assert groups["Cylinder"][0] == "Cylinder:FZ0000000001"
    body = await _search(client, "market", "FZ00000000", ["Cylinder"], first=3)
    [group] = body["data"]["search"]
    assert group["type"] == "Cylinder"
    assert len(group["nodes"]) == 3
    assert group["more"]
    assert all(n["id"].startswith("Cylinder:FZ00000000") for n in group["nodes"])


async def test_a_plate_and_an_enterprise_name_are_found(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    [v] = await cypher(graph, "MATCH (v:Vehicle) RETURN v.plate AS p ORDER BY p LIMIT 1")
    assert f"Vehicle:{v['p']}" in _groups(await _search(client, "police", v["p"]))["Vehicle"]
    # Typed as far as its fourth character: the plate is among the hits.
    prefix = v["p"][:4]
    hits = _groups(await _search(client, "police", prefix, ["Vehicle"], first=20))["Vehicle"]
    assert f"Vehicle:{v['p']}" in hits
    [e] = await cypher(graph, "MATCH (e:Enterprise) RETURN e.name AS n, e.uscc AS u LIMIT 1")
    assert f"Enterprise:{e['u']}" in _groups(await _search(client, "market", e["n"]))["Enterprise"]
    assert f"Enterprise:{e['u']}" in _groups(await _search(client, "market", e["u"]))["Enterprise"]


async def test_a_full_name_finds_the_person_only_for_roles_that_see_it_in_full(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    [p] = await cypher(
        graph,
        "MATCH (p:Person)<-[:REGISTERED_TO]-(h:Household) WITH p, h ORDER BY p.pid LIMIT 1 "
        "RETURN p.name AS name, p.pid AS pid, h.id AS household",
    )
    police = _groups(await _search(client, "police", p["name"], ["Person"], first=20))
    assert f"Person:{p['pid']}" in police["Person"]
    # Housing reads people, but their names masked: typing the name finds nobody (an oracle
    # otherwise), while the household it sees in full is found, its person's name still masked.
    assert _groups(await _search(client, "housing", p["name"], first=20)).get("Person") is None
    body = await _search(client, "housing", p["household"], ["Household", "Person"])
    [group] = body["data"]["search"]
    [node] = group["nodes"]
    assert node["householdId"] == p["household"]
    assert node["person"]["name"] == p["name"][0] + "*"


async def test_a_hidden_type_is_never_found(client: httpx.AsyncClient, graph: Graph) -> None:
    [v] = await cypher(graph, "MATCH (v:Vehicle) RETURN v.plate AS p LIMIT 1")
    assert _groups(await _search(client, "housing", v["p"])) == {}
    assert _groups(await _search(client, "housing", v["p"], ["Vehicle"])) == {}
    assert (await _search(client, "public", "FZ0000000001"))["data"]["search"] == []


async def test_rows_out_of_scope_are_not_found_and_take_no_place(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    [d] = await cypher(
        graph,
        "MATCH (h:Household) RETURN h.district AS d, count(*) AS n ORDER BY n DESC, d LIMIT 1",
    )
    district = d["d"]
    [out] = await cypher(
        graph, "MATCH (h:Household) WHERE h.district <> $d RETURN h.id AS id LIMIT 1", d=district
    )
    assert _groups(await _search(client, "police", out["id"], district=district)) == {}
    assert (
        f"Household:{out['id']}" in _groups(await _search(client, "police", out["id"]))["Household"]
    )
    # Every household id starts alike: the district's page is full of its own rows, exactly as
    # many as it holds (up to the page), however many other districts' rows match first.
    prefix = out["id"][:2]
    rows = await cypher(
        graph,
        "MATCH (h:Household {district: $d}) WHERE toLower(h.id) STARTS WITH toLower($p) "
        "RETURN h.id AS id",
        d=district,
        p=prefix,
    )
    body = await _search(client, "police", prefix, ["Household"], first=20, district=district)
    [group] = body["data"]["search"]
    assert len(group["nodes"]) == min(20, len(rows))
    assert {n["district"] for n in group["nodes"]} == {district}


async def test_an_enterprise_finds_only_its_own_cylinders(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    [row] = await cypher(
        graph,
        "MATCH (c:Cylinder)-[:OWNED_BY]->(e:Enterprise) WITH e, collect(c.code) AS mine "
        "MATCH (o:Cylinder) WHERE NOT (o)-[:OWNED_BY]->(e) "
        "RETURN e.uscc AS uscc, mine[0] AS mine, o.code AS other LIMIT 1",
    )
    own = _groups(await _search(client, "enterprise", row["mine"], enterprise=row["uscc"]))
    assert f"Cylinder:{row['mine']}" in own["Cylinder"]
    other = _groups(await _search(client, "enterprise", row["other"], enterprise=row["uscc"]))
    assert f"Cylinder:{row['other']}" not in other.get("Cylinder", [])


async def test_bad_input_is_a_clear_error(client: httpx.AsyncClient) -> None:
    for text, types, first, field in [
        (" :: ", None, 8, "text"),
        ("x" * 101, None, 8, "text"),
        ("fz", ["Spaceship"], 8, "types"),
        ("fz", None, 0, "first"),
    ]:
        body = await _search(client, "market", text, types, first)
        assert error_codes(body) == ["BAD_USER_INPUT"], body
        assert body["errors"][0]["extensions"]["field"] == field
