"""Investigation queries through the hub against the same Cypher through the driver.

    .venv/bin/python -m bench.investigation [--requests 100] [--instance dev] [--instance bench]
    .venv/bin/python -m bench.investigation --profile --instance bench

Starts the hub (uvicorn, one worker) over each chosen local Neo4j (`dev`: the `small` seed of
`make run`; `bench`: the city graph, measured only when it is loaded) and times, one after the
other, as the market role with the investigate scope:
  traceCylinder      the busiest cylinder's timeline (events with their ids) and flags;
  traceProduct       the most shipped batch, DOWNSTREAM: subgraph ids and recall list;
  neighborhood d=2   around that cylinder, at most 100 nodes;
  neighborhood d=1   around its owner station, at most 200 nodes (the explorer's expand);
  shortestPath       from that cylinder to a vehicle that never carried it, at most 8 hops;
through the hub over HTTP (GraphQL) and as the statement the hub's repositories build for that
role, run through the async driver after checking both answer the same rows. Prints p50, p95
and the hub/raw ratios. A measurement, not a test: it asserts nothing about time.

With `--profile` it times nothing: it runs the hub in process, captures the statement it sends for
each query (where the resolvers hand it to the driver), and prints its PROFILE db hits beside
raw's, with the operators that cost most (each PROFILE in a transaction rolled back).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, LiteralString, cast

import httpx
from neo4j import AsyncDriver, AsyncGraphDatabase

from bench.hub_process import compare, hub_server, print_header, wait_ready
from hub.config import Settings
from hub.graph import investigation_repo, trace_repo
from hub.graph.driver import connection_for
from hub.graph.mapping import TYPES

HEADERS = {"X-Hub-Principal": "role=market; scopes=graph:read investigate"}
CITY_MIN_NODES = 1_000_000  # below this the city load is still running: say so, measure nothing


class MarketView:
    """The market role's view: every type readable, no row rules (as the hub builds it)."""

    def rule(self, type_name: str, var: str) -> str:
        return "true"

    def predicate(self, var: str, among: Iterable[str] | None = None) -> str:
        types = TYPES if among is None else sorted(set(among))
        return "(" + " OR ".join(var + ":" + TYPES[t].label for t in types) + ")"

    def global_id(self, var: str) -> str:
        cases = [
            "WHEN " + var + ":" + m.label + " THEN '" + t + ":' + " + var + "." + m.global_key
            for t, m in TYPES.items()
        ]
        return "CASE " + " ".join(cases) + " END"


VIEW = MarketView()
ID_ONLY = "{id: " + VIEW.global_id("n") + "}"


def _ids(type_name: str, var: str) -> str:
    return "{id: " + trace_repo.gid(type_name, var) + "}"


def _node(type_name: str, var: str) -> str:
    return "{__typename: '" + type_name + "', id: " + trace_repo.gid(type_name, var) + "}"


FLAGS = (
    "OVERDUE",
    "FILLED_WHILE_OVERDUE",
    "FILLED_OUTSIDE_OWNER",
    "DELIVERED_WITHOUT_VALID_PERMIT",
    "DELIVERED_TO_UNREGISTERED_HOUSEHOLD",
)
TRACE_CYPHER = trace_repo.cylinder_trace(
    VIEW,
    {
        "timeline": trace_repo.cylinder_timeline(VIEW, _ids),
        "flags": trace_repo.cylinder_flags(VIEW, FLAGS),
    },
)
PRODUCT_CYPHER = trace_repo.product_trace(VIEW, _node, lambda t, v: _ids(t, v), {})
RELS = investigation_repo.rel_pattern(list(investigation_repo.REL_TYPES))
NEIGHBOURS = investigation_repo.neighborhood(
    VIEW, "Cylinder", list(investigation_repo.REL_TYPES), "", ID_ONLY
)
STATION = investigation_repo.neighborhood(
    VIEW, "Enterprise", list(investigation_repo.REL_TYPES), "", ID_ONLY
)
PATH_CYPHER = investigation_repo.shortest_path(VIEW, "Cylinder", "Vehicle", RELS, 8, ID_ONLY)

TRACE_GQL = """query($c: String!) { traceCylinder(code: $c) {
  timeline { kind date time status node { id } } flags { kind date time event } } }"""
PRODUCT_GQL = """query($t: String!) { traceProduct(traceCode: $t, direction: DOWNSTREAM) {
  subgraph { nodes { id } edges { from to type } truncated }
  recall { enterprise { id } quantityKg shipments hop } } }"""
NEIGHBOURS_GQL = """query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 100,
  purpose: "benchmark") { nodes { id } edges { from to type } truncated } }"""
STATION_GQL = NEIGHBOURS_GQL.replace("depth: 2, limit: 100", "depth: 1, limit: 200")
PATH_GQL = """query($a: ID!, $b: ID!) { shortestPath(from: $a, to: $b, maxHops: 8,
  purpose: "benchmark") { nodes { id } edges { from to type } } }"""

SAMPLES: LiteralString = """
MATCH (c:Cylinder)<-[:OF]-(d:Delivery) WITH c, count(d) AS n ORDER BY n DESC, c.code LIMIT 1
MATCH (c)-[:OWNED_BY]->(o:Enterprise)
MATCH (v:Vehicle) WHERE NOT EXISTS { (c)<-[:OF]-(:Delivery)-[:VIA]->(v) }
WITH c, o, v ORDER BY v.plate DESC LIMIT 1
MATCH (p:Product)<-[:OF]-(s:Shipment) WITH c, o, v, p, count(s) AS n
ORDER BY n DESC, p.traceCode LIMIT 1
RETURN c.code AS cylinder, o.uscc AS station, v.plate AS vehicle, p.traceCode AS product"""


async def _raw(driver: AsyncDriver, cypher: str, **params: Any) -> Any:
    records = await _rows(driver, cypher, params)
    return records[0]["result"] if records else None


async def _rows(driver: AsyncDriver, cypher: str, params: dict[str, Any]) -> list[Any]:
    result = await driver.execute_query(cast(LiteralString, cypher), params)  # type: ignore[redundant-cast]
    return list(result.records)


async def _raw_neighbours(
    driver: AsyncDriver, statements: investigation_repo.Neighbourhood, start: str, depth: int,
    cap: int,
) -> Any:  # fmt: skip
    """The neighbourhood's statements as the hub runs them, one after the other."""

    async def read(cypher: str, params: dict[str, Any]) -> list[Any]:
        return await _rows(driver, cypher, params)

    return await investigation_repo.grow(read, statements, {"start": start}, depth, cap)


def _same(name: str, hub: set[Any], raw: set[Any]) -> None:
    if hub != raw:
        raise SystemExit(f"{name}: the hub and the raw Cypher disagree ({len(hub)} vs {len(raw)})")


async def _node_count(instance: str) -> int:
    conn = connection_for(Settings(hub_neo4j_instance=instance))
    driver = AsyncGraphDatabase.driver(conn.uri, auth=(conn.user, conn.password))
    try:
        result = await driver.execute_query("MATCH (n) RETURN count(n) AS n")
        return int(result.records[0]["n"])
    finally:
        await driver.close()


async def measure(instance: str, base_url: str, requests: int) -> None:
    conn = connection_for(Settings(hub_neo4j_instance=instance))
    driver = AsyncGraphDatabase.driver(
        conn.uri, auth=(conn.user, conn.password), notifications_min_severity="OFF"
    )
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
            await wait_ready(http, seconds=60)
            s = (await driver.execute_query(SAMPLES)).records[0]
            today = Settings(hub_neo4j_instance=instance).clock.today()  # the hub's own day

            async def gql(query: str, **variables: Any) -> Any:
                r = await http.post(
                    "/graphql", json={"query": query, "variables": variables}, headers=HEADERS
                )
                body = r.json()
                if body.get("errors"):
                    raise SystemExit(f"hub error: {body['errors']}")
                return next(iter(body["data"].values()))

            cases: list[tuple[str, Callable[[], Awaitable[Any]], Callable[[], Awaitable[Any]]]]
            cases = [
                (
                    "traceCylinder",
                    lambda: gql(TRACE_GQL, c=s["cylinder"]),
                    lambda: _raw(driver, TRACE_CYPHER, code=s["cylinder"], today=today),
                ),
                (
                    "traceProduct DOWNSTREAM",
                    lambda: gql(PRODUCT_GQL, t=s["product"]),
                    lambda: _raw(driver, PRODUCT_CYPHER, code=s["product"], cap=200),
                ),
                (
                    "neighborhood depth 2",
                    lambda: gql(NEIGHBOURS_GQL, id="Cylinder:" + s["cylinder"]),
                    lambda: _raw_neighbours(driver, NEIGHBOURS, s["cylinder"], 2, 100),
                ),
                (
                    "neighborhood d=1, station",
                    lambda: gql(STATION_GQL, id="Enterprise:" + s["station"]),
                    lambda: _raw_neighbours(driver, STATION, s["station"], 1, 200),
                ),
                (
                    "shortestPath <= 8 hops",
                    lambda: gql(PATH_GQL, a="Cylinder:" + s["cylinder"],
                                b="Vehicle:" + s["vehicle"]),
                    lambda: _raw(driver, PATH_CYPHER,
                                 **{"from": s["cylinder"], "to": s["vehicle"]}),
                ),
            ]  # fmt: skip

            # The hub's fixed cost per request (HTTP, token, GraphQL, audit entry) beside one
            # trivial statement, to read the ratios above against.
            cases.append(
                (
                    "baseline: me / RETURN 1",
                    lambda: gql("{ me { role } }"),
                    lambda: driver.execute_query("RETURN 1 AS result"),
                )
            )

            # Same answers first, or the timing means nothing.
            trace_hub, trace_raw = await cases[0][1](), await cases[0][2]()
            _same(
                "traceCylinder",
                {e["node"]["id"] for e in trace_hub["timeline"] if e["node"]},
                {e["node"]["id"] for e in trace_raw["timeline"] if e["node"]},
            )
            _same(
                "traceCylinder flags",
                {(f["kind"], f["event"]) for f in trace_hub["flags"]},
                {(f["kind"], f["event"]) for f in trace_raw["flags"]},
            )
            product_hub, product_raw = await cases[1][1](), await cases[1][2]()
            _same(
                "traceProduct",
                {r["enterprise"]["id"] for r in product_hub["recall"]},
                {sh["recipient"]["id"] for sh in product_raw["shipments"]},
            )
            for name, hub_call, raw_call in cases[2:5]:
                hub, raw = await hub_call(), await raw_call()
                _same(name, {n["id"] for n in hub["nodes"]}, {n["id"] for n in raw["nodes"]})

            print(f"investigation vs the same Cypher, {requests} sequential requests each, "
                  f"{instance} graph ({await _node_count(instance):,} nodes)")  # fmt: skip
            print_header(26)
            for name, hub_call, raw_call in cases:
                await compare(name, requests, hub_call, raw_call, 26)
    finally:
        await driver.close()


def _plan_hits(plan: dict[str, Any], out: list[tuple[int, str]]) -> int:
    own = int(plan.get("dbHits", 0))
    out.append((own, str(plan.get("operatorType", "?"))))
    return own + sum(_plan_hits(c, out) for c in plan.get("children", []))


def _profiled(
    session: Any, cypher: str, params: dict[str, Any]
) -> tuple[list[Any], int, list[tuple[int, str]]]:
    """The statement's records, db hits and operators, in a rolled-back transaction."""
    with session.begin_transaction() as tx:
        result = tx.run(cast(LiteralString, "PROFILE " + cypher), params)  # type: ignore[redundant-cast]
        records = list(result)
        summary = result.consume()
        tx.rollback()
    ops: list[tuple[int, str]] = []
    total = _plan_hits(summary.profile or {}, ops)
    return records, total, ops


def _hits(session: Any, statements: list[tuple[str, dict[str, Any]]]) -> tuple[int, list[str]]:
    """The db hits of the statements together and their three costliest operators."""
    total, ops = 0, list[tuple[int, str]]()
    for cypher, params in statements:
        _, hits, own = _profiled(session, cypher, params)
        total, ops = total + hits, ops + own
    top = [f"{op.split('@')[0]} {hits:,}" for hits, op in sorted(ops, reverse=True)[:3] if hits]
    return total, top


def _raw_neighbour_statements(
    session: Any, statements: investigation_repo.Neighbourhood, start: str, depth: int, cap: int
) -> list[tuple[str, dict[str, Any]]]:
    """The statements raw's neighbourhood runs, each level's from the one before."""
    ran: list[tuple[str, dict[str, Any]]] = []

    async def read(cypher: str, params: dict[str, Any]) -> list[Any]:
        ran.append((cypher, params))
        return _profiled(session, cypher, params)[0]

    asyncio.run(investigation_repo.grow(read, statements, {"start": start}, depth, cap))
    return ran


def profile(instance: str) -> None:
    """PROFILE db hits of each query as the hub sends it and as raw's statements."""
    import neo4j
    from starlette.testclient import TestClient

    from hub.app import create_app

    settings = Settings(hub_neo4j_instance=instance, hub_dev_principal=True,
                        hub_rate_limit_per_min=0)  # fmt: skip
    conn = connection_for(settings)
    captured: list[tuple[str, dict[str, Any]]] = []
    original = investigation_repo.read_rows  # every trace, neighbourhood and path statement

    async def recording(graph: Any, cypher: str, params: dict[str, Any]) -> Any:
        captured.append((cypher, dict(params)))
        return await original(graph, cypher, params)

    driver = neo4j.GraphDatabase.driver(
        conn.uri, auth=(conn.user, conn.password), notifications_min_severity="OFF"
    )
    investigation_repo.read_rows = recording
    try:
        with TestClient(create_app(settings)) as client, driver.session(database="neo4j") as db:
            s = db.run(SAMPLES).single()
            assert s is not None
            cases = [
                ("traceCylinder", TRACE_GQL, {"c": s["cylinder"]},
                 [(TRACE_CYPHER, {"code": s["cylinder"], "today": settings.clock.today()})]),
                ("traceProduct DOWNSTREAM", PRODUCT_GQL, {"t": s["product"]},
                 [(PRODUCT_CYPHER, {"code": s["product"], "cap": 200})]),
                ("neighborhood depth 2", NEIGHBOURS_GQL, {"id": "Cylinder:" + s["cylinder"]},
                 _raw_neighbour_statements(db, NEIGHBOURS, s["cylinder"], 2, 100)),
                ("neighborhood d=1, station", STATION_GQL, {"id": "Enterprise:" + s["station"]},
                 _raw_neighbour_statements(db, STATION, s["station"], 1, 200)),
                ("shortestPath <= 8 hops", PATH_GQL,
                 {"a": "Cylinder:" + s["cylinder"], "b": "Vehicle:" + s["vehicle"]},
                 [(PATH_CYPHER, {"from": s["cylinder"], "to": s["vehicle"]})]),
            ]  # fmt: skip
            print(f"PROFILE db hits, {instance} graph: cylinder {s['cylinder']}, "
                  f"station {s['station']}, vehicle {s['vehicle']}, "
                  f"product {s['product']}")  # fmt: skip
            for name, query, variables, raw_statements in cases:
                captured.clear()
                r = client.post("/graphql", json={"query": query, "variables": variables},
                                headers=HEADERS)  # fmt: skip
                if r.json().get("errors"):
                    raise SystemExit(f"hub error: {r.json()['errors']}")
                hub_hits, hub_top = _hits(db, captured)
                raw_hits, _ = _hits(db, raw_statements)
                print(f"{name:<26} hub {hub_hits:>10,}  raw {raw_hits:>10,}"
                      f"  ({len(captured)} statement(s))")  # fmt: skip
                print(f"{'':<26} hub's costliest: {', '.join(hub_top)}")
    finally:
        investigation_repo.read_rows = original
        driver.close()


def run(instance: str, requests: int) -> None:
    with hub_server(instance) as base_url:
        asyncio.run(measure(instance, base_url, requests))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--instance", action="append", help="local Neo4j instances (dev, bench)")
    parser.add_argument("--profile", action="store_true", help="PROFILE db hits, no timing")
    args = parser.parse_args()
    if args.profile:
        for instance in args.instance or ["dev"]:
            profile(instance)
        return
    for instance in args.instance or ["dev", "bench"]:
        if instance == "bench":
            try:
                nodes = asyncio.run(_node_count(instance))
            except Exception as exc:  # not started: say so, measure the others
                print(f"bench graph: not reachable ({type(exc).__name__}); not measured")
                continue
            if nodes < CITY_MIN_NODES:
                print(f"bench graph: {nodes:,} nodes, the city load is not complete; not measured")
                continue
        run(instance, args.requests)


if __name__ == "__main__":
    main()
