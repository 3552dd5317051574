"""Counts in moving windows, held where every worker and replica sees the same numbers.

The rate limit on /graphql and the throttles of failed authentications count events per key
(a caller, a client id, a username, an address) in a moving window. With `HUB_REDIS_URL` set the
counts live in Redis, so N workers or N replicas enforce one limit, not N; without it they live
in this process, as for a single `hub serve`. The counting itself is the `limits` library's
moving window (a Lua script on Redis, a list of times in memory).

When Redis does not answer, the process falls back to its own counts (a logged warning, a
metric): the guards keep working per process rather than failing every request.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import ConnectionPool
from redis.exceptions import RedisError

log = logging.getLogger("hub.sharedstore")

_WARN_EVERY_S = 30.0


def _item(limit: int, window_s: float, namespace: str) -> RateLimitItem:
    return RateLimitItemPerSecond(limit, max(1, math.ceil(window_s)), namespace=namespace)


@dataclass
class WindowStore:
    """`limit` events per `window_s` seconds per key, counted in Redis or in this process."""

    redis_url: str | None = None
    namespace: str = "hub"
    fallbacks: int = 0  # how many operations Redis could not serve (exported as a metric)
    _local: MovingWindowRateLimiter = field(init=False)
    _shared: MovingWindowRateLimiter | None = field(init=False, default=None)
    _storage: Storage | None = field(init=False, default=None)
    _pool: ConnectionPool | None = field(init=False, default=None)
    _warned_at: float = field(init=False, default=-math.inf)

    def __post_init__(self) -> None:
        self._local = MovingWindowRateLimiter(MemoryStorage())
        if self.redis_url:
            # Our own pool, so that the app's shutdown can close its connections.
            self._pool = ConnectionPool.from_url(
                self.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5
            )
            self._storage = RedisStorage(
                "async+" + self.redis_url,
                implementation="redispy",
                connection_pool=self._pool,  # type: ignore[arg-type]  # passed to redis-py
            )
            self._shared = MovingWindowRateLimiter(self._storage)

    @property
    def shared(self) -> bool:
        return self._shared is not None

    async def hit(self, key: str, limit: int, window_s: float) -> bool:
        """Counts one event for `key` and says True, or False (counting nothing) when the key
        already had `limit` events in the last `window_s` seconds."""
        item = _item(limit, window_s, self.namespace)
        if self._shared is not None:
            try:
                return await self._shared.hit(item, key)
            except (RedisError, OSError) as exc:
                self._fell_back(exc)
        return await self._local.hit(item, key)

    async def retry_after(self, key: str, limit: int, window_s: float) -> int | None:
        """Whole seconds until `key` may have another event, or None when it may now."""
        item = _item(limit, window_s, self.namespace)
        stats = None
        if self._shared is not None:
            try:
                stats = await self._shared.get_window_stats(item, key)
            except (RedisError, OSError) as exc:
                self._fell_back(exc)
        if stats is None:
            stats = await self._local.get_window_stats(item, key)
        if stats.remaining > 0:
            return None
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def clear(self, key: str, limit: int, window_s: float) -> None:
        item = _item(limit, window_s, self.namespace)
        if self._shared is not None:
            try:
                await self._shared.clear(item, key)
            except (RedisError, OSError) as exc:
                self._fell_back(exc)
        await self._local.clear(item, key)

    async def close(self) -> None:
        """Closes the connections to Redis (the app's shutdown); they reopen when used again."""
        if self._pool is not None:
            await self._pool.disconnect()

    async def check(self) -> bool:
        """True when the shared store answers (or none is configured)."""
        if self._storage is None:
            return True
        try:
            return await self._storage.check()
        except (RedisError, OSError):
            return False

    def _fell_back(self, exc: BaseException) -> None:
        self.fallbacks += 1
        now = time.monotonic()
        if now - self._warned_at >= _WARN_EVERY_S:
            self._warned_at = now
            log.warning(
                "Redis unavailable: counting limits in this process",
                extra={"fields": {"error": type(exc).__name__}},
            )
