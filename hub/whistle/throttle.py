"""Counting by address without keeping addresses: a fixed window that forgets everything.

Within one window an address is counted under HMAC(window key, address), with a key made
fresh for the window and thrown away at its end, together with every count. Nothing that was
counted can be traced back to an address after its window, not even by reading this process's
memory. Used for submitTip per address and for wrong claim codes per address.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field


@dataclass
class WindowCounter:
    limit: int
    window_s: float
    _window: int = -1
    _key: bytes = b""
    _counts: dict[str, int] = field(default_factory=dict)

    def _slot(self, address: str, now: float) -> str:
        window = int(now // self.window_s)
        if window != self._window:  # a new window: forget the old one entirely
            self._window, self._key, self._counts = window, secrets.token_bytes(32), {}
        return hmac.new(self._key, address.encode(), hashlib.sha256).hexdigest()

    def exceeded(self, address: str, now: float | None = None) -> bool:
        """Whether `address` has used its `limit` in this window (counts nothing)."""
        slot = self._slot(address, time.monotonic() if now is None else now)
        return self._counts.get(slot, 0) >= self.limit

    def count(self, address: str, now: float | None = None) -> None:
        slot = self._slot(address, time.monotonic() if now is None else now)
        self._counts[slot] = self._counts.get(slot, 0) + 1

    def retry_after(self, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        return max(1, int((self._window + 1) * self.window_s - now) + 1)


@dataclass
class Throttles:
    """The channel's counters in this process: tips submitted and wrong claim codes, per
    address and window. (With several replicas each counts its own share.)"""

    submits: WindowCounter
    claim_failures: WindowCounter


def throttles(state: object, limit_submit: int, limit_fail: int, window_s: float) -> Throttles:
    """The app's throttles, made on first use (`state` is the Starlette app's state)."""
    found = getattr(state, "whistle_throttles", None)
    if not isinstance(found, Throttles):
        found = Throttles(
            WindowCounter(limit_submit, window_s), WindowCounter(limit_fail, window_s)
        )
        setattr(state, "whistle_throttles", found)  # noqa: B010
    return found
