"""Every Cypher statement of the audit log: append a batch under the head's lock, sign the head,
read the chain back for the verifier and pages of it for auditors.

The chain of one id is `(:AuditHead {chain})` (the last seq and hash, and the last signed seq),
its entries `(:AuditEntry {chain, seq, ...})` (unique on chain and seq) and its signed heads
`(:AuditSignature {chain, seq, hash, time, signature, keyId})`. Appending first takes the head's
write lock, so batches from every process and replica queue on it and the sequence stays
contiguous. No label here is in the read policy: the graph API cannot reach these nodes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from hub.audit.entry import GENESIS, Draft, Entry, chained
from hub.audit.signing import Signer, head_message


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


async def _lock_head(tx: AsyncManagedTransaction, chain: str) -> Head:
    # Setting a property takes the node's write lock until commit; reads after it see the
    # latest committed head, so no two batches can take the same seqs.
    result = await tx.run(
        "MERGE (h:AuditHead {chain: $chain}) "
        "ON CREATE SET h.seq = 0, h.hash = $genesis, h.signedSeq = 0 "
        "SET h._lock = true "
        "RETURN h.seq AS seq, h.hash AS hash, h.signedSeq AS signedSeq, h.signedAt AS signedAt",
        chain=chain,
        genesis=GENESIS,
    )
    r = await result.single(strict=True)
    return Head(int(r["seq"]), str(r["hash"]), int(r["signedSeq"] or 0), r["signedAt"])


def _signature(chain: str, seq: int, entry_hash: str, signer: Signer, time: str) -> dict[str, Any]:
    return {
        "chain": chain,
        "seq": seq,
        "hash": entry_hash,
        "time": time,
        "keyId": signer.key_id,
        "signature": signer.sign(head_message(chain, seq, entry_hash, time)),
    }


async def _move_head(
    tx: AsyncManagedTransaction,
    chain: str,
    seq: int,
    entry_hash: str,
    entries: list[dict[str, Any]],
    signature: dict[str, Any] | None,
) -> None:
    await (
        await tx.run(
            "MATCH (h:AuditHead {chain: $chain}) "
            "SET h.seq = $seq, h.hash = $hash, "
            "h.signedSeq = coalesce($signedSeq, h.signedSeq), "
            "h.signedAt = coalesce($signedAt, h.signedAt) "
            "REMOVE h._lock "
            "FOREACH (s IN $signatures | CREATE (x:AuditSignature) SET x = s) "
            "WITH h UNWIND $entries AS e CREATE (a:AuditEntry) SET a = e",
            chain=chain,
            seq=seq,
            hash=entry_hash,
            signedSeq=signature["seq"] if signature else None,
            signedAt=signature["time"] if signature else None,
            signatures=[signature] if signature else [],
            entries=entries,
        )
    ).consume()


async def append_batch(
    tx: AsyncManagedTransaction,
    chain: str,
    drafts: Sequence[Draft],
    sign: SignPolicy | None,
    now: str,
) -> list[Entry]:
    """Append `drafts` in order after the head at `now` (the hub's clock); sign the new head when
    it is due. Idempotent under retry: a retried transaction starts again from the head it locks."""
    head = await _lock_head(tx, chain)
    entries: list[Entry] = []
    prev = head.hash
    for offset, draft in enumerate(drafts, start=1):
        entry = chained(chain, head.seq + offset, prev, draft, now)
        entries.append(entry)
        prev = entry.hash
    last = entries[-1]
    signature = None
    if sign is not None and sign.due(head, last.seq, now):
        signature = _signature(chain, last.seq, last.hash, sign.signer, now)
    props = [e.properties() for e in entries]
    await _move_head(tx, chain, last.seq, last.hash, props, signature)
    return entries


async def sign_head(
    tx: AsyncManagedTransaction, chain: str, signer: Signer, now: str
) -> int | None:
    """Sign the head if entries came after the last signature; the seq signed, or None."""
    head = await _lock_head(tx, chain)
    signature = None
    if head.seq > head.signed_seq:
        signature = _signature(chain, head.seq, head.hash, signer, now)
    await _move_head(tx, chain, head.seq, head.hash, [], signature)
    return head.seq if signature else None


# --- reading ------------------------------------------------------------------------------------


async def read_head(tx: AsyncManagedTransaction, chain: str) -> Head | None:
    result = await tx.run(
        "MATCH (h:AuditHead {chain: $chain}) "
        "RETURN h.seq AS seq, h.hash AS hash, h.signedSeq AS signedSeq, h.signedAt AS signedAt",
        chain=chain,
    )
    r = await result.single()
    if r is None:
        return None
    return Head(int(r["seq"]), str(r["hash"]), int(r["signedSeq"] or 0), r["signedAt"])


async def entries_between(
    tx: AsyncManagedTransaction, chain: str, first_seq: int, last_seq: int, limit: int
) -> list[Entry]:
    """Entries with first_seq <= seq <= last_seq, in seq order, at most `limit`."""
    result = await tx.run(
        "MATCH (a:AuditEntry {chain: $chain}) WHERE $first <= a.seq <= $last "
        "RETURN properties(a) AS a ORDER BY a.seq LIMIT $limit",
        chain=chain,
        first=first_seq,
        last=last_seq,
        limit=limit,
    )
    return [Entry.from_properties(r["a"]) async for r in result]


async def signatures_up_to(
    tx: AsyncManagedTransaction, chain: str, last_seq: int | None
) -> list[dict[str, Any]]:
    """Signed heads in seq order (all of them when `last_seq` is None)."""
    result = await tx.run(
        "MATCH (s:AuditSignature {chain: $chain}) WHERE $last IS NULL OR s.seq <= $last "
        "RETURN properties(s) AS s ORDER BY s.seq, s.time",
        chain=chain,
        last=last_seq,
    )
    return [dict(r["s"]) async for r in result]


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
    params = {
        "chain": chain,
        "client": where.get("client"),
        "role": where.get("role"),
        "operation": where.get("operation"),
        "decision": where.get("decision"),
        "since": where.get("since"),
        "until": where.get("until"),
        "entity": where.get("entityId"),
        "purpose": where.get("purpose"),
        "requestId": where.get("requestId"),
    }
    match = (
        "MATCH (a:AuditEntry {chain: $chain}) WHERE ($client IS NULL OR a.client = $client) "
        "AND ($role IS NULL OR a.role = $role) "
        "AND ($operation IS NULL OR a.operation = $operation) "
        "AND ($decision IS NULL OR a.decision = $decision) "
        "AND ($since IS NULL OR a.time >= $since) AND ($until IS NULL OR a.time < $until) "
        "AND ($entity IS NULL OR $entity IN a.entityIds) "
        "AND ($purpose IS NULL OR a.purpose = $purpose) "
        "AND ($requestId IS NULL OR a.requestId = $requestId) "
    )
    result = await tx.run(
        match + "AND ($before IS NULL OR a.seq < $before) "
        "RETURN properties(a) AS a ORDER BY a.seq DESC LIMIT $limit",
        params,
        before=before_seq,
        limit=first + 1,
    )
    rows = [Entry.from_properties(r["a"]) async for r in result]
    total = None
    if with_total:
        counted = await tx.run(match + "RETURN count(a) AS n", params)
        total = int((await counted.single(strict=True))["n"])
    return rows, total
