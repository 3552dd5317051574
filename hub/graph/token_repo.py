"""Token state in Neo4j: single-use authorization codes (stored by hash), the `jti` deny list,
and the one read the resource side makes per token. Plain values in, records out; hub/oauth/
token_store.py speaks the authorization server's models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from neo4j import AsyncManagedTransaction
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError

from hub.graph.driver import Graph, fetch_all


async def save_auth_code(tx: AsyncManagedTransaction, code: dict[str, Any]) -> None:
    """`code`: codeHash, clientId, redirectUri, scope, username, codeChallenge,
    codeChallengeMethod, expiresAt."""
    await (
        await tx.run(
            "CREATE (a:AuthCode {codeHash: $codeHash, clientId: $clientId, "
            "redirectUri: $redirectUri, scope: $scope, username: $username, "
            "codeChallenge: $codeChallenge, codeChallengeMethod: $codeChallengeMethod, "
            "expiresAt: $expiresAt})",
            code,
        )
    ).consume()


async def take_auth_code(
    tx: AsyncManagedTransaction, code_hash: str, now: int
) -> dict[str, Any] | None:
    """The code's record as it was before this redemption, which marks it used (`usedAt`);
    spent codes of any client are swept on the way."""
    await (
        await tx.run(
            "MATCH (a:AuthCode) WHERE coalesce(a.keepUntil, a.expiresAt) < $now DELETE a", now=now
        )
    ).consume()
    # The write lock first: of two redemptions at once, the second sees the first's mark.
    rows = await fetch_all(
        tx,
        "MATCH (a:AuthCode {codeHash: $codeHash}) SET a._lock = true "
        "WITH a, a {.*} AS found SET a.usedAt = coalesce(a.usedAt, $now) REMOVE a._lock "
        "RETURN found",
        codeHash=code_hash,
        now=now,
    )
    return dict(rows[0]["found"]) if rows else None


async def note_code_token(
    tx: AsyncManagedTransaction, code_hash: str, jti: str, expires_at: int
) -> None:
    """The token a code gave, kept with the spent code so that its reuse can revoke it."""
    await (
        await tx.run(
            "MATCH (a:AuthCode {codeHash: $codeHash}) "
            "SET a.issuedJti = $jti, a.keepUntil = $expiresAt",
            codeHash=code_hash,
            jti=jti,
            expiresAt=expires_at,
        )
    ).consume()


async def revoke_jti(
    tx: AsyncManagedTransaction,
    jti: str,
    client_id: str,
    expires_at: int,
    now: int,
    revoked_at: datetime,
) -> None:
    """Deny a token by its id until it would have expired anyway; old entries are swept.
    `now` is epoch seconds (as `exp` is), `revoked_at` the hub's clock."""
    await (
        await tx.run("MATCH (r:RevokedToken) WHERE r.expiresAt < $now DELETE r", now=now)
    ).consume()
    await (
        await tx.run(
            "MERGE (r:RevokedToken {jti: $jti}) "
            "ON CREATE SET r.clientId = $clientId, r.expiresAt = $expiresAt, "
            "r.revokedAt = $revokedAt",
            jti=jti,
            revokedAt=revoked_at,
            clientId=client_id,
            expiresAt=expires_at,
        )
    ).consume()


ACCESS_STATUS = (
    "OPTIONAL MATCH (c:OAuthClient {clientId: $clientId}) "
    "OPTIONAL MATCH (u:OAuthUser {username: $username}) "
    "OPTIONAL MATCH (r:RevokedToken {jti: $jti}) "
    "RETURN coalesce(c.enabled, false) AS clientEnabled, coalesce(c.demo, false) AS demo, "
    "coalesce(u.enabled, false) AS userEnabled, r IS NOT NULL AS revoked"
)


def access_status_params(client_id: str, username: str, jti: str) -> dict[str, Any]:
    return {"clientId": client_id, "username": username, "jti": jti}


async def access_status(
    tx: AsyncManagedTransaction, client_id: str, username: str, jti: str
) -> dict[str, Any]:
    """clientEnabled, demo, userEnabled, revoked (ACCESS_STATUS in a managed read)."""
    rows = await fetch_all(tx, ACCESS_STATUS, **access_status_params(client_id, username, jti))
    return rows[0]


async def access_status_once(
    graph: Graph, client_id: str, username: str, jti: str
) -> dict[str, Any]:
    """ACCESS_STATUS in one round trip (an auto-commit read: RUN and PULL together, where a
    managed read adds BEGIN and COMMIT); a failure the driver would retry runs again as a managed
    read, which retries."""
    params = access_status_params(client_id, username, jti)
    try:
        records = await graph.statement("access_status", ACCESS_STATUS, params, write=False)
    except (TransientError, ServiceUnavailable, SessionExpired):
        return await graph.read(access_status, client_id, username, jti)
    return dict(records[0])
