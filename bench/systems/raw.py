"""Raw: hand-written Cypher for each workload's logical query, through the same async driver.

It checks the bench's HS256 token like the peer and applies the same row rules, written by hand
for the bindings W6 uses; it answers in the hub's shape so that answers compare directly. This is
how close to the database a GraphQL layer could get.

"raw + audit" (`POST /audit`): the same statement, then the same durable audit append the hub
makes (hub.audit.repo.append_batch: the chain head locked, the entry hashed and created, in one
write transaction through the driver) before the answer leaves: the floor for a hub that must
audit. Its entries go to a chain of their own (`AUDIT_CHAIN`).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, LiteralString, cast

from neo4j import AsyncGraphDatabase, AsyncManagedTransaction
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bench.systems import raw_more
from bench.tokens import hs256_claims
from hub.audit import repo
from hub.audit.entry import Decision, Draft, Kind
from hub.config import Settings

AUDIT_CHAIN = "bench-raw-audit"

# Row rules by binding ("all", "district", "enterprise") for the types the statements read,
# over the row `@`.
ROWS: dict[str, dict[str, str]] = {
    "all": {"Delivery": "true", "Vehicle": "true", "Enterprise": "true", "Household": "true"},
    "district": {
        "Delivery": "(EXISTS { (@)-[:TO]->(:Household {district: $sd}) }"
        " OR EXISTS { (@)-[:FROM]->(:Enterprise {district: $sd}) })",
        "Vehicle": "EXISTS { (@)-[:OPERATED_BY]->(:Enterprise {district: $sd}) }",
        "Enterprise": "@.district = $sd",
        "Household": "@.district = $sd",
    },
    "enterprise": {
        "Delivery": "EXISTS { (@)-[:FROM]->(:Enterprise {uscc: $se}) }",
        "Vehicle": "EXISTS { (@)-[:OPERATED_BY]->(:Enterprise {uscc: $se}) }",
        "Enterprise": "@.uscc = $se",
        "Household": "EXISTS { (@)-[:CUSTOMER_OF]->(:Enterprise {uscc: $se}) }",
    },
}

W1 = """MATCH (c:Cylinder {code: $code})
RETURN {cylinder: c {.code, .status, .model, nextInspection: toString(c.nextInspection),
  owner: head([(c)-[:OWNED_BY]->(o:Enterprise) | o {.uscc, .name}]),
  location: head([(c)-[:LOCATED_AT]->(h:Household) | h {householdId: h.id, .district, .street}]),
  fillings: {edges: COLLECT { MATCH (c)<-[:OF]-(f:Filling)
    WITH f ORDER BY f.time DESC, f.eventId DESC LIMIT 3
    RETURN {node: f {.eventId, time: toString(f.time), .quantityKg,
                     station: head([(f)-[:AT]->(s:Enterprise) | s {.name}])}} }},
  deliveries: {edges: COLLECT { MATCH (c)<-[:OF]-(d:Delivery)
    WITH d ORDER BY d.time DESC, d.eventId DESC LIMIT 3
    RETURN {node: d {.eventId, time: toString(d.time),
                     vehicle: head([(d)-[:VIA]->(v:Vehicle) | v {.plate}])}} }},
  inspections: {edges: COLLECT { MATCH (c)<-[:OF]-(i:Inspection)
    WITH i ORDER BY i.time DESC, i.eventId DESC LIMIT 3
    RETURN {node: i {.eventId, time: toString(i.time), .result}} }}
}} AS result"""

W2 = """MATCH (d:Delivery)
WHERE d.time >= datetime($since) AND d.time < datetime($until)
  AND EXISTS { MATCH (d)-[:TO]->(h:Household {district: $district}) WHERE HOUSEHOLD(h) }
  AND DELIVERY(d)
WITH d ORDER BY d.time DESC, d.eventId DESC LIMIT 100
RETURN {deliveries: {edges: collect({node: d {.eventId, time: toString(d.time),
  vehicle: head(COLLECT { MATCH (d)-[:VIA]->(v:Vehicle) WHERE VEHICLE(v)
                          RETURN v {.plate, .kind} }),
  supplier: head(COLLECT { MATCH (d)-[:FROM]->(e:Enterprise) WHERE ENTERPRISE(e)
                           RETURN e {.uscc, .name} }),
  household: head(COLLECT { MATCH (d)-[:TO]->(h:Household) WHERE HOUSEHOLD(h)
                            RETURN h {householdId: h.id, .district} })
}})}} AS result"""

W3 = """MATCH (s:Sale)
WITH s ORDER BY s.time DESC, s.eventId DESC LIMIT $first
RETURN {sales: {edges: collect({node: s {.eventId, time: toString(s.time), .quantityKg, .priceYuan,
  product: head([(s)-[:OF]->(p:Product) | p {.traceCode, .name}]),
  seller: head([(s)-[:AT]->(e:Enterprise) | e {.uscc, .name}])}})}} AS result"""


def _scoped(statement: str, rows: str) -> str:
    for type_name, rule in ROWS[rows].items():
        for var in ("d", "v", "e", "h"):
            placeholder = type_name.upper() + "(" + var + ")"
            statement = statement.replace(placeholder, rule.replace("@", var))
    return statement


STATEMENTS: dict[tuple[str, str], str] = (
    {("W1", "all"): W1, ("W3", "all"): W3}
    | {("W2", rows): _scoped(W2, rows) for rows in ROWS}
    | raw_more.STATEMENTS
)


async def _read(tx: AsyncManagedTransaction, cypher: str, params: dict[str, Any]) -> Any:
    query = cast(LiteralString, cypher)  # type: ignore[redundant-cast]
    record = await (await tx.run(query, params)).single(strict=True)
    return record["result"]


async def endpoint(request: Request) -> JSONResponse:
    claims = hs256_claims(request.headers.get("authorization"))
    if claims is None:
        return JSONResponse({"errors": [{"message": "unauthenticated"}]}, status_code=401)
    body = await request.json()
    rows = str(claims.get("rows", "all"))
    cypher = STATEMENTS[(body["statement"], rows)]
    params = {**body["variables"], "sd": claims.get("district"), "se": claims.get("enterprise")}
    params["sub"] = claims.get("sub")
    clock = request.app.state.clock
    params |= {"today": clock.today().isoformat(), "now": clock.stamp()}
    async with request.app.state.driver.session(database="neo4j") as session:
        if body["statement"] in raw_more.WRITES:
            result = await session.execute_write(_read, cypher, params)
        else:
            result = await session.execute_read(_read, cypher, params)
        if request.url.path == "/audit":
            draft = Draft(
                kind=Kind.GRAPHQL,
                requestId=uuid.uuid4().hex,
                decision=Decision.ALLOWED,
                status=200,
                client=str(claims.get("sub")),
                role=str(claims.get("role")),
                purpose="bench",
                operation=body["statement"],
                queryHash=hashlib.sha256(cypher.encode()).hexdigest(),
                variablesHash=hashlib.sha256(repr(body["variables"]).encode()).hexdigest(),
                resultCount=1,
            )
            await session.execute_write(
                repo.append_batch, AUDIT_CHAIN, [draft], None, params["now"]
            )
    root = raw_more.ROOTS.get(body["statement"])
    return JSONResponse({"data": {root: result} if root else result})


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"])
    app.state.driver = AsyncGraphDatabase.driver(os.environ["NEO4J_URI"], auth=auth)
    app.state.clock = Settings().clock  # the hub's clock (HUB_CLOCK_PIN)
    try:
        yield
    finally:
        await app.state.driver.close()


app = Starlette(
    routes=[Route("/", endpoint, methods=["POST"]), Route("/audit", endpoint, methods=["POST"])],
    lifespan=lifespan,
)
