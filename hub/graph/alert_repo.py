"""Every Cypher statement about alerts: raising (a new alert, or one more occurrence of the open
one on the same rule and thing), and the transitions OPEN -> ACKNOWLEDGED -> RESOLVED /
DISMISSED, each appended to the alert's history with who and when.

An open alert carries `openKey` (rule | label:key of its subject) under a uniqueness constraint:
raising MERGEs on it, so two transactions firing the same rule on the same thing at once make one
alert, and resolving removes it, so the next firing opens a new one. Raising runs inside the
caller's transaction (the write batch's, the scan's).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, LiteralString, cast

from neo4j import AsyncManagedTransaction

from hub.graph.migrations import NATURAL_KEYS

# The labels an alert may be ABOUT: a row's `about` names keys of each (hub/linkage/firing.py).
ABOUT_LABELS = (
    "Cylinder", "Household", "Person", "Vehicle", "Enterprise", "Product",
    "Filling", "Delivery", "Shipment", "Incident", "Tip", "PlatformShop", "Notice",
)  # fmt: skip


# An incident's cylinders bring their owner station, last filling and last delivery along.
_ATTACH: LiteralString = (
    "UNWIND $ids AS id MATCH (a:Alert {id: id})-[:ABOUT]->(c:Cylinder) "
    "CALL { WITH c MATCH (c)-[:OWNED_BY]->(o:Enterprise) RETURN collect(o) AS owners } "
    "CALL { WITH c OPTIONAL MATCH (f:Filling)-[:OF]->(c) RETURN f ORDER BY f.time DESC LIMIT 1 } "
    "CALL { WITH c OPTIONAL MATCH (d:Delivery)-[:OF]->(c) RETURN d ORDER BY d.time DESC LIMIT 1 } "
    "WITH a, [x IN owners + [f, d] WHERE x IS NOT NULL] AS extra "
    "UNWIND extra AS x MERGE (a)-[:ABOUT]->(x)"
)

_RAISE: LiteralString = (
    "UNWIND $rows AS row "
    "MERGE (a:Alert {openKey: row.openKey}) "
    "ON CREATE SET a.id = randomUUID(), a.rule = row.rule, a.name = row.name, "
    "  a.severity = row.severity, a.status = 'OPEN', a.time = datetime(row.time), "
    "  a.lastTime = datetime(row.time), a.occurrences = 1, a.departments = row.departments, "
    "  a.enterprise = row.enterprise, a.district = row.district, a.summary = row.summary, "
    "  a.recordedBy = $by, a.recordedAt = $now, a.history = [row.time + ' OPEN ' + $by], "
    "  a.raisePending = true "
    "ON MATCH SET a.occurrences = a.occurrences + 1, "
    "  a.lastTime = CASE WHEN datetime(row.time) > a.lastTime THEN datetime(row.time) "
    "  ELSE a.lastTime END "
    "WITH a, row, coalesce(a.raisePending, false) AS created REMOVE a.raisePending "
    "WITH a, row, created "
)


@cache
def _raise_statement(labels: tuple[str, ...]) -> LiteralString:
    """Raise the rows' alerts and link each to what it is about, for the labels some row names:
    one round trip per batch (a batch's refusals name a cylinder and a station, mostly)."""
    links = "".join(
        "CALL { WITH a, row UNWIND row.about." + label + " AS k "
        "MATCH (t:" + label + " {" + NATURAL_KEYS[label] + ": k}) MERGE (a)-[:ABOUT]->(t) } "
        for label in labels
    )
    query = _RAISE + links + "RETURN a.id AS id, created"
    return cast(LiteralString, query)  # type: ignore[redundant-cast]


# An alert's district: given, or that of the household, the cylinder's place, the enterprise.
_DISTRICT: LiteralString = (
    "UNWIND $ids AS id MATCH (a:Alert {id: id}) WHERE a.district IS NULL "
    "SET a.district = coalesce(head([(a)-[:ABOUT]->(h:Household) | h.district]), "
    "  head([(a)-[:ABOUT]->(:Cylinder)-[:LOCATED_AT]->(h:Household) | h.district]), "
    "  head([(a)-[:ABOUT]->(e:Enterprise) | e.district]))"
)


async def raise_alerts(
    tx: AsyncManagedTransaction, rows: list[dict[str, Any]], by: str, now: datetime
) -> list[tuple[str, bool]]:
    """Write the firings (`Firing.row()`) in the caller's transaction: (alert id, created) per
    row, in the rows' order."""
    if not rows:
        return []
    labels = tuple(label for label in ABOUT_LABELS if any(row["about"][label] for row in rows))
    result = await tx.run(_raise_statement(labels), rows=rows, by=by, now=now)
    raised = [(r["id"], r["created"]) async for r in result]
    attach = [alert_id for (alert_id, created), row in zip(raised, rows, strict=True)
              if created and row["attach"]]  # fmt: skip
    if attach:
        await (await tx.run(_ATTACH, ids=attach)).consume()
    fresh = sorted({alert_id for alert_id, created in raised if created})
    if fresh:
        await (await tx.run(_DISTRICT, ids=fresh)).consume()
    return raised


# The transitions: which statuses each leaves from, and what it sets.
_FROM: dict[str, list[str]] = {
    "ACKNOWLEDGED": ["OPEN"],
    "RESOLVED": ["OPEN", "ACKNOWLEDGED"],
    "DISMISSED": ["OPEN", "ACKNOWLEDGED"],
    "ASSIGNED": ["OPEN", "ACKNOWLEDGED"],
}


def transition_statement(visible: str) -> LiteralString:
    """`visible` is the read policy's predicate over `a` for the caller (hub/access/policy.py):
    an alert it may not read is not found, exactly like a missing one."""
    return cast(  # type: ignore[redundant-cast]
        LiteralString,
        "UNWIND $ids AS id OPTIONAL MATCH (a:Alert {id: id}) WHERE " + visible + " "
        "WITH id, a, a IS NOT NULL AND a.status IN $from AS moves "
        "CALL { WITH a, moves WITH a WHERE moves "
        "  SET a.status = CASE WHEN $to = 'ASSIGNED' THEN a.status ELSE $to END, "
        "  a.assignee = CASE WHEN $to = 'ASSIGNED' THEN $assignee ELSE a.assignee END, "
        "  a.resolution = CASE WHEN $to IN ['RESOLVED', 'DISMISSED'] THEN $resolution "
        "    ELSE a.resolution END, "
        "  a.note = coalesce($note, a.note), a.updatedBy = $by, a.updatedAt = $now, "
        "  a.history = coalesce(a.history, []) + [$stamp] "
        "  FOREACH (_ IN CASE WHEN $to IN ['RESOLVED', 'DISMISSED'] THEN [1] ELSE [] END | "
        "    REMOVE a.openKey) } "
        "RETURN id, a IS NOT NULL AS found, moves, a.status AS status",
    )


async def transition(
    tx: AsyncManagedTransaction,
    visible: str,
    params: dict[str, Any],
    ids: list[str],
    to: str,
    by: str,
    now: datetime,
    **values: str | None,
) -> list[dict[str, Any]]:
    stamp = now.isoformat() + " " + to + " " + by
    if values.get("assignee"):
        stamp += " -> " + str(values["assignee"])
    if values.get("note"):
        stamp += ": " + str(values["note"])
    result = await tx.run(
        transition_statement(visible),
        params,
        ids=ids,
        to=to,
        **{"from": _FROM[to]},
        by=by,
        now=now,
        stamp=stamp,
        assignee=values.get("assignee"),
        resolution=values.get("resolution"),
        note=values.get("note"),
    )
    return [r.data() async for r in result]


_RAISED_SINCE: LiteralString = (
    "MATCH (a:Alert) WHERE a.recordedAt >= $since AND NOT a.id IN $seen "
    "RETURN a.id AS id ORDER BY a.recordedAt, a.id LIMIT $limit"
)


async def raised_since(
    tx: AsyncManagedTransaction, since: datetime, seen: list[str], limit: int
) -> list[str]:
    """Ids of the alerts raised at or after `since` but those in `seen`, oldest first."""
    result = await tx.run(_RAISED_SINCE, since=since, seen=seen, limit=limit)
    return [r["id"] async for r in result]
