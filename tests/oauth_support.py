"""Helpers for the OAuth tests: registering throwaway clients and people, getting tokens, and
forging tokens the way an attacker would (with joserfc, or by hand for `alg: none`)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import ECKey, Key
from starlette.applications import Starlette

from hub.config import Settings
from hub.graph.driver import Graph
from hub.identifiers import make_uscc
from hub.oauth import admin, registry
from hub.oauth.keys import KeyRing
from hub.oauth.models import OAuthUser

ClientFactory = Callable[[Starlette], AsyncIterator[httpx.AsyncClient]]
ME = "{ me { subject role scopes enterprise district } }"
USCC = make_uscc("91350100MA0000001")  # a well-formed code with its check character


def unique(prefix: str) -> str:
    return f"t-{prefix}-{secrets.token_hex(4)}"


class Registrar:
    """Registers clients and people with unique names and removes them afterwards."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.client_ids: list[str] = []
        self.usernames: list[str] = []

    async def client(
        self, role: str = "police", scopes: str = "graph:read", **kwargs: Any
    ) -> admin.NewClient:
        new = await admin.add_client(self.graph, unique(role), role, scopes, **kwargs)
        self.client_ids.append(new.client.client_id)
        return new

    async def user(
        self, role: str = "market", scopes: str = "graph:read investigate", password: str = ""
    ) -> tuple[OAuthUser, str]:
        password = password or secrets.token_urlsafe(16)
        user = await admin.add_user(self.graph, unique("person"), role, scopes, password)
        self.usernames.append(user.username)
        return user, password

    async def cleanup(self) -> None:
        for client_id in self.client_ids:
            await self.graph.write(registry.delete_client, client_id)
        for username in self.usernames:
            await self.graph.write(registry.delete_user, username)


async def token_response(
    http: httpx.AsyncClient, new: admin.NewClient, **form: str
) -> httpx.Response:
    assert new.secret is not None
    return await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", **form},
        auth=(new.client.client_id, new.secret),
    )


async def token_for(http: httpx.AsyncClient, new: admin.NewClient, **form: str) -> str:
    response = await token_response(http, new, **form)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def graphql(
    http: httpx.AsyncClient, token: str | None, query: str = ME, scheme: str = "Bearer"
) -> httpx.Response:
    headers = {"Authorization": f"{scheme} {token}"} if token is not None else {}
    return await http.post("/graphql", json={"query": query}, headers=headers)


def claims_for(settings: Settings, client_id: str, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": settings.hub_issuer,
        "aud": settings.hub_audience,
        "sub": client_id,
        "client_id": client_id,
        "jti": secrets.token_urlsafe(16),
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "role": "police",
        "scope": "graph:read",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def hub_key(settings: Settings) -> ECKey:
    return KeyRing(settings).keys.current


def sign(claims: dict[str, Any], key: Key, alg: str = "ES256", **header: Any) -> str:
    """A token signed with joserfc; `typ`/`kid` as given (None drops the `typ`)."""
    base = {"alg": alg, "typ": "at+jwt", "kid": key.kid, **header}
    base = {k: v for k, v in base.items() if v is not None}
    return jwt.encode(base, claims, key, algorithms=[alg], default_type=None)


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unsigned(claims: dict[str, Any], kid: str) -> str:
    """`alg: none`, built by hand: joserfc rightly refuses to make one."""
    return f"{_b64({'alg': 'none', 'typ': 'at+jwt', 'kid': kid})}.{_b64(claims)}."


def hs256_with_public_key(claims: dict[str, Any], public: ECKey) -> str:
    """The key-confusion attack: HMAC keyed with the bytes of the published public key. Made by
    hand: joserfc rightly refuses a public key as an HMAC secret."""
    header = _b64({"alg": "HS256", "typ": "at+jwt", "kid": public.kid})
    signing_input = f"{header}.{_b64(claims)}"
    mac = hmac.new(public.as_pem(private=False), signing_input.encode(), hashlib.sha256)
    return f"{signing_input}.{base64.urlsafe_b64encode(mac.digest()).rstrip(b'=').decode()}"


def tamper(token: str, **changes: Any) -> str:
    """The same header and signature over a payload changed after signing."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    return f"{header}.{_b64(claims)}.{signature}"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
