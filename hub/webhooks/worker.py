"""The delivery worker: claims due deliveries under a lease, POSTs each signed the Standard
Webhooks way (the `standardwebhooks` library: `webhook-id`, `webhook-timestamp`,
`webhook-signature`, HMAC-SHA256 with the endpoint's secret), and settles it: DELIVERED on a 2xx,
else a retry after an exponential backoff with full jitter, DEAD after the last try.

At-least-once: a delivery is settled only after its POST; a worker that dies mid-delivery leaves
its claim to lapse, and another (or the restarted one) sends it again under the same id.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from neo4j import AsyncManagedTransaction
from standardwebhooks.webhooks import Webhook

from hub.config import Settings
from hub.graph import webhook_repo
from hub.graph.driver import Graph
from hub.linkage import bell

log = logging.getLogger("hub.webhooks")
CLAIM_TTL = timedelta(seconds=60)
BATCH = 20


def backoff(attempts: int, base_s: float, cap_s: float, rng: random.Random) -> float:
    """Seconds before try `attempts + 1`: full jitter over base * 2^(attempts - 1), capped."""
    return rng.uniform(0, min(cap_s, base_s * 2 ** max(0, attempts - 1))) + base_s / 10


def signed_headers(secret: str, delivery_id: str, sent: datetime, data: str) -> dict[str, str]:
    signature = Webhook(secret).sign(delivery_id, sent, data)
    return {
        "webhook-id": delivery_id,
        "webhook-timestamp": str(int(sent.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }


@dataclass
class Worker:
    graph: Graph
    settings: Settings
    me: str = ""
    claim_ttl: timedelta = CLAIM_TTL
    rng: random.Random = random.Random()  # noqa: RUF009  (one generator per process is enough)

    def __post_init__(self) -> None:
        self.me = self.me or socket.gethostname() + ":" + str(os.getpid()) + ":" + hex(id(self))

    async def _post(self, http: httpx.AsyncClient, row: dict[str, object]) -> tuple[bool, str]:
        sent = datetime.now(UTC)
        headers = signed_headers(str(row["secret"]), str(row["id"]), sent, str(row["body"]))
        try:
            response = await http.post(
                str(row["url"]), content=str(row["body"]).encode(), headers=headers
            )
        except httpx.HTTPError as exc:
            return False, type(exc).__name__
        return 200 <= response.status_code < 300, "HTTP " + str(response.status_code)

    async def run_once(self, http: httpx.AsyncClient) -> int:
        """Claim and send what is due; how many were sent (whatever their outcome)."""
        now = datetime.now(UTC)

        async def claim(tx: AsyncManagedTransaction) -> list[dict[str, object]]:
            return await webhook_repo.claim(tx, self.me, now, now + self.claim_ttl, BATCH)

        rows = await self.graph.write(claim)
        await asyncio.gather(*(self._deliver(http, row) for row in rows))
        return len(rows)

    async def _deliver(self, http: httpx.AsyncClient, row: dict[str, object]) -> None:
        ok, result = (False, "endpoint inactive")
        if row["active"]:
            ok, result = await self._post(http, row)
        attempts = int(str(row["attempts"])) + 1
        s = self.settings
        if ok:
            status, next_at = "DELIVERED", datetime.now(UTC)
        elif attempts >= s.hub_webhook_max_attempts:
            status, next_at = "DEAD", datetime.now(UTC)
        else:
            wait = backoff(attempts, s.hub_webhook_backoff_s, s.hub_webhook_backoff_cap_s, self.rng)
            status, next_at = "PENDING", datetime.now(UTC) + timedelta(seconds=wait)

        async def settle(tx: AsyncManagedTransaction) -> bool:
            return await webhook_repo.settle(
                tx, str(row["id"]), self.me, status, result, datetime.now(UTC), next_at
            )

        await self.graph.write(settle)
        log.info("webhook delivery", extra={"fields": {"delivery": row["id"], "status": status,
                                                        "result": result}})  # fmt: skip

    async def run(self) -> None:
        """Forever, every poll interval, sooner while there is more to send or when a write of
        this process rings the alerts bell."""
        timeout = httpx.Timeout(self.settings.hub_webhook_timeout_s)
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as http:
            while True:
                heard = bell.rings()
                try:
                    sent = await self.run_once(http)
                except Exception as exc:  # the worker outlives a bad turn (Neo4j away...)
                    log.warning(
                        "webhook turn failed", extra={"fields": {"error": type(exc).__name__}}
                    )
                    sent = 0
                if sent < BATCH:
                    await bell.wait(self.settings.hub_webhook_poll_s, heard)
