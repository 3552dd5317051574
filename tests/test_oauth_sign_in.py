"""People sign in: the authorization-code grant with PKCE (S256 only) on the hub's sign-in page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from hub.app import create_app
from hub.config import Settings
from hub.graph.driver import Graph
from hub.oauth.models import OAuthUser
from tests.oauth_support import Registrar, graphql, pkce_pair

REDIRECT = "http://127.0.0.1:8000/oauth/callback"


@pytest.fixture
async def reg(graph: Graph) -> AsyncIterator[Registrar]:
    registrar = Registrar(graph)
    yield registrar
    await registrar.cleanup()


@dataclass
class SignIn:
    client_id: str
    user: OAuthUser
    password: str


@pytest.fixture
async def sign_in(reg: Registrar) -> SignIn:
    explorer = await reg.client("market", "graph:read investigate", redirect_uris=(REDIRECT,))
    user, password = await reg.user("market", "graph:read investigate graph:write")
    return SignIn(explorer.client.client_id, user, password)


def authorize_params(s: SignIn, challenge: str | None, **extra: str) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": s.client_id,
        "redirect_uri": REDIRECT,
        "state": "s-42",
    }
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return params | extra


async def get_code(http: httpx.AsyncClient, s: SignIn, challenge: str, **extra: str) -> str:
    response = await http.post(
        "/oauth/authorize",
        params=authorize_params(s, challenge, **extra),
        data={"username": s.user.username, "password": s.password},
    )
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    assert query["state"] == ["s-42"]
    return query["code"][0]


async def redeem(
    http: httpx.AsyncClient, s: SignIn, code: str, verifier: str | None
) -> httpx.Response:
    form = {
        "grant_type": "authorization_code",
        "client_id": s.client_id,
        "code": code,
        "redirect_uri": REDIRECT,
    }
    if verifier is not None:
        form["code_verifier"] = verifier
    return await http.post("/oauth/token", data=form)


async def test_the_sign_in_page_speaks_chinese_by_default_and_english_on_request(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    _, challenge = pkce_pair()
    params = authorize_params(sign_in, challenge)
    chinese = await client.get("/oauth/authorize", params=params)
    assert chinese.status_code == 200
    assert "登录" in chinese.text
    assert 'lang="zh-CN"' in chinese.text
    assert chinese.headers["x-frame-options"] == "DENY"
    english = await client.get(
        "/oauth/authorize", params=params, headers={"Accept-Language": "en-GB,en;q=0.9"}
    )
    assert "Sign in" in english.text
    switched = await client.get("/oauth/authorize", params=params | {"lang": "en"})
    assert "Sign in" in switched.text


async def test_a_person_signs_in_and_gets_a_token_with_their_role_and_shared_scopes(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    verifier, challenge = pkce_pair()
    code = await get_code(client, sign_in, challenge)
    response = await redeem(client, sign_in, code, verifier)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "refresh_token" not in body
    assert response.headers["cache-control"] == "no-store"
    me = (await graphql(client, body["access_token"])).json()["data"]["me"]
    assert me["subject"] == f"user:{sign_in.user.username}"
    assert me["role"] == "market"
    # graph:write is the person's but not the sign-in client's: the token does not carry it.
    assert me["scopes"] == ["graph:read", "investigate"]


async def test_a_wrong_password_shows_the_page_again_with_401(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    _, challenge = pkce_pair()
    response = await client.post(
        "/oauth/authorize",
        params=authorize_params(sign_in, challenge),
        data={"username": sign_in.user.username, "password": "wrong password"},
    )
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.text
    assert "location" not in response.headers


async def test_pkce_missing_is_refused_before_sign_in(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    response = await client.get("/oauth/authorize", params=authorize_params(sign_in, None))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["error"] == ["invalid_request"]
    assert "code" not in query


async def test_pkce_plain_is_refused(client: httpx.AsyncClient, sign_in: SignIn) -> None:
    verifier = "a" * 50
    params = authorize_params(sign_in, None, code_challenge=verifier, code_challenge_method="plain")
    response = await client.post(
        "/oauth/authorize",
        params=params,
        data={"username": sign_in.user.username, "password": sign_in.password},
    )
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["error"] == ["invalid_request"]
    assert "code" not in query


async def test_a_code_without_its_verifier_is_refused(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    _, challenge = pkce_pair()
    code = await get_code(client, sign_in, challenge)
    response = await redeem(client, sign_in, code, None)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_a_code_with_the_wrong_verifier_is_refused_and_burnt(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    verifier, challenge = pkce_pair()
    code = await get_code(client, sign_in, challenge)
    wrong, _ = pkce_pair()
    assert (await redeem(client, sign_in, code, wrong)).json()["error"] == "invalid_grant"
    assert (await redeem(client, sign_in, code, verifier)).json()["error"] == "invalid_grant"


async def test_a_code_is_used_once(client: httpx.AsyncClient, sign_in: SignIn) -> None:
    verifier, challenge = pkce_pair()
    code = await get_code(client, sign_in, challenge)
    assert (await redeem(client, sign_in, code, verifier)).status_code == 200
    assert (await redeem(client, sign_in, code, verifier)).json()["error"] == "invalid_grant"


async def test_asking_for_a_scope_the_person_lacks_is_invalid_scope(
    client: httpx.AsyncClient, reg: Registrar
) -> None:
    explorer = await reg.client("market", "graph:read investigate", redirect_uris=(REDIRECT,))
    user, password = await reg.user("market", "graph:read")
    s = SignIn(explorer.client.client_id, user, password)
    _, challenge = pkce_pair()
    response = await client.post(
        "/oauth/authorize",
        params=authorize_params(s, challenge, scope="graph:read investigate"),
        data={"username": user.username, "password": password},
    )
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["error"] == ["invalid_scope"]


async def test_an_unregistered_redirect_uri_gets_an_error_page_not_a_redirect(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    _, challenge = pkce_pair()
    params = authorize_params(sign_in, challenge, redirect_uri="https://evil.example/cb")
    response = await client.get("/oauth/authorize", params=params)
    assert response.status_code == 400
    assert "location" not in response.headers


async def test_a_system_client_cannot_use_the_sign_in_flow(
    client: httpx.AsyncClient, reg: Registrar, sign_in: SignIn
) -> None:
    system = await reg.client("police")
    _, challenge = pkce_pair()
    params = authorize_params(sign_in, challenge, client_id=system.client.client_id)
    response = await client.get("/oauth/authorize", params=params)
    assert response.status_code in (302, 400)
    assert "code=" not in response.headers.get("location", "")


async def test_a_reused_code_revokes_the_token_of_its_first_use(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    verifier, challenge = pkce_pair()
    code = await get_code(client, sign_in, challenge)
    first = await redeem(client, sign_in, code, verifier)
    token = first.json()["access_token"]
    assert (await graphql(client, token)).status_code == 200
    again = await redeem(client, sign_in, code, verifier)  # a copy of the code, replayed
    assert again.json()["error"] == "invalid_grant"
    assert (await graphql(client, token)).status_code == 401


async def test_a_sign_in_client_revokes_its_own_persons_token_without_a_secret(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    verifier, challenge = pkce_pair()
    code = await get_code(client, sign_in, challenge)
    token = (await redeem(client, sign_in, code, verifier)).json()["access_token"]
    response = await client.post(
        "/oauth/revoke", data={"token": token, "client_id": sign_in.client_id}
    )
    assert response.status_code == 200, response.text
    assert (await graphql(client, token)).status_code == 401


async def test_a_stranger_who_fails_a_persons_password_cannot_lock_them_out(
    settings: Settings, sign_in: SignIn
) -> None:
    app = create_app(settings)  # its own throttle, untouched
    sides = {who: httpx.ASGITransport(app=app, client=(ip, 40000))
             for who, ip in (("stranger", "127.0.0.4"), ("person", "127.0.0.5"))}  # fmt: skip
    _, challenge = pkce_pair()
    async with app.router.lifespan_context(app):
        async with (
            httpx.AsyncClient(transport=sides["stranger"], base_url="http://hub.test") as stranger,
            httpx.AsyncClient(transport=sides["person"], base_url="http://hub.test") as person,
        ):
            for guess in range(settings.hub_oauth_max_failures + 2):
                wrong = await stranger.post(
                    "/oauth/authorize", params=authorize_params(sign_in, challenge),
                    data={"username": sign_in.user.username, "password": f"guess-{guess}"},
                )  # fmt: skip
                expected = 401 if guess < settings.hub_oauth_max_failures else 429
                assert wrong.status_code == expected
            assert await get_code(person, sign_in, challenge)  # the person signs in at once
