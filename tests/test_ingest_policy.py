"""The write policy, cell by cell: every role against every mutation, the expectations written
out by hand; an enterprise writes only about itself and only what its kind does."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from hub.graph.driver import Graph
from tests.graphql import error_codes
from tests.ingest_support import (
    INPUTS,
    World,
    Writer,
    ago,
    codes,
    cylinder,
    employee,
    enterprise,
    filling,
    forget,
    household,
    new_id_number,
    new_key,
    new_plate,
    new_uscc,
    product,
    truck,
)

pytestmark = pytest.mark.neo4j

# role -> the mutations it may run (docs/access-policy.md); every other cell is FORBIDDEN.
ALLOWED: dict[str, set[str]] = {
    "market": {"registerEnterprises", "recordInspections", "setCylinderStatus"},
    "housing": {"setEnterpriseLicences"},
    "transport": {"setVehiclePermits"},
    "police": {"verifyPeople"},
    "emergency": {"reportIncidents"},
    "enterprise": {
        "registerEnterprises", "registerCylinders", "registerHouseholds", "registerVehicles",
        "registerEmployees", "registerProducts", "recordFillings", "recordDeliveries",
        "recordInspections", "recordShipments", "recordBatchTests", "recordSales",
    },
    "auditor": set(),
    "admin": set(),
}  # fmt: skip


def _samples(world: World) -> dict[str, Callable[[str | None], dict[str, Any]]]:
    """One well-formed item per mutation (`me`: the enterprise the token is bound to)."""
    ghost = new_key("C")
    return {
        "registerEnterprises": lambda me: enterprise(me or new_uscc(), "RESTAURANT"),
        "registerCylinders": lambda me: cylinder(new_key("C"), new_uscc()),
        "registerHouseholds": lambda me: household(new_key("H"), new_id_number()),
        "registerVehicles": lambda me: truck(new_plate()),
        "registerEmployees": lambda me: employee(new_id_number(), []),
        "registerProducts": lambda me: product(new_key("P")),
        "recordFillings": lambda me: filling(ghost),
        "recordDeliveries": lambda me: world.delivery(ghost),
        "recordInspections": lambda me: {"eventId": new_key("I"), "cylinder": ghost,
                                         "time": ago(hours=1), "result": "PASS",
                                         "agency": None if me else world.agency},
        "recordShipments": lambda me: {"eventId": new_key("S"), "product": new_key("P"),
                                       "receiver": world.shop, "time": ago(hours=1),
                                       "quantityKg": 1},
        "recordBatchTests": lambda me: {"eventId": new_key("T"), "product": new_key("P"),
                                        "time": ago(hours=1), "method": "酶抑制法",
                                        "result": "PASS"},
        "recordSales": lambda me: {"eventId": new_key("X"), "product": new_key("P"),
                                   "time": ago(hours=1), "quantityKg": 1},
        "reportIncidents": lambda me: {"incidentId": new_key("INC"), "time": ago(hours=1),
                                       "kind": "FIRE", "severity": "LOW", "location": "测试",
                                       "district": "350102", "involves": [f"Cylinder:{ghost}"]},
        "setCylinderStatus": lambda me: {"eventId": new_key("S"), "code": ghost,
                                         "status": "SEIZED", "reason": "测试",
                                         "time": ago(minutes=5)},
        "setEnterpriseLicences": lambda me: {"uscc": new_uscc(), "licenceNo": "L1",
                                             "licenceExpiry": "2030-01-01"},
        "setVehiclePermits": lambda me: {"plate": new_plate(), "permitNo": "P1",
                                         "permitExpiry": "2030-01-01"},
        "verifyPeople": lambda me: {"idNumber": new_id_number(), "verified": True},
    }  # fmt: skip


def _acting_enterprise(world: World, mutation: str) -> str:
    """The world's enterprise whose kind does what `mutation` records."""
    if mutation in ("registerProducts", "recordShipments"):
        return world.producer
    if mutation in ("recordBatchTests", "recordSales"):
        return world.market
    if mutation == "recordInspections":
        return world.agency
    return world.station


@pytest.fixture(scope="module")
async def world(client: httpx.AsyncClient, graph: Graph) -> AsyncIterator[World]:
    writer = Writer(client, f"t-policy-{secrets.token_hex(4)}")
    yield await World(writer).build()
    await forget(graph, writer.subject)


@pytest.mark.parametrize("role", sorted(ALLOWED))
@pytest.mark.parametrize("mutation", sorted(INPUTS))
async def test_the_write_policy_matrix(world: World, role: str, mutation: str) -> None:
    claims = {"enterprise": _acting_enterprise(world, mutation)} if role == "enterprise" else {}
    item = _samples(world)[mutation](claims.get("enterprise"))
    [result] = await world.w.results(mutation, [item], role, **claims)
    forbidden = "FORBIDDEN" in [c for _, c in codes(result)]
    assert forbidden is (mutation not in ALLOWED[role]), result


async def test_an_enterprise_registers_only_itself(world: World) -> None:
    [result] = await world.w.results(
        "registerEnterprises", [enterprise(new_uscc(), "RESTAURANT")], enterprise=world.station
    )
    assert codes(result) == [(None, "FORBIDDEN")]


async def test_an_inspection_agency_records_only_its_own_inspections(world: World) -> None:
    [code] = await world.cylinders(1)
    item = {"eventId": new_key("I"), "cylinder": code, "time": ago(hours=1), "result": "PASS",
            "agency": new_uscc()}  # fmt: skip
    [result] = await world.w.results("recordInspections", [item], enterprise=world.agency)
    assert codes(result) == [(None, "FORBIDDEN")]


async def test_an_enterprise_writes_only_what_its_kind_does(world: World) -> None:
    [code] = await world.cylinders(1)
    [result] = await world.w.results("recordFillings", [filling(code)], enterprise=world.shop)
    assert codes(result) == [(None, "FORBIDDEN")]


async def test_an_enterprise_token_bound_to_no_enterprise_writes_nothing(world: World) -> None:
    [code] = await world.cylinders(1)
    [result] = await world.w.results("recordFillings", [filling(code)])
    assert codes(result) == [(None, "FORBIDDEN")]


async def test_an_unregistered_enterprise_writes_nothing_but_its_own_registration(
    world: World,
) -> None:
    newcomer = new_uscc()
    [result] = await world.w.results("registerVehicles", [truck(new_plate())], enterprise=newcomer)
    assert codes(result) == [(None, "FORBIDDEN")]
    await world.w.ok("registerEnterprises", [enterprise(newcomer, "GAS_DISTRIBUTOR")],
                     enterprise=newcomer)  # fmt: skip
    await world.w.ok("registerVehicles", [truck(new_plate())], enterprise=newcomer)


async def test_writing_needs_the_graph_write_scope(world: World) -> None:
    for role, claims in (("market", {"scopes": "graph:read"}), (None, {})):
        body = await world.w.client.post(
            "/graphql",
            json={"query": "mutation { setCylinderStatus(items: []) { written } }"},
            headers={"X-Hub-Principal": f"role={role}; scopes={claims['scopes']}"}
            if role else {},
        )  # fmt: skip
        assert error_codes(body.json()) == ["FORBIDDEN"], body.text
