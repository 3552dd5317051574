"""W4 (a cylinder's trace), W5 (a shortest path of at most 6 hops), W7 (1,000 fillings in one
mutation) and W8 (85% W1 reads, 10% traces, 5% writes of 10 fillings at a fixed rate).

Writes: every request carries fresh event ids (`@@N@@` in a body is replaced by a counter per
request sent, by bench/load.py and by `fresh`), so no replay hits idempotency; what a run wrote is
deleted at the end by its event-id prefix (`forget`), and only that.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from neo4j import Driver, Query

from bench.tokens import Caller
from bench.workloads import Workload
from hub.config import Settings

INVESTIGATOR = Caller("market-investigate", "market", scopes="graph:read investigate")
PREFIX = "bench-w7-"  # every event id the bench writes starts with this

_TRACE = "timeline { kind date time status node { id } } flags { kind date time event }"
W4_QUERY = "query W4($code: String!) { traceCylinder(code: $code) { " + _TRACE + " } }"
W5_HUB = """query W5($from: ID!, $to: ID!) { shortestPath(from: $from, to: $to, maxHops: 6,
  purpose: "bench W5") { nodes { id } edges { from to type } } }"""
W5_PEER = """query W5($from: ID!, $to: ID!) { shortestPath(from: $from, to: $to) {
  nodes { id } edges { from to type } } }"""
W7_HUB = """mutation W7($items: [FillingInput!]!) { recordFillings(items: $items) {
  written failed } }"""
W7_PEER = """mutation W7($items: [FillingItem!]!) { recordFillings(items: $items) {
  written failed } }"""

# A cylinder per W4 request: the ones with the longest lives that carry flags.
W4_CODES = """MATCH (c:Cylinder) WITH c, COUNT { (c)<-[:OF]-() } AS n
WHERE n >= 8 RETURN c.code AS code ORDER BY n DESC, code LIMIT 20"""
# Pairs for W5: a cylinder and a vehicle 3 to 6 hops apart with exactly one shortest path, so
# that every system must find the same one.
W5_PAIRS = """MATCH (c:Cylinder)<-[:OF]-(:Delivery)-[:TO]->(:Household)<-[:TO]-(:Delivery)
      -[:VIA]->(v:Vehicle)
WHERE NOT EXISTS { (c)<-[:OF]-(:Delivery)-[:VIA]->(v) }
WITH DISTINCT c, v ORDER BY c.code, v.plate LIMIT 200
MATCH p = allShortestPaths((c)-[*..6]-(v))
WITH c, v, count(p) AS paths, min(length(p)) AS hops WHERE paths = 1 AND hops >= 3
RETURN 'Cylinder:' + c.code AS from, 'Vehicle:' + v.plate AS to LIMIT 10"""
# W7: the filling station owning the most cylinders that may be filled today (not scrapped, seized
# or overdue, not past their scrap date: every system must write all 1,000), and those cylinders
# (none that W1 or W4 read, whose answers must not change under the writes). `$today` is the hub
# clock's (hub/clock.py).
W7_STATION = """MATCH (e:Enterprise {kind: 'FILLING_STATION'})<-[:OWNED_BY]-(c:Cylinder)
WHERE NOT c.status IN ['SCRAPPED', 'SEIZED', 'OVERDUE'] AND c.nextInspection >= date($today)
  AND (c.scrapDate IS NULL OR c.scrapDate > date($today) + duration('P2D'))
RETURN e.uscc AS uscc, count(c) AS n ORDER BY n DESC, uscc LIMIT 1"""
W7_CYLINDERS = """MATCH (:Enterprise {uscc: $station})<-[:OWNED_BY]-(c:Cylinder)
WHERE NOT c.status IN ['SCRAPPED', 'SEIZED', 'OVERDUE']
  AND c.nextInspection >= date($today) + duration('P2D') AND NOT c.code IN $avoid
  AND (c.scrapDate IS NULL OR c.scrapDate > date($today) + duration('P2D'))
RETURN c.code AS code ORDER BY code DESC LIMIT $n"""
FORGET = """MATCH (f:Filling) WHERE f.eventId STARTS WITH $prefix
WITH f LIMIT 10000 DETACH DELETE f RETURN count(*) AS n"""


class WriteWorkload(Workload):
    """Fillings by the calling station: the same items to the hub's `recordFillings`, raw's
    UNWIND and the peer's `recordFillings` (a @cypher mutation running raw's statement)."""

    station: str = ""

    def body(self, system: str, i: int) -> dict[str, Any]:
        run = PREFIX + secrets.token_hex(4) + "-@@N@@-"  # fresh per load, @@N@@ per request
        when = (Settings().clock.now() - timedelta(hours=2)).isoformat(timespec="seconds")
        codes = self.variables[i % len(self.variables)]["codes"]
        items = [
            {"eventId": run + str(k), "cylinder": c, "time": when, "quantityKg": 14.5}
            for k, c in enumerate(codes)
        ]
        if system.startswith("raw"):
            return {"statement": self.raw, "variables": {"items": items}}
        if system.startswith("hub"):
            return {"query": self.hub, "variables": {"items": items}}
        return {"query": self.peer, "variables": {"items": items}}


def written(data: Any) -> Any:
    """What a write answered, the same on every side: how many fillings it wrote."""
    (root,) = data.values()
    return root["written"], root["failed"]


def fresh(body: dict[str, Any], n: int) -> dict[str, Any]:
    """A body as one request of a load sends it (the event ids of request `n`)."""
    import json

    return dict(json.loads(json.dumps(body).replace("@@N@@", str(n))))


def more_workloads(driver: Driver, w1: Workload, pairs: bool = True) -> list[Workload]:
    """W4, W5, W7 and W8 with their parameters (W5's pairs, the slowest to find, only when
    `pairs`)."""
    avoid = [v["code"] for v in w1.variables]
    codes = [r["code"] for r in driver.execute_query(W4_CODES).records]
    # Slow on a loaded machine: past the server's default transaction timeout.
    slow = Query(W5_PAIRS, timeout=600)
    found = [dict(r) for r in driver.execute_query(slow).records] if pairs else []
    today = Settings().clock.today().isoformat()
    station = driver.execute_query(W7_STATION, today=today).records[0]["uscc"]
    cylinders = [
        r["code"]
        for r in driver.execute_query(
            W7_CYLINDERS, station=station, avoid=avoid + codes, n=1020, today=today
        ).records
    ]
    writer = Caller("station-writer", "enterprise", enterprise=station,
                    scopes="graph:read graph:write")  # fmt: skip
    w4 = Workload("W4", "a cylinder's trace: timeline (made, registered, inspections, fillings, "
                  "deliveries, incidents, status) and the five flags", W4_QUERY, W4_QUERY, "W4",
                  INVESTIGATOR, [{"code": c} for c in codes])  # fmt: skip
    w5 = Workload("W5", "a shortest path (at most 6 hops, any relationship, visible nodes only) "
                  "from a cylinder to a vehicle that never carried it", W5_HUB, W5_PEER, "W5",
                  INVESTIGATOR, found)  # fmt: skip
    w7 = WriteWorkload("W7", "1,000 fillings in one mutation by the station that owns the "
                       "cylinders", W7_HUB, W7_PEER, "W7", writer,
                       [{"codes": cylinders[:1000]}], normalise=written,
                       concurrency=2, slice_s=6.0)  # fmt: skip
    # 6 s slices: a write takes up to a second here, so a 2 s slice completes one or two, and
    # its throughput is counted in steps of 0.5 req/s.
    w7.station = station
    small = WriteWorkload("W7-10", "", W7_HUB, W7_PEER, "W7", writer,
                          [{"codes": cylinders[1000 + k: 1010 + k]} for k in (0, 10)],
                          normalise=written)  # fmt: skip
    small.station = station
    # 20 slots: 17 reads (85%), 2 traces (10%), 1 write of 10 fillings (5%).
    mix: list[tuple[Workload, int]] = []
    for slot in range(20):
        if slot == 19:
            mix.append((small, slot))
        elif slot in (6, 13):
            mix.append((w4, slot))
        else:
            mix.append((w1, slot))
    w8 = Workload("W8", "a mix at a fixed rate: 85% W1 reads, 10% W4 traces, 5% writes of 10 "
                  "fillings", "", "", "", w1.caller, [{}], mix=mix)  # fmt: skip
    return [w4, w5, w7, w8]


def forget(driver: Driver) -> int:
    """Delete the fillings the bench wrote (by their event-id prefix); how many."""
    total = 0
    while True:
        n = int(driver.execute_query(FORGET, prefix=PREFIX).records[0]["n"])
        total += n
        if n == 0:
            return total
