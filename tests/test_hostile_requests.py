"""Cases of the OWASP GraphQL cheat sheet and of RFC 8725 (JWT best current practice) that the
rest of the suite does not already make: each is refused plainly, never with a 5xx."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from joserfc.jwk import ECKey

from hub.config import Settings
from hub.graph.driver import Graph
from tests.graphql import error_codes
from tests.oauth_support import Registrar, claims_for, graphql, hub_key, sign

# --- OWASP GraphQL cheat sheet ---------------------------------------------------------------


async def test_a_query_over_get_is_not_executed(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ me { role } }"})
    assert response.status_code < 500
    assert '"data"' not in response.text


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", '{"query": "{ me { role } }"}'),
        ("application/x-www-form-urlencoded", "query=%7B+me+%7B+role+%7D+%7D"),
        ("multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="query"'
         '\r\n\r\n{ me { role } }\r\n--x--\r\n'),
    ],
)  # fmt: skip
async def test_a_cross_site_simple_request_is_not_executed(
    client: httpx.AsyncClient, content_type: str, body: str
) -> None:
    response = await client.post(
        "/graphql", content=body.encode(), headers={"content-type": content_type,
                                                     "X-Hub-Principal": "role=police"},
    )  # fmt: skip
    assert 400 <= response.status_code < 500
    assert "police" not in response.text


@pytest.mark.parametrize(
    "query",
    [
        "{ __typename" + " @include(if: true)" * 500 + " }",  # directive overloading
        "{ cylinders(first: 1) { " + "totalCount " * 3000 + "} }",  # field duplication
        "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",  # a cycle
        "query A { __typename } query B { __typename }",  # which one? (no operationName)
        "{ " + " ".join(f"a{i}: __typename" for i in range(500)) + " }",  # alias batching
        "{ __typename(" + ", ".join(f"a{i}: 1" for i in range(300)) + ") }",  # argument flood
    ],
    ids=["directives", "duplicates", "fragment-cycle", "two-operations", "aliases", "arguments"],
)
async def test_a_hostile_document_is_refused_plainly(client: httpx.AsyncClient, query: str) -> None:
    response = await client.post(
        "/graphql", json={"query": query}, headers={"X-Hub-Principal": "role=market"}
    )
    assert response.status_code < 500
    body = response.json()
    assert body["errors"]
    assert set(error_codes(body)) <= {"BAD_USER_INPUT", "LIMIT_EXCEEDED"}
    assert not body.get("data")


# --- RFC 8725 ----------------------------------------------------------------------------------


@pytest.fixture
async def housing_id(graph: Graph) -> AsyncIterator[str]:
    reg = Registrar(graph)
    yield (await reg.client("housing", "graph:read")).client.client_id
    await reg.cleanup()


async def _refused(client: httpx.AsyncClient, token: str) -> None:
    response = await graphql(client, token)
    assert response.status_code == 401, response.text
    assert error_codes(response.json()) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("missing", ["jti", "sub", "exp", "iss", "aud", "iat", "role"])
async def test_a_token_missing_a_required_claim_is_refused(
    client: httpx.AsyncClient, settings: Settings, housing_id: str, missing: str
) -> None:
    claims = claims_for(settings, housing_id, **{missing: None})
    await _refused(client, sign(claims, hub_key(settings)))


async def test_a_token_pointing_at_a_key_url_is_refused(
    client: httpx.AsyncClient, settings: Settings, housing_id: str
) -> None:
    attacker = ECKey.generate_key("P-256", parameters={"kid": str(hub_key(settings).kid)})
    for header in ({"jku": "https://attacker.example/jwks.json"},
                   {"x5u": "https://attacker.example/cert.pem"}):  # fmt: skip
        await _refused(client, sign(claims_for(settings, housing_id), attacker, **header))


def _b64(data: object) -> str:
    raw = json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "token",
    [
        _b64({"alg": "RSA-OAEP", "enc": "A256GCM", "typ": "at+jwt"}) + ".a.b.c.d",  # a JWE
        _b64({"alg": "ES256", "typ": "at+jwt", "b64": False, "crit": ["b64"]}) + ".e30.sig",
        "a" * 20_000,
        _b64(["not", "an", "object"]) + "." + _b64([]) + ".sig",
        _b64({"alg": "ES256", "typ": "at+jwt", "kid": "\u0000"}) + ".e30.sig",
    ],
    ids=["jwe", "unencoded-payload", "huge", "not-objects", "nul-kid"],
)
async def test_a_token_of_another_shape_is_refused(client: httpx.AsyncClient, token: str) -> None:
    await _refused(client, token)
