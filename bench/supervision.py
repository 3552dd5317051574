"""supervision(level: CITY) through the hub, and the db hits of each of its statements.

    .venv/bin/python -m bench.supervision [--requests 20] [--instance dev] [--instance bench]
        [--level CITY --level DISTRICT --level STREET] [--live] [--bound 350181]

Starts the hub (uvicorn, one worker) over each chosen local Neo4j (`dev`: the `small` seed of
`make run`; `bench`: whichever graph it holds, `hub seed --scale small` or the city), its clock
pinned on the seed's "today", and times the whole city overview as the market role (every
figure, eleven statements, one per field, run concurrently by the GraphQL executor); then PROFILEs
each statement as the hub builds it and prints its db hits and whether its plan starts from an
index. The rolled-up figures (cylinders, households, deliveries, fillings, food) are read
from the supervision rollup when the graph has one (`hub supervision refresh`): their statement
is then the read of its cells; `--live` profiles the live statements instead (what the hub runs
with no rollup). DISTRICT and STREET take the district with most households and its largest
street. `--bound` asks as a market client bound to that district. Each time is printed with
the machine's load average. A measurement, not a test: it asserts nothing about time.
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
from hub.graph import supervision_rollup_repo as rollup_repo
from hub.graph.driver import connection_for
from hub.resolvers.supervision import FIGURES, ROLLED, _params, request, statement

HEADERS = {"X-Hub-Principal": "role=market; scopes=graph:read"}
CITY_MIN_NODES = 1_000_000
QUERY = """query($level: SupervisionLevel!, $area: String) {
  supervision(level: $level, area: $area) { asOf
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


ROLLUP_READ = (
    "MATCH (c:SupervisionCell {gen: $gen}) WHERE c.figure IN $figures"
    " AND ($district IS NULL OR c.district = $district) RETURN c {.*} AS cell"
)


async def profile(instance: str, today: date, live: bool) -> list[tuple[str, int, str]]:
    conn = connection_for(Settings(hub_neo4j_instance=instance))
    driver = AsyncGraphDatabase.driver(conn.uri, auth=(conn.user, conn.password))
    principal = Principal("bench", Role.MARKET)
    req = request("CITY", None, None, None, today)
    out = []
    try:
        async with driver.session() as session:
            current = None if live else await session.execute_read(rollup_repo.current)
            for name in FIGURES:
                if current is not None and name in ROLLED:
                    query = "PROFILE " + ROLLUP_READ
                    params = {"gen": current["gen"], "figures": list(ROLLED[name])}
                    result = await session.run(query, params | {"district": None})
                    name = name + " (rollup)"
                else:
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


async def areas(instance: str) -> dict[str, str | None]:
    """The area each level asks for: the district with most households, its largest street."""
    conn = connection_for(Settings(hub_neo4j_instance=instance))
    driver = AsyncGraphDatabase.driver(conn.uri, auth=(conn.user, conn.password))
    try:
        records, _, _ = await driver.execute_query(
            "MATCH (h:Household) WITH h.district AS d, count(*) AS n ORDER BY n DESC, d LIMIT 1"
            " MATCH (h:Household {district: d}) WITH d, h.street AS s, count(*) AS n"
            " ORDER BY n DESC, s LIMIT 1 RETURN d, s"
        )
        d, s = records[0]["d"], records[0]["s"]
        return {"CITY": None, "DISTRICT": d, "STREET": f"{d}/{s}"}
    finally:
        await driver.close()


def _load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


async def measure(
    instance: str, requests: int, levels: list[str], live: bool, bound: str | None
) -> None:
    count = await nodes(instance)
    if count == 0:
        print(f"[{instance}] the graph is empty: not measured")
        return
    today = DEFAULT_AS_OF
    os.environ["HUB_CLOCK_PIN"] = datetime.combine(today, time(12), FUZHOU).isoformat()
    where = await areas(instance)
    scale = "city" if count >= CITY_MIN_NODES else "small or smaller"
    who = f"market role bound to {bound}" if bound else "market role"
    print(f"[{instance}] {count} nodes ({scale}); supervision, {who}, {requests} requests")
    headers = {
        "X-Hub-Principal": HEADERS["X-Hub-Principal"] + (f"; district={bound}" if bound else "")
    }
    with hub_server(instance) as base:
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120) as http:
            await wait_ready(http)
            for level in levels:
                variables = {"level": level, "area": where[level]}
                as_of: list[str | None] = []
                failed: list[str] = []

                async def call(
                    variables: dict[str, str | None] = variables,
                    as_of: list[str | None] = as_of,
                    failed: list[str] = failed,
                ) -> None:
                    body = (
                        await http.post("/graphql", json={"query": QUERY, "variables": variables})
                    ).json()
                    if body.get("errors"):  # counted, not raised: past the deadline is a figure
                        failed.append(body["errors"][0]["extensions"].get("code", "?"))
                    else:
                        as_of.append(body["data"]["supervision"]["asOf"])

                before = _load()
                samples = await timed(requests, call)
                warm = max(5, requests // 10)
                print(
                    f"  {level} {where[level] or ''}: p50 {percentile(samples, 50):.1f} ms"
                    f"   p95 {percentile(samples, 95):.1f} ms   ({before}; after {_load()};"
                    f" {len(failed)} of {requests + warm} with warm-up answered an error"
                    f" {sorted(set(failed))}; asOf {as_of[-1] if as_of else None})"
                )
    print(f"  {'statement':<24}{'db hits':>10}  plan starts from")
    for name, hits, seeks in await profile(instance, today, live):
        print(f"  {name:<24}{hits:>10}  {seeks}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--instance", action="append", default=None)
    parser.add_argument("--level", action="append", choices=["CITY", "DISTRICT", "STREET"])
    parser.add_argument("--live", action="store_true", help="profile the live statements")
    parser.add_argument("--bound", help="as a client bound to this district (its times only)")
    args = parser.parse_args()
    for instance in args.instance or ["dev", "bench"]:
        levels = args.level or ["CITY"]
        asyncio.run(measure(instance, args.requests, levels, args.live, args.bound))


if __name__ == "__main__":
    main()
