"""Two writers on one chain (two replicas) and a write's own append in between: the writers'
one-statement appends after the head they last left never fork or skip the chain."""

from __future__ import annotations

import asyncio
import itertools
import secrets
from collections.abc import AsyncIterator

import pytest

from hub.audit import repo
from hub.audit.entry import Decision, Draft, Entry, Kind
from hub.audit.verify import verify_chain
from hub.audit.writer import AuditWriter
from hub.config import Settings
from hub.graph.driver import Graph
from tests.audit_support import drop_chain
from tests.graphql import cypher

pytestmark = pytest.mark.neo4j


@pytest.fixture
async def chain(graph: Graph) -> AsyncIterator[str]:
    name = f"t-writers-{secrets.token_hex(4)}"
    yield name
    await drop_chain(graph, name)


def _draft(tag: str, i: int) -> Draft:
    return Draft(Kind.GRAPHQL, f"{tag}-{i}", Decision.ALLOWED, 200)


async def test_two_writers_and_a_locked_append_keep_one_contiguous_chain(
    settings: Settings, graph: Graph, chain: str
) -> None:
    writers = [AuditWriter(settings.model_copy(update={"hub_audit_chain": chain})) for _ in "ab"]
    for w in writers:
        w.bind(graph)
        await w.start()
    outcomes: list[Entry | BaseException] = []
    try:
        for rnd in range(3):
            for i in range(5):  # one writer alone: after the head it left, in one statement
                outcomes.append(await writers[0].record(_draft(f"{rnd}solo", i)))
            calls = [
                w.record(_draft(f"{rnd}{name}", i))
                for i in range(15)
                for name, w in zip("ab", writers, strict=True)
            ]
            outcomes += await asyncio.gather(*calls, return_exceptions=True)

            async def mutation(tx: object, rnd: int = rnd) -> list[Entry]:
                now = graph.clock.stamp()
                return await repo.append_batch(tx, chain, [_draft(f"m{rnd}", 0)], None, now)  # type: ignore[arg-type]

            await graph.write(mutation)  # a write's own append moves the head under the writers
    finally:
        for w in writers:
            await w.stop()
    assert all(isinstance(o, Entry) for o in outcomes), outcomes
    rows = await cypher(
        graph,
        "MATCH (a:AuditEntry {chain: $c}) RETURN a.seq AS seq, a.prevHash AS prev, "
        "a.hash AS hash, a.requestId AS id ORDER BY a.seq",
        c=chain,
    )
    assert [r["seq"] for r in rows] == list(range(1, 3 * (5 + 30 + 1) + 1))
    assert all(b["prev"] == a["hash"] for a, b in itertools.pairwise(rows))
    assert len({r["id"] for r in rows}) == len(rows)
    report = await verify_chain(graph, settings, chain)
    assert report.ok, report.summary()
