"""The `alertRaised` feed: every alert raised after the subscription began that the
subscriber's role and scope may read, as the read compiler renders it for that principal (so a
hidden alert is never sent and what is inside one is masked as everywhere else).

Replicas share nothing but the graph: each subscription polls for alerts raised since it began.
The bearer token is checked again at every turn: once it has expired or been revoked (or its
client disabled), the subscription ends with UNAUTHENTICATED.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from hub.context import Info
from hub.graph import alert_repo
from hub.linkage import bell
from hub.resolvers import entities

BATCH = 50
SEEN_WINDOW = 10_000  # ids remembered to skip; older ones fall out of the `since` window first


async def alerts(info: Info) -> AsyncIterator[Any]:
    ctx = info.context
    graph, settings = ctx.graph, ctx.settings
    # Raised from now on; the graph's clock stamps `recordedAt`.
    since = graph.clock.now() - timedelta(microseconds=0)
    seen: list[str] = []
    recheck = getattr(ctx.request.app.state, "oauth", None)
    authorization = ctx.request.headers.get("authorization")
    while True:
        heard = bell.rings()
        if authorization is not None and recheck is not None:
            await recheck.principal_for_bearer(authorization)  # Unauthenticated ends it

        async def work(tx: Any) -> list[str]:
            return await alert_repo.raised_since(tx, since, seen[-SEEN_WINDOW:], BATCH)

        for alert_id in await graph.read(work):
            seen.append(alert_id)
            row = await entities.one(info, "Alert", alert_id)
            if row is not None:
                yield row
        await bell.wait(settings.hub_alert_feed_poll_s, heard)
