"""The platforms' statements: listing shops (checked against the registry), their signals,
notices and acknowledgements, and escalating notices past their deadline."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from hub.graph.driver import fetch_all

UNLICENSED_RULE = "rule:UNLICENSED_SHOP"


async def is_platform(tx: AsyncManagedTransaction, uscc: str) -> bool:
    rows = await fetch_all(
        tx,
        "MATCH (e:Enterprise {uscc: $u, kind: 'DELIVERY_PLATFORM'}) RETURN e.uscc AS u",
        u=uscc,
    )
    return bool(rows)


async def register_shops(
    tx: AsyncManagedTransaction, platform: str, shops: list[dict[str, Any]], today: date,
    now: datetime, by: str, deadline: date,
) -> list[dict[str, Any]]:  # fmt: skip
    """Lists (or updates) each shop; a shop is licensed when its USCC is registered with that
    licence number and an expiry not before today. An unlicensed shop gets an OPEN take-down
    notice to the platform (one while an earlier one is still open). Answers each shop's key,
    verdict and the notice raised."""
    rows = await fetch_all(
        tx,
        "MATCH (p:Enterprise {uscc: $platform}) "
        "UNWIND $shops AS s "
        "MERGE (shop:PlatformShop {id: $platform + ':' + s.shopId}) "
        "ON CREATE SET shop.recordedAt = $now, shop.status = 'LISTED', shop.complaints = 0 "
        "SET shop.shopId = s.shopId, shop.name = s.name, shop.uscc = s.uscc, "
        "  shop.licenceNo = s.licenceNo, shop.address = s.address, shop.recordedBy = $by, "
        "  shop.checkedOn = $today "
        "MERGE (shop)-[:ON]->(p) "
        "WITH p, shop, s OPTIONAL MATCH (shop)-[old:CLAIMS]->() DELETE old "
        "WITH DISTINCT p, shop, s OPTIONAL MATCH (e:Enterprise {uscc: s.uscc}) "
        "FOREACH (_ IN CASE WHEN e IS NULL THEN [] ELSE [1] END | MERGE (shop)-[:CLAIMS]->(e)) "
        "WITH shop, s, e IS NOT NULL AND coalesce(e.licenceNo = s.licenceNo, false) "
        "  AND coalesce(e.licenceExpiry >= $today, false) AS licensed "
        "SET shop.licensed = licensed "
        "RETURN shop.shopId AS shopId, shop.id AS key, licensed, s.noticeId AS noticeId, "
        "  EXISTS { (:Notice {status: 'OPEN', issuedBy: $rule})-[:ABOUT]->(shop) } AS noticed",
        platform=platform, shops=shops, today=today, now=now, by=by, rule=UNLICENSED_RULE,
    )  # fmt: skip
    raise_for = [r for r in rows if not r["licensed"] and not r["noticed"]]
    await tx.run(
        "MATCH (p:Enterprise {uscc: $platform}) UNWIND $raise_for AS r "
        "MATCH (shop:PlatformShop {id: r.key}) "
        "CREATE (n:Notice {id: r.noticeId, kind: 'TAKE_DOWN', status: 'OPEN', "
        "  reason: 'listed without a valid food business licence 无有效食品经营许可', "
        "  issuedBy: $rule, issuedOn: $today, deadline: $deadline, recordedBy: $rule, "
        "  recordedAt: $now}) "
        "CREATE (n)-[:TO]->(p) CREATE (n)-[:ABOUT]->(shop)",
        platform=platform, raise_for=raise_for, today=today, deadline=deadline, now=now,
        rule=UNLICENSED_RULE,
    )  # fmt: skip
    raised = {r["key"] for r in raise_for}
    return [
        {"shopId": r["shopId"], "key": r["key"], "licensed": r["licensed"],
         "notice": r["noticeId"] if r["key"] in raised else None}
        for r in rows
    ]  # fmt: skip


async def record_signals(
    tx: AsyncManagedTransaction, platform: str, signals: list[dict[str, Any]], today: date
) -> list[str]:
    """Complaints add up on the shop; a take-down marks it TAKEN_DOWN. Answers the shop ids
    found (of this platform only)."""
    rows = await fetch_all(
        tx,
        "UNWIND $signals AS s "
        "MATCH (shop:PlatformShop {id: $platform + ':' + s.shopId})-[:ON]->"
        "  (:Enterprise {uscc: $platform}) "
        "SET shop.complaints = coalesce(shop.complaints, 0) + "
        "  CASE WHEN s.kind = 'COMPLAINT' THEN s.count ELSE 0 END, "
        "  shop.status = CASE WHEN s.kind = 'TAKE_DOWN' THEN 'TAKEN_DOWN' ELSE shop.status END, "
        "  shop.takenDownOn = CASE WHEN s.kind = 'TAKE_DOWN' THEN $today ELSE shop.takenDownOn END "
        "RETURN s.shopId AS shopId",
        platform=platform,
        signals=signals,
        today=today,
    )
    return [r["shopId"] for r in rows]


async def issue_notice(tx: AsyncManagedTransaction, props: dict[str, Any]) -> bool:
    """A notice from market regulation about a listed shop, to the platform that lists it."""
    rows = await fetch_all(
        tx,
        "MATCH (shop:PlatformShop {id: $props.shop})-[:ON]->(p:Enterprise) "
        "CREATE (n:Notice {id: $props.id, kind: $props.kind, reason: $props.reason, "
        "  deadline: $props.deadline, status: 'OPEN', issuedBy: $props.by, "
        "  issuedOn: $props.today, recordedBy: $props.by, recordedAt: $props.now}) "
        "CREATE (n)-[:TO]->(p) CREATE (n)-[:ABOUT]->(shop) RETURN n.id AS id",
        props=props,
    )
    return bool(rows)


async def acknowledge(
    tx: AsyncManagedTransaction, platform: str, notice_id: str, note: str | None, today: date
) -> bool:
    """Only a notice addressed to `platform`; another's answers like a missing one."""
    rows = await fetch_all(
        tx,
        "MATCH (n:Notice {id: $id})-[:TO]->(:Enterprise {uscc: $platform}) "
        "WHERE n.status IN ['OPEN', 'ESCALATED'] "
        "SET n.status = 'ACKNOWLEDGED', n.acknowledgedOn = $today, n.acknowledgement = $note "
        "RETURN n.id AS id",
        id=notice_id,
        platform=platform,
        note=note,
        today=today,
    )
    return bool(rows)


async def escalate_overdue(tx: AsyncManagedTransaction, today: date) -> list[dict[str, Any]]:
    """Every OPEN notice whose deadline has passed (before `today`, Fuzhou's) becomes ESCALATED:
    answers each one's id, deadline, shops and platform."""
    return await fetch_all(
        tx,
        "MATCH (n:Notice {status: 'OPEN'}) WHERE n.deadline < $today "
        "SET n.status = 'ESCALATED', n.escalatedOn = $today "
        "RETURN n.id AS id, toString(n.deadline) AS deadline, "
        "  [(n)-[:ABOUT]->(s:PlatformShop) | s.id] AS shops, "
        "  [(n)-[:TO]->(p:Enterprise) | p.uscc] AS platforms ORDER BY id",
        today=today,
    )
