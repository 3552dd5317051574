"""What the resource side asks the registry per token, remembered for a few seconds.

The hub is stateless: client status and the deny list live in Neo4j. Each process keeps an answer
for at most `HUB_OAUTH_STATUS_CACHE_S` seconds, so disabling a client or revoking a token ends its
use everywhere within that time, and a busy client costs one small read per token per interval.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from hub.graph.driver import Graph
from hub.oauth.token_store import AccessStatus, access_status

_MAX_ENTRIES = 10_000


@dataclass
class StatusCache:
    ttl_s: float
    _entries: dict[tuple[str, str | None, str], tuple[float, AccessStatus]] = field(
        default_factory=dict
    )

    async def status(
        self, graph: Graph, client_id: str, username: str | None, jti: str
    ) -> AccessStatus:
        key = (client_id, username, jti)
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        found = await graph.read(access_status, client_id, username, jti)
        if self.ttl_s > 0:
            if len(self._entries) >= _MAX_ENTRIES:
                self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
            self._entries[key] = (now + self.ttl_s, found)
        return found

    def forget_client(self, client_id: str) -> None:
        """Drop what this process remembers of a client (after a local disable or revocation)."""
        self._entries = {k: v for k, v in self._entries.items() if k[0] != client_id}
