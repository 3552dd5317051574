"""Small graph helpers the seed command needs (counting, migrating) outside an open graph."""

from __future__ import annotations

from neo4j import AsyncManagedTransaction

from hub.config import Settings
from hub.graph.driver import graph_for, open_driver
from hub.graph.migrations import migrate


async def _counts(tx: AsyncManagedTransaction) -> tuple[int, int]:
    record = await (
        await tx.run("MATCH (n) RETURN count(n) AS nodes, count(n:Cylinder) AS cylinders")
    ).single()
    return (int(record["nodes"]), int(record["cylinders"])) if record else (0, 0)


async def count_nodes_and_cylinders(settings: Settings) -> tuple[int, int]:
    driver = open_driver(settings)
    try:
        return await graph_for(driver, settings).read(_counts)
    finally:
        await driver.close()


# Building the indexes of a freshly imported city takes minutes, not the API's 10 seconds.
MIGRATE_TIMEOUT_S = 1800.0


async def migrate_local(settings: Settings) -> int:
    driver = open_driver(settings)
    try:
        return await migrate(graph_for(driver, settings).with_timeout(MIGRATE_TIMEOUT_S))
    finally:
        await driver.close()
