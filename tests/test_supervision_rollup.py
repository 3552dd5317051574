"""The supervision rollup answers what the live statements answer: every rolled-up figure, at
every level, over windows that start and end inside a month, on two different todays, for a
caller with no row rules and for a district-bound one; and a write to the graph is counted by
the next refresh."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, LiteralString

import pytest
from neo4j import AsyncManagedTransaction

from graph_seed.generate import Generation
from hub.access.principal import Principal, Role
from hub.clock import FUZHOU
from hub.graph import supervision_repo as repo
from hub.graph import supervision_rollup_repo as rollup_repo
from hub.graph.driver import Graph
from hub.resolvers.supervision import ROLLED, _params, fold, request, rolled_up, statement
from hub.supervision.rollup import Keeper, refresh
from tests.graphql import cypher

WINDOWS = ((date(2024, 1, 1), date(2026, 11, 30)), (date(2026, 3, 15), date(2026, 8, 20)))
TODAYS = (date(2026, 11, 1), date(2026, 6, 15))


def _normal(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r | {"months": sorted(r["months"], key=lambda m: m["month"])} for r in rows]


async def _areas(graph: Graph) -> tuple[str, str]:
    [top] = await cypher(
        graph,
        "MATCH (h:Household) WITH h.district AS d, count(*) AS n ORDER BY n DESC, d LIMIT 1"
        " MATCH (h:Household {district: d}) WITH d, h.street AS s, count(*) AS n"
        " ORDER BY n DESC, s LIMIT 1 RETURN d, s",
    )
    return top["d"], top["s"]


@pytest.mark.parametrize("bound", [False, True], ids=["city-wide", "district-bound"])
async def test_every_rolled_up_figure_is_what_the_live_statement_counts(
    graph: Graph, tiny_seed: Generation, bound: bool
) -> None:
    # Forced: other tests write around the hub (raw Cypher), which the fingerprint cannot see.
    await refresh(graph, force=True)
    current = await graph.read(rollup_repo.current)
    assert current is not None
    district, street = await _areas(graph)
    principal = Principal("t-rollup", Role.MARKET, district=district if bound else None)
    compared = 0
    for level, area in (("CITY", None), ("DISTRICT", district), ("STREET", f"{district}/{street}")):
        for since, until in WINDOWS:
            for today in TODAYS:
                req = request(level, area, since, until, today)
                for name in ROLLED:
                    if not rolled_up(principal, name):
                        continue
                    live = await graph.read(
                        repo.run, statement(name, level, principal), _params(principal, req, today)
                    )
                    scope = principal.district or req.district
                    found = await graph.read(rollup_repo.cells, current["gen"], ROLLED[name], scope)
                    cells = [r["cell"] for r in found]
                    folded = fold(name, cells, req, today, principal.district)
                    assert _normal(folded) == _normal(live), (name, level, since, today)
                    compared += bool(live)
    assert compared > 20


async def test_a_write_is_counted_by_the_next_refresh(graph: Graph, tiny_seed: Generation) -> None:
    await refresh(graph)
    before = await graph.read(rollup_repo.current)
    assert (await refresh(graph)).reason == "unchanged"
    [row] = await cypher(
        graph, "MATCH (h:Household) WHERE h.updatedAt IS NULL RETURN h.id AS id ORDER BY id LIMIT 1"
    )
    await _write(graph, "MATCH (h:Household {id: $id}) SET h.updatedAt = $at", id=row["id"],
                 at=datetime(2031, 1, 1, tzinfo=FUZHOU))  # fmt: skip
    try:
        report = await refresh(graph)
        assert report.ran
        after = await graph.read(rollup_repo.current)
        assert before is not None
        assert after is not None
        assert after["gen"] != before["gen"]
    finally:
        await _write(graph, "MATCH (h:Household {id: $id}) REMOVE h.updatedAt", id=row["id"])


async def test_a_process_first_question_counts_what_the_fingerprint_cannot_see(
    graph: Graph, tiny_seed: Generation
) -> None:
    await refresh(graph, force=True)
    before = await graph.read(rollup_repo.current)
    assert before is not None
    [row] = await cypher(
        graph,
        "MATCH (c:Cylinder) WHERE c.updatedAt IS NULL RETURN c.code AS code, "
        "c.nextInspection AS next ORDER BY code LIMIT 1",
    )
    # Set around the hub, with no `updatedAt`: the counts and the stamps stay as they were.
    await _write(graph, "MATCH (c:Cylinder {code: $code}) SET c.nextInspection = $next",
                 code=row["code"], next=date(2020, 1, 1))  # fmt: skip
    try:
        assert (await refresh(graph)).reason == "unchanged"
        after = await Keeper(graph).current(wait_s=60)
        assert after is not None
        assert after["gen"] != before["gen"]
    finally:
        await _write(graph, "MATCH (c:Cylinder {code: $code}) SET c.nextInspection = $next",
                     code=row["code"], next=row["next"])  # fmt: skip
        await refresh(graph, force=True)


async def _write(graph: Graph, query: LiteralString, **params: Any) -> None:
    async def work(tx: AsyncManagedTransaction) -> None:
        await (await tx.run(query, **params)).consume()

    await graph.write(work)
