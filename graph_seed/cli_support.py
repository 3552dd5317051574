"""Small helpers the seed commands share: counting and migrating outside an open graph, and the
summary line of a load."""

from __future__ import annotations

from neo4j import AsyncManagedTransaction

from graph_seed.generate import Generation
from hub.config import Settings
from hub.graph.driver import graph_for, open_driver
from hub.graph.migrations import migrate
from hub.supervision.rollup import refresh


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


async def refresh_local(settings: Settings) -> float:
    """The supervision rollup over a graph loaded around the hub; returns its seconds."""
    driver = open_driver(settings)
    try:
        graph = graph_for(driver, settings).with_timeout(MIGRATE_TIMEOUT_S)
        report = await refresh(graph, force=True)  # loaded around the hub: no fingerprint sees it
        return report.seconds
    finally:
        await driver.close()


def summary(gen: Generation, seconds: float, loader: str) -> str:
    m = gen.manifest
    rows = sum(gen.node_counts.values()) + sum(gen.rel_counts.values())
    lines = [
        f"seed {gen.ctx.scale.name} (seed {gen.ctx.seed}, as of {gen.ctx.as_of}) by {loader}: "
        f"{rows:,} rows in {seconds:.1f} s ({rows / max(seconds, 1e-9):,.0f} rows/s)",
        "nodes: " + ", ".join(f"{k} {v:,}" for k, v in sorted(gen.node_counts.items())),
        "relationships: " + ", ".join(f"{k} {v:,}" for k, v in sorted(gen.rel_counts.items())),
        "planted: "
        + ", ".join(f"{k} {len(v):,} ({100 * m.share(k):.2f}%)" for k, v in m.planted.items()),
    ]
    return "\n".join(lines)
