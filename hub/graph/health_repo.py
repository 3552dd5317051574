"""The one statement readiness runs: is the database answering?"""

from __future__ import annotations

from neo4j import AsyncManagedTransaction


async def ping(tx: AsyncManagedTransaction) -> int:
    record = await (await tx.run("RETURN 1 AS ok")).single(strict=True)
    return int(record["ok"])
