"""The public checks' statements: only the facts a consumer may see of a cylinder or a batch.

Nothing personal is read at all (no Person, no Household, no address): what a statement does not
return cannot leak.
"""

from __future__ import annotations

from typing import Any

from neo4j import AsyncManagedTransaction

MARKET_KINDS = ["WHOLESALE_MARKET"]  # where a batch enters, is tested and is coded
MAX_MERCHANTS = 50


async def cylinder_check(tx: AsyncManagedTransaction, code: str) -> dict[str, Any] | None:
    result = await tx.run(
        "MATCH (c:Cylinder {code: $code}) "
        "WITH c.code AS code, c.status AS status, c.model AS model, "
        "toString(c.madeOn) AS madeOn, toString(c.lastInspection) AS lastInspection, "
        "toString(c.nextInspection) AS nextInspection, toString(c.scrapDate) AS scrapDate, "
        "COLLECT { MATCH (c)-[:OWNED_BY]->(e:Enterprise) RETURN e LIMIT 1 }[0] AS owner "
        "RETURN code, status, model, madeOn, lastInspection, nextInspection, scrapDate, "
        "owner.name AS ownerName, owner.servicePhone AS ownerPhone LIMIT 1",
        code=code,
    )
    record = await result.single(strict=False)
    return None if record is None else record.data()


async def product_check(tx: AsyncManagedTransaction, trace_code: str) -> dict[str, Any] | None:
    result = await tx.run(
        "MATCH (p:Product {traceCode: $code}) "
        "RETURN p.traceCode AS traceCode, p.name AS name, p.category AS category, "
        "p.origin AS origin, p.originCertificate AS originCertificate, "
        "toString(p.producedOn) AS producedOn, "
        "COLLECT { MATCH (p)-[:PRODUCED_BY]->(e:Enterprise) RETURN e.name LIMIT 1 }[0] "
        "  AS producer, "
        "COLLECT { MATCH (p)<-[:OF]-(t:BatchTest)-[:AT]->(m:Enterprise) "
        "  RETURN {result: t.result, method: t.method, time: toString(t.time), market: m.name} "
        "  ORDER BY t.time DESC LIMIT 1 }[0] AS test, "
        "COLLECT { MATCH (f:Enterprise)<-[:FROM]-(s:Shipment)-[:OF]->(p), "
        "  (s)-[:TO]->(m:Enterprise) WHERE m.kind IN $markets "
        "  RETURN {market: m.name, consignor: f.name, time: toString(s.time)} "
        "  ORDER BY s.time LIMIT 1 }[0] AS entry, "
        "COLLECT { MATCH (p)<-[:OF]-(s:Shipment)-[:TO]->(m:Enterprise) "
        "  WHERE NOT m.kind IN $markets "
        "  RETURN {name: m.name, kind: m.kind, receivedAt: toString(s.time)} "
        "  ORDER BY s.time LIMIT $max } AS merchants, "
        "COLLECT { MATCH (f:Enterprise)<-[:FROM]-(s:Shipment)-[:OF]->(p), "
        "  (s)-[:TO]->(m:Enterprise) "
        "  RETURN {sender: f.name, receiver: m.name, receiverKind: m.kind, "
        "    time: toString(s.time)} ORDER BY s.time, s.eventId LIMIT $max } AS steps LIMIT 1",
        code=trace_code,
        markets=MARKET_KINDS,
        max=MAX_MERCHANTS,
    )
    record = await result.single(strict=False)
    return None if record is None else record.data()
