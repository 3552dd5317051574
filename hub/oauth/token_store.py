"""Token state: single-use authorization codes, the `jti` deny list, and the one read the
resource side makes per token (is the client still enabled, the person too, the jti revoked?),
over the statements of hub/graph/token_repo.py."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from hub.graph import token_repo as repo
from hub.graph.driver import Graph
from hub.oauth.models import AuthCode


def code_hash(code: str) -> str:
    """Codes are stored by hash: a reader of the database cannot redeem one."""
    return hashlib.sha256(code.encode()).hexdigest()


async def save_auth_code(tx: AsyncManagedTransaction, code: str, auth: AuthCode) -> None:
    await repo.save_auth_code(
        tx,
        {
            "codeHash": code_hash(code),
            "clientId": auth.client_id,
            "redirectUri": auth.redirect_uri,
            "scope": auth.scope,
            "username": auth.username,
            "codeChallenge": auth.code_challenge,
            "codeChallengeMethod": auth.code_challenge_method,
            "expiresAt": auth.expires_at,
        },
    )


async def take_auth_code(
    tx: AsyncManagedTransaction, code: str, client_id: str, now: int, revoked_at: datetime
) -> AuthCode | None:
    """Redeem a code, once: it is marked used whatever happens next and kept until the token it
    gave would expire. Redeemed again, it answers None and revokes the token of its first use
    (RFC 6749 section 10.5: whoever holds a copy of the code may hold that token)."""
    record = await repo.take_auth_code(tx, code_hash(code), now)
    if record is None:
        return None
    if record.get("usedAt") is not None:
        if record.get("issuedJti"):
            await repo.revoke_jti(
                tx, record["issuedJti"], record["clientId"], int(record["keepUntil"]), now,
                revoked_at,
            )  # fmt: skip
        return None
    auth = AuthCode.from_record(record)
    return auth if auth.client_id == client_id else None


async def note_code_token(
    tx: AsyncManagedTransaction, code: str, jti: str, expires_at: int
) -> None:
    """The token a code gave, kept with the spent code so that its reuse can revoke it."""
    await repo.note_code_token(tx, code_hash(code), jti, expires_at)


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
    await repo.revoke_jti(tx, jti, client_id, expires_at, now, revoked_at)


@dataclass(frozen=True)
class AccessStatus:
    client_enabled: bool
    user_enabled: bool
    revoked: bool
    demo: bool

    @property
    def allowed(self) -> bool:
        return self.client_enabled and self.user_enabled and not self.revoked


def _status(row: dict[str, Any], username: str | None) -> AccessStatus:
    return AccessStatus(
        client_enabled=bool(row["clientEnabled"]),
        user_enabled=username is None or bool(row["userEnabled"]),
        revoked=bool(row["revoked"]),
        demo=bool(row["demo"]),
    )


async def access_status(
    tx: AsyncManagedTransaction, client_id: str, username: str | None, jti: str
) -> AccessStatus:
    return _status(await repo.access_status(tx, client_id, username or "", jti), username)


async def access_status_once(
    graph: Graph, client_id: str, username: str | None, jti: str
) -> AccessStatus:
    """access_status in one round trip (the resource side's check of every token)."""
    row = await repo.access_status_once(graph, client_id, username or "", jti)
    return _status(row, username)
