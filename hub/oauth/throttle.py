"""Throttling of failed authentications (client secrets, people's passwords).

Failures are counted per key (a client id, a username, a remote address) in a moving window;
past the limit, attempts are refused with 429 and `Retry-After` until the oldest failure leaves
the window, so guessing a secret costs the guesser time and not only the hub. A success clears
the key's count. The counts live in a `WindowStore`: Redis when `HUB_REDIS_URL` is set, so a
guesser spread over N workers or replicas gets the limit once, else this process.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.sharedstore import WindowStore


@dataclass
class FailureThrottle:
    """Failures per name (a client id or a username) up to `max_failures`, and per remote address
    up to `address_factor` times that (one address may serve many honest callers)."""

    max_failures: int
    window_s: float
    address_factor: int = 4
    store: WindowStore = field(default_factory=WindowStore)

    def _keys(self, name: str | None, address: str) -> list[tuple[str, int]]:
        keys = [("fail:address:" + address, self.max_failures * self.address_factor)]
        if name:
            keys.append(("fail:name:" + name, self.max_failures))
        return keys

    async def retry_after(self, name: str | None, address: str) -> int | None:
        """Seconds to wait when the name or the address is over its limit, else None."""
        waits = [
            await self.store.retry_after(key, limit, self.window_s)
            for key, limit in self._keys(name, address)
        ]
        return max((w for w in waits if w is not None), default=None)

    async def failed(self, name: str | None, address: str) -> None:
        for key, limit in self._keys(name, address):
            await self.store.hit(key, limit, self.window_s)

    async def succeeded(self, name: str) -> None:
        """A name that authenticated starts afresh; its address keeps its count."""
        await self.store.clear("fail:name:" + name, self.max_failures, self.window_s)
