"""`PROFILE` db hits of each side's Cypher for one request.

The hub's statement is captured in process where the compiler hands it to the driver
(hub/resolvers/entities.py), raw's is its own, and the peer reports the last statement it ran and
its db hits itself (bench/peer/index.mjs, side port).
"""

from __future__ import annotations

from typing import Any, LiteralString, cast

import httpx
from neo4j import Driver
from starlette.testclient import TestClient

from bench.settings import HUB_MAX_PAGE, INSTANCE, PORTS
from bench.systems.raw import STATEMENTS
from bench.tokens import Caller
from bench.workloads import Workload
from hub.app import create_app
from hub.config import Settings
from hub.resolvers import entities


def db_hits(driver: Driver, cypher: str, params: dict[str, Any]) -> int:
    with driver.session(database="neo4j") as session:
        result = session.run(cast(LiteralString, "PROFILE " + cypher), params)  # type: ignore[redundant-cast]
        summary = result.consume()
    return _sum_hits(summary.profile or {})


def _sum_hits(plan: dict[str, Any]) -> int:
    return int(plan.get("dbHits", 0)) + sum(_sum_hits(c) for c in plan.get("children", []))


class HubCypher:
    """Runs the hub in process and records the statements its root fields compile to."""

    def __init__(self) -> None:
        settings = Settings(hub_neo4j_instance=INSTANCE, hub_max_page=HUB_MAX_PAGE)
        self.client = TestClient(create_app(settings))
        self.captured: list[tuple[str, dict[str, Any]]] = []

    def __enter__(self) -> HubCypher:
        self.client.__enter__()
        original = entities._result

        async def recording(tx: Any, cypher: str, params: dict[str, Any]) -> Any:
            self.captured.append((cypher, dict(params)))
            return await original(tx, cypher, params)

        self._original = original
        entities._result = recording
        return self

    def __exit__(self, *exc: object) -> None:
        entities._result = self._original
        self.client.__exit__(*exc)

    def statement(self, workload: Workload) -> tuple[str, dict[str, Any]]:
        self.captured.clear()
        response = self.client.post(
            "/graphql", json=workload.body("hub", 0), headers=_dev_header(workload.caller)
        )
        response.raise_for_status()
        (statement,) = self.captured
        return statement


def _dev_header(caller: Caller) -> dict[str, str]:
    parts = [f"role={caller.role}"]
    if caller.district:
        parts.append(f"district={caller.district}")
    if caller.enterprise:
        parts.append(f"enterprise={caller.enterprise}")
    return {"X-Hub-Principal": "; ".join(parts)}


def raw_statement(workload: Workload) -> tuple[str, dict[str, Any]]:
    c = workload.caller
    params = {**workload.variables[0], "sd": c.district, "se": c.enterprise}
    return STATEMENTS[(workload.raw, c.rows)], params


def peer_db_hits() -> dict[str, Any]:
    """The peer's last statement and its db hits (ask right after sending the request)."""
    response = httpx.get(f"http://127.0.0.1:{PORTS['peer'] + 100}/", timeout=60)
    result: dict[str, Any] = response.json()
    return result
