"""Helpers for the audit tests: entries straight from the store, and throwaway chains."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from neo4j import AsyncManagedTransaction

from hub.audit.entry import Entry
from hub.graph.driver import Graph
from tests.graphql import cypher, scalar


def request_id(prefix: str) -> str:
    return f"i8-{prefix}-{secrets.token_hex(6)}"


async def entries_for(graph: Graph, request_id: str, chain: str = "main") -> list[Entry]:
    rows = await cypher(
        graph,
        "MATCH (a:AuditEntry {chain: $chain, requestId: $rid}) "
        "RETURN properties(a) AS a ORDER BY a.seq",
        chain=chain,
        rid=request_id,
    )
    return [Entry.from_properties(r["a"]) for r in rows]


async def records_for(graph: Graph, request_id: str, expected: int) -> list[Entry]:
    """The `expected` records (whole entries or outcomes) under `request_id`, each outcome after
    an intent of its own, once the outcomes appended after the answers are in."""
    for _ in range(100):
        found = await entries_for(graph, request_id)
        records = [e for e in found if e.phase != "intent"]
        if len(records) >= expected:
            break
        await asyncio.sleep(0.05)
    intents = {e.seq for e in found if e.phase == "intent"}
    outcomes = [e for e in records if e.phase == "outcome"]
    paired = [e.intentSeq for e in outcomes]
    assert len(paired) == len(set(paired)), found
    assert set(paired) == intents, found
    assert all((e.intentSeq or 0) < e.seq for e in outcomes)
    return records


async def one_entry(graph: Graph, request_id: str) -> Entry:
    """The request's record: its one whole entry, or a read's outcome after its intent (the
    outcome is appended after the answer left, so it is waited for here)."""
    for _ in range(100):
        found = await entries_for(graph, request_id)
        if not (len(found) == 1 and found[0].phase == "intent"):
            break
        await asyncio.sleep(0.05)
    if len(found) == 2 and found[0].phase == "intent":
        intent, outcome = found
        assert (outcome.phase, outcome.intentSeq) == ("outcome", intent.seq)
        assert (intent.decision, intent.client) == ("pending", outcome.client)
        assert intent.purpose in (None, outcome.purpose)  # a field's purpose comes later
        return outcome
    assert len(found) == 1, f"{len(found)} entries for {request_id}"
    return found[0]


async def a_person(graph: Graph) -> str:
    """A seeded person registered to a household (police and housing read them)."""
    return str(
        await scalar(
            graph,
            "MATCH (:Household {recordedBy: 'graph_seed'})-[:REGISTERED_TO]->(p:Person) "
            "RETURN p.idNumber ORDER BY p.idNumber LIMIT 1",
        )
    )


async def drop_chain(graph: Graph, chain: str) -> None:
    """Remove a throwaway chain (only ever one a test made: its id starts with `t-`)."""
    assert chain.startswith("t-")

    async def work(tx: AsyncManagedTransaction) -> None:
        await (
            await tx.run(
                "MATCH (n) WHERE (n:AuditEntry OR n:AuditHead OR n:AuditSignature) "
                "AND n.chain = $chain DETACH DELETE n",
                chain=chain,
            )
        ).consume()

    await graph.write(work)


async def run_write(graph: Graph, query: Any, **params: Any) -> None:
    async def work(tx: AsyncManagedTransaction) -> None:
        await (await tx.run(query, params)).consume()

    await graph.write(work)
