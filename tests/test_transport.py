"""Transport hygiene: bounded bodies, GraphQL objects only, valid Unicode, no schema hints."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from hub.app import create_app
from hub.config import Settings
from hub.graph.driver import Graph
from tests.audit_support import entries_for, request_id
from tests.graphql import error_codes, principal_header
from tests.oauth_support import ClientFactory

JSON = {"content-type": "application/json"}
DEEP = "[" * 1000 + "]" * 1000


async def _post_raw(
    client: httpx.AsyncClient, content: bytes | AsyncIterator[bytes], rid: str, **headers: str
) -> httpx.Response:
    return await client.post(
        "/graphql", content=content, headers={**JSON, "X-Request-Id": rid, **headers}
    )


async def _assert_refused_and_audited(
    graph: Graph, response: httpx.Response, rid: str, status: int = 400
) -> None:
    assert response.status_code == status, response.text
    assert error_codes(response.json()) == ["BAD_USER_INPUT"]
    (entry,) = await entries_for(graph, rid)
    assert (entry.decision, entry.status) == ("invalid", status)


@pytest.mark.parametrize(
    "body",
    [
        b'"a string"', b"null", b"123", b"true", b"[]", b"[{\"query\": \"{ __typename }\"}]",
        b"{\"query\": 5}", b"{\"query\": \"{ __typename }\", \"variables\": [1]}",
        b"\xff\xfe{}", b"{not json",
        ('{"query": "{ __typename }", "variables": {"v": ' + DEEP + "}}").encode(),
        ('{"query": "{ __typename }", "extensions": {"e": ' + DEEP + "}}").encode(),
        ('{"query": "{ __typename }", "extensions": ' + "{\"a\": " * 1000 + "1"
         + "}" * 1001).encode(),
        b'{"query": "{ __typename \\ud800 }"}',
        b'{"query": "query Q { __typename }", "operationName": "Q\\udc00"}',
        b'{"query": "{ __typename }", "variables": {"v": "\\ud800"}}',
        b'{"query": "{ __typename }", "variables": {"\\ud800": 1}}',
        b'{"query": "{ __typename }", "extensions": {"purpose": "\\ud800"}}',
    ],
    ids=[
        "string", "null", "number", "boolean", "empty-list", "batch", "query-not-text",
        "variables-not-object", "not-utf8", "not-json", "deep-variables", "deep-extensions",
        "deep-objects", "surrogate-query", "surrogate-operation", "surrogate-variable",
        "surrogate-key", "surrogate-purpose",
    ],
)  # fmt: skip
async def test_a_body_that_is_not_a_well_formed_graphql_object_is_400_and_audited(
    client: httpx.AsyncClient, graph: Graph, body: bytes
) -> None:
    rid = request_id("transport")
    response = await _post_raw(client, body, rid)
    await _assert_refused_and_audited(graph, response, rid)


async def test_a_request_is_parsed_once_for_the_audit_the_authentication_and_graphql(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.dumps({"query": "{ me { role } }", "variables": {"nonce": request_id("once")}})
    parses: list[object] = []
    loads = json.loads

    def counted(text: Any, *args: Any, **kwargs: Any) -> Any:
        if text in (body, body.encode()):
            parses.append(text)
        return loads(text, *args, **kwargs)

    monkeypatch.setattr(json, "loads", counted)
    response = await client.post(
        "/graphql", content=body.encode(), headers={**JSON, **principal_header("police")}
    )
    assert response.json() == {"data": {"me": {"role": "police"}}}
    assert len(parses) == 1


async def test_a_body_past_the_limit_is_413_unread_and_audited(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    rid = request_id("large")
    body = b'{"query": "{ __typename }", "variables": {"x": "' + b"a" * (20 << 20) + b'"}}'
    response = await _post_raw(client, body, rid)
    await _assert_refused_and_audited(graph, response, rid, 413)


async def test_a_streamed_body_past_the_limit_is_413(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }", "variables": {"x": "'
        for _ in range(40):
            yield b"a" * 65536

    rid = request_id("stream")
    response = await _post_raw(client, chunks(), rid)
    await _assert_refused_and_audited(graph, response, rid, 413)


async def test_the_body_limit_is_a_setting_and_covers_the_oauth_endpoints(
    settings: Settings, make_client: ClientFactory
) -> None:
    small = settings.model_copy(update={"hub_max_body_bytes": 2048})
    async for c in make_client(create_app(small)):
        padded = {"query": "{ __typename }", "variables": {"x": "a" * 3000}}
        assert (await c.post("/graphql", json=padded)).status_code == 413
        assert (await c.post("/graphql", json={"query": "{ __typename }"})).status_code == 200
        for path in ("/oauth/token", "/oauth/introspect", "/oauth/revoke"):
            response = await c.post(path, data={"token": "a" * 3000})
            assert response.status_code == 413, path


SUGGESTING = [
    # an enum value, an argument, an input field, a type, a field
    ("{ cylinders(filter: {status: [OVERDU]}) { totalCount } }", "OVERDUE"),
    ("{ cylinders(firs: 1) { totalCount } }", "first"),
    ("{ cylinders(filter: {statu: [OVERDUE]}) { totalCount } }", "status"),
    ("query($f: CylinderFilte) { cylinders(filter: $f) { totalCount } }", "CylinderFilter"),
    ('{ cylinder(code: "x") { stat } }', "status"),
    ("query($d: [CylinderStatus!]) { cylinders(filter: {status: $d}) { totalCount } }", "OVERDUE"),
]


@pytest.mark.parametrize(("query", "hint"), SUGGESTING)
async def test_a_caller_who_may_not_introspect_is_suggested_no_name(
    client: httpx.AsyncClient, query: str, hint: str
) -> None:
    variables: dict[str, Any] = {"d": ["OVERDU"]} if "$d" in query else {}
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code in (200, 400)
    body = response.json()
    assert body["errors"]
    assert "Did you mean" not in response.text
    assert hint not in " ".join(e["message"] for e in body["errors"])


async def test_a_moment_neo4j_cannot_hold_is_bad_user_input(client: httpx.AsyncClient) -> None:
    for since in ("0001-01-01T00:00:00-23:59", "0001-01-01T00:00:00+08:00",
                  "9999-12-31T23:59:59-10:00", "2026-01-01T00:00:00"):  # fmt: skip
        response = await client.post(
            "/graphql",
            json={"query": "query($s: DateTime) { deliveries(filter: {since: $s}) { totalCount } }",
                  "variables": {"s": since}},
            headers=principal_header("market"),
        )  # fmt: skip
        assert error_codes(response.json()) == ["BAD_USER_INPUT"], (since, response.text)
