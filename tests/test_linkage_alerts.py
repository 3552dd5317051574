"""The linkage at ingestion: each closed-loop refusal raises its alert in the same transaction,
routed as the rule table says; a repeated firing counts on the open alert; the role matrix of
`alerts`; and the transitions with their history."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from hub.graph.driver import Graph
from hub.linkage.rules import RULES_BY_ID
from tests.graphql import cypher, gql
from tests.ingest_support import (
    HUB_CLOCK,
    World,
    Writer,
    ago,
    codes,
    employee,
    filling,
    forget,
    household,
    new_id_number,
    new_key,
    new_plate,
    truck,
)

pytestmark = pytest.mark.neo4j

DEPARTMENTS = ("market", "housing", "transport", "police", "emergency")
ALERT = """query($id: ID!) { node(id: $id) { ... on Alert { alertId rule status severity
  occurrences departments history about { __typename id } } } }"""


@pytest.fixture(scope="module")
async def world(client: httpx.AsyncClient, graph: Graph) -> AsyncIterator[World]:
    writer = Writer(client, f"t-link-{secrets.token_hex(4)}")
    yield await World(writer).build()
    await forget(graph, writer.subject)


async def _alerts_about(graph: Graph, label_key: str) -> list[dict[str, Any]]:
    """Straight from the graph: the alerts ABOUT the record `Label:key` (the test's own)."""
    label, key = label_key.split(":", 1)
    return await cypher(
        graph,
        "MATCH (a:Alert)-[:ABOUT]->(n) WHERE $label IN labels(n) AND $key IN "
        "[n.code, n.plate, n.idNumber, n.id, n.traceCode, n.uscc] "
        "RETURN a.id AS id, a.rule AS rule, a.occurrences AS occurrences, a.status AS status, "
        "a.departments AS departments, a.openKey IS NOT NULL AS open ORDER BY a.time",
        label=label,
        key=key,
    )


async def _seen_by(client: httpx.AsyncClient, alert_id: str, role: str, **claims: str) -> Any:
    body = await gql(client, ALERT, role, {"id": "Alert:" + alert_id}, **claims)
    assert "errors" not in body, body
    return body["data"]["node"]


async def _status(world: World, code: str, status: str) -> None:
    item = {
        "eventId": new_key("S"),
        "code": code,
        "status": status,
        "reason": "测试",
        "time": ago(minutes=1),
    }
    await world.w.ok("setCylinderStatus", [item], "market")


async def test_an_overdue_filling_is_refused_and_raises_one_alert_to_the_market(
    world: World, client: httpx.AsyncClient, graph: Graph
) -> None:
    five_years_ago = (HUB_CLOCK.today() - timedelta(days=5 * 365)).isoformat()
    [code] = await world.cylinders(1, madeOn=five_years_ago)
    [ok] = await world.cylinders(1)
    results = await world.w.results(
        "recordFillings", [filling(code), filling(ok)], enterprise=world.station
    )
    assert codes(results[0]) == [("cylinder", "CYLINDER_OVERDUE")]
    assert results[1]["ok"] is True
    [alert] = await _alerts_about(graph, "Cylinder:" + code)
    assert alert["rule"] == "FILL_OVERDUE"
    assert alert["departments"] == ["market"]
    assert await _alerts_about(graph, "Cylinder:" + ok) == []
    market = await _seen_by(client, alert["id"], "market")
    assert market["status"] == "OPEN"
    assert market["occurrences"] == 1
    about = {a["id"] for a in market["about"]}
    assert {"Cylinder:" + code, "Enterprise:" + world.station} <= about
    assert len(market["history"]) == 1
    assert " OPEN " in market["history"][0]
    for role in ("housing", "transport", "police", "emergency"):
        assert await _seen_by(client, alert["id"], role) is None, role
    # An enterprise sees no alert not addressed to it: not even the station that tried.
    assert await _seen_by(client, alert["id"], "enterprise", enterprise=world.station) is None

    # The same attempt again: no new alert, one more occurrence.
    await world.w.results("recordFillings", [filling(code)], enterprise=world.station)
    [again] = await _alerts_about(graph, "Cylinder:" + code)
    assert again["id"] == alert["id"]
    assert again["occurrences"] == 2


@pytest.mark.parametrize(
    ("status", "rule"), [("SEIZED", "FILL_SEIZED"), ("SCRAPPED", "FILL_SCRAPPED")]
)
async def test_a_seized_or_scrapped_filling_raises_its_rule(
    world: World, graph: Graph, status: str, rule: str
) -> None:
    [code] = await world.cylinders(1)
    await _status(world, code, status)
    await world.w.results("recordFillings", [filling(code)], enterprise=world.station)
    [alert] = await _alerts_about(graph, "Cylinder:" + code)
    assert alert["rule"] == rule
    assert set(alert["departments"]) == {r.value for r in RULES_BY_ID[rule].departments}


async def test_filling_another_stations_cylinder_raises_an_alert(
    world: World, graph: Graph
) -> None:
    [theirs] = await world.cylinders(1, station=world.other_station)
    [result] = await world.w.results("recordFillings", [filling(theirs)], enterprise=world.station)
    assert codes(result) == [("cylinder", "NOT_OWNER")]
    [alert] = await _alerts_about(graph, "Cylinder:" + theirs)
    assert alert["rule"] == "FILL_NOT_OWNER"
    assert sorted(alert["departments"]) == ["housing", "market"]


async def test_a_delivery_breaking_the_loop_raises_one_alert_per_rule(
    world: World, client: httpx.AsyncClient, graph: Graph
) -> None:
    plate, driver = new_plate(), new_id_number()
    expired = (HUB_CLOCK.today() - timedelta(days=3)).isoformat()
    await world.w.ok("registerVehicles", [truck(plate, permitExpiry=expired)],
                     enterprise=world.station)  # fmt: skip
    await world.w.ok("registerEmployees", [employee(driver, [])], enterprise=world.station)
    home = new_key("H")
    await world.w.ok("registerHouseholds", [household(home, new_id_number())],
                     enterprise=world.station)  # fmt: skip
    [code] = await world.cylinders(1)
    item = world.delivery(code, vehicle=plate, driver=driver)
    [result] = await world.w.results("recordDeliveries", [item], enterprise=world.station)
    assert {c for _, c in codes(result)} >= {"PERMIT_EXPIRED", "DRIVER_NOT_CERTIFIED"}
    permit = await _alerts_about(graph, "Vehicle:" + plate)
    assert [a["rule"] for a in permit if a["rule"] == "DELIVERY_PERMIT"] == ["DELIVERY_PERMIT"]
    crew = [
        a for a in await _alerts_about(graph, "Person:" + driver) if a["rule"] == "DELIVERY_CREW"
    ]
    assert len(crew) == 1
    assert sorted(crew[0]["departments"]) == ["police", "transport"]
    # Inside the alert, a person reads as it reads anywhere else for that role (transport sees
    # drivers of a vehicle only: this one drives none, so it is absent there as everywhere).
    query = """query($id: ID!) { node(id: $id) { ... on Alert { about {
      ... on Person { id name idNumber } } } } }"""
    # The same uncertified person again, now as the escort of the station's own certified
    # driver: the open alert counts it, and now names the driver too.
    [code2] = await world.cylinders(1)
    [again] = await world.w.results(
        "recordDeliveries", [world.delivery(code2, escort=driver)], enterprise=world.station
    )
    assert codes(again) == [("escort", "ESCORT_NOT_CERTIFIED")]
    [crew_again] = [
        a for a in await _alerts_about(graph, "Person:" + driver) if a["rule"] == "DELIVERY_CREW"
    ]
    assert crew_again["id"] == crew[0]["id"]
    assert crew_again["occurrences"] == 2
    pid = await cypher(graph, "MATCH (p:Person {idNumber: $n}) RETURN p.pid AS pid", n=world.driver)
    driver_id = "Person:" + pid[0]["pid"]
    direct_query = "query($id: ID!) { node(id: $id) { ... on Person { id name idNumber } } }"
    for role in ("transport", "police"):
        body = await gql(client, query, role, {"id": "Alert:" + crew[0]["id"]})
        people = {p["id"]: p for p in body["data"]["node"]["about"] if p}
        direct = (await gql(client, direct_query, role, {"id": driver_id}))["data"]["node"]
        assert people.get(driver_id) == direct, role
        assert direct is not None, role
        assert (direct["idNumber"] == world.driver) == (role == "police"), role


async def _set_home(graph: Graph, key: str, status: str) -> None:
    async def work(tx: Any) -> None:
        query = "MATCH (h:Household {id: $id}) SET h.status = $status"
        await (await tx.run(query, id=key, status=status)).consume()

    await graph.write(work)


async def test_a_delivery_to_an_unregistered_household_raises_an_alert(
    world: World, graph: Graph
) -> None:
    [code] = await world.cylinders(1)
    await _set_home(graph, world.home, "CLOSED")
    try:
        [result] = await world.w.results(
            "recordDeliveries", [world.delivery(code)], enterprise=world.station
        )
    finally:
        await _set_home(graph, world.home, "ACTIVE")
    assert ("household", "HOUSEHOLD_UNREGISTERED") in codes(result)
    rules = [a["rule"] for a in await _alerts_about(graph, "Household:" + world.home)]
    assert "DELIVERY_UNREGISTERED" in rules


async def test_shipping_or_selling_a_failed_batch_raises_an_alert(
    world: World, graph: Graph
) -> None:
    product = await world.product()
    w = world.w
    await w.ok("recordShipments", [{"eventId": new_key("S"), "product": product,
               "receiver": world.market, "time": ago(hours=5), "quantityKg": 500}],
               enterprise=world.producer)  # fmt: skip
    await w.ok("recordBatchTests", [{"eventId": new_key("T"), "product": product,
               "time": ago(hours=4), "method": "胶体金", "result": "FAIL"}],
               enterprise=world.market)  # fmt: skip
    onward = {"eventId": new_key("S"), "product": product, "receiver": world.shop,
              "time": ago(hours=3), "quantityKg": 100}  # fmt: skip
    [shipped] = await w.results("recordShipments", [onward], enterprise=world.market)
    assert codes(shipped) == [("product", "BATCH_FAILED_TEST")]
    sale = {"eventId": new_key("X"), "product": product, "time": ago(hours=1), "quantityKg": 1}
    [sold] = await w.results("recordSales", [sale], enterprise=world.market)
    assert codes(sold) == [("product", "BATCH_FAILED_TEST")]
    rules = sorted(a["rule"] for a in await _alerts_about(graph, "Product:" + product))
    assert rules == ["FAILED_BATCH_SHIPPED", "FAILED_BATCH_SOLD"]


async def test_an_incident_on_a_cylinder_alerts_emergency_housing_and_market_with_its_history(
    world: World, client: httpx.AsyncClient, graph: Graph
) -> None:
    [code] = await world.cylinders(1)
    fill = filling(code, time=ago(minutes=50))
    await world.w.ok("recordFillings", [fill], enterprise=world.station)
    deliver = world.delivery(code, time=ago(minutes=40))
    await world.w.ok("recordDeliveries", [deliver], enterprise=world.station)
    incident: dict[str, Any] = {
                "incidentId": new_key("I"), "time": ago(minutes=10), "kind": "GAS_LEAK",
                "severity": "HIGH", "location": "测试路2号", "district": "350102",
                "involves": ["Cylinder:" + code]}  # fmt: skip
    await world.w.ok("reportIncidents", [incident], "emergency")
    [alert] = await _alerts_about(graph, "Incident:" + incident["incidentId"])
    assert alert["rule"] == "INCIDENT"
    assert sorted(alert["departments"]) == ["emergency", "housing", "market"]
    seen = await _seen_by(client, alert["id"], "market")
    about = {a["id"] for a in seen["about"]}
    assert {"Cylinder:" + code, "Enterprise:" + world.station, "Filling:" + fill["eventId"],
            "Delivery:" + deliver["eventId"]} <= about  # fmt: skip
    assert await _seen_by(client, alert["id"], "transport") is None
    # Emergency hears of it too, and reads the incident inside it.
    emergency = await _seen_by(client, alert["id"], "emergency")
    assert "Incident:" + incident["incidentId"] in {a["id"] for a in emergency["about"]}


async def test_alerts_filter_by_what_they_are_about_only_through_readable_types(
    world: World, client: httpx.AsyncClient, graph: Graph
) -> None:
    [code] = await world.cylinders(1)
    incident: dict[str, Any] = {
                "incidentId": new_key("I"), "time": ago(minutes=10), "kind": "GAS_LEAK",
                "severity": "HIGH", "location": "测试路3号", "district": "350102",
                "involves": ["Cylinder:" + code]}  # fmt: skip
    await world.w.ok("reportIncidents", [incident], "emergency")
    [alert] = await _alerts_about(graph, "Incident:" + incident["incidentId"])
    query = """query($f: AlertFilter) {
      alerts(filter: $f, first: 100) { edges { node { alertId } } } }"""

    async def found(role: str, about: str) -> set[str]:
        body = await gql(client, query, role, {"f": {"about": about}})
        assert "errors" not in body, body
        return {e["node"]["alertId"] for e in body["data"]["alerts"]["edges"]}

    assert await found("market", "Cylinder:" + code) == {alert["id"]}
    assert await found("market", "Incident:" + incident["incidentId"]) == {alert["id"]}
    # Housing hears of the incident but may not read incidents: filtering by one matches
    # nothing, exactly as an incident that does not exist.
    assert await found("housing", "Cylinder:" + code) == {alert["id"]}
    assert await found("housing", "Incident:" + incident["incidentId"]) == set()
    assert await found("market", "Cylinder:" + code + "0") == set()
    assert await found("market", "not a global id") == set()


async def test_the_alerts_list_shows_each_department_its_own(
    world: World, client: httpx.AsyncClient, graph: Graph
) -> None:
    five_years_ago = (HUB_CLOCK.today() - timedelta(days=5 * 365)).isoformat()
    [code] = await world.cylinders(1, madeOn=five_years_ago)
    since = ago(minutes=1)
    await world.w.results("recordFillings", [filling(code)], enterprise=world.station)
    [alert] = await _alerts_about(graph, "Cylinder:" + code)
    query = """query($f: AlertFilter) { alerts(filter: $f, first: 100) { totalCount
      edges { node { alertId rule departments } } } }"""
    flt = {"rule": ["FILL_OVERDUE"], "since": since}
    for role in DEPARTMENTS:
        body = await gql(client, query, role, {"f": flt})
        assert "errors" not in body, body
        nodes = [e["node"] for e in body["data"]["alerts"]["edges"]]
        assert all(role in n["departments"] for n in nodes), role
        assert (alert["id"] in {n["alertId"] for n in nodes}) == (role == "market"), role
    other_district = await gql(client, query, "market", {"f": flt}, district="350104")
    assert alert["id"] not in {
        e["node"]["alertId"] for e in other_district["data"]["alerts"]["edges"]
    }
    public = await gql(client, query, None, {"f": flt})
    assert not public.get("data") or not public["data"]["alerts"]["edges"]


async def test_the_transitions_are_recorded_and_only_on_ones_own_alerts(
    world: World, client: httpx.AsyncClient, graph: Graph
) -> None:
    five_years_ago = (HUB_CLOCK.today() - timedelta(days=5 * 365)).isoformat()
    [code] = await world.cylinders(1, madeOn=five_years_ago)
    await world.w.results("recordFillings", [filling(code)], enterprise=world.station)
    [alert] = await _alerts_about(graph, "Cylinder:" + code)
    gid = "Alert:" + alert["id"]
    write = {"scopes": "graph:read graph:write", "sub": world.w.subject}
    ack = "mutation($ids: [ID!]!) { acknowledgeAlerts(ids: $ids) { id ok status code } }"
    # Transport may not touch a market alert: it answers as for an alert that does not exist.
    theirs = await gql(client, ack, "transport", {"ids": [gid]}, **write)
    missing = await gql(client, ack, "transport", {"ids": ["Alert:nope"]}, **write)
    assert theirs["data"]["acknowledgeAlerts"][0]["code"] == "NOT_FOUND"
    assert missing["data"]["acknowledgeAlerts"][0]["code"] == "NOT_FOUND"
    done = await gql(client, ack, "market", {"ids": [gid]}, **write)
    assert done["data"]["acknowledgeAlerts"] == [
        {"id": gid, "ok": True, "status": "ACKNOWLEDGED", "code": None}
    ]
    assign = """mutation($ids: [ID!]!) { assignAlerts(ids: $ids, assignee: "鼓楼市场监管所") {
      ok status } }"""
    assert (await gql(client, assign, "market", {"ids": [gid]}, **write))["data"][
        "assignAlerts"
    ] == [{"ok": True, "status": "ACKNOWLEDGED"}]
    resolve = """mutation($ids: [ID!]!) { resolveAlerts(ids: $ids, resolution: RESOLVED,
      note: "已责令整改") { ok status code } }"""
    assert (await gql(client, resolve, "market", {"ids": [gid]}, **write))["data"][
        "resolveAlerts"
    ] == [{"ok": True, "status": "RESOLVED", "code": None}]
    again = await gql(client, resolve, "market", {"ids": [gid]}, **write)
    assert again["data"]["resolveAlerts"][0]["code"] == "WRONG_STATUS"
    seen = await _seen_by(client, alert["id"], "market")
    steps = [h.split(" ")[1] for h in seen["history"]]
    assert steps == ["OPEN", "ACKNOWLEDGED", "ASSIGNED", "RESOLVED"]
    assert all(world.w.subject in h for h in seen["history"][1:])
    # Once resolved, the next firing opens a new alert.
    await world.w.results("recordFillings", [filling(code)], enterprise=world.station)
    rows = await _alerts_about(graph, "Cylinder:" + code)
    assert [r["status"] for r in rows] == ["RESOLVED", "OPEN"]
    # Without graph:write, no transition.
    denied = await gql(client, ack, "market", {"ids": [gid]})
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
