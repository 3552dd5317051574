"""Every Cypher statement of the webhooks: endpoints, the outbox of deliveries, their leases.

A delivery `(:WebhookDelivery {id, endpoint, alert, body, status, attempts, nextAt})` is
created in the transaction that raised its alert, so an alert and its deliveries commit or fail
together. A worker claims due deliveries under a lease (`leaseHolder`, `leaseUntil`): claiming
writes the node first (the write lock), then checks the lease, so of two replicas claiming at
once one gets it and the other waits and then sees it taken. A holder that dies loses its
claims when they lapse. Delivery times are real time (UTC), as a partner's clock checks them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, LiteralString, cast

from neo4j import AsyncManagedTransaction


async def add_endpoint(
    tx: AsyncManagedTransaction, endpoint: dict[str, Any]
) -> dict[str, Any] | None:
    query: LiteralString = (
        "MATCH (c:OAuthClient) WHERE c.clientId = $client OR c.name = $client "
        "CREATE (w:WebhookEndpoint {id: $id, url: $url, secret: $secret, active: true, "
        "createdAt: $now})-[:FOR]->(c) RETURN w.id AS id, c.clientId AS client, c.name AS name"
    )
    record = await (await tx.run(query, endpoint)).single()
    return record.data() if record else None


async def list_endpoints(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
    query: LiteralString = (
        "MATCH (w:WebhookEndpoint)-[:FOR]->(c:OAuthClient) "
        "OPTIONAL MATCH (d:WebhookDelivery {endpoint: w.id}) "
        "WITH w, c, d.status AS status, count(d) AS n "
        "RETURN w.id AS id, w.url AS url, w.active AS active, c.name AS client, "
        "collect([status, n]) AS counts ORDER BY w.createdAt"
    )
    return [r.data() async for r in await tx.run(query)]


async def active_endpoints(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
    """Each active endpoint with the principal its client is (role, enterprise, district)."""
    query: LiteralString = (
        "MATCH (w:WebhookEndpoint {active: true})-[:FOR]->(c:OAuthClient {enabled: true}) "
        "RETURN w.id AS id, c.clientId AS client, c.role AS role, c.enterprise AS enterprise, "
        "c.district AS district"
    )
    return [r.data() async for r in await tx.run(query)]


async def alert_payloads(tx: AsyncManagedTransaction, ids: list[str]) -> list[dict[str, Any]]:
    query: LiteralString = (
        "UNWIND $ids AS id MATCH (a:Alert {id: id}) "
        "RETURN a.id AS id, a.rule AS rule, a.name AS name, a.severity AS severity, "
        "a.status AS status, toString(a.time) AS time, a.district AS district, "
        "a.departments AS departments, a.enterprise AS enterprise, a.summary AS summary"
    )
    return [r.data() async for r in await tx.run(query, ids=ids)]


def enqueue_statement(visible: str) -> LiteralString:
    """`visible`: the read policy's predicate over `a` for the endpoint's client."""
    return cast(  # type: ignore[redundant-cast]
        LiteralString,
        "UNWIND $rows AS row MATCH (a:Alert {id: row.alert}) WHERE " + visible + " "
        "CREATE (d:WebhookDelivery {id: randomUUID(), endpoint: $endpoint, alert: a.id, "
        "body: row.body, status: 'PENDING', attempts: 0, createdAt: $now, nextAt: $now}) "
        "RETURN d.id AS id",
    )


async def enqueue(
    tx: AsyncManagedTransaction,
    visible: str,
    params: dict[str, Any],
    endpoint: str,
    rows: list[dict[str, str]],
    now: datetime,
) -> int:
    result = await tx.run(enqueue_statement(visible), params, rows=rows, endpoint=endpoint, now=now)
    return len([r async for r in result])


_CLAIM: LiteralString = (
    "MATCH (d:WebhookDelivery {status: 'PENDING'}) WHERE d.nextAt <= $now "
    "AND (d.leaseUntil IS NULL OR d.leaseUntil < $now) "
    "WITH d ORDER BY d.nextAt LIMIT $limit "
    "SET d.claiming = true "  # the write lock; then the lease is read as committed
    "WITH d WHERE d.status = 'PENDING' AND (d.leaseUntil IS NULL OR d.leaseUntil < $now) "
    "SET d.leaseHolder = $me, d.leaseUntil = $until REMOVE d.claiming "
    "WITH d MATCH (w:WebhookEndpoint {id: d.endpoint}) "
    "RETURN d.id AS id, d.body AS body, d.attempts AS attempts, w.url AS url, "
    "w.secret AS secret, w.active AS active"
)


async def claim(
    tx: AsyncManagedTransaction, me: str, now: datetime, until: datetime, limit: int
) -> list[dict[str, Any]]:
    result = await tx.run(_CLAIM, me=me, now=now, until=until, limit=limit)
    return [r.data() async for r in result]


_SETTLE: LiteralString = (
    "MATCH (d:WebhookDelivery {id: $id, leaseHolder: $me}) "
    "SET d.status = $status, d.attempts = d.attempts + 1, d.lastAttemptAt = $now, "
    "d.lastResult = $result, d.nextAt = $next, d.leaseHolder = null, d.leaseUntil = null, "
    "d.deliveredAt = CASE WHEN $status = 'DELIVERED' THEN $now ELSE d.deliveredAt END "
    "RETURN d.id AS id"
)


async def settle(
    tx: AsyncManagedTransaction,
    delivery: str,
    me: str,
    status: str,
    result: str,
    now: datetime,
    next_at: datetime,
) -> bool:
    record = await (
        await tx.run(
            _SETTLE, id=delivery, me=me, status=status, result=result, now=now, next=next_at
        )
    ).single()
    return record is not None


_REDELIVER: LiteralString = (
    "MATCH (d:WebhookDelivery) WHERE (d.id = $id OR ($id IS NULL AND d.status = 'DEAD')) "
    "AND ($endpoint IS NULL OR d.endpoint = $endpoint) "
    "SET d.status = 'PENDING', d.attempts = 0, d.nextAt = $now, d.leaseHolder = null, "
    "d.leaseUntil = null RETURN count(d) AS n"
)


async def redeliver(
    tx: AsyncManagedTransaction, delivery: str | None, endpoint: str | None, now: datetime
) -> int:
    record = await (await tx.run(_REDELIVER, id=delivery, endpoint=endpoint, now=now)).single()
    return int(record["n"]) if record else 0
