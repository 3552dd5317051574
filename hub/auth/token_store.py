"""Token state in Neo4j: single-use authorization codes, the `jti` deny list, and the one read the
resource side makes per token (is the client still enabled, the person too, the jti revoked?)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from neo4j import AsyncManagedTransaction

from hub.auth.models import AuthCode
from hub.graph.driver import fetch_all


def code_hash(code: str) -> str:
    """Codes are stored by hash: a reader of the database cannot redeem one."""
    return hashlib.sha256(code.encode()).hexdigest()


async def save_auth_code(tx: AsyncManagedTransaction, code: str, auth: AuthCode) -> None:
    await (
        await tx.run(
            "CREATE (a:AuthCode {codeHash: $codeHash, clientId: $clientId, "
            "redirectUri: $redirectUri, scope: $scope, username: $username, "
            "codeChallenge: $codeChallenge, codeChallengeMethod: $codeChallengeMethod, "
            "expiresAt: $expiresAt})",
            codeHash=code_hash(code),
            clientId=auth.client_id,
            redirectUri=auth.redirect_uri,
            scope=auth.scope,
            username=auth.username,
            codeChallenge=auth.code_challenge,
            codeChallengeMethod=auth.code_challenge_method,
            expiresAt=auth.expires_at,
        )
    ).consume()


async def take_auth_code(
    tx: AsyncManagedTransaction, code: str, client_id: str, now: int, revoked_at: datetime
) -> AuthCode | None:
    """Redeem a code, once: it is marked used whatever happens next and kept until the token it
    gave would expire. Redeemed again, it answers None and revokes the token of its first use
    (RFC 6749 section 10.5: whoever holds a copy of the code may hold that token). Spent codes
    of any client are swept on the way."""
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
        codeHash=code_hash(code),
        now=now,
    )
    if not rows:
        return None
    found = rows[0]["found"]
    if found.get("usedAt") is not None:
        if found.get("issuedJti"):
            await revoke_jti(
                tx, found["issuedJti"], found["clientId"], int(found["keepUntil"]), now, revoked_at
            )
        return None
    auth = AuthCode.from_record(found)
    return auth if auth.client_id == client_id else None


async def note_code_token(
    tx: AsyncManagedTransaction, code: str, jti: str, expires_at: int
) -> None:
    """The token a code gave, kept with the spent code so that its reuse can revoke it."""
    await (
        await tx.run(
            "MATCH (a:AuthCode {codeHash: $codeHash}) "
            "SET a.issuedJti = $jti, a.keepUntil = $expiresAt",
            codeHash=code_hash(code),
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


@dataclass(frozen=True)
class AccessStatus:
    client_enabled: bool
    user_enabled: bool
    revoked: bool
    demo: bool

    @property
    def allowed(self) -> bool:
        return self.client_enabled and self.user_enabled and not self.revoked


async def access_status(
    tx: AsyncManagedTransaction, client_id: str, username: str | None, jti: str
) -> AccessStatus:
    rows = await fetch_all(
        tx,
        "OPTIONAL MATCH (c:OAuthClient {clientId: $clientId}) "
        "OPTIONAL MATCH (u:OAuthUser {username: $username}) "
        "OPTIONAL MATCH (r:RevokedToken {jti: $jti}) "
        "RETURN coalesce(c.enabled, false) AS clientEnabled, coalesce(c.demo, false) AS demo, "
        "coalesce(u.enabled, false) AS userEnabled, r IS NOT NULL AS revoked",
        clientId=client_id,
        username=username or "",
        jti=jti,
    )
    row = rows[0]
    return AccessStatus(
        client_enabled=bool(row["clientEnabled"]),
        user_enabled=username is None or bool(row["userEnabled"]),
        revoked=bool(row["revoked"]),
        demo=bool(row["demo"]),
    )
