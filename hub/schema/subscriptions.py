"""Subscriptions, over the graphql-transport-ws protocol at /graphql (hub/app.py)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from hub.access.root_access import ALERT_FEED
from hub.context import Info
from hub.resolvers import alert_feed
from hub.schema.graph import Alert
from hub.schema.permissions import allow


@strawberry.type
class Subscription:
    @strawberry.subscription(
        extensions=allow(ALERT_FEED),
        description="Alerts 预警 as they are raised, those routed to the caller only; ends when "
        "the token expires or is revoked.",
    )
    async def alertRaised(self, info: Info) -> AsyncGenerator[Alert, None]:
        async for alert in alert_feed.alerts(info):
            yield alert
