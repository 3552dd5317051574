"""supervision(level: CITY) through the hub, and the db hits of each of its statements.

    .venv/bin/python -m bench.supervision [--requests 20] [--instance dev] [--instance bench]

Starts the hub (uvicorn, one worker) over each chosen local Neo4j (`dev`: the `small` seed of
`make run`; `bench`: whichever graph it holds, `hub seed --scale small` or the city), its clock
pinned on the seed's "today", and times the whole city overview as the market role (every
figure, eleven statements, one per field, run concurrently by the GraphQL executor); then PROFILEs
each statement as the hub builds it and prints its db hits and whether its plan starts from an
index. A measurement, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from datetime import date, datetime, time
from typing import Any

import httpx
from neo4j import AsyncGraphDatabase

from bench.hub_process import hub_server, percentile, timed, wait_ready
from graph_seed.world import DEFAULT_AS_OF
from hub.access.principal import Principal, Role
from hub.clock import FUZHOU
from hub.config import Settings
from hub.graph.driver import connection_for
from hub.resolvers.supervision import FIGURES, _params, request, statement

HEADERS = {"X-Hub-Principal": "role=market; scopes=graph:read"}
CITY_MIN_NODES = 1_000_000
QUERY = """{ supervision(level: CITY) {
  cylinders { area total { value } onTimeShare unlocated { value } }
  households { area households { value } registeredShare series { name } }
  deliveries { area toUnregistered { value } }
  fillings { area whileOverdue { value } outsideOwner { value } }
  incidents { area total { value } }
  alerts { area total { value } } tips { area total { value } }
  food { area tested { value } failedShare recalls { value } }
  worstStations { id score } worstDistributors { id score } worstMarkets { id score }
} }"""


def _plan_hits(plan: dict[str, Any]) -> tuple[int, list[str]]:
    hits = int(plan.get("dbHits", 0))
    ops = [str(plan.get("operatorType", "")).split("@")[0]]
    for child in plan.get("children", []):
        h, o = _plan_hits(child)
        hits += h
        ops += o
    return hits, ops


async def profile(instance: str, today: date) -> list[tuple[str, int, str]]:
    conn = connection_for(Settings(hub_neo4j_instance=instance))
    driver = AsyncGraphDatabase.driver(conn.uri, auth=(conn.user, conn.password))
    principal = Principal("bench", Role.MARKET)
    req = request("CITY", None, None, None, today)
    out = []
    try:
        async with driver.session() as session:
            for name in FIGURES:
                query = "PROFILE " + statement(name, "CITY", principal)
                result = await session.run(query, _params(principal, req, today))
                summary = await result.consume()
                hits, ops = _plan_hits(summary.profile or {})
                seeks = sorted({o for o in ops if "Index" in o or "Scan" in o})
                out.append((name, hits, ", ".join(seeks)))
    finally:
        await driver.close()
    return out


async def nodes(instance: str) -> int:
    conn = connection_for(Settings(hub_neo4j_instance=instance))
    driver = AsyncGraphDatabase.driver(conn.uri, auth=(conn.user, conn.password))
    try:
        records, _, _ = await driver.execute_query("MATCH (n) RETURN count(n) AS n")
        return int(records[0]["n"])
    finally:
        await driver.close()


async def measure(instance: str, requests: int) -> None:
    count = await nodes(instance)
    if count == 0:
        print(f"[{instance}] the graph is empty: not measured")
        return
    today = DEFAULT_AS_OF
    os.environ["HUB_CLOCK_PIN"] = datetime.combine(today, time(12), FUZHOU).isoformat()
    with hub_server(instance) as base:
        async with httpx.AsyncClient(base_url=base, headers=HEADERS, timeout=120) as http:
            await wait_ready(http)

            async def call() -> None:
                body = (await http.post("/graphql", json={"query": QUERY})).json()
                if body.get("errors"):
                    raise RuntimeError(body["errors"][0]["message"])

            samples = await timed(requests, call)
    scale = "city" if count >= CITY_MIN_NODES else "small or smaller"
    print(
        f"[{instance}] {count} nodes ({scale}); supervision(level: CITY), market role,"
        f" {requests} requests"
    )
    print(f"  p50 {percentile(samples, 50):.1f} ms   p95 {percentile(samples, 95):.1f} ms")
    print(f"  {'statement':<14}{'db hits':>10}  plan starts from")
    for name, hits, seeks in await profile(instance, today):
        print(f"  {name:<14}{hits:>10}  {seeks}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--instance", action="append", default=None)
    args = parser.parse_args()
    for instance in args.instance or ["dev", "bench"]:
        asyncio.run(measure(instance, args.requests))


if __name__ == "__main__":
    main()
