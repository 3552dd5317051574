"""What the audit trail costs: a read workload with auditing on and off, in one run.

    .venv/bin/python -m bench.audit [--requests 2000] [--concurrency 20] [--instance test]

Builds two hub apps in this process over the same Neo4j (the chosen project-managed instance,
which must hold a seeded graph): one with the audit trail on (a throwaway chain, removed at the
end), one with it off. Each serves the same small cylinder query (market role) through ASGI at
the given concurrency, in alternating rounds so that drift in the machine hits both alike. Prints
requests/s, p50 and p95 latency for each, the ratio, and how many entries shared a commit.
This is a measurement, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import time
from typing import Any

import httpx
from neo4j import AsyncManagedTransaction
from starlette.applications import Starlette

from hub.app import Runtime, create_app
from hub.config import Settings

QUERY = "{ cylinders(first: 5) { edges { node { code status nextInspection } } } }"
HEADERS = {"X-Hub-Principal": "role=market"}


async def _round(app: Starlette, requests: int, concurrency: int) -> tuple[float, list[float]]:
    transport = httpx.ASGITransport(app=app)
    latencies: list[float] = []
    queue = iter(range(requests))

    async with httpx.AsyncClient(transport=transport, base_url="http://hub.bench") as client:

        async def worker() -> None:
            for _ in queue:
                started = time.perf_counter()
                response = await client.post("/graphql", json={"query": QUERY}, headers=HEADERS)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200 or "errors" in response.json():
                    raise RuntimeError(f"unexpected answer: {response.text[:200]}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started, latencies


async def _drop_chain(app: Starlette, chain: str) -> None:
    runtime: Runtime = app.state.runtime

    async def work(tx: AsyncManagedTransaction) -> None:
        await (
            await tx.run(
                "MATCH (n) WHERE (n:AuditEntry OR n:AuditHead OR n:AuditSignature) "
                "AND n.chain = $chain DETACH DELETE n",
                chain=chain,
            )
        ).consume()

    await runtime.graph.write(work)


async def main(requests: int, concurrency: int, rounds: int) -> None:
    # Measure the audit, not the rate guard; act as roles through the development header.
    base = Settings(hub_rate_limit_per_min=0, hub_dev_principal=True)
    chain = f"t-bench-{secrets.token_hex(4)}"
    apps = {
        "audit on": create_app(base.model_copy(update={"hub_audit_chain": chain})),
        "audit off": create_app(base.model_copy(update={"hub_audit_enabled": False})),
    }
    results: dict[str, dict[str, Any]] = {n: {"s": 0.0, "n": 0, "lat": []} for n in apps}
    async with apps["audit on"].router.lifespan_context(apps["audit on"]):
        async with apps["audit off"].router.lifespan_context(apps["audit off"]):
            for app in apps.values():  # warm up: connections, caches, the chain's head
                await _round(app, 200, concurrency)
            on_runtime: Runtime = apps["audit on"].state.runtime
            writes_before = on_runtime.graph.counter.writes
            for _ in range(rounds):
                for name, app in apps.items():
                    seconds, latencies = await _round(app, requests // rounds, concurrency)
                    results[name]["s"] += seconds
                    results[name]["n"] += len(latencies)
                    results[name]["lat"] += latencies
            batches = on_runtime.graph.counter.writes - writes_before
            await _drop_chain(apps["audit on"], chain)

    print(
        f"read workload: {requests} requests of a 5-cylinder page, concurrency {concurrency}, "
        f"{rounds} alternating rounds each, in-process ASGI, one Neo4j"
    )
    rates = {}
    for name, r in results.items():
        lat = sorted(r["lat"])
        rates[name] = r["n"] / r["s"]
        p50 = statistics.median(lat) * 1000
        p95 = lat[int(len(lat) * 0.95) - 1] * 1000
        print(f"  {name:9}  {rates[name]:8.1f} req/s   p50 {p50:6.2f} ms   p95 {p95:6.2f} ms")
    entries = results["audit on"]["n"]
    print(f"  on/off throughput ratio: {rates['audit on'] / rates['audit off']:.2f}")
    print(
        f"  group commit: {entries} entries in {batches} write transactions "
        f"({entries / max(batches, 1):.1f} entries per commit)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--instance", default="test", help="the project-managed Neo4j to use")
    args = parser.parse_args()
    os.environ["HUB_NEO4J_INSTANCE"] = args.instance
    os.environ.setdefault("HUB_LOG_LEVEL", "WARNING")
    asyncio.run(main(args.requests, args.concurrency, args.rounds))
