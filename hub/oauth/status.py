"""What the resource side asks the registry per token, remembered for a few seconds.

The hub is stateless: client status and the deny list live in Neo4j. Each process keeps an answer
for at most `HUB_OAUTH_STATUS_CACHE_S` seconds, so disabling a client or revoking a token ends its
use everywhere within that time, and a busy client costs one small read per token per interval:
one round trip (an auto-commit read), shared by the requests that arrive while it is under way.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from hub.graph.driver import Graph
from hub.oauth.token_store import AccessStatus, access_status_once

_MAX_ENTRIES = 10_000
_Key = tuple[str, str | None, str]


@dataclass
class StatusCache:
    ttl_s: float
    _entries: dict[_Key, tuple[float, AccessStatus]] = field(default_factory=dict)
    # The reads under way: a request that misses while one runs for its token waits for that one.
    _reading: dict[_Key, asyncio.Task[AccessStatus]] = field(default_factory=dict)

    async def status(
        self, graph: Graph, client_id: str, username: str | None, jti: str
    ) -> AccessStatus:
        key = (client_id, username, jti)
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        reading = self._reading.get(key)
        if reading is None:
            # Its own task: a request that gives up (a client gone) does not end the others' read.
            reading = asyncio.ensure_future(self._read(graph, key, now))
            reading.add_done_callback(_retrieved)
            self._reading[key] = reading
        return await asyncio.shield(reading)

    async def _read(self, graph: Graph, key: _Key, started: float) -> AccessStatus:
        try:
            found = await access_status_once(graph, *key)
        finally:
            mine = self._reading.get(key) is asyncio.current_task()
            if mine:
                del self._reading[key]
        if self.ttl_s > 0 and mine:  # not when forget_client came in between
            # Counted from before the read: no answer is trusted past ttl_s after it was asked.
            if len(self._entries) >= _MAX_ENTRIES:
                self._entries = {k: v for k, v in self._entries.items() if v[0] > started}
            self._entries[key] = (started + self.ttl_s, found)
        return found

    def forget_client(self, client_id: str) -> None:
        """Drop what this process remembers of a client (after a local disable or revocation)."""
        self._entries = {k: v for k, v in self._entries.items() if k[0] != client_id}
        # A read under way may have started before the change: later requests ask afresh.
        self._reading = {k: v for k, v in self._reading.items() if k[0] != client_id}


def _retrieved(task: asyncio.Task[AccessStatus]) -> None:
    if not task.cancelled():
        task.exception()  # seen: every waiter may have gone
