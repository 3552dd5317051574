"""The hub's one clock: "now" and "today" are Fuzhou's (Asia/Shanghai, +08:00), never the server's.

Cypher's zone-less `date()` and `datetime()` answer in the server's zone (UTC here), which is
yesterday in Fuzhou from 00:00 to 08:00; so every statement that needs today or now gets it from
this clock as a `$today` / `$now` parameter. A pinned clock (`HUB_CLOCK_PIN`) stands still at one
moment: tests and demos use it to run "at 23:30 in Fuzhou" whatever the hour. Token lifetimes
(`iat`, `exp`) are durations on the real epoch and do not follow the pin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

# China has kept one offset all year since 1991; a fixed offset is what the model stores.
FUZHOU = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Clock:
    """The real time in Fuzhou, or a pinned moment."""

    pinned: datetime | None = None

    def now(self) -> datetime:
        moment = self.pinned if self.pinned is not None else datetime.now(UTC)
        return moment.astimezone(FUZHOU)

    def today(self) -> date:
        return self.now().date()

    def stamp(self) -> str:
        return stamp(self.now())


def stamp(moment: datetime) -> str:
    """`moment` in Fuzhou as fixed-width ISO text with microseconds and +08:00, the form stored
    where times are kept as text (the audit log): text order is then time order."""
    return moment.astimezone(FUZHOU).isoformat(timespec="microseconds")
