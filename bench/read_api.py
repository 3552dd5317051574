"""The read API against hand-written Cypher for the same logical queries, in one run.

    .venv/bin/python -m bench.read_api [--requests 200] [--instance dev]

Starts the hub (uvicorn, one worker) in a separate process over the chosen local Neo4j (the `small`
seed of `make run` by default), then times, one after the other:
  Q1  a page of 100 cylinders with owner, location and latest filling;
  Q2  one cylinder with its whole neighbourhood of fields (owner, maker, location with its person
      and supplier, fillings, deliveries with their parties, inspections);
through the hub over HTTP (GraphQL, market role) and as one hand-written Cypher statement through
the async driver, after checking that both answer the same. Prints p50, p95 and hub/raw ratios.
This is a measurement, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any, LiteralString

import httpx
from neo4j import AsyncGraphDatabase

from bench.hub_process import compare, hub_server, print_header, wait_ready
from hub.config import Settings
from hub.graph.driver import connection_for

HEADERS = {"X-Hub-Principal": "role=market"}

Q1_GRAPHQL = """{ cylinders(first: 100) { edges { node {
  code status nextInspection owner { uscc name } location { householdId address district }
  fillings(first: 1) { edges { node { eventId time station { name } } } } } } } }"""

Q1_CYPHER: LiteralString = """
MATCH (c:Cylinder) WITH c ORDER BY c.code LIMIT 100
RETURN c.code AS code, c.status AS status, toString(c.nextInspection) AS nextInspection,
  [(c)-[:OWNED_BY]->(o:Enterprise) | {uscc: o.uscc, name: o.name}][0] AS owner,
  [(c)-[:LOCATED_AT]->(h:Household) | {householdId: h.id, address: h.address,
     district: h.district}][0] AS location,
  COLLECT { MATCH (c)<-[:OF]-(f:Filling) WITH f ORDER BY f.time DESC, f.eventId DESC LIMIT 1
    RETURN {eventId: f.eventId, time: toString(f.time),
            station: [(f)-[:AT]->(s:Enterprise) | {name: s.name}][0]} } AS fillings
"""

Q2_GRAPHQL = """query($code: String!) { cylinder(code: $code) {
  code serialNo model volumeL fillKg status madeOn lastInspection nextInspection scrapDate
  owner { uscc name kind district } maker { uscc name }
  location { householdId address district street
    person { idNumber name phone } supplier { uscc name } }
  fillings(first: 10) { edges { node { eventId time quantityKg station { name }
    filler { name } } } }
  deliveries(first: 10) { edges { node { eventId time vehicle { plate permitExpiry }
    driver { name } escort { name } household { householdId } } } }
  inspections(first: 10) { edges { node { eventId time result nextDue agency { name } } } } } }"""

Q2_CYPHER: LiteralString = """
MATCH (c:Cylinder {code: $code})
RETURN c.code AS code, c.serialNo AS serialNo, c.model AS model, c.volumeL AS volumeL,
  c.fillKg AS fillKg, c.status AS status, toString(c.madeOn) AS madeOn,
  toString(c.lastInspection) AS lastInspection, toString(c.nextInspection) AS nextInspection,
  toString(c.scrapDate) AS scrapDate,
  [(c)-[:OWNED_BY]->(o) | o {.uscc, .name, .kind, .district}][0] AS owner,
  [(c)-[:MADE_BY]->(m) | m {.uscc, .name}][0] AS maker,
  [(c)-[:LOCATED_AT]->(h) | {householdId: h.id, address: h.address, district: h.district,
    street: h.street,
    person: [(h)-[:REGISTERED_TO]->(p) | {idNumber: left(p.idNumber, 6) + '********'
      + right(p.idNumber, 4), name: left(p.name, 1) + '*',
      phone: left(p.phone, 3) + '****' + right(p.phone, 4)}][0],
    supplier: [(h)-[:CUSTOMER_OF]->(s) | s {.uscc, .name}][0]}][0] AS location,
  COLLECT { MATCH (c)<-[:OF]-(f:Filling) WITH f ORDER BY f.time DESC, f.eventId DESC LIMIT 10
    RETURN {eventId: f.eventId, time: toString(f.time), quantityKg: f.quantityKg,
      station: [(f)-[:AT]->(s) | s {.name}][0],
      filler: [(f)-[:BY]->(p) | {name: left(p.name, 1) + '*'}][0]} } AS fillings,
  COLLECT { MATCH (c)<-[:OF]-(d:Delivery) WITH d ORDER BY d.time DESC, d.eventId DESC LIMIT 10
    RETURN {eventId: d.eventId, time: toString(d.time),
      vehicle: [(d)-[:VIA]->(v) | {plate: v.plate, permitExpiry: toString(v.permitExpiry)}][0],
      driver: [(d)-[:BY]->(p) | {name: left(p.name, 1) + '*'}][0],
      escort: [(d)-[:ESCORTED_BY]->(p) | {name: left(p.name, 1) + '*'}][0],
      household: [(d)-[:TO]->(h) | {householdId: h.id}][0]} } AS deliveries,
  COLLECT { MATCH (c)<-[:OF]-(i:Inspection) WITH i ORDER BY i.time DESC, i.eventId DESC LIMIT 10
    RETURN {eventId: i.eventId, time: toString(i.time), result: i.result,
      nextDue: toString(i.nextDue), agency: [(i)-[:BY]->(a) | a {.name}][0]} } AS inspections
"""

BUSY_CYLINDER: LiteralString = """
MATCH (c:Cylinder)<-[:OF]-(d:Delivery) WITH c, count(d) AS n ORDER BY n DESC, c.code LIMIT 1
RETURN c.code AS code"""


def _edges(conn: dict[str, Any]) -> list[Any]:
    return [e["node"] for e in conn["edges"]]


def _flatten_q2(c: dict[str, Any]) -> dict[str, Any]:
    return {**c, **{k: _edges(c[k]) for k in ("fillings", "deliveries", "inspections")}}


async def measure(instance: str, base_url: str, requests: int) -> None:
    conn = connection_for(Settings(hub_neo4j_instance=instance))
    driver = AsyncGraphDatabase.driver(conn.uri, auth=(conn.user, conn.password))
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
            await wait_ready(http)
            code = (await driver.execute_query(BUSY_CYLINDER)).records[0]["code"]

            async def hub_q1() -> Any:
                r = await http.post("/graphql", json={"query": Q1_GRAPHQL}, headers=HEADERS)
                return _edges(r.json()["data"]["cylinders"])

            async def raw_q1() -> Any:
                result = await driver.execute_query(Q1_CYPHER)
                rows = [r.data() for r in result.records]
                return [
                    {**row, "fillings": {"edges": [{"node": f} for f in row["fillings"]]}}
                    for row in rows
                ]

            async def hub_q2() -> Any:
                body = {"query": Q2_GRAPHQL, "variables": {"code": code}}
                r = await http.post("/graphql", json=body, headers=HEADERS)
                return _flatten_q2(r.json()["data"]["cylinder"])

            async def raw_q2() -> Any:
                result = await driver.execute_query(Q2_CYPHER, code=code)
                return result.records[0].data()

            # Same answers first, or the timing means nothing.
            hub1, raw1 = await hub_q1(), await raw_q1()
            assert hub1 == raw1, "Q1: the hub and the raw Cypher disagree"
            assert await hub_q2() == await raw_q2(), "Q2: the hub and the raw Cypher disagree"

            print(f"read API vs raw Cypher, {requests} sequential requests each, {instance} graph")
            print_header(34)
            for name, hub_call, raw_call in [
                ("Q1 100 cylinders + 3 relations", hub_q1, raw_q1),
                ("Q2 one cylinder, all its fields", hub_q2, raw_q2),
            ]:
                await compare(name, requests, hub_call, raw_call, 34)
    finally:
        await driver.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--instance", default="dev", help="the local Neo4j (seeded `small`)")
    args = parser.parse_args()
    with hub_server(args.instance) as base_url:
        asyncio.run(measure(args.instance, base_url, args.requests))


if __name__ == "__main__":
    main()
