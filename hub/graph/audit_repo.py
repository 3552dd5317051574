"""Every Cypher statement of the audit log: lock and move a chain's head (appending entries and
signatures), read the head, the entries and signatures back, and pages for auditors.

The chain of one id is `(:AuditHead {chain})` (the last seq and hash, and the last signed seq),
its entries `(:AuditEntry {chain, seq, ...})` (unique on chain and seq) and its signed heads
`(:AuditSignature {chain, seq, hash, time, signature, keyId})`. No label here is in the read
policy: the graph API cannot reach these nodes. Plain values in, records out; the chain's logic
(hashing, when to sign) is hub/audit/repo.py's.
"""

from __future__ import annotations

from typing import Any

from neo4j import AsyncManagedTransaction

Record = dict[str, Any]

_HEAD = "RETURN h.seq AS seq, h.hash AS hash, h.signedSeq AS signedSeq, h.signedAt AS signedAt"


async def lock_head(tx: AsyncManagedTransaction, chain: str, genesis: str) -> Record:
    """The head of `chain` (created at `genesis` if new), write-locked until commit.

    Setting a property takes the node's write lock; reads after it see the latest committed
    head, so no two batches can take the same seqs."""
    result = await tx.run(
        "MERGE (h:AuditHead {chain: $chain}) "
        "ON CREATE SET h.seq = 0, h.hash = $genesis, h.signedSeq = 0 "
        "SET h._lock = true " + _HEAD,
        chain=chain,
        genesis=genesis,
    )
    return (await result.single(strict=True)).data()


async def move_head(
    tx: AsyncManagedTransaction,
    chain: str,
    seq: int,
    entry_hash: str,
    entries: list[Record],
    signature: Record | None,
) -> None:
    """Move the head to (seq, hash), creating the entries and the signature, and unlock it."""
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


# Appends `$entries` after the head (`$prevSeq`, `$prevHash`) the writer last left, in one
# statement: no lock is taken first. A signature of the new head, when one is due, goes in the
# same statement (the writer computed it over the new head it knows). When the head has moved
# since (another process, a mutation's own append), nothing is written (n = 0) and the head as it
# is now comes back, for the writer to chain after it and try once more. When another append
# runs at the same moment, both pass the match, the second waits for the first's lock on the head
# and then fails on the unique (chain, seq) of its first entry: the statement is rolled back whole.
# Then, and when the chain has no head yet (no row), the caller appends under the lock
# (lock_head, move_head).
APPEND_AFTER = (
    "MATCH (h:AuditHead {chain: $chain}) "
    "CALL (h) { WITH h WHERE h.seq = $prevSeq AND h.hash = $prevHash "
    "SET h.seq = $seq, h.hash = $hash, "
    "h.signedSeq = coalesce($signedSeq, h.signedSeq), "
    "h.signedAt = coalesce($signedAt, h.signedAt) "
    "FOREACH (s IN $signatures | CREATE (x:AuditSignature) SET x = s) "
    "WITH h UNWIND $entries AS e CREATE (a:AuditEntry) SET a = e "
    "RETURN count(a) AS n } "
    "RETURN n, " + _HEAD.removeprefix("RETURN ")
)


def append_after_params(
    chain: str,
    prev_seq: int,
    prev_hash: str,
    seq: int,
    entry_hash: str,
    entries: list[Record],
    signature: Record | None,
) -> dict[str, Any]:
    return {
        "chain": chain,
        "prevSeq": prev_seq,
        "prevHash": prev_hash,
        "seq": seq,
        "hash": entry_hash,
        "entries": entries,
        "signedSeq": signature["seq"] if signature else None,
        "signedAt": signature["time"] if signature else None,
        "signatures": [signature] if signature else [],
    }


# The head of a chain as committed now (no lock): where the writer chains its first group.
HEAD = "MATCH (h:AuditHead {chain: $chain}) " + _HEAD


async def read_head(tx: AsyncManagedTransaction, chain: str) -> Record | None:
    result = await tx.run("MATCH (h:AuditHead {chain: $chain}) " + _HEAD, chain=chain)
    record = await result.single()
    return None if record is None else record.data()


async def entries_between(
    tx: AsyncManagedTransaction, chain: str, first_seq: int, last_seq: int, limit: int
) -> list[Record]:
    """The properties of the entries with first_seq <= seq <= last_seq, in seq order."""
    result = await tx.run(
        "MATCH (a:AuditEntry {chain: $chain}) WHERE $first <= a.seq <= $last "
        "RETURN properties(a) AS a ORDER BY a.seq LIMIT $limit",
        chain=chain,
        first=first_seq,
        last=last_seq,
        limit=limit,
    )
    return [dict(r["a"]) async for r in result]


async def signatures_up_to(
    tx: AsyncManagedTransaction, chain: str, last_seq: int | None
) -> list[Record]:
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
) -> tuple[list[Record], int | None]:
    """Newest first: the properties of at most first + 1 entries matching `where`, older than
    `before_seq`, and how many match in all when asked."""
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
    rows = [dict(r["a"]) async for r in result]
    total = None
    if with_total:
        counted = await tx.run(match + "RETURN count(a) AS n", params)
        total = int((await counted.single(strict=True))["n"])
    return rows, total
