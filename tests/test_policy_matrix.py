"""The access policy as a matrix: every role against every type and every masked field.

The expectations are written out here by hand from the design, not read from the policy
table, so that a wrong table cannot pass its own test.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hub.graph.driver import Graph
from tests.graphql import cypher, error_codes, gql, scalar

ALL_TYPES = {
    "Enterprise", "Cylinder", "Household", "Person", "Vehicle", "Product", "Filling",
    "Delivery", "Inspection", "Shipment", "BatchTest", "Sale", "Incident", "Tip",
}  # fmt: skip

READS: dict[str, set[str]] = {
    "market": ALL_TYPES,
    "housing": {"Enterprise", "Household", "Person", "Cylinder", "Filling", "Delivery"},
    "transport": {"Vehicle", "Enterprise", "Delivery", "Cylinder", "Person"},
    "police": {"Person", "Household", "Vehicle", "Delivery", "Cylinder", "Enterprise", "Incident"},
    "emergency": {
        "Incident", "Household", "Cylinder", "Enterprise", "Vehicle", "Delivery", "Filling",
        "Person",
    },
    "auditor": set(),
    "admin": set(),
}  # fmt: skip

# Root fields that read one row by its key: type -> (field, argument).
ROOT_ONE = {
    "Cylinder": ("cylinder", "code"),
    "Household": ("household", "id"),
    "Person": ("person", "idNumber"),
    "Vehicle": ("vehicle", "plate"),
    "Enterprise": ("enterprise", "uscc"),
    "Product": ("product", "traceCode"),
}
ROOT_LISTS = {
    "Cylinder": "cylinders",
    "Household": "households",
    "Vehicle": "vehicles",
    "Enterprise": "enterprises",
    "Product": "products",
    "Incident": "incidents",
}
KEYS = {
    "Enterprise": "uscc", "Cylinder": "code", "Household": "id", "Person": "idNumber",
    "Vehicle": "plate", "Product": "traceCode", "Incident": "id", "Tip": "id",
}  # fmt: skip


@pytest.fixture(scope="module")
async def samples(graph: Graph, tiny_seed: object) -> dict[str, str]:
    """One natural key per type; the person is a driver, whom every Person reader may see."""
    out: dict[str, str] = {}
    for label in sorted(ALL_TYPES):
        key = KEYS.get(label, "eventId")
        rows = await cypher(
            graph,
            "MATCH (n) WHERE $label IN labels(n) RETURN n[$key] AS k ORDER BY k LIMIT 1",
            label=label,
            key=key,
        )
        out[label] = rows[0]["k"]
    driver = await cypher(
        graph, "MATCH (p:Person)-[:DRIVES]->() RETURN p.idNumber AS k ORDER BY k LIMIT 1"
    )
    out["Person"] = driver[0]["k"]
    return out


@pytest.fixture(scope="module")
async def global_ids(graph: Graph, samples: dict[str, str]) -> dict[str, str]:
    """The global id of each sample: `Type:<natural key>`, but a person's is `Person:<pid>`."""
    ids = {t: f"{t}:{k}" for t, k in samples.items()}
    pid = await scalar(graph, "MATCH (p:Person {idNumber: $k}) RETURN p.pid", k=samples["Person"])
    ids["Person"] = f"Person:{pid}"
    return ids


CASES = [(role, t) for role in READS for t in sorted(ALL_TYPES)]


@pytest.mark.parametrize(("role", "type_name"), CASES)
async def test_node_by_id_answers_only_for_types_the_role_reads(
    client: httpx.AsyncClient, global_ids: dict[str, str], role: str, type_name: str
) -> None:
    global_id = global_ids[type_name]
    body = await gql(client, "query($id: ID!) { node(id: $id) { id } }", role, {"id": global_id})
    assert "errors" not in body
    if type_name in READS[role]:
        assert body["data"]["node"] == {"id": global_id}
    else:
        assert body["data"]["node"] is None  # exactly as if it did not exist


@pytest.mark.parametrize(("role", "type_name"), [(r, t) for r in READS for t in sorted(ROOT_ONE)])
async def test_root_field_by_key_is_forbidden_by_name_for_hidden_types(
    client: httpx.AsyncClient,
    samples: dict[str, str],
    global_ids: dict[str, str],
    role: str,
    type_name: str,
) -> None:
    field, arg = ROOT_ONE[type_name]
    query = f"query($k: String!) {{ {field}({arg}: $k) {{ id }} }}"
    body = await gql(client, query, role, {"k": samples[type_name]})
    if type_name == "Person" and type_name in READS[role] and not PERSON_FULL[role][0]:
        # A role that sees the identity number masked may not look people up by it.
        assert error_codes(body) == ["FORBIDDEN"]
        assert "masked" in body["errors"][0]["message"]
        assert body["data"] is None or body["data"][field] is None
    elif type_name in READS[role]:
        assert "errors" not in body
        assert body["data"][field]["id"] == global_ids[type_name]
    else:
        assert error_codes(body) == ["FORBIDDEN"]
        assert body["errors"][0]["extensions"]["field"] == field
        assert body["data"] is None or body["data"][field] is None


@pytest.mark.parametrize(("role", "type_name"), [(r, t) for r in READS for t in sorted(ROOT_LISTS)])
async def test_root_lists_are_forbidden_for_hidden_types(
    client: httpx.AsyncClient, role: str, type_name: str
) -> None:
    field = ROOT_LISTS[type_name]
    body = await gql(client, f"{{ {field}(first: 1) {{ totalCount }} }}", role)
    if type_name in READS[role]:
        assert "errors" not in body
        assert body["data"][field]["totalCount"] > 0
    else:
        assert error_codes(body) == ["FORBIDDEN"]


# A delivery's parties, by the type each field reaches.
DELIVERY_PARTIES = {
    "cylinder": "Cylinder",
    "supplier": "Enterprise",
    "household": "Household",
    "vehicle": "Vehicle",
    "driver": "Person",
}


@pytest.mark.parametrize(
    ("role", "field"),
    [(r, f) for r in ("market", "housing", "transport", "police", "emergency")
     for f in DELIVERY_PARTIES],
)  # fmt: skip
async def test_a_nested_field_into_a_hidden_type_is_forbidden_by_name(
    client: httpx.AsyncClient, samples: dict[str, str], role: str, field: str
) -> None:
    query = f"query($id: ID!) {{ node(id: $id) {{ ... on Delivery {{ {field} {{ id }} }} }} }}"
    body = await gql(client, query, role, {"id": f"Delivery:{samples['Delivery']}"})
    if DELIVERY_PARTIES[field] in READS[role]:
        assert "errors" not in body
        assert body["data"]["node"][field]["id"].startswith(DELIVERY_PARTIES[field] + ":")
    else:
        assert error_codes(body) == ["FORBIDDEN"]
        assert body["errors"][0]["extensions"]["field"] == f"Delivery.{field}"
        assert "data" not in body or body["data"] is None or body["data"]["node"] is None


def _id_masked(v: str) -> str:
    return v[:6] + "********" + v[-4:]


def _name_masked(v: str) -> str:
    return v[0] + "*"


def _phone_masked(v: str) -> str:
    return v[:3] + "****" + v[-4:]


# role -> which of (idNumber, name, phone) it sees in full
PERSON_FULL: dict[str, tuple[bool, bool, bool]] = {
    "market": (False, False, False),
    "housing": (False, False, False),
    "transport": (False, False, False),
    "police": (True, True, True),
    "emergency": (False, True, True),
}


@pytest.mark.parametrize("role", sorted(PERSON_FULL))
async def test_person_fields_are_masked_per_role(
    client: httpx.AsyncClient, graph: Graph, samples: dict[str, str], global_ids: dict[str, str],
    role: str,
) -> None:  # fmt: skip
    [row] = await cypher(
        graph,
        "MATCH (p:Person {idNumber: $k}) RETURN p.idNumber AS id, p.name AS name, p.phone AS ph",
        k=samples["Person"],
    )
    body = await gql(
        client,
        "query($g: ID!) { node(id: $g) { ... on Person { idNumber name phone } } }",
        role,
        {"g": global_ids["Person"]},
    )
    full_id, full_name, full_phone = PERSON_FULL[role]
    assert body["data"]["node"] == {
        "idNumber": row["id"] if full_id else _id_masked(row["id"]),
        "name": row["name"] if full_name else _name_masked(row["name"]),
        "phone": row["ph"] if full_phone else _phone_masked(row["ph"]),
    }


@pytest.mark.parametrize("role", ["market", "housing", "police", "emergency"])
async def test_household_address_is_full_for_every_role_that_reads_households(
    client: httpx.AsyncClient, graph: Graph, samples: dict[str, str], role: str
) -> None:
    [row] = await cypher(
        graph, "MATCH (h:Household {id: $k}) RETURN h.address AS a", k=samples["Household"]
    )
    body = await gql(
        client, "query($k: String!) { household(id: $k) { address } }", role,
        {"k": samples["Household"]},
    )  # fmt: skip
    assert body["data"]["household"]["address"] == row["a"]


async def test_masked_values_never_leave_the_graph_unmasked_through_nesting(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    [row] = await cypher(
        graph,
        "MATCH (c:Cylinder)-[:LOCATED_AT]->(:Household)-[:REGISTERED_TO]->(p:Person) "
        "RETURN c.code AS code, p.idNumber AS id ORDER BY code LIMIT 1",
    )
    query = "query($c: String!) { cylinder(code: $c) { location { person { idNumber } } } }"
    body = await gql(client, query, "housing", {"c": row["code"]})
    text = str(body)
    assert row["id"] not in text
    assert _id_masked(row["id"]) in text


async def test_roles_without_graph_access_get_nothing_from_any_root_list(
    client: httpx.AsyncClient,
) -> None:
    for role in ("auditor", "admin"):
        for field in ROOT_LISTS.values():
            body: dict[str, Any] = await gql(client, f"{{ {field} {{ totalCount }} }}", role)
            assert error_codes(body) == ["FORBIDDEN"], (role, field)


async def test_the_public_may_not_read_the_graph(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ cylinders { totalCount } }")
    assert error_codes(body) == ["FORBIDDEN"]


async def test_reading_the_graph_needs_the_graph_read_scope(client: httpx.AsyncClient) -> None:
    without = await gql(client, "{ cylinders { totalCount } }", "market", scopes="investigate")
    with_it = await gql(client, "{ cylinders { totalCount } }", "market", scopes="graph:read")
    assert error_codes(without) == ["FORBIDDEN"]
    assert "graph:read" in without["errors"][0]["message"]
    assert with_it["data"]["cylinders"]["totalCount"] > 0


@pytest.mark.parametrize("role", ["market", "police", "emergency"])
async def test_what_an_incident_involves_lists_only_types_the_role_reads(
    client: httpx.AsyncClient, graph: Graph, role: str
) -> None:
    rows = await cypher(
        graph,
        "MATCH (i:Incident)-[:INVOLVES]->(x) RETURN i.id AS i, "
        "collect(labels(x)[0] + ':' + coalesce(x.plate, x.pid, x.code, x.id)) AS ids "
        "ORDER BY i LIMIT 1",
    )
    query = "query($id: ID!) { node(id: $id) { ... on Incident { involves { id } } } }"
    body = await gql(client, query, role, {"id": f"Incident:{rows[0]['i']}"})
    got = {n["id"] for n in body["data"]["node"]["involves"]}
    assert got == {i for i in rows[0]["ids"] if i.split(":")[0] in READS[role]}


async def test_a_fragment_on_a_hidden_type_inside_involves_is_forbidden(
    client: httpx.AsyncClient,
) -> None:
    body = await gql(
        client,
        "{ incidents(first: 1) { edges { node { involves { ... on Product { name } } } } } }",
        "emergency",
    )
    assert error_codes(body) == ["FORBIDDEN"]
    assert "Product" in body["errors"][0]["message"]


@pytest.mark.parametrize("role", ["market", "housing", "transport", "emergency"])
async def test_a_persons_global_id_never_carries_the_identity_number(
    client: httpx.AsyncClient, graph: Graph, samples: dict[str, str], global_ids: dict[str, str],
    role: str,
) -> None:  # fmt: skip
    body = await gql(
        client,
        "query($g: ID!) { node(id: $g) { ... on Person { id idNumber "
        "employer { staff(first: 5) { edges { cursor node { id } } } } } } }",
        role,
        {"g": global_ids["Person"]},
    )
    text = str(body["data"])
    assert samples["Person"] not in text
    assert body["data"]["node"]["id"].startswith("Person:")
