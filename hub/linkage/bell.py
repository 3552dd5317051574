"""The alerts bell: wakes this process's webhook worker and live subscriptions when a write of
this process has committed new alerts, so they deliver at once instead of at their next poll.

The polls stay: they are how an alert raised by another replica (or a scan elsewhere) is found,
and what a missed ring would cost is one poll interval. A waiter passes the count of rings it had
heard when it last looked (`rings()`), so a ring that came while it was busy is not missed.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass, field


@dataclass
class _Bell:
    rung: int = 0
    event: asyncio.Event = field(default_factory=asyncio.Event)


# One bell per event loop (the suite runs several loops in one process; a server runs one).
_bells: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Bell] = weakref.WeakKeyDictionary()


def _bell() -> _Bell:
    loop = asyncio.get_running_loop()
    bell = _bells.get(loop)
    if bell is None:
        bell = _bells[loop] = _Bell()
    return bell


def rings() -> int:
    """How many times the bell has rung in this process (its loop)."""
    return _bell().rung


def ring() -> None:
    """After the commit of a transaction that raised alerts: every waiter wakes."""
    bell = _bell()
    bell.rung += 1
    bell.event.set()
    bell.event = asyncio.Event()  # later waiters wait for the next ring


async def wait(seconds: float, heard: int) -> None:
    """Until a ring after the `heard`-th, or `seconds`, whichever comes first."""
    bell = _bell()
    if bell.rung != heard:
        return
    try:
        await asyncio.wait_for(bell.event.wait(), seconds)
    except TimeoutError:
        pass
