"""The client and people registry in Neo4j: every Cypher statement about `:OAuthClient` and
`:OAuthUser`. Transaction functions take plain values and return records (maps); hub/oauth/
registry.py turns them into the authorization server's models."""

from __future__ import annotations

from datetime import datetime
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from hub.graph.driver import fetch_all

Record = dict[str, Any]

# The projection every client read returns (the secret hash only where it is checked).
_CLIENT: LiteralString = (
    "c {clientId: c.clientId, name: c.name, role: c.role, scopes: c.scopes, "
    "enabled: c.enabled, enterprise: c.enterprise, district: c.district, "
    "redirectUris: c.redirectUris, demo: c.demo, createdAt: c.createdAt, rotatedAt: c.rotatedAt"
)
_USER: LiteralString = (
    "u {username: u.username, role: u.role, scopes: u.scopes, enabled: u.enabled, "
    "enterprise: u.enterprise, district: u.district, demo: u.demo, createdAt: u.createdAt"
)


async def create_client(tx: AsyncManagedTransaction, client: Record) -> None:
    """`client`: clientId, name, role, scopes, enterprise, district, secretHash, redirectUris,
    demo, and `now` (the hub's clock)."""
    await (
        await tx.run(
            "CREATE (c:OAuthClient {clientId: $clientId, name: $name, role: $role, "
            "scopes: $scopes, enabled: true, enterprise: $enterprise, district: $district, "
            "secretHash: $secretHash, redirectUris: $redirectUris, demo: $demo, "
            "createdAt: $now, rotatedAt: $now})",
            client,
        )
    ).consume()


async def find_client(tx: AsyncManagedTransaction, client_id: str) -> Record | None:
    rows = await fetch_all(
        tx,
        "MATCH (c:OAuthClient {clientId: $clientId}) "
        "RETURN " + _CLIENT + ", secretHash: c.secretHash} AS c",
        clientId=client_id,
    )
    return dict(rows[0]["c"]) if rows else None


async def find_client_by_name(tx: AsyncManagedTransaction, name: str) -> Record | None:
    rows = await fetch_all(
        tx,
        "MATCH (c:OAuthClient {name: $name}) RETURN " + _CLIENT + "} AS c",
        name=name,
    )
    return dict(rows[0]["c"]) if rows else None


async def list_clients(tx: AsyncManagedTransaction) -> list[Record]:
    rows = await fetch_all(
        tx,
        "MATCH (c:OAuthClient) RETURN " + _CLIENT + "} AS c ORDER BY c.name",
    )
    return [dict(r["c"]) for r in rows]


async def set_client_enabled(tx: AsyncManagedTransaction, client_id: str, enabled: bool) -> bool:
    rows = await fetch_all(
        tx,
        "MATCH (c:OAuthClient {clientId: $clientId}) SET c.enabled = $enabled RETURN c.clientId",
        clientId=client_id,
        enabled=enabled,
    )
    return bool(rows)


async def set_client_secret(
    tx: AsyncManagedTransaction, client_id: str, secret_hash: str, now: datetime
) -> bool:
    rows = await fetch_all(
        tx,
        "MATCH (c:OAuthClient {clientId: $clientId}) WHERE c.secretHash IS NOT NULL "
        "SET c.secretHash = $secretHash, c.rotatedAt = $now RETURN c.clientId",
        clientId=client_id,
        now=now,
        secretHash=secret_hash,
    )
    return bool(rows)


async def set_redirect_uris(tx: AsyncManagedTransaction, client_id: str, uris: list[str]) -> bool:
    """A sign-in (public) client's redirect URIs; a client with a secret has none to set."""
    rows = await fetch_all(
        tx,
        "MATCH (c:OAuthClient {clientId: $clientId}) WHERE c.secretHash IS NULL "
        "SET c.redirectUris = $uris RETURN c.clientId",
        clientId=client_id,
        uris=uris,
    )
    return bool(rows)


async def delete_client(tx: AsyncManagedTransaction, client_id: str) -> bool:
    rows = await fetch_all(
        tx,
        "MATCH (c:OAuthClient {clientId: $clientId}) DETACH DELETE c RETURN 1 AS deleted",
        clientId=client_id,
    )
    return bool(rows)


async def demo_credential_names(tx: AsyncManagedTransaction) -> list[str]:
    """The names of every demo client and demo person in the registry."""
    rows = await fetch_all(
        tx,
        "MATCH (c:OAuthClient) WHERE c.demo = true RETURN 'client ' + c.name AS name "
        "UNION MATCH (u:OAuthUser) WHERE u.demo = true RETURN 'user ' + u.username AS name",
    )
    return sorted(str(r["name"]) for r in rows)


async def create_user(tx: AsyncManagedTransaction, user: Record) -> None:
    """`user`: username, role, scopes, enterprise, district, passwordHash, demo, and `now` (the
    hub's clock)."""
    await (
        await tx.run(
            "CREATE (u:OAuthUser {username: $username, role: $role, scopes: $scopes, "
            "enabled: true, enterprise: $enterprise, district: $district, "
            "passwordHash: $passwordHash, demo: $demo, createdAt: $now})",
            user,
        )
    ).consume()


async def find_user(tx: AsyncManagedTransaction, username: str) -> Record | None:
    rows = await fetch_all(
        tx,
        "MATCH (u:OAuthUser {username: $username}) "
        "RETURN " + _USER + ", passwordHash: u.passwordHash} AS u",
        username=username,
    )
    return dict(rows[0]["u"]) if rows else None


async def list_users(tx: AsyncManagedTransaction) -> list[Record]:
    rows = await fetch_all(
        tx,
        "MATCH (u:OAuthUser) RETURN " + _USER + "} AS u ORDER BY u.username",
    )
    return [dict(r["u"]) for r in rows]


async def set_user_enabled(tx: AsyncManagedTransaction, username: str, enabled: bool) -> bool:
    rows = await fetch_all(
        tx,
        "MATCH (u:OAuthUser {username: $username}) SET u.enabled = $enabled RETURN u.username",
        username=username,
        enabled=enabled,
    )
    return bool(rows)


async def delete_user(tx: AsyncManagedTransaction, username: str) -> bool:
    rows = await fetch_all(
        tx,
        "MATCH (u:OAuthUser {username: $username}) DETACH DELETE u RETURN 1 AS deleted",
        username=username,
    )
    return bool(rows)


async def enterprise_per_kind(tx: AsyncManagedTransaction) -> list[Record]:
    """One enterprise (the smallest uscc) of every kind in the graph, for demo clients."""
    return await fetch_all(
        tx,
        "MATCH (e:Enterprise) WHERE e.kind IS NOT NULL "
        "RETURN e.kind AS kind, min(e.uscc) AS uscc ORDER BY kind",
    )


async def delete_demo_credentials(tx: AsyncManagedTransaction) -> int:
    rows = await fetch_all(
        tx,
        "OPTIONAL MATCH (c:OAuthClient) WHERE c.demo = true "
        "WITH collect(c) AS clients "
        "OPTIONAL MATCH (u:OAuthUser) WHERE u.demo = true "
        "WITH clients, collect(u) AS users WITH clients + users AS doomed "
        "FOREACH (n IN doomed | DETACH DELETE n) RETURN size(doomed) AS deleted",
    )
    return int(rows[0]["deleted"])
