"""Webhook endpoints of partner systems, for admins: the same as `hub webhooks add / list`, over
the API (hub/webhooks/). An endpoint receives the alerts routed to its OAuth client's principal,
signed with its own secret, which is answered once, when it is added."""

from __future__ import annotations

from urllib.parse import urlsplit

import strawberry

from hub.access.root_access import ADMIN
from hub.audit.atomic import audited_write
from hub.context import Info
from hub.errors import BadUserInput
from hub.graph import webhook_repo
from hub.schema.permissions import allow
from hub.webhooks import cli


@strawberry.type(description="A partner system's webhook endpoint 推送地址")
class WebhookEndpoint:
    id: strawberry.ID
    client: str = strawberry.field(description="The OAuth client whose alerts it receives")
    url: str
    active: bool


@strawberry.type(description="A new endpoint, with the signing secret shown this once")
class NewWebhookEndpoint:
    id: strawberry.ID
    client: str
    url: str
    secret: str = strawberry.field(description="whsec_...: verify each delivery with it")


def _url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadUserInput("url: an http(s) URL", field="url")
    return value.strip()


@strawberry.type
class WebhookQuery:
    @strawberry.field(extensions=allow(ADMIN), description="Every webhook endpoint (admin).")
    async def webhookEndpoints(self, info: Info) -> list[WebhookEndpoint]:
        rows = await info.context.graph.read(webhook_repo.list_endpoints)
        return [WebhookEndpoint(id=r["id"], client=r["client"], url=r["url"],
                                active=r["active"]) for r in rows]  # fmt: skip


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(
        extensions=allow(ADMIN),
        description="Register an endpoint for an OAuth client (its id or name) (admin).",
    )
    async def addWebhook(self, info: Info, client: str, url: str) -> NewWebhookEndpoint:
        checked, secret = _url(url), cli.new_secret()
        endpoint = {"id": cli.new_id(), "client": client, "url": checked, "secret": secret,
                    "now": info.context.graph.clock.now()}  # fmt: skip
        added = await audited_write(info, webhook_repo.add_endpoint, endpoint)
        if added is None:
            raise BadUserInput("client: no OAuth client with this id or name", field="client")
        return NewWebhookEndpoint(id=added["id"], client=added["name"], url=checked, secret=secret)

    @strawberry.mutation(
        extensions=allow(ADMIN),
        description="Stop queueing alerts for an endpoint; queued ones are still sent (admin).",
    )
    async def deactivateWebhook(self, info: Info, id: strawberry.ID) -> bool:
        if not await audited_write(info, webhook_repo.deactivate_endpoint, str(id)):
            raise BadUserInput("id: no webhook endpoint with this id", field="id")
        return True
