"""Per-client rate limits on /graphql: 429 with Retry-After past a caller's share.

A caller may make `burst` requests in any `burst * 60 / per_minute` seconds (a moving window):
the same sustained rate as `per_minute` and never more than `burst` at once. The counts live in
a `WindowStore`: Redis when `HUB_REDIS_URL` is set, so the limit holds across every worker and
replica, else this process.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.sharedstore import WindowStore


@dataclass
class RateLimiter:
    per_minute: int
    burst: int
    store: WindowStore = field(default_factory=WindowStore)

    @property
    def window_s(self) -> float:
        return max(1.0, self.burst * 60.0 / self.per_minute) if self.per_minute > 0 else 0.0

    async def retry_after(self, caller: str) -> int:
        """0 when `caller` may go ahead (and the request is counted), else seconds to wait."""
        if self.per_minute <= 0 or self.burst <= 0:
            return 0
        key = "rate:" + caller
        if await self.store.hit(key, self.burst, self.window_s):
            return 0
        return await self.store.retry_after(key, self.burst, self.window_s) or 1
