"""Keeping the supervision rollup fresh 监管汇总: a refresh, its schedule, and the wait.

A refresh (`refresh`, `hub supervision refresh`, the end of `hub seed`) compares the graph's
fingerprint with the rollup's and, when it moved (or when forced, or when the rollup is a day
old), counts every rolled-up figure
into a new generation of cells and switches to it (hub/graph/supervision_rollup_repo.py). One
replica refreshes at a time: it takes the `supervision-rollup` lease first, as the linkage scan
takes its own. The refresh reads the counted nodes and writes only its own cells and the rollup
node, which no request and no ingest writes: it makes no other caller wait or fail.

Each hub process keeps one `Keeper`: its schedule refreshes every
`hub_supervision_refresh_interval_s`, and the first supervision question the process answers
starts a forced refresh (whatever the fingerprint says) and waits for it, at most half the
request deadline, so that a replica never answers from a rollup older than its own start when
the refresh fits in that time (on the small graphs it always does); when it does not, the
question is answered from the rollup as it stands, with its `asOf`.

The fingerprint sees creates and deletes (the count store) and updates stamped later than any
before (`updatedAt`). What it cannot see, a write around the hub or an update stamped no later
than the latest stamp (a pinned clock, a replica whose clock lags), is counted by the next
forced refresh or within `MAX_AGE`.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from neo4j import AsyncManagedTransaction

from hub.graph import lease_repo
from hub.graph import supervision_rollup_repo as repo
from hub.graph.driver import Graph
from hub.linkage.scan import replica_id

LEASE = "supervision-rollup"
LEASE_TTL = timedelta(minutes=30)
# A rollup older than this is counted again even if the fingerprint did not move: what a write
# the fingerprint cannot see waits at most (a city refresh, about two minutes, once an hour).
MAX_AGE = timedelta(hours=1)
BUILD_TIMEOUT_S = 1800.0  # one figure's count over the city graph, on a loaded machine
FIGURES = tuple(repo.BUILD)

log = logging.getLogger("hub.supervision")


@dataclass
class RefreshReport:
    ran: bool  # counted a new generation
    reason: str  # "unchanged", "leased elsewhere", "counted"
    seconds: float = 0.0
    cells: int = 0


async def refresh(graph: Graph, force: bool = False, me: str | None = None) -> RefreshReport:
    """Count the rolled-up figures again, unless the graph has not changed since the rollup
    (its fingerprint) or another replica is counting them."""
    holder = me or replica_id()
    started = time.monotonic()
    now = graph.clock.now()
    print_ = await graph.read(repo.fingerprint)
    current = await graph.read(repo.current)
    fresh = current is not None and now - current["asOf"].to_native() < MAX_AGE
    if not force and fresh and current is not None and current["fingerprint"] == print_:
        return RefreshReport(False, "unchanged")

    async def take(tx: AsyncManagedTransaction) -> bool:
        return await lease_repo.take(tx, LEASE, holder, now, now + LEASE_TTL)

    if not await graph.write(take):
        return RefreshReport(False, "leased elsewhere")
    gen = uuid.uuid4().hex
    slow = graph.with_timeout(BUILD_TIMEOUT_S)
    completed = False
    cells = 0
    seconds = 0.0
    try:
        for figure in FIGURES:
            cells += await slow.write(repo.build, figure, gen)
        seconds = time.monotonic() - started
        await slow.write(repo.switch, gen, now, print_, round(seconds, 1))
        completed = True
    finally:
        if not completed:
            await slow.write(repo.drop_generation, gen)

        async def release(tx: AsyncManagedTransaction) -> None:
            await lease_repo.give_up(tx, LEASE, holder, graph.clock.now(), completed)

        await graph.write(release)
    log.info("supervision rollup", extra={"fields": {"cells": cells, "seconds": seconds}})
    return RefreshReport(True, "counted", seconds, cells)


class Keeper:
    """This process's refreshes: the schedule, and the one its first question waits for."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.running: asyncio.Task[RefreshReport] | None = None
        self.asked = False

    def start(self, force: bool = False) -> asyncio.Task[RefreshReport]:
        """A refresh, unless one of this process is running (then that one)."""
        if self.running is None or self.running.done():
            # outside any request's context: a refresh has no request deadline
            self.running = asyncio.create_task(
                refresh(self.graph, force), context=contextvars.Context()
            )
            self.running.add_done_callback(_logged)
        return self.running

    async def current(self, wait_s: float) -> dict[str, Any] | None:
        """The rollup to answer from: on this process's first question, after a refresh
        (waiting at most `wait_s` for it); None when the graph has never been rolled up."""
        if not self.asked:
            self.asked = True
            self.start(force=True)
        if self.running is not None and not self.running.done():
            await asyncio.wait({self.running}, timeout=wait_s)
        return await self.graph.read(repo.current)

    async def every(self, interval_s: float) -> None:
        """The schedule: a refresh every `interval_s` (it does nothing when nothing changed)."""
        while True:
            await asyncio.sleep(interval_s)
            try:
                await self.start()
            except Exception:  # logged by the task's callback; the schedule goes on
                continue

    def stop(self) -> None:
        if self.running is not None:
            self.running.cancel()


def _logged(task: asyncio.Task[RefreshReport]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning(
            "supervision rollup failed",
            extra={"fields": {"error": type(task.exception()).__name__}},
        )
