"""Throttling of failed authentications (client secrets, people's passwords).

Failures are counted per key (a client id, a username, a remote address) in a sliding window;
past the limit, attempts are refused with 429 and `Retry-After` until the oldest failure leaves
the window, so guessing a secret costs the guesser time and not only the hub. A success clears
the key's count. The counts are per process: with N replicas a guesser gets at most N times the
limit, which still bounds guessing to a handful of tries a minute.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field

_MAX_KEYS = 50_000


@dataclass
class FailureThrottle:
    """Failures per name (a client id or a username) up to `max_failures`, and per remote address
    up to `address_factor` times that (one address may serve many honest callers)."""

    max_failures: int
    window_s: float
    address_factor: int = 4
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def _keys(self, name: str | None, address: str) -> list[tuple[str, int]]:
        keys = [("address:" + address, self.max_failures * self.address_factor)]
        if name:
            keys.append(("name:" + name, self.max_failures))
        return keys

    def retry_after(self, name: str | None, address: str) -> int | None:
        """Seconds to wait when the name or the address is over its limit, else None."""
        now = time.monotonic()
        wait = 0.0
        for key, limit in self._keys(name, address):
            times = self._recent(key, now)
            if times is not None and len(times) >= limit:
                wait = max(wait, times[0] + self.window_s - now)
        return max(1, math.ceil(wait)) if wait > 0 else None

    def failed(self, name: str | None, address: str) -> None:
        now = time.monotonic()
        if len(self._failures) >= _MAX_KEYS:
            self._sweep(now)
        for key, _ in self._keys(name, address):
            self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, name: str) -> None:
        """A name that authenticated starts afresh; its address keeps its count."""
        self._failures.pop("name:" + name, None)

    def _recent(self, key: str, now: float) -> deque[float] | None:
        times = self._failures.get(key)
        if times is None:
            return None
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:
            del self._failures[key]
            return None
        return times

    def _sweep(self, now: float) -> None:
        for key in list(self._failures):
            self._recent(key, now)
