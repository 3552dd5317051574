"""The token endpoint: client credentials, the token's shape, scopes, and client authentication."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from joserfc import jws

from hub.app import create_app
from hub.config import Settings
from hub.graph.driver import Graph
from hub.oauth import admin
from tests.oauth_support import (
    USCC,
    ClientFactory,
    Registrar,
    graphql,
    token_for,
    token_response,
)


@pytest.fixture
async def reg(graph: Graph) -> AsyncIterator[Registrar]:
    registrar = Registrar(graph)
    yield registrar
    await registrar.cleanup()


async def test_a_client_gets_a_signed_at_jwt_carrying_the_design_claims(
    client: httpx.AsyncClient, reg: Registrar, settings: Settings
) -> None:
    police = await reg.client("police", "graph:read graph:write", district="350102")
    response = await token_response(client, police)
    body = response.json()
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == settings.hub_token_ttl_s
    assert "refresh_token" not in body
    compact = jws.extract_compact(body["access_token"].encode())
    header, claims = compact.headers(), json.loads(compact.payload)
    assert header["typ"] == "at+jwt"
    assert header["alg"] == "ES256"
    assert header["kid"]
    assert claims["iss"] == settings.hub_issuer
    assert claims["aud"] == settings.hub_audience
    assert claims["sub"] == claims["client_id"] == police.client.client_id
    assert claims["role"] == "police"
    assert claims["district"] == "350102"
    assert claims["scope"] == "graph:read graph:write"
    assert claims["jti"]
    assert claims["exp"] - claims["iat"] == settings.hub_token_ttl_s <= 900


async def test_the_token_becomes_the_principal_the_read_api_sees(
    client: httpx.AsyncClient, reg: Registrar
) -> None:
    shop = await reg.client("enterprise", "graph:read", enterprise=USCC)
    response = await graphql(client, await token_for(client, shop))
    assert response.status_code == 200
    assert response.json()["data"]["me"] == {
        "subject": shop.client.client_id,
        "role": "enterprise",
        "scopes": ["graph:read"],
        "enterprise": USCC,
        "district": None,
    }


async def test_a_token_without_graph_read_still_authenticates_and_carries_its_scopes(
    client: httpx.AsyncClient, reg: Registrar
) -> None:
    auditor = await reg.client("auditor", "audit:read")
    response = await graphql(client, await token_for(client, auditor))
    assert response.json()["data"]["me"]["scopes"] == ["audit:read"]


async def test_a_narrower_scope_can_be_asked_for(client: httpx.AsyncClient, reg: Registrar) -> None:
    market = await reg.client("market", "graph:read graph:write investigate")
    response = await token_response(client, market, scope="graph:read")
    assert response.json()["scope"] == "graph:read"


async def test_the_secret_may_come_in_the_form_instead_of_basic_auth(
    client: httpx.AsyncClient, reg: Registrar
) -> None:
    housing = await reg.client("housing")
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": housing.client.client_id,
            "client_secret": housing.secret or "",
        },
    )
    assert response.status_code == 200


async def test_the_token_endpoint_is_post_only(client: httpx.AsyncClient) -> None:
    assert (await client.get("/oauth/token")).status_code == 405


async def test_asking_for_a_scope_beyond_the_registered_ones_is_invalid_scope(
    client: httpx.AsyncClient, reg: Registrar
) -> None:
    housing = await reg.client("housing", "graph:read")
    response = await token_response(client, housing, scope="graph:read investigate admin")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert response.headers["cache-control"] == "no-store"


async def test_asking_for_a_scope_the_hub_does_not_know_is_invalid_scope(
    client: httpx.AsyncClient, reg: Registrar
) -> None:
    housing = await reg.client("housing", "graph:read")
    response = await token_response(client, housing, scope="graph:read root")
    assert response.json()["error"] == "invalid_scope"


async def test_a_wrong_secret_is_invalid_client_with_401(
    client: httpx.AsyncClient, reg: Registrar
) -> None:
    police = await reg.client("police")
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(police.client.client_id, "not-the-secret"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert "www-authenticate" in response.headers


async def test_a_disabled_client_gets_no_token(
    client: httpx.AsyncClient, reg: Registrar, graph: Graph
) -> None:
    police = await reg.client("police")
    await admin.set_client_enabled(graph, police.client.client_id, False)
    assert (await token_response(client, police)).json()["error"] == "invalid_client"


async def test_a_rotated_secret_replaces_the_old_one(
    client: httpx.AsyncClient, reg: Registrar, graph: Graph
) -> None:
    police = await reg.client("police")
    new_secret = await admin.rotate_secret(graph, police.client.client_id)
    assert (await token_response(client, police)).status_code == 401
    rotated = admin.NewClient(police.client, new_secret)
    assert (await token_response(client, rotated)).status_code == 200


async def test_guessing_a_secret_is_throttled_with_429(
    settings: Settings, make_client: ClientFactory, reg: Registrar
) -> None:
    police = await reg.client("police")
    async for fresh in make_client(create_app(settings)):  # its own throttle, untouched
        for guess in range(settings.hub_oauth_max_failures):
            wrong = await fresh.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(police.client.client_id, f"guess-{guess}"),
            )
            assert wrong.status_code == 401
        throttled = await token_response(fresh, police)  # even the right secret waits now
        assert throttled.status_code == 429
        assert int(throttled.headers["retry-after"]) >= 1
        assert throttled.json()["error"] == "too_many_attempts"


async def test_a_malformed_token_request_is_a_clear_400(client: httpx.AsyncClient) -> None:
    response = await client.post("/oauth/token", json={"grant_type": "client_credentials"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    unsupported = await client.post("/oauth/token", data={"grant_type": "password"})
    assert unsupported.json()["error"] == "unsupported_grant_type"


async def test_a_stranger_who_fails_a_clients_secret_cannot_lock_its_owner_out(
    settings: Settings, reg: Registrar
) -> None:
    police = await reg.client("police")
    assert police.secret is not None
    app = create_app(settings)  # its own throttle, untouched
    stranger_side = httpx.ASGITransport(app=app, client=("127.0.0.2", 40000))
    owner_side = httpx.ASGITransport(app=app, client=("127.0.0.3", 40000))
    async with app.router.lifespan_context(app):
        async with (
            httpx.AsyncClient(transport=stranger_side, base_url="http://hub.test") as stranger,
            httpx.AsyncClient(transport=owner_side, base_url="http://hub.test") as owner,
        ):
            for guess in range(settings.hub_oauth_max_failures + 2):
                wrong = await stranger.post(
                    "/oauth/token", data={"grant_type": "client_credentials"},
                    auth=(police.client.client_id, f"guess-{guess}"),
                )  # fmt: skip
                assert wrong.status_code in (401, 429)
            assert wrong.status_code == 429  # the stranger is backed off...
            answered = await token_response(owner, police)
            assert answered.status_code == 200, answered.text  # ...and the owner is not
