"""The scheduled scan (daily, and `hub linkage scan`): statuses brought up to date with the hub
clock, then every scan rule of hub/linkage/rules.py raised on what it finds.

One replica runs it: the scan takes the `linkage-scan` lease in the database first and does
nothing when another holder has it. Each rule's findings and alerts commit in one transaction.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from neo4j import AsyncManagedTransaction

from hub.graph import alert_repo, lease_repo, scan_repo
from hub.graph.driver import Graph
from hub.linkage import bell
from hub.linkage.firing import Firing
from hub.linkage.rules import RULES
from hub.webhooks import outbox

LEASE = "linkage-scan"
LEASE_TTL = timedelta(minutes=15)
SCANNER = "hub-linkage-scan"  # recordedBy of what the scan writes
SCAN_RULES = tuple(r.id for r in RULES if r.trigger == "scan")

log = logging.getLogger("hub.linkage")


def replica_id() -> str:
    return socket.gethostname() + ":" + str(os.getpid())


@dataclass
class ScanReport:
    ran: bool
    statuses_changed: int = 0
    raised: dict[str, int] = field(default_factory=dict)  # rule -> new alerts
    counted: dict[str, int] = field(default_factory=dict)  # rule -> occurrences on open ones


def _firing(rule: str, row: dict[str, Any], graph: Graph) -> Firing:
    label, key = row["subject"]
    return Firing(
        rule,
        (label, key),
        graph.clock.now(),
        {k: list(v) for k, v in row["about"].items()},
        enterprise=row.get("enterprise"),
        summary=row.get("summary") or "",
        qualifier=row.get("qualifier") or "",
    )


async def scan(
    graph: Graph, me: str | None = None, unless_done_within: timedelta | None = None
) -> ScanReport:
    """Scan now, unless another replica holds the lease or (with `unless_done_within`, as the
    schedule asks) a scan completed within that time on any replica."""
    holder = me or replica_id()
    now = graph.clock.now()
    today, soon, recent = now.date(), now.date() + timedelta(days=30), now - timedelta(days=30)
    done_before = now - unless_done_within if unless_done_within is not None else None

    async def take(tx: AsyncManagedTransaction) -> bool:
        return await lease_repo.take(tx, LEASE, holder, now, now + LEASE_TTL, done_before)

    if not await graph.write(take):
        log.info("linkage scan skipped: another replica holds the lease or has just scanned")
        return ScanReport(ran=False)
    completed = False
    report = ScanReport(ran=True)
    try:

        async def statuses(tx: AsyncManagedTransaction) -> int:
            return await scan_repo.refresh_statuses(tx, today, soon, SCANNER, now)

        report.statuses_changed = await graph.with_timeout(300).write(statuses)
        for rule in (*SCAN_RULES, *scan_repo.PAST_BREACHES):

            async def one(tx: AsyncManagedTransaction, rule: str = rule) -> list[bool]:
                if rule in scan_repo.PAST_BREACHES:
                    rows = await scan_repo.find_past(tx, rule)
                else:
                    rows = await scan_repo.find(tx, rule, soon, recent)
                firings = [_firing(rule, row, graph).row() for row in rows]
                raised = await alert_repo.raise_alerts(tx, firings, SCANNER, now)
                await outbox.enqueue(tx, sorted({i for i, created in raised if created}))
                return [created for _, created in raised]

            created = await graph.with_timeout(300).write(one)
            if any(created):
                bell.ring()
            report.raised[rule] = sum(created)
            report.counted[rule] = len(created) - sum(created)
        completed = True
    finally:

        async def release(tx: AsyncManagedTransaction) -> None:
            await lease_repo.give_up(tx, LEASE, holder, graph.clock.now(), completed)

        await graph.write(release)
    return report


async def every(graph: Graph, interval_s: float) -> None:
    """The schedule: a scan every `interval_s` (daily by default) across all replicas, each on
    its own timer: the first to take the lease scans, and a replica whose turn comes less than
    nine tenths of the interval after a completed scan skips it. A failed scan is logged and
    tried again at the next turn."""
    recently = timedelta(seconds=interval_s * 0.9)
    while True:
        await asyncio.sleep(interval_s)
        try:
            report = await scan(graph, unless_done_within=recently)
            log.info(
                "linkage scan",
                extra={"fields": {"ran": report.ran, "raised": sum(report.raised.values())}},
            )
        except Exception as exc:  # the schedule outlives one bad night
            log.warning("linkage scan failed", extra={"fields": {"error": type(exc).__name__}})
