"""The linkage of the explicit lookups by full identity number: ID_LOOKUP_ENUMERATION, raised
once per client and Fuzhou day when the client's lookups that found nobody reach the threshold,
or when it asks past its daily quota (hub/resolvers/lookups.py decides when).

The alert is about the client, not about anyone looked up: it names the client id, the day and
the counts, never an identity number; it carries the client's district where the client is bound
to one (a district-bound police client then sees it). It dedups on the client and the day, so a
day opens one alert whatever the replicas and workers, and goes to the webhooks of the
departments the rule routes it to, like every alert.
"""

from __future__ import annotations

from datetime import date, datetime

from neo4j import AsyncManagedTransaction

from hub.graph import alert_repo
from hub.graph.driver import Graph
from hub.linkage.firing import Firing
from hub.webhooks import outbox

RULE = "ID_LOOKUP_ENUMERATION"
RAISED_BY = "hub-lookup-quota"  # recordedBy of the alert


def enumeration(
    client: str, day: date, now: datetime, district: str | None, summary: str
) -> Firing:
    return Firing(
        RULE,
        ("OAuthClient", client),
        now,
        district=district,
        summary=summary,
        qualifier=day.isoformat(),
    )


async def raise_enumeration(graph: Graph, firing: Firing) -> None:
    """Writes the alert (or one more occurrence of the day's open one) and its webhook
    deliveries, in one transaction of its own."""

    async def work(tx: AsyncManagedTransaction) -> None:
        raised = await alert_repo.raise_alerts(tx, [firing.row()], RAISED_BY, firing.time)
        await outbox.enqueue(tx, sorted({alert_id for alert_id, created in raised if created}))

    await graph.write(work)
