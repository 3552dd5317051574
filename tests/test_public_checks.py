"""verifyCylinder and publicTrace: open without a token, nothing personal in any answer, and the
public still refused everything else."""

from __future__ import annotations

import json
from datetime import date

import httpx
import pytest

from graph_seed.generate import Generation
from hub.graph.driver import Graph
from hub.identifiers import check_service_phone
from hub.resolvers.public import verdict
from hub.schema import schema
from tests.graphql import cypher, error_codes, gql

CHECK = """query($c: String!) { verifyCylinder(code: $c) {
    code verdict model madeOn lastInspection nextInspection scrapDate ownerName ownerPhone } }"""
SCAN = """query($t: String!) { publicTrace(traceCode: $t) {
    traceCode name category origin originCertificate producedOn producer market consignor
    purchaseTime test { result method time market } merchants { name kind receivedAt }
    verdict steps { sender receiver receiverKind time } } }"""


@pytest.fixture(autouse=True)
def _seeded(tiny_seed: object) -> None:
    """Every test here reads the tiny graph."""


async def _personal_values_near_cylinder(graph: Graph, code: str) -> set[str]:
    rows = await cypher(
        graph,
        "MATCH (c:Cylinder {code: $c}) "
        "OPTIONAL MATCH (c)-[:LOCATED_AT]->(h:Household) "
        "OPTIONAL MATCH (c)<-[:OF]-(e)-[:BY|ESCORTED_BY|TO]->(x) "
        "WITH h, collect(x.name) + collect(x.idNumber) + collect(x.phone) "
        "  + collect(x.address) AS values WITH [h.address, h.id] + values AS values "
        "UNWIND values AS v WITH v WHERE v IS NOT NULL RETURN collect(DISTINCT v) AS values",
        c=code,
    )
    return set(rows[0]["values"])


async def test_anyone_checks_a_cylinder_without_a_token_and_sees_nothing_personal(
    client: httpx.AsyncClient, graph: Graph, tiny_seed: Generation
) -> None:
    key = tiny_seed.manifest.planted["unregistered_household_delivery"][0]
    [row] = await cypher(
        graph,
        "MATCH (:Delivery {eventId: $k})-[:OF]->(c:Cylinder)-[:OWNED_BY]->(o) "
        "RETURN c.code AS code, o.name AS owner, o.servicePhone AS phone, "
        "toString(c.nextInspection) AS next",
        k=key,
    )
    body = await gql(client, CHECK, None, {"c": row["code"]})
    check = body["data"]["verifyCylinder"]
    assert check["ownerName"] == row["owner"]
    assert check["ownerPhone"] == row["phone"]
    assert check_service_phone(row["phone"]) is None
    assert check["nextInspection"] == row["next"]
    text = json.dumps(body, ensure_ascii=False)
    personal = await _personal_values_near_cylinder(graph, row["code"])
    assert personal
    assert not [v for v in personal if v in text]


async def test_an_overdue_or_scrapped_cylinder_says_so(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    for status in ("OVERDUE", "SCRAPPED"):
        [row] = await cypher(
            graph, "MATCH (c:Cylinder {status: $s}) RETURN c.code AS code LIMIT 1", s=status
        )
        body = await gql(client, CHECK, None, {"c": row["code"]})
        assert body["data"]["verifyCylinder"]["verdict"] == status


async def test_an_unknown_cylinder_code_is_not_registered(client: httpx.AsyncClient) -> None:
    body = await gql(client, CHECK, None, {"c": "NO-SUCH-CODE"})
    check = body["data"]["verifyCylinder"]
    assert check["verdict"] == "NOT_REGISTERED"
    assert check["code"] == "NO-SUCH-CODE"
    assert check["ownerName"] is None
    assert "errors" not in body


async def test_an_unknown_trace_code_is_not_registered(client: httpx.AsyncClient) -> None:
    body = await gql(client, SCAN, None, {"t": "99999999999999999999"})
    scan = body["data"]["publicTrace"]
    assert scan["verdict"] == "NOT_REGISTERED"
    assert scan["merchants"] == scan["steps"] == []
    assert scan["origin"] is None


async def test_spaces_typed_inside_a_code_are_dropped(client: httpx.AsyncClient) -> None:
    body = await gql(client, CHECK, None, {"c": " FZ00 0000 0001 "})
    assert body["data"]["verifyCylinder"]["code"] == "FZ0000000001"
    assert body["data"]["verifyCylinder"]["verdict"] != "NOT_REGISTERED"


@pytest.mark.parametrize(
    ("query", "field"),
    [(CHECK, "code"), (SCAN, "traceCode")],
)
@pytest.mark.parametrize("bad", ["", "FZ/0001", "气瓶0001", "x" * 65, "-FZ1"])
async def test_a_code_that_cannot_be_one_is_bad_input_naming_the_field(
    client: httpx.AsyncClient, query: str, field: str, bad: str
) -> None:
    body = await gql(client, query, None, {"c": bad, "t": bad})
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"status": "IN_SERVICE", "nextInspection": "2027-01-01", "scrapDate": None}, "VALID"),
        ({"status": "IN_SERVICE", "nextInspection": "2026-12-01", "scrapDate": None}, "DUE"),
        ({"status": "IN_SERVICE", "nextInspection": "2026-11-01", "scrapDate": None}, "OVERDUE"),
        ({"status": "IN_SERVICE", "nextInspection": "2027-11-01", "scrapDate": "2026-11-10"},
         "SCRAPPED"),
        ({"status": "SEIZED", "nextInspection": "2027-11-01", "scrapDate": None}, "SEIZED"),
    ],
)  # fmt: skip
def test_the_verdict_follows_status_and_dates(row: dict[str, str | None], expected: str) -> None:
    assert verdict(row, date(2026, 11, 20)) == expected


async def test_a_consumer_scan_shows_market_origin_certificate_and_test(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    [row] = await cypher(
        graph,
        "MATCH (p:Product)<-[:OF]-(t:BatchTest)-[:AT]->(m:Enterprise) "
        "WHERE EXISTS { (p)<-[:OF]-(:Shipment)-[:TO]->(:Enterprise {kind: 'RESTAURANT'}) } "
        "RETURN p.traceCode AS code, p.originCertificate AS cert, t.result AS result, "
        "m.name AS market ORDER BY code LIMIT 1",
    )
    body = await gql(client, SCAN, None, {"t": row["code"]})
    scan = body["data"]["publicTrace"]
    assert scan["originCertificate"] == row["cert"]
    assert scan["test"]["result"] == row["result"]
    assert scan["market"] == row["market"]
    assert scan["consignor"]
    assert scan["purchaseTime"]
    assert scan["merchants"]
    assert scan["verdict"] == {"PASS": "PASSED", "FAIL": "FAILED"}[row["result"]]
    steps = scan["steps"]
    assert steps[0]["receiver"] == row["market"]
    assert {s["receiverKind"] for s in steps[1:]} == {m["kind"] for m in scan["merchants"]}


def test_the_public_types_carry_no_personal_field() -> None:
    personal = {"name", "idNumber", "phone", "address", "person", "driver", "escort", "household"}
    for type_name, allowed_name in (("PublicCylinderCheck", False), ("PublicTrace", True)):
        gql_type = schema.get_type_by_name(type_name)
        assert gql_type is not None
        fields = {f.python_name for f in gql_type.fields}  # type: ignore[union-attr]
        assert not fields & (personal - ({"name"} if allowed_name else set()))


@pytest.mark.parametrize(
    "query",
    [
        '{ cylinder(code: "FZ0000000001") { code } }',
        "{ cylinders { totalCount } }",
        '{ traceCylinder(code: "FZ0000000001") { flags { kind } } }',
        '{ traceProduct(traceCode: "x") { recall { hop } } }',
        "{ enterprises { totalCount } }",
    ],
)
async def test_the_public_is_refused_everything_else(client: httpx.AsyncClient, query: str) -> None:
    body = await gql(client, query, None)
    assert error_codes(body) == ["FORBIDDEN"]


async def test_the_public_gets_nothing_from_node(client: httpx.AsyncClient) -> None:
    body = await gql(client, '{ node(id: "Cylinder:FZ0000000001") { id } }', None)
    assert body["data"]["node"] is None
