"""The deadline never cancels the driver mid-connect.

Neo4j's async driver drops the raw socket unclosed when a cancellation lands while it opens a
connection, so `Graph` answers a request past its deadline at once and leaves the driver's
work to end by its own bounds (hub.graph.driver). Here every read starts on a fresh driver,
so each one opens a connection, under deadlines short enough to fall inside the connect.
"""

from __future__ import annotations

import asyncio
import gc
import sys
from typing import Any

import pytest
from neo4j import AsyncManagedTransaction

from hub import deadline
from hub.config import Settings
from hub.graph.driver import graph_for, open_driver, settle

pytestmark = pytest.mark.neo4j

# From well inside the TCP connect to past the whole handshake, on loopback.
BUDGETS_S = [i / 20_000 for i in range(1, 41)]


async def _one(tx: AsyncManagedTransaction) -> int:
    record = await (await tx.run("RETURN 1 AS one")).single(strict=True)
    return int(record["one"])


async def test_reads_past_a_deadline_during_connect_leave_no_socket_unclosed(
    settings: Settings,
) -> None:
    unraisable: list[str] = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda u: unraisable.append(f"{u.exc_type.__name__}: {u.exc_value}")
    outcomes: dict[str, int] = {"answered": 0, "past the deadline": 0}
    try:
        for budget in BUDGETS_S:
            driver = open_driver(settings)
            graph = graph_for(driver, settings)

            async def read(graph: Any = graph, budget: float = budget) -> None:
                with deadline.bounded(budget):
                    try:
                        assert await graph.read(_one) == 1
                        outcomes["answered"] += 1
                    except deadline.DeadlineExceeded:
                        outcomes["past the deadline"] += 1

            await asyncio.gather(*(read() for _ in range(4)))
            await settle()
            await driver.close()
        gc.collect()
    finally:
        sys.unraisablehook = previous
    assert outcomes["past the deadline"] > 0, outcomes  # the deadlines did fall mid-work
    assert unraisable == [], unraisable[:3]
