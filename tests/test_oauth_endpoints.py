"""Introspection, revocation, the published keys and the server metadata."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata

from hub.app import create_app
from hub.config import Settings
from hub.graph.driver import Graph
from hub.oauth import keys
from hub.oauth.admin import NewClient
from tests.oauth_support import ClientFactory, Registrar, graphql, token_for


@pytest.fixture
async def reg(graph: Graph) -> AsyncIterator[Registrar]:
    registrar = Registrar(graph)
    yield registrar
    await registrar.cleanup()


async def introspect(http: httpx.AsyncClient, caller: NewClient, token: str) -> httpx.Response:
    assert caller.secret is not None
    return await http.post(
        "/oauth/introspect", data={"token": token}, auth=(caller.client.client_id, caller.secret)
    )


async def revoke(http: httpx.AsyncClient, caller: NewClient, token: str) -> httpx.Response:
    assert caller.secret is not None
    return await http.post(
        "/oauth/revoke", data={"token": token}, auth=(caller.client.client_id, caller.secret)
    )


async def test_introspecting_a_live_token_says_active_with_its_claims(
    client: httpx.AsyncClient, reg: Registrar, settings: Settings
) -> None:
    police = await reg.client("police", "graph:read", district="350102")
    response = await introspect(client, police, await token_for(client, police))
    body = response.json()
    assert response.status_code == 200
    assert body["active"] is True
    assert body["client_id"] == police.client.client_id
    assert body["scope"] == "graph:read"
    assert body["role"] == "police"
    assert body["district"] == "350102"
    assert body["iss"] == settings.hub_issuer
    assert response.headers["cache-control"] == "no-store"


async def test_introspecting_a_revoked_token_says_inactive(
    client: httpx.AsyncClient, reg: Registrar
) -> None:
    police = await reg.client("police")
    token = await token_for(client, police)
    await revoke(client, police, token)
    assert (await introspect(client, police, token)).json() == {"active": False}


async def test_introspecting_garbage_says_inactive(
    client: httpx.AsyncClient, reg: Registrar
) -> None:
    police = await reg.client("police")
    assert (await introspect(client, police, "garbage")).json() == {"active": False}


async def test_introspecting_another_clients_token_says_inactive(
    client: httpx.AsyncClient, reg: Registrar
) -> None:
    police, housing = await reg.client("police"), await reg.client("housing")
    token = await token_for(client, police)
    assert (await introspect(client, housing, token)).json() == {"active": False}


async def test_an_admin_client_may_introspect_any_token(
    client: httpx.AsyncClient, reg: Registrar
) -> None:
    police, operator = await reg.client("police"), await reg.client("admin", "admin")
    token = await token_for(client, police)
    assert (await introspect(client, operator, token)).json()["active"] is True


async def test_introspection_needs_client_authentication(client: httpx.AsyncClient) -> None:
    response = await client.post("/oauth/introspect", data={"token": "x"})
    assert response.status_code in (400, 401)
    assert response.json()["error"] == "invalid_client"


async def test_revoking_an_unknown_token_is_a_quiet_200(
    client: httpx.AsyncClient, reg: Registrar
) -> None:
    police = await reg.client("police")
    response = await revoke(client, police, "never-issued")
    assert response.status_code == 200


async def test_revoking_a_token_twice_is_still_200(
    client: httpx.AsyncClient, reg: Registrar
) -> None:
    police = await reg.client("police")
    token = await token_for(client, police)
    assert (await revoke(client, police, token)).status_code == 200
    assert (await revoke(client, police, token)).status_code == 200
    assert (await graphql(client, token)).status_code == 401


async def test_a_client_cannot_revoke_another_clients_token(
    client: httpx.AsyncClient, reg: Registrar
) -> None:
    police, housing = await reg.client("police"), await reg.client("housing")
    token = await token_for(client, police)
    assert (await revoke(client, housing, token)).status_code == 400
    assert (await graphql(client, token)).status_code == 200


async def test_the_jwks_publishes_public_keys_only(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    body = (await client.get("/.well-known/jwks.json")).json()
    assert body["keys"]
    for key in body["keys"]:
        assert key["kty"] == "EC"
        assert key["alg"] == "ES256"
        assert key["kid"]
        assert "d" not in key
    assert keys.KeyRing(settings).keys.current.kid in {k["kid"] for k in body["keys"]}


async def test_the_server_metadata_is_valid_rfc8414(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    body = (await client.get("/.well-known/oauth-authorization-server")).json()
    AuthorizationServerMetadata(body).validate()
    assert body["issuer"] == settings.hub_issuer
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert body["token_endpoint"].endswith("/oauth/token")


async def test_after_rotation_both_keys_are_published_and_old_tokens_still_work(
    settings: Settings, make_client: ClientFactory, reg: Registrar, tmp_path: Path
) -> None:
    own_keys = settings.model_copy(update={"hub_oauth_keys_dir": tmp_path / "keys"})
    police = await reg.client("police")
    async for http in make_client(create_app(own_keys)):
        old_token = await token_for(http, police)
        old_kid = keys.load_or_create(own_keys).current.kid
        rotated = keys.rotate(own_keys)
        published = {k["kid"] for k in (await http.get("/.well-known/jwks.json")).json()["keys"]}
        assert published == {old_kid, rotated.current.kid}
        assert (await graphql(http, old_token)).status_code == 200
        new_token = await token_for(http, police)
        assert new_token.split(".")[0] != old_token.split(".")[0]  # a new kid in the header
        assert (await graphql(http, new_token)).status_code == 200
        keys.rotate(own_keys)  # a second rotation retires the first key
        assert (await graphql(http, old_token)).status_code == 401
    assert (tmp_path / "keys" / "jwks.json").stat().st_mode & 0o777 == 0o600
