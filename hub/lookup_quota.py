"""Per-client daily quotas of the explicit lookups by a masked value (personByIdNumber).

Each lookup spends one of the client's lookups of the Fuzhou day (the hub's clock, never the
machine's zone), so 30 aliased lookups in one request spend 30. The counts live in the hub's
`WindowStore` (hub/sharedstore.py): Redis when `HUB_REDIS_URL` is set, so one quota holds across
every worker and replica, else this process. Each count is keyed by the day and kept for longer
than a day, so a day's count is complete until the day ends and the next day starts afresh.

Beside the quota, the misses (lookups that found nobody) are counted per client and day, and the
alarm of a day (ID_LOOKUP_ENUMERATION, hub/linkage/lookups.py) is claimed once per client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from hub.clock import FUZHOU
from hub.sharedstore import WindowStore

# A day's keys are used during that day only; the window outlives it (and then expires).
KEEP_S = 2 * 86_400.0


@dataclass(frozen=True)
class LookupQuota:
    store: WindowStore
    per_day: int  # lookups per client per day (0: none)
    misses_alert: int  # the miss of a day that sounds the alarm (the 10th, by default)

    @staticmethod
    def _key(kind: str, client: str, day: date) -> str:
        return "lookup:" + kind + ":" + day.isoformat() + ":" + client

    async def spend(self, client: str, day: date) -> bool:
        """Counts one lookup of `client` on `day` and says True; False (counting nothing) when
        its quota of the day is spent."""
        if self.per_day <= 0:
            return False
        return await self.store.hit(self._key("spent", client, day), self.per_day, KEEP_S)

    async def miss(self, client: str, day: date) -> bool:
        """Counts a lookup that found nobody; True once the day's misses reach the threshold."""
        if self.misses_alert <= 1:
            return True
        below = await self.store.hit(self._key("miss", client, day), self.misses_alert - 1, KEEP_S)
        return not below

    async def claim_alarm(self, client: str, day: date) -> bool:
        """True the first time on `day` that `client`'s lookups sound the alarm, else False."""
        return await self.store.hit(self._key("alarm", client, day), 1, KEEP_S)

    async def release_alarm(self, client: str, day: date) -> None:
        """Gives the day's alarm back (its alert could not be written: the next one tries)."""
        await self.store.clear(self._key("alarm", client, day), 1, KEEP_S)


def seconds_until_tomorrow(now: datetime) -> int:
    """Whole seconds from `now` to the next midnight in Fuzhou, when quotas start afresh."""
    here = now.astimezone(FUZHOU)
    midnight = datetime.combine(here.date() + timedelta(days=1), time(0), FUZHOU)
    return max(1, int((midnight - here).total_seconds()))
