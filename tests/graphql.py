"""Helpers for tests that speak GraphQL to the hub and check answers against Cypher."""

from __future__ import annotations

from typing import Any, LiteralString

import httpx
from neo4j import AsyncManagedTransaction

from hub.graph.driver import Graph, fetch_all


def principal_header(role: str, **claims: str) -> dict[str, str]:
    parts = [f"role={role}"] + [f"{k}={v}" for k, v in claims.items()]
    return {"X-Hub-Principal": "; ".join(parts)}


async def gql(
    client: httpx.AsyncClient,
    query: str,
    role: str | None = None,
    variables: dict[str, Any] | None = None,
    **claims: str,
) -> dict[str, Any]:
    """The JSON answer to one GraphQL request as `role` (the public when None)."""
    headers = principal_header(role, **claims) if role else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def cypher(graph: Graph, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
    """An independent answer straight from the database, to compare the hub's with."""

    async def work(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
        return await fetch_all(tx, query, **params)

    return await graph.read(work)


async def scalar(graph: Graph, query: LiteralString, **params: Any) -> Any:
    rows = await cypher(graph, query, **params)
    return next(iter(rows[0].values()))
