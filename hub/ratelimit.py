"""Per-client rate limits on /graphql: a token bucket per caller, 429 with Retry-After past it.

Buckets live in the process. With N replicas behind a balancer a client gets up to N times the
rate; the limit is a guard against a runaway client, not an accounting quota.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass
class RateLimiter:
    per_minute: int
    burst: int
    max_callers: int = 100_000  # past this many tracked callers, the oldest are forgotten
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def retry_after(self, caller: str, now: float | None = None) -> int:
        """0 when `caller` may go ahead (and a token is spent), else seconds to wait."""
        if self.per_minute <= 0:
            return 0
        now = time.monotonic() if now is None else now
        rate = self.per_minute / 60.0
        bucket = self._buckets.get(caller)
        if bucket is None:
            if len(self._buckets) >= self.max_callers:
                self._buckets.pop(next(iter(self._buckets)))
            bucket = self._buckets[caller] = _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0
        return max(1, math.ceil((1.0 - bucket.tokens) / rate))
