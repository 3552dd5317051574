"""How many audited requests per second one audit head sustains: the chain's serial point.

    .venv/bin/python -m bench.audit_head [--writers 1,2,4] [--callers 64] [--seconds 5]

Every audited request appends one entry under the `(:AuditHead)` write lock; each hub process
group-commits what is pending in one transaction. This runs `writers` audit writers (as many
processes' worth: each its own batching, all on one throwaway chain) fed by `callers` concurrent
appends in a closed loop, and prints entries per second, batches per second and entries per
batch; nothing else runs through the hub, so the figure is the head's, not the GraphQL layer's.
The chain is removed at the end. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import time

from neo4j import AsyncManagedTransaction

from hub.audit.entry import Decision, Draft, Kind
from hub.audit.writer import AuditWriter
from hub.config import Settings
from hub.graph.driver import Graph, graph_for, open_driver


async def _drop(graph: Graph, chain: str) -> None:
    async def work(tx: AsyncManagedTransaction) -> None:
        await (
            await tx.run(
                "MATCH (n) WHERE (n:AuditEntry OR n:AuditHead OR n:AuditSignature) "
                "AND n.chain = $chain DETACH DELETE n",
                chain=chain,
            )
        ).consume()

    await graph.write(work)


async def _measure(graph: Graph, settings: Settings, writers: int, callers: int, seconds: float
                   ) -> tuple[float, float]:  # fmt: skip
    pool = [AuditWriter(settings) for _ in range(writers)]
    for w in pool:
        w.bind(graph)
        await w.start()
    done = 0
    begin = time.monotonic()
    writes_before = graph.counter.writes

    async def caller(n: int) -> None:
        nonlocal done
        writer = pool[n % writers]
        while time.monotonic() - begin < seconds:
            draft = Draft(Kind.GRAPHQL, f"bench-{n}-{done}", Decision.ALLOWED, 200, "bench")
            await writer.record(draft)
            done += 1

    await asyncio.gather(*(caller(n) for n in range(callers)))
    elapsed = time.monotonic() - begin
    batches = graph.counter.writes - writes_before
    for w in pool:
        await w.stop()
    return done / elapsed, batches / elapsed


async def main(writer_counts: list[int], callers: int, seconds: float) -> None:
    chain = f"t-head-{secrets.token_hex(4)}"
    settings = Settings(hub_audit_chain=chain)
    driver = open_driver(settings)
    graph = graph_for(driver, settings)
    try:
        print(f"{callers} concurrent appends, {seconds:.0f} s each, chain {chain}")
        print("| writers | entries/s | batches/s | entries per batch |")
        print("| ---: | ---: | ---: | ---: |")
        for writers in writer_counts:
            entries, batches = await _measure(graph, settings, writers, callers, seconds)
            per = entries / batches if batches else 0.0
            print(f"| {writers} | {entries:.0f} | {batches:.0f} | {per:.1f} |", flush=True)
    finally:
        await _drop(graph, chain)
        await driver.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writers", default="1,2,4")
    parser.add_argument("--callers", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    asyncio.run(main([int(w) for w in args.writers.split(",")], args.callers, args.seconds))
