"""recordFillings judged inside its write statement (hub/ingest/folded.py) answers and writes
exactly what the classic pipeline (one read, the Python judge, then the write) does, refusal by
refusal; and should the two ever disagree, the batch is run the classic way."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from neo4j import AsyncDriver

from hub.access.principal import Principal, Role
from hub.access.write_policy import Write, grant_for
from hub.graph import ingest_fold_repo
from hub.graph.driver import Graph
from hub.ingest import batch, folded
from hub.ingest.fields import Moment
from hub.ingest.specs import SPECS
from tests.ingest_support import (
    HUB_CLOCK,
    World,
    Writer,
    ago,
    codes,
    filling,
    forget,
    fuzhou_day,
    new_id_number,
    new_key,
)

pytestmark = pytest.mark.neo4j

FILLINGS = SPECS[Write.RECORD_FILLINGS]
WRITTEN = """MATCH (f:Filling)-[r]->(t) WHERE f.eventId IN $keys
RETURN f.eventId AS key, type(r) AS rel, coalesce(t.code, t.uscc, t.idNumber) AS target,
  properties(f) AS props ORDER BY key, rel"""


@pytest.fixture(scope="module")
async def world(client: httpx.AsyncClient, graph: Graph) -> AsyncIterator[World]:
    writer = Writer(client, f"t-folded-{secrets.token_hex(4)}")
    yield await World(writer).build()
    await forget(graph, writer.subject)


async def _set_status(world: World, code: str, status: str) -> None:
    item = {"eventId": new_key("S"), "code": code, "status": status, "reason": "测试",
            "time": ago(minutes=1)}  # fmt: skip
    await world.w.ok("setCylinderStatus", [item], "market")


async def _mixed_batch(world: World) -> list[dict[str, Any]]:
    """One item for each way a filling can go, against the world's committed state."""
    ok, seized, scrapped, filled, refilled = await world.cylinders(5)
    five_years_ago = (HUB_CLOCK.today() - timedelta(days=5 * 365)).isoformat()
    [overdue] = await world.cylinders(1, madeOn=five_years_ago)
    [theirs] = await world.cylinders(1, station=world.other_station)
    await _set_status(world, seized, "SEIZED")
    await _set_status(world, scrapped, "SCRAPPED")
    earlier, conflicting = filling(filled), filling(refilled)
    await world.w.ok("recordFillings", [earlier, conflicting], enterprise=world.station)
    await _set_status(world, filled, "SEIZED")  # a replay is a replay, whatever came since
    return [
        filling(ok),
        filling(ok, filler=world.filler),
        filling(ok, filler=world.driver),  # employed, not a filler
        filling(ok, filler=new_id_number()),  # nobody the graph knows
        filling(theirs),
        filling(new_key("C")),
        filling(overdue),
        filling(seized),
        filling(scrapped),
        earlier,
        conflicting | {"quantityKg": 11.0},
    ]


Judged = tuple[list[tuple[Any, ...]], list[dict[str, Any]]]


async def _both_ways(
    driver: AsyncDriver, graph: Graph, principal: Principal, raw: list[dict[str, Any]]
) -> Judged:
    """The batch judged in the statement and the classic way, at one moment: the same."""
    moment = Moment(HUB_CLOCK.now(), timedelta(seconds=60))  # the same recordedAt both ways
    in_statement = await _judged(driver, graph, principal, raw, moment, fold=True)
    assert in_statement == await _judged(driver, graph, principal, raw, moment, fold=False)
    return in_statement


async def _judged(
    driver: AsyncDriver,
    graph: Graph,
    principal: Principal,
    raw: list[dict[str, Any]],
    moment: Moment,
    fold: bool,
) -> Judged:
    """The batch's per-item outcome and what it wrote, in a transaction rolled back after."""
    grant = grant_for(Write.RECORD_FILLINGS, principal.role)
    assert grant is not None
    items = [batch._prepare(FILLINGS, principal, moment, i, r) for i, r in enumerate(raw)]
    async with driver.session(database=graph.database) as session:
        tx = await session.begin_transaction()
        try:
            judged = await batch._write_batch(  # an explicit transaction, to roll back
                tx,  # type: ignore[arg-type]
                FILLINGS,
                grant,
                principal,
                moment,
                items,
                None,
                True,
                fold,
            )
            keys = [r["eventId"] for r in raw]
            written = [r.data() async for r in await tx.run(WRITTEN, keys=keys)]
        finally:
            await tx.rollback()
    outcome = [(i.index, i.ok, i.replayed, [(e.field, e.code, e.message) for e in i.errors])
               for i in judged]  # fmt: skip
    return outcome, written


async def test_a_folded_batch_answers_and_writes_as_the_classic_pipeline(
    world: World, driver: AsyncDriver, graph: Graph
) -> None:
    raw = await _mixed_batch(world)
    principal = Principal(world.w.subject, Role.ENTERPRISE, enterprise=world.station)
    assert folded.applies(FILLINGS, principal)
    outcome, written = await _both_ways(driver, graph, principal, raw)
    answers = [(ok, again, [(f, c) for f, c, _ in errors]) for _, ok, again, errors in outcome]
    assert answers == [
        (True, False, []),
        (True, False, []),
        (False, False, [("filler", "FILLER_NOT_CERTIFIED")]),
        (False, False, [("filler", "NOT_FOUND")]),
        (False, False, [("cylinder", "NOT_OWNER")]),
        (False, False, [("cylinder", "CYLINDER_UNREGISTERED")]),
        (False, False, [("cylinder", "CYLINDER_OVERDUE")]),
        (False, False, [("cylinder", "CYLINDER_SEIZED")]),
        (False, False, [("cylinder", "CYLINDER_SCRAPPED")]),
        (True, True, []),
        (False, False, [("eventId", "CONFLICT")]),
    ]  # fmt: skip
    key = raw[1]["eventId"]
    assert {(w["key"], w["rel"], w["target"]) for w in written if w["key"] == key} == {
        (raw[1]["eventId"], "OF", raw[1]["cylinder"]),
        (raw[1]["eventId"], "AT", world.station),
        (raw[1]["eventId"], "BY", world.filler),
    }  # fmt: skip


async def test_a_station_of_the_wrong_kind_is_refused_inside_the_statement(
    world: World, driver: AsyncDriver, graph: Graph
) -> None:
    [code] = await world.cylinders(1)
    raw = [filling(code)]
    market = Principal(world.w.subject, Role.ENTERPRISE, enterprise=world.market)
    in_statement = await _both_ways(driver, graph, market, raw)
    [(_, ok, _, errors)] = in_statement[0]
    assert not ok
    assert [c for _, c, _ in errors] == ["FORBIDDEN"]
    assert in_statement[1] == []


async def test_a_filling_on_the_day_its_cylinder_is_scrapped_is_refused_inside_the_statement(
    world: World, driver: AsyncDriver, graph: Graph
) -> None:
    [code] = await world.cylinders(1)
    time = ago(minutes=1)
    await driver.execute_query(
        "MATCH (c:Cylinder {code: $code}) SET c.scrapDate = $day",
        code=code,
        day=fuzhou_day(time),
        database_=graph.database,
    )
    raw = [filling(code, time=time)]
    principal = Principal(world.w.subject, Role.ENTERPRISE, enterprise=world.station)
    in_statement = await _both_ways(driver, graph, principal, raw)
    assert [c for _, c, _ in in_statement[0][0][3]] == ["CYLINDER_SCRAPPED"]


async def test_a_disagreement_rolls_back_and_the_classic_way_decides(
    world: World, driver: AsyncDriver, graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were the statement to refuse what the rules accept, nothing it wrote stays, and the batch
    is judged and written the classic way."""
    real = ingest_fold_repo.record_fillings
    calls: list[int] = []

    async def refusing(tx: Any, reader: Any, rows: list[dict[str, Any]], *args: Any) -> Any:
        calls.append(len(rows))  # the first row written, the others refused: as no rule says
        rows = rows[:1] + [r | {"cylinder": "no-such-" + r["cylinder"]} for r in rows[1:]]
        return await real(tx, reader, rows, *args)

    monkeypatch.setattr(ingest_fold_repo, "record_fillings", refusing)
    items = [filling(code) for code in await world.cylinders(3)]
    results = await world.w.results("recordFillings", items, enterprise=world.station)
    assert calls == [3]
    assert [(r["ok"], r["replayed"], codes(r)) for r in results] == [(True, False, [])] * 3
    rows = await driver.execute_query(
        "MATCH (f:Filling)-[:OF]->(c:Cylinder) WHERE f.eventId IN $keys RETURN count(*) AS n",
        keys=[i["eventId"] for i in items],
        database_=graph.database,
    )
    assert rows.records[0]["n"] == 3
