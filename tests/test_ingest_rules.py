"""The closed loop: each rule of docs/domain.md refuses its item with its own code, and the rest of
the batch is written all the same."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from hub.graph.driver import Graph
from tests.graphql import scalar
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


@pytest.fixture(scope="module")
async def world(client: httpx.AsyncClient, graph: Graph) -> AsyncIterator[World]:
    writer = Writer(client, f"t-rules-{secrets.token_hex(4)}")
    yield await World(writer).build()
    await forget(graph, writer.subject)


async def _status(world: World, code: str, status: str) -> None:
    item = {
        "eventId": new_key("S"),
        "code": code,
        "status": status,
        "reason": "测试",
        "time": ago(minutes=1),
    }
    await world.w.ok("setCylinderStatus", [item], "market")


async def test_a_station_fills_only_its_own_cylinders(world: World) -> None:
    [theirs] = await world.cylinders(1, station=world.other_station)
    [mine] = await world.cylinders(1)
    results = await world.w.results(
        "recordFillings", [filling(theirs), filling(mine)], enterprise=world.station
    )
    assert codes(results[0]) == [("cylinder", "NOT_OWNER")]
    assert results[1]["ok"] is True


async def test_an_unregistered_cylinder_is_refused(world: World) -> None:
    [result] = await world.w.results(
        "recordFillings", [filling(new_key("C"))], enterprise=world.station
    )
    assert codes(result) == [("cylinder", "CYLINDER_UNREGISTERED")]


async def test_an_overdue_cylinder_is_refused_for_filling(world: World) -> None:
    five_years_ago = (HUB_CLOCK.today() - timedelta(days=5 * 365)).isoformat()
    [code] = await world.cylinders(1, madeOn=five_years_ago)
    [result] = await world.w.results("recordFillings", [filling(code)], enterprise=world.station)
    assert codes(result) == [("cylinder", "CYLINDER_OVERDUE")]


async def test_a_seized_cylinder_is_refused_for_filling(world: World) -> None:
    [code] = await world.cylinders(1)
    await _status(world, code, "SEIZED")
    [result] = await world.w.results("recordFillings", [filling(code)], enterprise=world.station)
    assert codes(result) == [("cylinder", "CYLINDER_SEIZED")]


async def test_a_scrapped_cylinder_is_refused_and_its_code_never_registered_again(
    world: World,
) -> None:
    [code] = await world.cylinders(1)
    await _status(world, code, "SCRAPPED")
    [result] = await world.w.results("recordFillings", [filling(code)], enterprise=world.station)
    assert codes(result) == [("cylinder", "CYLINDER_SCRAPPED")]
    again = {"code": code, "serialNo": "NEW", "model": "YSP35.5", "madeOn": "2026-01-05",
             "maker": world.maker}  # fmt: skip
    [result] = await world.w.results("registerCylinders", [again], enterprise=world.station)
    assert codes(result) == [("code", "CODE_SCRAPPED")]


async def test_a_cylinder_past_its_scrap_date_is_not_registered(world: World) -> None:
    item = {"code": new_key("C"), "serialNo": "OLD", "model": "YSP35.5", "madeOn": "2010-03-01",
            "maker": world.maker}  # fmt: skip
    [result] = await world.w.results("registerCylinders", [item], enterprise=world.station)
    assert codes(result) == [("madeOn", "CYLINDER_SCRAPPED")]


async def test_a_delivery_needs_a_valid_permit(world: World) -> None:
    lapsed = new_plate()
    expired = (HUB_CLOCK.today() - timedelta(days=3)).isoformat()
    await world.w.ok("registerVehicles", [truck(lapsed, permitExpiry=expired)],
                     enterprise=world.station)  # fmt: skip
    [code] = await world.cylinders(1)
    [result] = await world.w.results(
        "recordDeliveries", [world.delivery(code, vehicle=lapsed)], enterprise=world.station
    )
    assert codes(result) == [("vehicle", "PERMIT_EXPIRED")]


async def test_a_delivery_needs_a_certified_driver_and_escort(world: World) -> None:
    clerk = new_id_number()
    await world.w.ok("registerEmployees", [employee(clerk, [])], enterprise=world.station)
    [code] = await world.cylinders(1)
    items = [
        world.delivery(code, driver=clerk),
        world.delivery(code, escort=clerk),
        world.delivery(code, escort=world.driver),
    ]
    results = await world.w.results("recordDeliveries", items, enterprise=world.station)
    assert codes(results[0]) == [("driver", "DRIVER_NOT_CERTIFIED")]
    assert codes(results[1]) == [("escort", "ESCORT_NOT_CERTIFIED")]
    assert codes(results[2]) == [("escort", "ESCORT_NOT_CERTIFIED")]


async def test_a_delivery_goes_only_to_a_household_registered_to_a_real_name(
    world: World, graph: Graph
) -> None:
    home = new_key("H")
    await world.w.ok("registerHouseholds", [household(home, new_id_number())],
                     enterprise=world.station)  # fmt: skip
    # The real-name registration lapses (as the seed's planted UNREGISTERED households have).
    await graph.write(_unregister, home)
    [code] = await world.cylinders(1)
    [result] = await world.w.results(
        "recordDeliveries", [world.delivery(code, household=home)], enterprise=world.station
    )
    assert codes(result) == [("household", "HOUSEHOLD_UNREGISTERED")]


async def _unregister(tx: object, home: str) -> None:
    await (await tx.run(  # type: ignore[attr-defined]
        "MATCH (h:Household {id: $id}) SET h.status = 'UNREGISTERED'", id=home
    )).consume()  # fmt: skip


async def test_a_filler_must_be_a_certified_employee_of_the_station(world: World) -> None:
    [code] = await world.cylinders(1)
    [result] = await world.w.results(
        "recordFillings", [filling(code, filler=world.driver)], enterprise=world.station
    )
    assert codes(result) == [("filler", "FILLER_NOT_CERTIFIED")]


async def test_a_batch_without_a_registered_trace_code_is_never_shipped_or_sold(
    world: World,
) -> None:
    ghost = new_key("P")
    shipment = {"eventId": new_key("S"), "product": ghost, "receiver": world.market,
                "time": ago(hours=1), "quantityKg": 10}  # fmt: skip
    [result] = await world.w.results("recordShipments", [shipment], enterprise=world.producer)
    assert codes(result) == [("product", "TRACE_CODE_UNREGISTERED")]
    sale = {"eventId": new_key("X"), "product": ghost, "time": ago(hours=1), "quantityKg": 1}
    [result] = await world.w.results("recordSales", [sale], enterprise=world.shop)
    assert codes(result) == [("product", "TRACE_CODE_UNREGISTERED")]


async def test_a_batch_that_failed_its_test_is_never_shipped_or_sold(
    world: World, graph: Graph
) -> None:
    code = await world.product()
    w = world.w
    await w.ok("recordShipments", [{"eventId": new_key("S"), "product": code,
               "receiver": world.market, "time": ago(hours=5), "quantityKg": 500}],
               enterprise=world.producer)  # fmt: skip
    await w.ok("recordBatchTests", [{"eventId": new_key("T"), "product": code,
               "time": ago(hours=4), "method": "胶体金", "result": "FAIL"}],
               enterprise=world.market)  # fmt: skip
    onward = {"eventId": new_key("S"), "product": code, "receiver": world.shop,
              "time": ago(hours=3), "quantityKg": 100}  # fmt: skip
    [result] = await w.results("recordShipments", [onward], enterprise=world.market)
    assert codes(result) == [("product", "BATCH_FAILED_TEST")]
    sale = {"eventId": new_key("X"), "product": code, "time": ago(hours=1), "quantityKg": 1}
    [result] = await w.results("recordSales", [sale], enterprise=world.market)
    assert codes(result) == [("product", "BATCH_FAILED_TEST")]
    shipped = await scalar(
        graph, "MATCH (s:Shipment)-[:OF]->(:Product {traceCode: $c}) RETURN count(s)", c=code
    )
    assert shipped == 1


async def test_identifiers_and_times_are_checked_per_item(world: World) -> None:
    [code] = await world.cylinders(1)
    items = [
        filling(code, time="2026-11-28T09:30:00"),
        filling(code, time=ago(minutes=-60)),
        filling(code, time="yesterday"),
        filling(code, filler="350104199202300127"),
        filling(code, eventId="bad id with spaces"),
        filling(code),
    ]
    results = await world.w.results("recordFillings", items, enterprise=world.station)
    assert [codes(r) for r in results] == [
        [("time", "INVALID_TIME")],
        [("time", "INVALID_TIME")],
        [("time", "INVALID_TIME")],
        [("filler", "INVALID_IDENTIFIER")],
        [("eventId", "INVALID_IDENTIFIER")],
        [],
    ]
    assert "not a real date" in results[3]["errors"][0]["message"]


async def test_a_reference_out_of_the_writers_scope_is_reported_as_absent(world: World) -> None:
    """Another station's truck and staff behave exactly like ones that do not exist."""
    [code] = await world.cylinders(1, station=world.other_station)
    foreign = world.delivery(code)  # the world's station's truck, crew and customer
    [result] = await world.w.results("recordDeliveries", [foreign], enterprise=world.other_station)
    fields = {f: c for f, c in codes(result)}
    assert fields == {"vehicle": "NOT_FOUND", "driver": "NOT_FOUND", "escort": "NOT_FOUND",
                      "household": "NOT_FOUND"}  # fmt: skip
    absent = world.delivery(code, vehicle=new_plate(), driver=new_id_number(),
                            escort=new_id_number(), household=new_key("H"))  # fmt: skip
    [other] = await world.w.results("recordDeliveries", [absent], enterprise=world.other_station)
    assert [e["code"] for e in other["errors"]] == [e["code"] for e in result["errors"]]
