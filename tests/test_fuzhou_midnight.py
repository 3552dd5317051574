"""The hub's day is Fuzhou's on both sides of its midnight, whatever the hour the suite runs at.

Two hubs over the same graph, their clocks pinned (HUB_CLOCK_PIN) at 23:30 on 30 June and at
00:30 on 1 July in Fuzhou. At 00:30 it is still 30 June in UTC, the database's zone: a hub that
took its day from Cypher's `date()`, or an event's day from the offset a client happened to send,
would judge the cylinder by yesterday.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from hub.app import create_app
from hub.clock import FUZHOU
from hub.config import Settings
from hub.graph.driver import Graph
from tests.audit_support import drop_chain
from tests.graphql import cypher, gql
from tests.ingest_support import World, Writer, codes, cylinder, forget, new_key

pytestmark = pytest.mark.neo4j

BEFORE = datetime(2026, 6, 30, 23, 30, tzinfo=FUZHOU)
AFTER = datetime(2026, 7, 1, 0, 30, tzinfo=FUZHOU)  # 2026-06-30T16:30Z
DUE_ON = "2026-06-30"  # inspected on 2022-06-30: due again four years on

CHECK = "query($c: String!) { verifyCylinder(code: $c) { verdict nextInspection } }"
TRACE = "query($c: String!) { traceCylinder(code: $c) { flags { kind date } } }"

CHAIN = f"t-midnight-{secrets.token_hex(4)}"  # their audit entries stay out of the main chain


async def _hub(make_client: Any, pin: datetime) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(hub_clock_pin=pin, hub_audit_chain=CHAIN)
    async for client in make_client(create_app(settings)):
        yield client


@pytest.fixture(scope="module")
async def before(make_client: Any) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _hub(make_client, BEFORE):
        yield client


@pytest.fixture(scope="module")
async def after(make_client: Any) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _hub(make_client, AFTER):
        yield client


@pytest.fixture(scope="module")
async def scene(before: httpx.AsyncClient, graph: Graph) -> AsyncIterator[tuple[World, str]]:
    """A station's cylinder last inspected on 2022-06-30, registered on the evening before."""
    writer = Writer(before, f"t-midnight-{secrets.token_hex(4)}")
    world = await World(writer).build()
    code = new_key("C")
    item = cylinder(code, world.maker, madeOn="2021-01-01", lastInspection="2022-06-30")
    await writer.ok("registerCylinders", [item], enterprise=world.station)
    yield world, code
    await forget(graph, writer.subject)
    await drop_chain(graph, CHAIN)


def _filling(code: str, world: World, time: str) -> dict[str, Any]:
    return {"eventId": new_key("F"), "cylinder": code, "time": time, "quantityKg": 14.9,
            "filler": world.filler}  # fmt: skip


async def _verdict(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    body = await gql(client, CHECK, None, {"c": code})
    check: dict[str, Any] = body["data"]["verifyCylinder"]
    return check


async def _flags(client: httpx.AsyncClient, code: str) -> list[dict[str, Any]]:
    body = await gql(client, TRACE, "market", {"c": code})
    flags: list[dict[str, Any]] = body["data"]["traceCylinder"]["flags"]
    return flags


async def test_at_23_30_the_cylinder_is_due_today_and_may_be_filled(
    scene: tuple[World, str], before: httpx.AsyncClient, graph: Graph
) -> None:
    world, code = scene
    rows = await cypher(
        graph,
        "MATCH (c:Cylinder {code: $code}) RETURN c.status AS status, "
        "toString(c.nextInspection) AS next, toString(c.registeredOn) AS registered",
        code=code,
    )
    assert rows == [{"status": "DUE", "next": DUE_ON, "registered": "2026-06-30"}]
    assert await _verdict(before, code) == {"verdict": "DUE", "nextInspection": DUE_ON}
    assert await _flags(before, code) == []
    item = _filling(code, world, "2026-06-30T23:20:00+08:00")
    await world.w.ok("recordFillings", [item], enterprise=world.station)


async def test_at_00_30_the_same_cylinder_is_overdue_everywhere(
    scene: tuple[World, str], after: httpx.AsyncClient, graph: Graph
) -> None:
    world, code = scene
    assert await _verdict(after, code) == {"verdict": "OVERDUE", "nextInspection": DUE_ON}
    assert await _flags(after, code) == [{"kind": "OVERDUE", "date": DUE_ON}]
    # 16:20 UTC is 00:20 in Fuzhou: the filling's day is 1 July, past the due date.
    late = Writer(after, world.w.subject)
    [refused] = await late.results(
        "recordFillings", [_filling(code, world, "2026-06-30T16:20:00Z")], enterprise=world.station
    )
    assert (refused["ok"], codes(refused)) == (False, [("cylinder", "CYLINDER_OVERDUE")])


async def test_an_inspection_at_00_25_is_dated_1_july_and_clears_the_cylinder(
    scene: tuple[World, str], after: httpx.AsyncClient, graph: Graph
) -> None:
    world, code = scene
    late = Writer(after, world.w.subject)
    inspection = {"eventId": new_key("I"), "cylinder": code, "time": "2026-06-30T16:25:00Z",
                  "result": "PASS"}  # fmt: skip
    await late.ok("recordInspections", [inspection], enterprise=world.agency)
    rows = await cypher(
        graph,
        "MATCH (c:Cylinder {code: $code})<-[:OF]-(i:Inspection {eventId: $id}) "
        "RETURN toString(c.lastInspection) AS last, toString(c.nextInspection) AS next, "
        "c.status AS status, toString(i.time) AS time",
        code=code,
        id=inspection["eventId"],
    )
    assert rows == [{"last": "2026-07-01", "next": "2030-07-01", "status": "IN_SERVICE",
                     "time": "2026-07-01T00:25:00+08:00"}]  # fmt: skip
    assert await _verdict(after, code) == {"verdict": "VALID", "nextInspection": "2030-07-01"}
    assert await _flags(after, code) == []
    await late.ok(
        "recordFillings", [_filling(code, world, "2026-07-01T00:28:00+08:00")],
        enterprise=world.station,
    )  # fmt: skip


async def test_every_time_the_hub_stores_carries_fuzhous_offset(
    scene: tuple[World, str], graph: Graph
) -> None:
    world, _ = scene
    rows = await cypher(
        graph,
        "MATCH (n {recordedBy: $by}) WITH DISTINCT right(toString(n.recordedAt), 6) AS zone "
        "RETURN collect(zone) AS zones",
        by=world.w.subject,
    )
    assert rows == [{"zones": ["+08:00"]}]
