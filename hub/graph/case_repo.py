"""Every statement about `:Case`, the explorer's saved scenes. Each one is matched by its
department as well as its id, so a case of another department answers like a missing one."""

from __future__ import annotations

from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from hub.graph.driver import fetch_all

Record = dict[str, Any]

_CASE: LiteralString = (
    "c {caseId: c.id, department: c.department, title: c.title, purpose: c.purpose, "
    "notes: c.notes, scene: c.scene, createdBy: c.createdBy, createdAt: c.createdAt, "
    "updatedBy: c.updatedBy, updatedAt: c.updatedAt}"
)


async def create(tx: AsyncManagedTransaction, case: Record) -> Record:
    """`case`: id, department, title, purpose, notes, scene, by, now."""
    result = await tx.run(
        "CREATE (c:Case {id: $id, department: $department, title: $title, purpose: $purpose, "
        "notes: $notes, scene: $scene, createdBy: $by, createdAt: $now, updatedBy: $by, "
        "updatedAt: $now}) RETURN " + _CASE + " AS case",
        case,
    )
    record = await result.single(strict=True)
    return dict(record["case"])


async def update(tx: AsyncManagedTransaction, case: Record) -> Record | None:
    """The case `id` of `department` with new contents; None when it has no such case."""
    result = await tx.run(
        "MATCH (c:Case {id: $id}) WHERE c.department = $department "
        "SET c.title = $title, c.purpose = $purpose, c.notes = $notes, c.scene = $scene, "
        "c.updatedBy = $by, c.updatedAt = $now RETURN " + _CASE + " AS case",
        case,
    )
    record = await result.single(strict=False)
    return None if record is None else dict(record["case"])


async def one(tx: AsyncManagedTransaction, case_id: str, department: str) -> Record | None:
    result = await tx.run(
        "MATCH (c:Case {id: $id}) WHERE c.department = $department RETURN " + _CASE + " AS case",
        id=case_id,
        department=department,
    )
    record = await result.single(strict=False)
    return None if record is None else dict(record["case"])


async def of_department(tx: AsyncManagedTransaction, department: str, limit: int) -> list[Record]:
    """The department's cases, last saved first."""
    rows = await fetch_all(
        tx,
        "MATCH (c:Case) WHERE c.department = $department "
        "RETURN " + _CASE + " AS case ORDER BY c.updatedAt DESC, c.id LIMIT $limit",
        department=department,
        limit=limit,
    )
    return [dict(r["case"]) for r in rows]
