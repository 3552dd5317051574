"""Each mutation's happy path: written once, with its relationships, provenance and derived
state, in the tests' own world (see tests/ingest_support.py)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import httpx
import pytest

from hub.graph.driver import Graph
from hub.ingest.cylinders import add_years
from tests.graphql import cypher, scalar
from tests.ingest_support import (
    World,
    Writer,
    ago,
    codes,
    enterprise,
    filling,
    forget,
    fuzhou_day,
    new_id_number,
    new_key,
    new_uscc,
)

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
async def world(client: httpx.AsyncClient, graph: Graph) -> AsyncIterator[World]:
    writer = Writer(client, f"t-ingest-{secrets.token_hex(4)}")
    yield await World(writer).build()
    await forget(graph, writer.subject)


async def test_registrations_write_each_record_with_its_owner_and_provenance(
    world: World, graph: Graph
) -> None:
    rows = await cypher(
        graph,
        "MATCH (v:Vehicle {plate: $plate})-[:OPERATED_BY]->(e:Enterprise) "
        "MATCH (d:Person {idNumber: $driver})-[:DRIVES]->(v) "
        "MATCH (h:Household {id: $home})-[:REGISTERED_TO]->(p:Person), (h)-[:CUSTOMER_OF]->(e) "
        "RETURN e.uscc AS operator, v.recordedBy AS by, v.recordedAt IS NOT NULL AS at, "
        "p.idNumber AS person, d.qualifications AS quals",
        plate=world.truck, driver=world.driver, home=world.home,
    )  # fmt: skip
    assert rows == [
        {"operator": world.station, "by": world.w.subject, "at": True,
         "person": world.customer, "quals": ["DG_DRIVER"]}
    ]  # fmt: skip


async def test_an_enterprise_keeps_its_service_phone_and_a_malformed_one_is_refused(
    world: World, graph: Graph
) -> None:
    good, bad = new_uscc(), new_uscc()
    items = [enterprise(good, "FILLING_STATION", servicePhone="0591-83301234"),
             enterprise(bad, "FILLING_STATION", servicePhone="call 83301234")]  # fmt: skip
    results = await world.w.results("registerEnterprises", items, "market")
    assert [r["ok"] for r in results] == [True, False]
    assert codes(results[1]) == [("servicePhone", "INVALID_IDENTIFIER")]
    stored = await cypher(
        graph, "MATCH (e:Enterprise) WHERE e.uscc IN $u RETURN e.uscc AS u, e.servicePhone AS p",
        u=[good, bad],
    )  # fmt: skip
    assert stored == [{"u": good, "p": "0591-83301234"}]


async def test_a_registered_cylinder_gets_its_dates_status_and_owner(
    world: World, graph: Graph
) -> None:
    [code] = await world.cylinders(1)
    rows = await cypher(
        graph,
        "MATCH (c:Cylinder {code: $code})-[:OWNED_BY]->(o), (c)-[:MADE_BY]->(m) "
        "RETURN o.uscc AS owner, m.uscc AS maker, c.status AS status, "
        "c.nextInspection > $today AS ahead, c.scrapDate > c.nextInspection AS scrap_later, "
        "c.recordedBy AS by",
        code=code,
        today=graph.clock.today(),
    )
    assert rows == [{"owner": world.station, "maker": world.maker, "status": "IN_SERVICE",
                     "ahead": True, "scrap_later": True, "by": world.w.subject}]  # fmt: skip


async def test_a_filling_is_recorded_at_the_calling_station(world: World, graph: Graph) -> None:
    [code] = await world.cylinders(1)
    item = filling(code, filler=world.filler)
    [result] = await world.w.ok("recordFillings", [item], enterprise=world.station)
    assert result["id"] == "Filling:" + item["eventId"]
    rows = await cypher(
        graph,
        "MATCH (f:Filling {eventId: $id})-[:OF]->(c:Cylinder), (f)-[:AT]->(s), (f)-[:BY]->(p) "
        "RETURN c.code AS code, s.uscc AS station, p.idNumber AS filler, f.quantityKg AS kg, "
        "f.recordedBy AS by",
        id=item["eventId"],
    )
    assert rows == [{"code": code, "station": world.station, "filler": world.filler,
                     "kg": 14.9, "by": world.w.subject}]  # fmt: skip


async def test_a_delivery_moves_the_cylinder_to_the_household(world: World, graph: Graph) -> None:
    [code] = await world.cylinders(1)
    item = world.delivery(code)
    await world.w.ok("recordDeliveries", [item], enterprise=world.station)
    located = await scalar(
        graph, "MATCH (:Cylinder {code: $code})-[:LOCATED_AT]->(h) RETURN collect(h.id)", code=code
    )
    assert located == [world.home]
    parties = await scalar(
        graph,
        "MATCH (d:Delivery {eventId: $id}) "
        "RETURN COUNT { (d)-[:OF|FROM|TO|VIA|BY|ESCORTED_BY]->() }",
        id=item["eventId"],
    )
    assert parties == 6


async def test_a_later_delivery_elsewhere_moves_it_again_and_an_older_one_does_not(
    world: World, graph: Graph
) -> None:
    [code] = await world.cylinders(1)
    second_home = new_key("H")
    await world.w.ok(
        "registerHouseholds",
        [{"householdId": second_home, "kind": "COMMERCIAL", "address": "福州市台江区测试路3号",
          "district": "350103", "street": "测试街道",
          "person": {"idNumber": new_id_number(), "name": "陈某", "phone": "13700000000"}}],
        enterprise=world.station,
    )  # fmt: skip
    await world.w.ok("recordDeliveries", [world.delivery(code, time=ago(minutes=10))],
                     enterprise=world.station)  # fmt: skip
    await world.w.ok("recordDeliveries",
                     [world.delivery(code, household=second_home, time=ago(minutes=20))],
                     enterprise=world.station)  # fmt: skip
    located = await scalar(
        graph, "MATCH (:Cylinder {code: $code})-[:LOCATED_AT]->(h) RETURN collect(h.id)", code=code
    )
    assert located == [world.home]


async def test_an_inspection_sets_the_cylinders_dates_and_status(
    world: World, graph: Graph
) -> None:
    [code] = await world.cylinders(1)
    item = {"eventId": new_key("I"), "cylinder": code, "time": ago(hours=2), "result": "PASS"}
    await world.w.ok("recordInspections", [item], enterprise=world.agency)
    rows = await cypher(
        graph,
        "MATCH (c:Cylinder {code: $code}) RETURN toString(c.lastInspection) AS last, "
        "toString(c.nextInspection) AS next, c.status AS status",
        code=code,
    )
    inspected = fuzhou_day(item["time"])  # the inspection's own day in Fuzhou
    next_due = add_years(inspected, 4)
    assert rows == [{"last": str(inspected), "next": str(next_due), "status": "IN_SERVICE"}]


async def test_a_failed_inspection_recorded_by_market_regulation_scraps_the_cylinder(
    world: World, graph: Graph
) -> None:
    [code] = await world.cylinders(1)
    item = {"eventId": new_key("I"), "cylinder": code, "time": ago(hours=1), "result": "FAIL",
            "agency": world.agency}  # fmt: skip
    await world.w.ok("recordInspections", [item], "market")
    status = await scalar(graph, "MATCH (c:Cylinder {code: $code}) RETURN c.status", code=code)
    assert status == "SCRAPPED"


async def test_a_batch_goes_from_producer_to_market_is_tested_shipped_on_and_sold(
    world: World, graph: Graph
) -> None:
    code = await world.product()
    w = world.w
    await w.ok("recordShipments", [{"eventId": new_key("S"), "product": code,
               "receiver": world.market, "time": ago(hours=5), "quantityKg": 500}],
               enterprise=world.producer)  # fmt: skip
    await w.ok("recordBatchTests", [{"eventId": new_key("T"), "product": code,
               "time": ago(hours=4), "method": "GB/T 5009.199-2003", "result": "PASS"}],
               enterprise=world.market)  # fmt: skip
    await w.ok("recordShipments", [{"eventId": new_key("S"), "product": code,
               "receiver": world.shop, "time": ago(hours=3), "quantityKg": 100}],
               enterprise=world.market)  # fmt: skip
    await w.ok("recordSales", [{"eventId": new_key("X"), "product": code, "time": ago(hours=1),
               "quantityKg": 2.5, "priceYuan": 12.0}], enterprise=world.shop)  # fmt: skip
    chain = await scalar(
        graph,
        "MATCH (p:Product {traceCode: $code}) RETURN [COUNT { (:Shipment)-[:OF]->(p) }, "
        "COUNT { (:BatchTest {result: 'PASS'})-[:OF]->(p) }, COUNT { (:Sale)-[:OF]->(p) }]",
        code=code,
    )
    assert chain == [2, 1, 1]


async def test_emergency_reports_an_incident_involving_a_cylinder_and_a_household(
    world: World, graph: Graph
) -> None:
    [code] = await world.cylinders(1)
    key = new_key("INC")
    item = {"incidentId": key, "time": ago(minutes=50), "kind": "GAS_LEAK", "severity": "LOW",
            "location": "福州市鼓楼区测试路2号", "district": "350102",
            "involves": [f"Cylinder:{code}", f"Household:{world.home}"]}  # fmt: skip
    [result] = await world.w.ok("reportIncidents", [item], "emergency")
    assert result["id"] == f"Incident:{key}"
    involved = await scalar(
        graph,
        "MATCH (:Incident {id: $id})-[:INVOLVES]->(n) RETURN count(n)",
        id=key,
    )
    assert involved == 2


async def test_market_seizes_and_releases_a_cylinder(world: World, graph: Graph) -> None:
    [code] = await world.cylinders(1)
    await world.w.ok("recordDeliveries", [world.delivery(code)], enterprise=world.station)
    seize = {"eventId": new_key("S"), "code": code, "status": "SEIZED", "reason": "执法检查",
             "time": ago(minutes=1)}  # fmt: skip
    await world.w.ok("setCylinderStatus", [seize], "market")
    rows = await cypher(
        graph,
        "MATCH (c:Cylinder {code: $code}) RETURN c.status AS status, "
        "EXISTS { (c)-[:LOCATED_AT]->() } AS placed",
        code=code,
    )
    assert rows == [{"status": "SEIZED", "placed": False}]
    [again] = await world.w.ok("setCylinderStatus", [seize], "market")
    assert again["replayed"] is True
    release = seize | {"eventId": new_key("S"), "status": "RELEASED"}
    await world.w.ok("setCylinderStatus", [release], "market")
    status = await scalar(graph, "MATCH (c:Cylinder {code: $code}) RETURN c.status", code=code)
    assert status == "IN_SERVICE"
    # The seizure sent once more (its answer was lost on the way back) is a replay: the
    # release stands, and each change is recorded once.
    [late] = await world.w.ok("setCylinderStatus", [seize], "market")
    assert late["replayed"] is True
    status = await scalar(graph, "MATCH (c:Cylinder {code: $code}) RETURN c.status", code=code)
    assert status == "IN_SERVICE"
    events = await cypher(
        graph,
        "MATCH (e:StatusChange)-[:OF]->(:Cylinder {code: $code}) "
        "RETURN e.eventId AS id, e.status AS status ORDER BY e.time, e.status DESC",
        code=code,
    )
    assert events == [{"id": seize["eventId"], "status": "SEIZED"},
                      {"id": release["eventId"], "status": "RELEASED"}]  # fmt: skip
    # The same eventId with other content is a CONFLICT and changes nothing.
    body = await world.w.push("setCylinderStatus", [seize | {"reason": "另一个原因"}], "market")
    [conflict] = body["data"]["setCylinderStatus"]["results"]
    assert conflict["ok"] is False
    assert [(e["field"], e["code"]) for e in conflict["errors"]] == [("eventId", "CONFLICT")]
    assert body["data"]["setCylinderStatus"]["written"] == 0
    [other] = await world.cylinders(1)
    reused = seize | {"code": other}  # another cylinder under a used eventId
    body = await world.w.push("setCylinderStatus", [reused], "market")
    assert body["data"]["setCylinderStatus"]["results"][0]["errors"][0]["code"] == "CONFLICT"
    status = await scalar(graph, "MATCH (c:Cylinder {code: $code}) RETURN c.status", code=other)
    assert status == "IN_SERVICE"


async def test_agencies_set_licences_permits_and_identity_checks(
    world: World, graph: Graph
) -> None:
    w = world.w
    await w.ok("setEnterpriseLicences", [{"uscc": world.station, "licenceNo": "闽燃经001",
               "licenceExpiry": "2030-01-01"}], "housing")  # fmt: skip
    await w.ok("setVehiclePermits", [{"plate": world.truck, "permitNo": "闽交危002",
               "permitExpiry": "2029-06-30"}], "transport")  # fmt: skip
    await w.ok("verifyPeople", [{"idNumber": world.driver, "verified": True}], "police")
    rows = await cypher(
        graph,
        "MATCH (e:Enterprise {uscc: $uscc}), (v:Vehicle {plate: $plate}), "
        "(p:Person {idNumber: $driver}) RETURN e.licenceNo AS licence, "
        "toString(v.permitExpiry) AS permit, p.verified AS verified",
        uscc=world.station, plate=world.truck, driver=world.driver,
    )  # fmt: skip
    assert rows == [{"licence": "闽燃经001", "permit": "2029-06-30", "verified": True}]
