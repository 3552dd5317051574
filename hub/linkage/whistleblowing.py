"""The linkage of the whistleblower channel and the platforms: a tip linked to an enterprise in
triage, a shop listed without a valid licence, a notice escalated past its deadline. Each alert
is raised in the transaction of the write that fires it, so the two commit together or not at
all, and goes to market regulation only: never to the enterprise a tip concerns.

An alert about a tip names the tip and the enterprise, never the tip's text or its reporter.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from hub.graph import alert_repo, platforms_repo, tips_repo
from hub.linkage.firing import Firing
from hub.webhooks import outbox


async def _raise(
    tx: AsyncManagedTransaction, firings: list[Firing], by: str, now: datetime
) -> None:
    raised = await alert_repo.raise_alerts(tx, [f.row() for f in firings], by, now)
    await outbox.enqueue(tx, sorted({alert_id for alert_id, created in raised if created}))


async def triage(
    tx: AsyncManagedTransaction, tip_id: str, change: dict[str, Any], by: str, now: datetime
) -> list[str]:
    """tips_repo.triage, then TIP_LINKED for each enterprise the item links the tip to (one
    alert per tip and enterprise while it is open; linking again counts an occurrence)."""
    missing = await tips_repo.triage(tx, tip_id, change)
    if missing:
        return missing
    firings = [
        Firing(
            "TIP_LINKED",
            ("Tip", tip_id),
            now,
            {"Enterprise": [uscc]},
            qualifier=uscc,
            summary="tip linked to enterprise " + uscc,
        )
        for uscc in sorted(set(change.get("enterprises") or []))
    ]
    await _raise(tx, firings, by, now)
    return []


async def register_shops(
    tx: AsyncManagedTransaction,
    platform: str,
    shops: list[dict[str, Any]],
    today: date,
    now: datetime,
    by: str,
    deadline: date,
) -> list[dict[str, Any]]:
    """platforms_repo.register_shops, then UNLICENSED_SHOP for each shop that raised a take-down
    notice (a shop already under an open notice raises neither again)."""
    rows = await platforms_repo.register_shops(tx, platform, shops, today, now, by, deadline)
    firings = [
        Firing(
            "UNLICENSED_SHOP",
            ("PlatformShop", row["key"]),
            now,
            {"Notice": [row["notice"]], "Enterprise": [platform]},
            summary="shop "
            + row["shopId"]
            + " listed on "
            + platform
            + " without a valid food business licence",
        )
        for row in rows
        if row["notice"]
    ]
    await _raise(tx, firings, by, now)
    return rows


async def escalate(
    tx: AsyncManagedTransaction, today: date, by: str, now: datetime
) -> list[dict[str, Any]]:
    """platforms_repo.escalate_overdue, then NOTICE_ESCALATED for each notice it escalated."""
    rows = await platforms_repo.escalate_overdue(tx, today)
    firings = [
        Firing(
            "NOTICE_ESCALATED",
            ("Notice", row["id"]),
            now,
            {"PlatformShop": row["shops"], "Enterprise": row["platforms"]},
            summary="notice " + row["id"] + " unacknowledged past " + row["deadline"],
        )
        for row in rows
    ]
    await _raise(tx, firings, by, now)
    return rows
