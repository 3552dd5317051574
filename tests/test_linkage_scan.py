"""The scheduled scan: statuses follow the hub clock's today, each scan rule raises its alert
routed as the rule table says (a notice to the enterprise concerned), a second scan counts
instead of repeating, and the lease lets one replica run it."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from graph_seed.generate import Generation
from hub.graph import lease_repo
from hub.graph.driver import Graph
from hub.linkage.rules import RULES_BY_ID
from hub.linkage.scan import LEASE, SCANNER, scan
from tests.graphql import cypher, gql
from tests.ingest_support import HUB_CLOCK, World, Writer, ago, forget, new_key, new_plate, truck

pytestmark = pytest.mark.neo4j


async def _write(graph: Graph, query: Any, **params: Any) -> None:
    async def work(tx: Any) -> None:
        await (await tx.run(query, **params)).consume()

    await graph.write(work)


@pytest.fixture(scope="module")
async def world(client: httpx.AsyncClient, graph: Graph) -> AsyncIterator[World]:
    writer = Writer(client, f"t-scan-{secrets.token_hex(4)}")
    yield await World(writer).build()
    await _write(
        graph,
        "MATCH (a:Alert {recordedBy: $scanner})-[:ABOUT]->(n {recordedBy: $by}) DETACH DELETE a",
        scanner=SCANNER,
        by=writer.subject,
    )
    await forget(graph, writer.subject)


async def _rules_about(graph: Graph, label: str, key_prop: str, key: str) -> dict[str, Any]:
    rows = await cypher(
        graph,
        "MATCH (a:Alert)-[:ABOUT]->(n) WHERE $label IN labels(n) AND n[$prop] = $key "
        "RETURN a.rule AS rule, a.id AS id, a.occurrences AS occurrences, "
        "a.enterprise AS enterprise, a.departments AS departments",
        label=label,
        prop=key_prop,
        key=key,
    )
    return {r["rule"]: r for r in rows}


async def test_the_scan_updates_statuses_and_raises_each_rule_once(
    world: World, client: httpx.AsyncClient, graph: Graph
) -> None:
    today = HUB_CLOCK.today()
    due, overdue = await world.cylinders(2)
    plate, expiry = new_plate(), (today + timedelta(days=5)).isoformat()
    await world.w.ok("registerVehicles", [truck(plate, permitExpiry=expiry)],
                     enterprise=world.station)  # fmt: skip
    await world.w.ok("recordDeliveries", [world.delivery(due, vehicle=plate)],
                     enterprise=world.station)  # fmt: skip
    await world.w.ok("recordDeliveries", [world.delivery(overdue)], enterprise=world.station)
    # Time has passed since they were registered: one is due in 10 days, one was due yesterday.
    await _write(
        graph,
        "MATCH (c:Cylinder {code: $due}) SET c.nextInspection = $soon "
        "WITH 1 AS x MATCH (c:Cylinder {code: $overdue}) SET c.nextInspection = $past",
        due=due, overdue=overdue, soon=today + timedelta(days=10), past=today - timedelta(days=1),
    )  # fmt: skip
    product = await world.product()
    await world.w.ok("recordShipments", [{"eventId": new_key("S"), "product": product,
                     "receiver": world.market, "time": ago(hours=5), "quantityKg": 50}],
                     enterprise=world.producer)  # fmt: skip
    await world.w.ok("recordBatchTests", [{"eventId": new_key("T"), "product": product,
                     "time": ago(hours=4), "method": "胶体金", "result": "FAIL"}],
                     enterprise=world.market)  # fmt: skip

    report = await scan(graph)
    assert report.ran
    assert report.statuses_changed >= 2
    statuses = await cypher(
        graph, "MATCH (c:Cylinder) WHERE c.code IN $codes RETURN c.code AS code, c.status AS s",
        codes=[due, overdue],
    )  # fmt: skip
    assert {r["code"]: r["s"] for r in statuses} == {due: "DUE", overdue: "OVERDUE"}

    notice = (await _rules_about(graph, "Cylinder", "code", due))["CYLINDER_DUE_SOON"]
    assert notice["enterprise"] == world.station
    assert notice["departments"] == []
    placed = (await _rules_about(graph, "Cylinder", "code", overdue))["OVERDUE_AT_HOUSEHOLD"]
    assert sorted(placed["departments"]) == ["housing", "market"]
    permit = (await _rules_about(graph, "Vehicle", "plate", plate))["PERMIT_EXPIRING_IN_USE"]
    assert permit["departments"] == ["transport"]
    assert permit["enterprise"] == world.station
    recall = (await _rules_about(graph, "Product", "traceCode", product))["RECALL_DOWNSTREAM"]
    assert recall["enterprise"] == world.market
    assert recall["departments"] == ["market"]

    # The station reads its notice; another enterprise and the market do not.
    query = "query($id: ID!) { node(id: $id) { ... on Alert { rule enterprise } } }"
    gid = {"id": "Alert:" + notice["id"]}
    mine = await gql(client, query, "enterprise", gid, enterprise=world.station)
    assert mine["data"]["node"] == {"rule": "CYLINDER_DUE_SOON", "enterprise": world.station}
    other = await gql(client, query, "enterprise", gid, enterprise=world.other_station)
    assert other["data"]["node"] is None
    assert (await gql(client, query, "market", gid))["data"]["node"] is None

    # The next scan counts on the open alerts instead of raising new ones.
    await scan(graph)
    again = (await _rules_about(graph, "Cylinder", "code", due))["CYLINDER_DUE_SOON"]
    assert again["id"] == notice["id"]
    assert again["occurrences"] == 2


async def test_one_replica_runs_the_scan(graph: Graph) -> None:
    now = graph.clock.now()

    async def hold(tx: Any) -> bool:
        return await lease_repo.take(tx, LEASE, "another-replica", now, now + timedelta(minutes=5))

    assert await graph.write(hold)
    try:
        assert (await scan(graph, me="this-replica")).ran is False
    finally:
        await _write(graph, "MATCH (l:Lease {name: $name}) SET l.holder = null", name=LEASE)
    first, second = await asyncio.gather(scan(graph, me="a"), scan(graph, me="b"))
    assert [first.ran, second.ran].count(True) >= 1
    assert (await scan(graph, me="c")).ran  # released when done
    # On the schedule, a replica whose turn comes just after another's completed scan skips it;
    # once the interval has passed (here: none), it scans again.
    scheduled = timedelta(hours=21.6)
    assert (await scan(graph, me="d", unless_done_within=scheduled)).ran is False
    assert (await scan(graph, me="d", unless_done_within=timedelta(0))).ran


# The rule each planted kind of the seed breaks, had it come through the hub.
PLANTED_RULES = {
    "overdue_filling": "FILL_OVERDUE",
    "foreign_filling": "FILL_NOT_OWNER",
    "expired_permit_delivery": "DELIVERY_PERMIT",
    "unregistered_household_delivery": "DELIVERY_UNREGISTERED",
    "failed_batch_shipped": "FAILED_BATCH_SHIPPED",
}


async def test_the_scan_alerts_on_every_breach_planted_in_the_seed_once(
    tiny_seed: Generation, graph: Graph
) -> None:
    assert set(PLANTED_RULES) == set(tiny_seed.manifest.planted)
    await scan(graph)
    await scan(graph)  # a second scan counts on the open alerts instead of raising new ones
    for kind, rule in PLANTED_RULES.items():
        for key in tiny_seed.manifest.planted[kind]:
            rows = await cypher(
                graph,
                "MATCH (a:Alert {rule: $rule})-[:ABOUT]->(e {eventId: $key}) "
                "RETURN a.departments AS departments, a.occurrences >= 2 AS counted",
                rule=rule, key=key,
            )  # fmt: skip
            departments = sorted(r.value for r in RULES_BY_ID[rule].departments)
            assert rows == [{"departments": departments, "counted": True}], (kind, key)
