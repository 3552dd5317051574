"""Credentials for each system: HS256 JWTs for the peer and raw, OAuth clients for the hub.

The hub is measured on its real path: a bench client per role in its registry, a client-credentials
token from /oauth/token, and ES256 verification plus the revocation check on every request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx
from joserfc import jwt
from joserfc.jwk import OctKey

from bench.settings import JWT_SECRET
from hub.config import Settings
from hub.graph.driver import Graph
from hub.oauth import admin, registry


@dataclass(frozen=True)
class Caller:
    """Who a request is made as: a role and its bindings (the W6 variants)."""

    name: str
    role: str
    district: str | None = None
    enterprise: str | None = None
    scopes: str = "graph:read"  # W4/W5 add `investigate`, W7/W8 `graph:write`

    @property
    def rows(self) -> str:
        """The peer's row rule (bench/peer/index.mjs): which binding scopes the rows."""
        return "enterprise" if self.enterprise else "district" if self.district else "all"


def hs256_token(caller: Caller, ttl_s: int = 3600) -> str:
    now = int(time.time())
    clock = Settings().clock
    claims: dict[str, object] = {
        "sub": "bench-" + caller.name,
        "role": caller.role,
        "rows": caller.rows,
        "scopes": caller.scopes,
        "iat": now,
        "exp": now + ttl_s,
        # The hub clock's day and moment, for the peer's @cypher statements ($today, $now).
        "today": clock.today().isoformat(),
        "now": clock.stamp(),
    }
    if caller.district:
        claims["district"] = caller.district
    if caller.enterprise:
        claims["enterprise"] = caller.enterprise
    return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(JWT_SECRET))


def hs256_claims(authorization: str | None) -> dict[str, object] | None:
    """The verified claims of a bench bearer token, or None."""
    if not authorization or not authorization.startswith("Bearer "):
        return None
    try:
        token = jwt.decode(authorization[7:], OctKey.import_key(JWT_SECRET), algorithms=["HS256"])
    except ValueError:
        return None
    claims = dict(token.claims)
    exp = claims.get("exp")
    return claims if isinstance(exp, int) and exp > time.time() else None


@dataclass(frozen=True)
class HubClient:
    caller: Caller
    client_id: str
    secret: str


async def register_hub_clients(graph: Graph, callers: list[Caller]) -> list[HubClient]:
    """A fresh registry client per caller (secrets are stored hashed, so old ones are replaced)."""
    out: list[HubClient] = []
    for caller in callers:
        name = "bench-" + caller.name
        old = await graph.read(registry.find_client_by_name, name)
        if old is not None:
            await graph.write(registry.delete_client, old.client_id)
        new = await admin.add_client(
            graph,
            name,
            caller.role,
            caller.scopes,
            enterprise=caller.enterprise,
            district=caller.district,
        )
        assert new.secret is not None
        out.append(HubClient(caller, new.client.client_id, new.secret))
    return out


def hub_token(base_url: str, client: HubClient) -> str:
    response = httpx.post(
        base_url + "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.secret),
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])
