"""`PROFILE` db hits of each side's Cypher for one request.

The hub's statement is captured in process where the compiler hands it to the driver
(hub/resolvers/entities.py; traces and paths: investigation_repo.read_result; a write: every
statement of its transaction), raw's is its own, and the peer reports the last statement it ran
and its db hits itself (bench/peer/index.mjs, side port). Every PROFILE runs in a transaction that
is rolled back, and a write's event ids are renamed first, so a write is profiled as new.
"""

from __future__ import annotations

import re
import secrets
from typing import Any, LiteralString, cast

import httpx
import neo4j
from neo4j import Driver
from starlette.testclient import TestClient

from bench.settings import HUB_MAX_PAGE, INSTANCE, PORTS
from bench.systems.raw import STATEMENTS
from bench.tokens import Caller
from bench.trace_write import PREFIX, fresh
from bench.workloads import Workload
from hub.app import create_app
from hub.config import Settings
from hub.graph import investigation_repo
from hub.resolvers import entities, traces

_EVENT_RUN = re.compile(re.escape(PREFIX) + "[0-9a-f]{8}-")


def _renamed(value: Any, run: str) -> Any:
    """`value` with the bench's written event ids moved to the run `run` (never written)."""
    if isinstance(value, str):
        return _EVENT_RUN.sub(run, value)
    if isinstance(value, dict):
        return {k: _renamed(v, run) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, run) for v in value]
    return value


def db_hits(driver: Driver, statements: list[tuple[str, dict[str, Any]]]) -> int:
    """The db hits of the statements run in order in one transaction, then rolled back."""
    run = PREFIX + secrets.token_hex(4) + "-"
    hits = 0
    with driver.session(database="neo4j") as session, session.begin_transaction() as tx:
        for cypher, params in statements:
            query = cast(LiteralString, "PROFILE " + cypher)  # type: ignore[redundant-cast]
            summary = tx.run(query, _renamed(params, run)).consume()
            hits += _sum_hits(summary.profile or {})
        tx.rollback()
    return hits


def _sum_hits(plan: dict[str, Any]) -> int:
    return int(plan.get("dbHits", 0)) + sum(_sum_hits(c) for c in plan.get("children", []))


class HubCypher:
    """Runs the hub in process and records the statements its root fields compile to."""

    def __init__(self) -> None:
        settings = Settings(
            hub_neo4j_instance=INSTANCE, hub_max_page=HUB_MAX_PAGE, hub_dev_principal=True
        )
        self.client = TestClient(create_app(settings))
        self.captured: list[tuple[str, dict[str, Any]]] = []

    def __enter__(self) -> HubCypher:
        self.client.__enter__()
        self._originals = [
            (entities, "_read", entities._read),
            (traces, "read_result", traces.read_result),  # type: ignore[attr-defined]
            (investigation_repo, "read_result", investigation_repo.read_result),
        ]
        for module, name, original in self._originals:
            setattr(module, name, self._recording(original))
        return self

    def _recording(self, original: Any) -> Any:
        async def recording(tx: Any, cypher: str, params: dict[str, Any]) -> Any:
            self.captured.append((cypher, dict(params)))
            return await original(tx, cypher, params)

        return recording

    def __exit__(self, *exc: object) -> None:
        for module, name, original in self._originals:
            setattr(module, name, original)
        self.client.__exit__(*exc)

    def statements(
        self, workload: Workload
    ) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, dict[str, Any]]]]:
        """What the hub runs for the workload's first request: its one read statement, or every
        statement of a write's transaction but the audit log's; and, apart, the audit log's
        statements (the writer's append for a read, the mutation's own append for a write)."""
        self.captured.clear()
        audit: list[tuple[str, dict[str, Any]]] = []
        writes = workload.normalise is not None
        tx_class = neo4j.AsyncManagedTransaction
        original_run = tx_class.run
        # The audit writer's own statements run auto-commit (hub/audit/repo.py append_after).
        session_run = neo4j.AsyncSession.run

        async def run(tx: Any, query: Any, parameters: Any = None, **kwargs: Any) -> Any:
            statement = (str(query), {**(parameters or {}), **kwargs})
            if "Audit" in statement[0]:
                audit.append(statement)
            elif writes:
                self.captured.append(statement)
            return await original_run(tx, query, parameters, **kwargs)

        async def auto(session: Any, query: Any, parameters: Any = None, **kwargs: Any) -> Any:
            text = query.text if isinstance(query, neo4j.Query) else str(query)
            if "Audit" in text:
                audit.append((text, {**(parameters or {}), **kwargs}))
            return await session_run(session, query, parameters, **kwargs)

        tx_class.run = run  # type: ignore[method-assign,assignment]
        neo4j.AsyncSession.run = auto  # type: ignore[method-assign,assignment]
        try:
            body = fresh(workload.body("hub", 0), 0)
            response = self.client.post("/graphql", json=body, headers=_dev_header(workload.caller))
        finally:
            tx_class.run = original_run  # type: ignore[method-assign]
            neo4j.AsyncSession.run = session_run  # type: ignore[method-assign]
        response.raise_for_status()
        if not writes:
            (statement,) = self.captured
            return [statement], audit
        return list(self.captured), audit


def _dev_header(caller: Caller) -> dict[str, str]:
    parts = [f"role={caller.role}"]
    if caller.district:
        parts.append(f"district={caller.district}")
    if caller.enterprise:
        parts.append(f"enterprise={caller.enterprise}")
    parts.append(f"scopes={caller.scopes}")
    return {"X-Hub-Principal": "; ".join(parts)}


def raw_statement(workload: Workload) -> tuple[str, dict[str, Any]]:
    c = workload.caller
    variables = fresh(workload.body("raw", 0), 0)["variables"]
    params = {**variables, "sd": c.district, "se": c.enterprise, "sub": "bench-" + c.name}
    clock = Settings().clock  # raw's own parameters: the hub clock's day and moment
    params |= {"today": clock.today().isoformat(), "now": clock.stamp()}
    return STATEMENTS[(workload.raw, c.rows)], params


def peer_db_hits(write: bool = False) -> dict[str, Any]:
    """The peer's last statement and its db hits (ask right after sending the request); a
    write's event ids renamed to ones never written."""
    rename = f"?from={PREFIX}&to={PREFIX}{secrets.token_hex(4)}-" if write else ""
    response = httpx.get(f"http://127.0.0.1:{PORTS['peer-side']}/{rename}", timeout=60)
    result: dict[str, Any] = response.json()
    return result
