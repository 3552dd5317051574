"""The audit chain's store: append a batch under the head's lock, sign the head, read the chain
back for the verifier and pages of it for auditors, over the statements of
hub/graph/audit_repo.py.

Appending first takes the head's write lock, so batches from every process and replica queue on
it and the sequence stays contiguous.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from neo4j import AsyncManagedTransaction
from neo4j.exceptions import DriverError, Neo4jError

from hub.audit.entry import GENESIS, Draft, Entry, chained
from hub.audit.signing import Signer, head_message
from hub.graph import audit_repo
from hub.graph.driver import Graph


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str
    signed_seq: int
    signed_at: str | None


@dataclass(frozen=True)
class SignPolicy:
    signer: Signer
    every: int  # sign when this many entries have no signature...
    interval_s: float  # ...or when the last signature is this old

    def due(self, head: Head, last_seq: int, now: str) -> bool:
        if last_seq <= head.signed_seq:
            return False
        if head.signed_at is None or last_seq - head.signed_seq >= self.every:
            return True
        return _seconds_between(head.signed_at, now) >= self.interval_s


def _seconds_between(earlier: str, later: str) -> float:
    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds()


def _head(r: dict[str, Any]) -> Head:
    return Head(int(r["seq"]), str(r["hash"]), int(r["signedSeq"] or 0), r["signedAt"])


async def _lock_head(tx: AsyncManagedTransaction, chain: str) -> Head:
    return _head(await audit_repo.lock_head(tx, chain, GENESIS))


def _signature(chain: str, seq: int, entry_hash: str, signer: Signer, time: str) -> dict[str, Any]:
    return {
        "chain": chain,
        "seq": seq,
        "hash": entry_hash,
        "time": time,
        "keyId": signer.key_id,
        "signature": signer.sign(head_message(chain, seq, entry_hash, time)),
    }


def _chained(chain: str, head: Head, drafts: Sequence[Draft], now: str) -> list[Entry]:
    entries: list[Entry] = []
    prev = head.hash
    for offset, draft in enumerate(drafts, start=1):
        entry = chained(chain, head.seq + offset, prev, draft, now)
        entries.append(entry)
        prev = entry.hash
    return entries


async def append_batch(
    tx: AsyncManagedTransaction,
    chain: str,
    drafts: Sequence[Draft],
    sign: SignPolicy | None,
    now: str,
) -> list[Entry]:
    """Append `drafts` in order after the head at `now` (the hub's clock); sign the new head when
    it is due. Idempotent under retry: a retried transaction starts again from the head it locks."""
    entries, _ = await append_locked(tx, chain, drafts, sign, now)
    return entries


async def append_locked(
    tx: AsyncManagedTransaction,
    chain: str,
    drafts: Sequence[Draft],
    sign: SignPolicy | None,
    now: str,
) -> tuple[list[Entry], Head]:
    """append_batch, and the head it leaves."""
    head = await _lock_head(tx, chain)
    entries = _chained(chain, head, drafts, now)
    last = entries[-1]
    signature = None
    if sign is not None and sign.due(head, last.seq, now):
        signature = _signature(chain, last.seq, last.hash, sign.signer, now)
    props = [e.properties() for e in entries]
    await audit_repo.move_head(tx, chain, last.seq, last.hash, props, signature)
    signed_seq, signed_at = (last.seq, now) if signature else (head.signed_seq, head.signed_at)
    return entries, Head(last.seq, last.hash, signed_seq, signed_at)


@dataclass(frozen=True)
class Appended:
    """What `append_after` did: the entries it wrote (None when it wrote nothing) and the head
    it leaves, or the head as it is now when it had moved (None when unknown)."""

    entries: list[Entry] | None
    head: Head | None


async def append_after(
    graph: Graph,
    chain: str,
    head: Head,
    drafts: Sequence[Draft],
    sign: SignPolicy | None,
    now: str,
) -> Appended:
    """Append `drafts` after `head`, the head this process last left, in one auto-commit
    statement (one round trip), with the new head's signature when one is due. Nothing is
    written when the head has moved since (the head as it is now comes back) or another append
    won the seqs or the statement failed (no head comes back: append under the lock instead)."""
    entries = _chained(chain, head, drafts, now)
    last = entries[-1]
    signature = None
    if sign is not None and sign.due(head, last.seq, now):
        signature = _signature(chain, last.seq, last.hash, sign.signer, now)
    params = audit_repo.append_after_params(
        chain,
        head.seq,
        head.hash,
        last.seq,
        last.hash,
        [e.properties() for e in entries],
        signature,
    )
    try:
        rows = await graph.statement("audit_append", audit_repo.APPEND_AFTER, params, write=True)
    except (Neo4jError, DriverError):
        # Raced (the unique seq), transient, or the connection failed: the locked append retries
        # what can be retried and fails what cannot. (Had it committed before the connection
        # failed, the group is appended twice: the log may over-state, never under-state.)
        return Appended(None, None)
    if not rows:  # the chain has no head yet
        return Appended(None, None)
    now_head = _head(rows[0].data())
    if rows[0]["n"] != len(entries):
        return Appended(None, now_head)
    return Appended(entries, now_head)


async def current_head(graph: Graph, chain: str) -> Head | None:
    """The chain's head as committed now, in one round trip, or None when it has none (or the
    read failed: the locked append then finds it)."""
    try:
        # Asked of the leader on a cluster (write access), where the next append goes.
        rows = await graph.statement("audit_head", audit_repo.HEAD, {"chain": chain}, write=True)
    except (Neo4jError, DriverError):
        return None
    return _head(rows[0].data()) if rows else None


async def sign_head(
    tx: AsyncManagedTransaction, chain: str, signer: Signer, now: str
) -> int | None:
    """Sign the head if entries came after the last signature; the seq signed, or None."""
    head = await _lock_head(tx, chain)
    signature = None
    if head.seq > head.signed_seq:
        signature = _signature(chain, head.seq, head.hash, signer, now)
    await audit_repo.move_head(tx, chain, head.seq, head.hash, [], signature)
    return head.seq if signature else None


# --- reading ------------------------------------------------------------------------------------


async def read_head(tx: AsyncManagedTransaction, chain: str) -> Head | None:
    record = await audit_repo.read_head(tx, chain)
    return None if record is None else _head(record)


async def entries_between(
    tx: AsyncManagedTransaction, chain: str, first_seq: int, last_seq: int, limit: int
) -> list[Entry]:
    """Entries with first_seq <= seq <= last_seq, in seq order, at most `limit`."""
    rows = await audit_repo.entries_between(tx, chain, first_seq, last_seq, limit)
    return [Entry.from_properties(r) for r in rows]


async def signatures_up_to(
    tx: AsyncManagedTransaction, chain: str, last_seq: int | None
) -> list[dict[str, Any]]:
    """Signed heads in seq order (all of them when `last_seq` is None)."""
    return await audit_repo.signatures_up_to(tx, chain, last_seq)


async def audit_page(
    tx: AsyncManagedTransaction,
    chain: str,
    where: dict[str, Any],
    before_seq: int | None,
    first: int,
    with_total: bool,
) -> tuple[list[Entry], int | None]:
    """Newest first: at most first + 1 entries matching `where`, older than `before_seq`, and
    how many match in all when asked."""
    rows, total = await audit_repo.audit_page(tx, chain, where, before_seq, first, with_total)
    return [Entry.from_properties(r) for r in rows], total
