"""Ingestion: batches of fillings through the GraphQL mutation against the same rows through a
hand-written UNWIND with the driver, in one run.

    .venv/bin/python -m bench.ingest [--batches 10] [--size 500] [--instance dev]

Starts the hub (uvicorn, one worker) in a separate process over the chosen local Neo4j and talks
to it over HTTP (development principal header, enterprise role). It registers its own station,
maker and cylinders first (through the hub), then times, the two sides taking turns batch by
batch (who goes first alternating):
  hub  `recordFillings` with `size` items: shape checks, write policy, content hashes, one
       statement that judges every row by the closed-loop rules and writes those that pass
       (hub/graph/ingest_fold_repo.py), the audit entry in the same managed transaction, and the
       per-item answer;
  raw  one managed transaction running a hand-written UNWIND that MERGEs the same kind of rows
       (eventId, time, quantity, provenance) and their two relationships, with no validation.
Prints the events per second of each side's median batch and their ratio (hub / raw). What it
recorded is deleted at the end (only its own rows, by its client id). A measurement, not a test:
it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, LiteralString

import httpx
from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncManagedTransaction

from bench.hub_process import hub_server, wait_ready
from hub.config import Settings
from hub.graph.driver import connection_for
from hub.identifiers import USCC_ALPHABET, make_uscc

CST = timezone(timedelta(hours=8))
RESULT = "{ written failed results { ok errors { code } } }"
RAW_FILLINGS: LiteralString = """
UNWIND $rows AS row
MATCH (c:Cylinder {code: row.cylinder}), (s:Enterprise {uscc: $station})
MERGE (f:Filling {eventId: row.eventId})
ON CREATE SET f.time = row.time, f.quantityKg = row.quantityKg, f.recordedBy = $by,
  f.recordedAt = $now
MERGE (f)-[:OF]->(c)
MERGE (f)-[:AT]->(s)
"""
FORGET: LiteralString = """
MATCH (n {recordedBy: $by}) WITH n LIMIT 1000 DETACH DELETE n RETURN count(*) AS n
"""


def _uscc() -> str:
    return make_uscc("91350102" + "".join(secrets.choice(USCC_ALPHABET) for _ in range(9)))


class Bench:
    def __init__(self, http: httpx.AsyncClient, driver: AsyncDriver, size: int) -> None:
        self.http, self.driver, self.size = http, driver, size
        self.by = f"bench-ingest-{secrets.token_hex(4)}"
        self.station, self.maker = _uscc(), _uscc()
        self.cylinders = [f"BENCH-{self.by[-8:]}-{i:05d}" for i in range(size)]
        self.round = 0

    async def push(self, mutation: str, kind: str, items: list[Any], **claims: str) -> Any:
        claims = {"sub": self.by, "scopes": "graph:read graph:write", **claims}
        header = "; ".join(f"{k}={v}" for k, v in claims.items())
        query = f"mutation($items: [{kind}!]!) {{ {mutation}(items: $items) {RESULT} }}"
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": {"items": items}},
            headers={"X-Hub-Principal": header},
        )
        body = response.json()
        assert "errors" not in body, body
        return body["data"][mutation]

    async def setup(self) -> None:
        companies = [
            {"uscc": self.station, "name": "基准充装站", "kind": "FILLING_STATION",
             "district": "350102", "address": "福州市鼓楼区基准路1号"},
            {"uscc": self.maker, "name": "基准气瓶厂", "kind": "CYLINDER_MANUFACTURER",
             "district": "350102", "address": "福州市鼓楼区基准路2号"},
        ]  # fmt: skip
        await self.push("registerEnterprises", "EnterpriseInput", companies, role="market")
        made = (datetime.now(CST).date() - timedelta(days=200)).isoformat()
        cylinders = [
            {"code": c, "serialNo": c[-5:], "model": "YSP35.5", "madeOn": made, "maker": self.maker}
            for c in self.cylinders
        ]
        done = await self.push("registerCylinders", "CylinderInput", cylinders,
                               role="enterprise", enterprise=self.station)  # fmt: skip
        assert done["failed"] == 0, done

    def batch(self, side: str) -> list[dict[str, Any]]:
        self.round += 1
        when = datetime.now(CST) - timedelta(hours=1, seconds=self.round)
        return [
            {"eventId": f"{self.by}-{side}{self.round}-{i}", "cylinder": c,
             "time": when.isoformat(timespec="seconds"), "quantityKg": 14.9}
            for i, c in enumerate(self.cylinders)
        ]  # fmt: skip

    async def hub_batch(self) -> None:
        done = await self.push("recordFillings", "FillingInput", self.batch("h"),
                               role="enterprise", enterprise=self.station)  # fmt: skip
        assert done["written"] == self.size, done

    async def raw_batch(self) -> None:
        rows = [{**item, "time": datetime.fromisoformat(item["time"])} for item in self.batch("r")]

        async def work(tx: AsyncManagedTransaction) -> None:
            params = {"rows": rows, "station": self.station, "by": self.by}
            result = await tx.run(RAW_FILLINGS, params, now=datetime.now(UTC))
            await result.consume()

        async with self.driver.session() as session:
            await session.execute_write(work)

    async def forget(self) -> None:
        while True:
            records, _, _ = await self.driver.execute_query(FORGET, by=self.by)
            if records[0]["n"] == 0:
                return


async def _timed(call: Any) -> float:
    started = time.perf_counter()
    await call()
    return time.perf_counter() - started


async def _interleaved(batches: int, sides: dict[str, Any]) -> dict[str, list[float]]:
    """Each side's batch times, the sides taking turns batch by batch (who goes first
    alternating), so that whatever else the machine does falls on both alike."""
    for call in sides.values():
        await call()  # warm-up: plans, caches, pools
    times: dict[str, list[float]] = {name: [] for name in sides}
    order = list(sides)
    for _ in range(batches):
        for name in order:
            times[name].append(await _timed(sides[name]))
        order.reverse()
    return times


async def measure(instance: str, base_url: str, batches: int, size: int) -> None:
    conn = connection_for(Settings(hub_neo4j_instance=instance))
    driver = AsyncGraphDatabase.driver(conn.uri, auth=(conn.user, conn.password))
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as http:
        await wait_ready(http)
        bench = Bench(http, driver, size)
        try:
            await bench.setup()
            times = await _interleaved(batches, {"hub": bench.hub_batch, "raw": bench.raw_batch})
        finally:
            await bench.forget()
            await driver.close()
    hub_rate = size / statistics.median(times["hub"])
    raw_rate = size / statistics.median(times["raw"])
    print(f"ingestion: {batches} batches of {size} fillings each side, taking turns, {instance} "
          f"graph; events/s of the median batch")  # fmt: skip
    print(f"  hub recordFillings over HTTP  {hub_rate:>9.0f} events/s")
    print(f"  raw UNWIND via the driver     {raw_rate:>9.0f} events/s")
    print(f"  hub / raw                     {hub_rate / raw_rate:>9.2f} x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--instance", default="dev", help="the local Neo4j (e.g. `make run`'s)")
    args = parser.parse_args()
    with hub_server(args.instance) as base_url:
        asyncio.run(measure(args.instance, base_url, args.batches, args.size))


if __name__ == "__main__":
    main()
