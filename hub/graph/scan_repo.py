"""The scheduled scan's statements (hub/linkage/scan.py): bring every date-dependent cylinder
status up to date with the hub clock's today, then find what each scan rule fires on.

Every date is a parameter from the hub clock ($today, $soon = today + 30 days, $recent = now
- 30 days, for "still in use"); never Cypher's zone-less date().
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

# IN_SERVICE / DUE / OVERDUE follow the dates; SEIZED stays; past its scrap date is SCRAPPED
# (and stands nowhere). Only rows whose status changes are written.
_STATUSES: LiteralString = (
    "MATCH (c:Cylinder) WHERE c.status IN ['IN_SERVICE', 'DUE', 'OVERDUE'] "
    "WITH c, CASE WHEN c.scrapDate <= $today THEN 'SCRAPPED' "
    "  WHEN c.nextInspection IS NULL OR c.nextInspection < $today THEN 'OVERDUE' "
    "  WHEN c.nextInspection <= $soon THEN 'DUE' ELSE 'IN_SERVICE' END AS next "
    "WHERE next <> c.status "
    "SET c.status = next, c.updatedBy = $by, c.updatedAt = $now "
    "WITH c WHERE c.status = 'SCRAPPED' "
    "OPTIONAL MATCH (c)-[l:LOCATED_AT]->() DELETE l"
)

_COUNT_CHANGED: LiteralString = (
    "MATCH (c:Cylinder) WHERE c.updatedAt = $now AND c.updatedBy = $by RETURN count(c) AS n"
)

# Each finder returns rows {subject: [label, key], about: {label: [keys]}, enterprise, summary}.
FINDERS: dict[str, LiteralString] = {
    "CYLINDER_DUE_SOON": (
        "MATCH (c:Cylinder {status: 'DUE'})-[:OWNED_BY]->(o:Enterprise) "
        "RETURN ['Cylinder', c.code] AS subject, {Cylinder: [c.code], Enterprise: [o.uscc]} "
        "AS about, o.uscc AS enterprise, "
        "'due for inspection on ' + toString(c.nextInspection) AS summary"
    ),
    "OVERDUE_AT_HOUSEHOLD": (
        "MATCH (c:Cylinder {status: 'OVERDUE'})-[:LOCATED_AT]->(h:Household) "
        "OPTIONAL MATCH (c)-[:OWNED_BY]->(o:Enterprise) "
        "RETURN ['Cylinder', c.code] AS subject, "
        "{Cylinder: [c.code], Household: [h.id], Enterprise: [x IN [o.uscc] WHERE x IS NOT NULL]} "
        "AS about, o.uscc AS enterprise, "
        "'overdue since ' + toString(c.nextInspection) AS summary"
    ),
    "PERMIT_EXPIRING_IN_USE": (
        "MATCH (v:Vehicle) WHERE v.permitExpiry <= $soon "
        "CALL { WITH v MATCH (d:Delivery)-[:VIA]->(v) RETURN max(d.time) AS last } "
        "WITH v, last WHERE last >= $recent "
        "OPTIONAL MATCH (v)-[:OPERATED_BY]->(o:Enterprise) "
        "RETURN ['Vehicle', v.plate] AS subject, "
        "{Vehicle: [v.plate], Enterprise: [x IN [o.uscc] WHERE x IS NOT NULL]} AS about, "
        "o.uscc AS enterprise, 'permit expires ' + toString(v.permitExpiry) AS summary"
    ),
    "LICENCE_EXPIRING_IN_USE": (
        "MATCH (e:Enterprise) WHERE e.licenceExpiry <= $soon "
        "CALL { WITH e OPTIONAL MATCH (x)-[:AT|FROM]->(e) "
        "  WHERE (x:Filling OR x:Delivery OR x:Sale OR x:Shipment) AND x.time >= $recent "
        "  RETURN count(x) > 0 AS active } "
        "WITH e WHERE active "
        "RETURN ['Enterprise', e.uscc] AS subject, {Enterprise: [e.uscc]} AS about, "
        "e.uscc AS enterprise, 'licence expires ' + toString(e.licenceExpiry) AS summary"
    ),
    "RECALL_DOWNSTREAM": (
        "MATCH (p:Product) WHERE EXISTS { (:BatchTest {result: 'FAIL'})-[:OF]->(p) } "
        "MATCH (s:Shipment)-[:OF]->(p) MATCH (s)-[:TO]->(m:Enterprise) "
        "WITH DISTINCT p, m "
        "RETURN ['Enterprise', m.uscc] AS subject, {Product: [p.traceCode], Enterprise: [m.uscc]} "
        "AS about, m.uscc AS enterprise, p.traceCode AS qualifier, "
        "'received batch ' + p.traceCode + ', which failed its test' AS summary"
    ),
}

# The closed loop's breaches already in the graph: the hub refuses them as they are written, so
# only events loaded around it carry them (the seed's planted ones, an import of old records),
# stamped with the verdict (hub/catalog/events.py). The scan raises the rule the refusal would
# have raised, once per event.
PAST_BREACHES: dict[str, LiteralString] = {
    "FILL_OVERDUE": (
        "MATCH (f:Filling {whileOverdue: true})-[:OF]->(c:Cylinder) "
        "OPTIONAL MATCH (f)-[:AT]->(s:Enterprise) "
        "RETURN ['Filling', f.eventId] AS subject, {Filling: [f.eventId], Cylinder: [c.code], "
        "Enterprise: [x IN [s.uscc] WHERE x IS NOT NULL]} AS about, null AS enterprise, "
        "'filled on ' + toString(date(f.time)) + ' while overdue for inspection' AS summary"
    ),
    "FILL_NOT_OWNER": (
        "MATCH (f:Filling {outsideOwner: true})-[:OF]->(c:Cylinder) "
        "OPTIONAL MATCH (f)-[:AT]->(s:Enterprise) "
        "RETURN ['Filling', f.eventId] AS subject, {Filling: [f.eventId], Cylinder: [c.code], "
        "Enterprise: [x IN [s.uscc] WHERE x IS NOT NULL]} AS about, null AS enterprise, "
        "'filled on ' + toString(date(f.time)) + ' by a station that does not own it' AS summary"
    ),
    "DELIVERY_UNREGISTERED": (
        "MATCH (d:Delivery {toUnregistered: true})-[:TO]->(h:Household) "
        "OPTIONAL MATCH (d)-[:OF]->(c:Cylinder) OPTIONAL MATCH (d)-[:FROM]->(s:Enterprise) "
        "RETURN ['Delivery', d.eventId] AS subject, {Delivery: [d.eventId], Household: [h.id], "
        "Cylinder: [x IN [c.code] WHERE x IS NOT NULL], "
        "Enterprise: [x IN [s.uscc] WHERE x IS NOT NULL]} AS about, null AS enterprise, "
        "'delivered on ' + toString(date(d.time)) + ' to an unregistered household' AS summary"
    ),
    "DELIVERY_PERMIT": (
        "MATCH (d:Delivery {withoutPermit: true})-[:VIA]->(v:Vehicle) "
        "OPTIONAL MATCH (d)-[:FROM]->(s:Enterprise) "
        "RETURN ['Delivery', d.eventId] AS subject, {Delivery: [d.eventId], Vehicle: [v.plate], "
        "Enterprise: [x IN [s.uscc] WHERE x IS NOT NULL]} AS about, null AS enterprise, "
        "'delivered on ' + toString(date(d.time)) + ' by ' + v.plate "
        "+ ' without a valid permit' AS summary"
    ),
    "FAILED_BATCH_SHIPPED": (
        "MATCH (t:BatchTest {result: 'FAIL'})-[:OF]->(p:Product) "
        "MATCH (s:Shipment)-[:OF]->(p) WHERE s.time > t.time "
        "OPTIONAL MATCH (s)-[:FROM]->(from:Enterprise) "
        "RETURN ['Shipment', s.eventId] AS subject, {Shipment: [s.eventId], "
        "Product: [p.traceCode], Enterprise: [x IN [from.uscc] WHERE x IS NOT NULL]} AS about, "
        "null AS enterprise, 'batch ' + p.traceCode + ' shipped on ' "
        "+ toString(date(s.time)) + ' after failing its test' AS summary"
    ),
}


async def find_past(tx: AsyncManagedTransaction, rule: str) -> list[dict[str, Any]]:
    result = await tx.run(PAST_BREACHES[rule])
    return [r.data() async for r in result]


async def refresh_statuses(
    tx: AsyncManagedTransaction, today: date, soon: date, by: str, now: datetime
) -> int:
    result = await tx.run(_STATUSES, today=today, soon=soon, by=by, now=now)
    await result.consume()
    record = await (await tx.run(_COUNT_CHANGED, by=by, now=now)).single()
    return int(record["n"]) if record else 0


async def find(
    tx: AsyncManagedTransaction, rule: str, soon: date, recent: datetime
) -> list[dict[str, Any]]:
    result = await tx.run(FINDERS[rule], soon=soon, recent=recent)
    return [r.data() async for r in result]
