"""The platform: health, readiness, migrations and a driver round trip, on the real server."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from neo4j import AsyncManagedTransaction
from starlette.applications import Starlette

from hub.app import create_app
from hub.config import Environment, Settings
from hub.graph.driver import Graph, connection_for, fetch_all
from hub.graph.migrations import NATURAL_KEYS, migrate

ClientFactory = Callable[[Starlette], AsyncIterator[httpx.AsyncClient]]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # released on close: nothing listens there


async def test_healthz_says_the_process_is_alive(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_200_when_neo4j_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


async def test_readyz_is_503_with_a_reason_when_neo4j_is_unreachable(
    settings: Settings, make_client: ClientFactory
) -> None:
    closed = settings.model_copy(
        update={"neo4j_uri": f"bolt://127.0.0.1:{_closed_port()}", "neo4j_connect_timeout_s": 1.0}
    )
    async for c in make_client(create_app(closed)):
        response = await c.get("/readyz")
        assert response.status_code == 503
        assert response.json()["reason"] == "Neo4j is not reachable"
        assert "retry-after" in response.headers
        # The process itself is still alive.
        assert (await c.get("/healthz")).status_code == 200


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    first = await client.get("/healthz")
    second = await client.get("/healthz", headers={"X-Request-Id": "case-42"})
    assert len(first.headers["x-request-id"]) == 32
    assert second.headers["x-request-id"] == "case-42"


async def test_a_forged_request_id_is_replaced(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-Id": "forged id; level=ERROR"})
    assert response.headers["x-request-id"] != "forged id; level=ERROR"


async def _constraints(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
    return await fetch_all(tx, "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type RETURN *")


async def test_migrations_run_twice_leave_each_constraint_once(graph: Graph) -> None:
    await migrate(graph)
    await migrate(graph)
    rows = await graph.read(_constraints)
    keys = [(r["labelsOrTypes"][0], r["properties"][0]) for r in rows if r["type"] == "UNIQUENESS"]
    for label, key in NATURAL_KEYS.items():
        assert keys.count((label, key)) == 1, f"{label}.{key}"


async def _round_trip(tx: AsyncManagedTransaction, value: str) -> list[dict[str, Any]]:
    return await fetch_all(tx, "RETURN $value AS echoed, 1 + 1 AS two", value=value)


async def test_a_driver_round_trip_returns_parameters_unchanged(graph: Graph) -> None:
    hostile = "'}) MATCH (n) DETACH DELETE n //"
    assert await graph.read(_round_trip, hostile) == [{"echoed": hostile, "two": 2}]


async def test_graphql_answers_version_and_me(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ version me { role subject } }"})
    body = response.json()
    assert response.status_code == 200
    assert body["data"]["me"] == {"role": "public", "subject": "anonymous"}
    assert body["data"]["version"]


async def test_the_development_principal_header_sets_the_role(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "{ me { role district scopes } }"},
        headers={"X-Hub-Principal": "role=police; district=350102"},
    )
    assert response.json()["data"]["me"] == {
        "role": "police",
        "district": "350102",
        "scopes": ["graph:read"],
    }


async def test_the_development_header_is_refused_in_production(
    settings: Settings, make_client: ClientFactory
) -> None:
    # Production demands a password: the test server's real one. A wrong one would lock the
    # server's account for a few seconds and fail whatever test connects next.
    password = connection_for(settings).password
    update = {"hub_env": Environment.PRODUCTION, "hub_graphiql": False, "neo4j_password": password}
    production = settings.model_copy(update=update)
    async for c in make_client(create_app(production)):
        response = await c.post(
            "/graphql",
            json={"query": "{ me { role } }"},
            headers={"X-Hub-Principal": "role=police"},
        )
        assert response.status_code == 401
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_development_header_is_refused_unless_a_setting_turns_it_on(
    settings: Settings, make_client: ClientFactory
) -> None:
    default = settings.model_copy(update={"hub_dev_principal": Settings.model_fields[
        "hub_dev_principal"].default})  # fmt: skip
    assert default.hub_dev_principal is False  # safe by default
    async for c in make_client(create_app(default)):
        for who in ("role=police", "role=auditor; scopes=audit:read"):
            response = await c.post(
                "/graphql", json={"query": "{ me { role } }"}, headers={"X-Hub-Principal": who}
            )
            assert response.status_code == 401
            assert "police" not in response.text


def test_production_refuses_to_start_with_the_development_header_on() -> None:
    with pytest.raises(ValueError, match="HUB_DEV_PRINCIPAL"):
        Settings(
            hub_env=Environment.PRODUCTION, hub_graphiql=False, neo4j_password="x",
            hub_issuer="https://hub.example", hub_dev_principal=True,
        )  # fmt: skip


async def test_the_hub_says_at_start_up_that_the_development_header_is_on(
    settings: Settings, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    on = settings.model_copy(update={"hub_dev_principal": True})
    with caplog.at_level(logging.WARNING, logger="hub.app"):
        async for _ in make_client(create_app(on)):
            pass
    assert any("HUB_DEV_PRINCIPAL is on" in r.getMessage() for r in caplog.records)
