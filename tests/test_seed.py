"""graph_seed: a deterministic synthetic Fuzhou whose rules hold, with its planted violations."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from neo4j import AsyncManagedTransaction

from graph_seed.checks import run_checks
from graph_seed.cylinders import scrap_date, status_for
from graph_seed.generate import Generation, generation, run_dry
from graph_seed.loader import load
from graph_seed.violations import KINDS
from hub.clock import FUZHOU, Clock
from hub.graph.driver import Graph
from hub.identifiers import check_mobile, check_plate, check_resident_id, check_uscc
from hub.linkage.scan import scan

AS_OF = date(2026, 11, 1)


def _digest(scale: str, seed: int) -> str:
    return run_dry(generation(scale, seed)).digest


def test_the_same_seed_gives_the_same_graph_byte_for_byte() -> None:
    assert _digest("tiny", 7) == _digest("tiny", 7)


def test_another_seed_gives_another_graph() -> None:
    assert _digest("tiny", 7) != _digest("tiny", 8)


def test_every_generated_identifier_validates() -> None:
    gen = generation("tiny", 11)
    for _, _, chunk in gen.chunks():
        for row in chunk.nodes.get("Enterprise", []):
            assert check_uscc(row["uscc"]) is None, row
        for row in chunk.nodes.get("Person", []):
            assert check_resident_id(row["idNumber"], AS_OF) is None, row
            assert check_mobile(row["phone"]) is None, row
        for row in chunk.nodes.get("Vehicle", []):
            assert check_plate(row["plate"]) is None, row


def test_even_the_tiny_scale_plants_every_kind_of_violation_at_a_small_share() -> None:
    manifest = run_dry(generation("tiny", 7))
    for kind in KINDS:
        assert manifest.planted[kind], kind
        assert 0 < manifest.share(kind) < 0.05, kind


def test_most_lpg_households_are_in_the_counties() -> None:
    gen = generation("small", 7)
    run_dry(gen)
    urban = {"350102", "350103", "350104", "350105", "350111"}
    outside = sum(1 for home in gen.ctx.homes if home.district not in urban)
    assert outside / len(gen.ctx.homes) > 0.6


def test_restaurants_have_several_cylinders() -> None:
    gen = generation("tiny", 7)
    run_dry(gen)
    commercial = [home for home in gen.ctx.homes if home.commercial]
    assert commercial
    assert all(3 <= home.cylinders <= 10 for home in commercial)


@pytest.mark.parametrize(
    ("next_inspection", "scrap", "seized", "expected"),
    [
        (date(2027, 6, 1), date(2030, 1, 1), False, "IN_SERVICE"),
        (date(2026, 11, 20), date(2030, 1, 1), False, "DUE"),
        (date(2026, 10, 31), date(2030, 1, 1), False, "OVERDUE"),
        (date(2027, 6, 1), date(2026, 11, 1), False, "SCRAPPED"),
        (date(2027, 6, 1), date(2030, 1, 1), True, "SEIZED"),
    ],
)
def test_cylinder_status_follows_its_dates(
    next_inspection: date, scrap: date, seized: bool, expected: str
) -> None:
    assert status_for(AS_OF, next_inspection, scrap, seized) == expected


def test_cylinders_made_before_gb5842_2006_are_scrapped_at_15_years_later_ones_at_12() -> None:
    assert scrap_date(date(2006, 5, 1)) == date(2021, 5, 1)
    assert scrap_date(date(2010, 5, 1)) == date(2022, 5, 1)


# --- against the real Neo4j (the tiny graph) ---------------------------------------------------


async def _seeded_counts(tx: AsyncManagedTransaction) -> tuple[int, int]:
    record = await (
        await tx.run(
            "MATCH (n {recordedBy: 'graph_seed'}) "
            "RETURN count(n) AS nodes, sum(COUNT { (n)-->({recordedBy: 'graph_seed'}) }) AS rels"
        )
    ).single()
    assert record is not None
    return int(record["nodes"]), int(record["rels"])


@pytest.mark.neo4j
async def test_the_tiny_graph_keeps_every_rule_and_holds_exactly_the_planted_violations(
    tiny_seed: Generation, graph: Graph
) -> None:
    planted = {kind: set(keys) for kind, keys in tiny_seed.manifest.planted.items()}
    lines: list[str] = []
    failed = await run_checks(graph, AS_OF, planted, lines.append)
    assert failed == [], "\n".join(lines)


@pytest.mark.neo4j
async def test_the_check_notices_a_violation_that_was_not_planted(
    tiny_seed: Generation, graph: Graph
) -> None:
    planted = {kind: set(keys) for kind, keys in tiny_seed.manifest.planted.items()}
    planted["foreign_filling"] = set()  # as if the one planted were an accident
    lines: list[str] = []
    failed = await run_checks(graph, AS_OF, planted, lines.append)
    assert failed == ["filling at a station that does not own the cylinder"]


@pytest.mark.neo4j
async def test_loading_the_same_seed_again_adds_nothing(
    tiny_seed: Generation, graph: Graph
) -> None:
    before = await graph.read(_seeded_counts)
    await load(graph, generation("tiny", 7), quiet=True)
    after = await graph.read(_seeded_counts)
    expected_nodes = sum(tiny_seed.node_counts.values())
    assert before == after
    assert after[0] >= expected_nodes


@pytest.mark.neo4j
async def test_a_later_scan_then_a_reload_keep_every_rule(
    tiny_seed: Generation, graph: Graph
) -> None:
    # A month after the seed's as-of date the hub's scan moves statuses on (due, overdue,
    # scrapped, and a scrapped cylinder stands nowhere). The check judges each status by the day
    # it was set, and loading the seed again must not put back what the scan changed.
    month_later = replace(graph, clock=Clock(datetime(2026, 12, 1, 9, 0, tzinfo=FUZHOU)))
    report = await scan(month_later)
    assert report.ran
    assert report.statuses_changed > 0
    before = await graph.read(_seeded_counts)
    await load(graph, generation("tiny", 7), quiet=True)
    assert await graph.read(_seeded_counts) == before
    planted = {kind: set(keys) for kind, keys in tiny_seed.manifest.planted.items()}
    lines: list[str] = []
    failed = await run_checks(graph, AS_OF, planted, lines.append)
    assert failed == [], "\n".join(lines)
