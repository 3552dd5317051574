"""Leases in the database: a named job runs on one hub replica at a time.

A lease is a node `(:Lease {name})` (unique) with its holder and when it lapses. Taking it
locks the node (the MERGE under the constraint, then a write), so two replicas asking at once
take turns and exactly one gets it; a holder that dies loses it when it lapses. A holder that
finishes its job records when (`doneAt`), and keeps the times and holders of its last ten
completed runs (`recentRuns`, `recentBy`: what an operator, or a test, reads to see how often
the job ran and where), so a scheduled job that every replica starts on its own
timer runs once per interval: a taker may ask for the lease only if the job was not done since a
given time. The times are the hub clock's, handed in.
"""

from __future__ import annotations

from datetime import datetime

from neo4j import AsyncManagedTransaction

_TAKE = (
    "MERGE (l:Lease {name: $name}) "
    "SET l.touched = $now "  # the write lock: concurrent takers wait here
    "WITH l, (l.holder IS NULL OR l.holder = $me OR l.until < $now) "
    "  AND ($doneBefore IS NULL OR l.doneAt IS NULL OR l.doneAt < $doneBefore) AS free "
    "SET l.holder = CASE WHEN free THEN $me ELSE l.holder END, "
    "l.until = CASE WHEN free THEN $until ELSE l.until END "
    "RETURN free"
)
RECENT = 10
_GIVE_UP = (
    "MATCH (l:Lease {name: $name, holder: $me}) SET l.holder = null, l.until = $now "
    "FOREACH (_ IN CASE WHEN $done THEN [1] ELSE [] END | SET l.doneAt = $now, "
    "  l.recentRuns = (coalesce(l.recentRuns, []) + [$now])[-$recent..], "
    "  l.recentBy = (coalesce(l.recentBy, []) + [$me])[-$recent..])"
)


async def take(
    tx: AsyncManagedTransaction, name: str, me: str, now: datetime, until: datetime,
    done_before: datetime | None = None,
) -> bool:  # fmt: skip
    """The lease, when it is free and (with `done_before`) its job was not done since then."""
    result = await tx.run(_TAKE, name=name, me=me, now=now, until=until, doneBefore=done_before)
    record = await result.single()
    return bool(record and record["free"])


async def give_up(
    tx: AsyncManagedTransaction, name: str, me: str, now: datetime, done: bool = False
) -> None:
    """Release the lease; `done` records that the job completed now."""
    result = await tx.run(_GIVE_UP, name=name, me=me, now=now, done=done, recent=RECENT)
    await result.consume()
