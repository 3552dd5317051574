"""With its database dead or frozen, the hub refuses promptly: 503, Retry-After, UNAVAILABLE.

The outage is real and the test's own: a throwaway Neo4j on ports picked now, in a folder of
its own, frozen with SIGSTOP and killed with SIGKILL under load, so the shared test server and
every other test are untouched. Every refusal must come within the request deadline (plus the
slack of a busy two-core machine), where it used to take 15 to 45 s or never came.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.app import create_app
from hub.config import PROJECT_ROOT, Settings
from hub.graph.driver import graph_for, open_driver
from hub.neo4j_local import LocalNeo4j
from tests.ingest_support import WRITE_SCOPES, enterprise, new_uscc
from tests.oauth_support import Registrar

# It runs servers of its own (Neo4j, hubs): not part of the no-server tier.
pytestmark = pytest.mark.neo4j

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
DEADLINE_S = 2.0
SLACK_S = 3.0  # event-loop and scheduling slack on a shared machine, far below the old 15-45 s
REFUSAL_BOUND_S = DEADLINE_S + SLACK_S


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class ThrowawayNeo4j(LocalNeo4j):
    """A local server on the ports given, small, in a folder of its own."""

    bolt: int = 0
    http: int = 0

    @property
    def ports(self) -> tuple[int, int]:
        return self.bolt, self.http

    def _memory(self) -> tuple[str, str]:
        return "512m", "128m"


@pytest.fixture(scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ThrowawayNeo4j]:
    root: Path = tmp_path_factory.mktemp("outage")
    neo = ThrowawayNeo4j(f"outage-{os.getpid()}", root, _free_port(), _free_port())
    await asyncio.to_thread(neo.start)
    try:
        yield neo
    finally:
        pid = neo.pid()
        if pid is not None:
            os.kill(pid, signal.SIGCONT)
        await asyncio.to_thread(neo.stop, 20.0)


@dataclass
class Hub:
    client: httpx.AsyncClient
    partner: Any  # an OAuth client registered in the throwaway graph
    token: str


@pytest.fixture(scope="module")
async def hub(server: ThrowawayNeo4j, settings: Settings) -> AsyncIterator[Hub]:
    mine = settings.model_copy(
        update={
            "neo4j_uri": server.bolt_uri,
            "neo4j_password": server.password(),
            "hub_request_deadline_s": DEADLINE_S,
            "hub_audit_timeout_s": DEADLINE_S,
            "hub_rate_limit_per_min": 0,
            "hub_oauth_status_cache_s": 0.0,
        }
    )
    app = create_app(mine)
    async with app.router.lifespan_context(app):
        driver = open_driver(mine)
        try:
            partner = await Registrar(graph_for(driver, mine)).client("police", "graph:read")
        finally:
            await driver.close()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://hub.test", timeout=60.0
        ) as client:
            ends = time.monotonic() + 60.0  # a fresh server compiles its first statements slowly
            token = await _token(client, partner)
            while token.status_code != 200 and time.monotonic() < ends:
                await asyncio.sleep(0.2)
                token = await _token(client, partner)
            assert token.status_code == 200, token.text
            yield Hub(client, partner, token.json()["access_token"])


async def _token(client: httpx.AsyncClient, partner: Any) -> httpx.Response:
    return await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(partner.client.client_id, partner.secret),
    )


READ = "{ cylinders(first: 1) { totalCount } }"
WRITE = "mutation($i: [EnterpriseInput!]!) { registerEnterprises(items: $i) { written } }"


async def _timed(kind: str, request: Any) -> tuple[str, httpx.Response, float]:
    started = time.monotonic()
    response = await request
    return kind, response, time.monotonic() - started


async def _load(hub: Hub, copies: int = 3) -> list[tuple[str, httpx.Response, float]]:
    c = hub.client
    market = {"X-Hub-Principal": "role=market; scopes=" + WRITE_SCOPES}
    requests = []
    for _ in range(copies):
        write = {"i": [enterprise(new_uscc(), "RESTAURANT")]}
        requests += [
            _timed("read", c.post("/graphql", json={"query": READ},
                                  headers={"Authorization": "Bearer " + hub.token})),
            _timed("write", c.post("/graphql", json={"query": WRITE, "variables": write},
                                   headers=market)),
            _timed("token", _token(c, hub.partner)),
            _timed("introspect", c.post("/oauth/introspect", data={"token": hub.token},
                                        auth=(hub.partner.client.client_id, hub.partner.secret))),
            _timed("ready", c.get("/readyz")),
        ]  # fmt: skip
    return list(await asyncio.gather(*requests))


def _record(phase: str, answers: list[tuple[str, httpx.Response, float]]) -> None:
    """The slowest refusal of each kind, kept in test-artifacts/ (git-ignored) for the record."""
    slowest: dict[str, float] = {}
    for kind, _, elapsed in answers:
        slowest[kind] = round(max(slowest.get(kind, 0.0), elapsed), 3)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "outage-refusals.json"
    seen = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps({**seen, phase: slowest}, indent=2))


def _assert_prompt_refusals(phase: str, answers: list[tuple[str, httpx.Response, float]]) -> None:
    _record(phase, answers)
    for kind, response, elapsed in answers:
        assert response.status_code == 503, (kind, response.status_code, response.text)
        assert response.headers.get("retry-after"), kind
        assert elapsed < REFUSAL_BOUND_S, (kind, round(elapsed, 2))
        body = response.json()
        if kind in ("read", "write"):
            assert body.get("data") is None
            assert {e["extensions"]["code"] for e in body["errors"]} == {"UNAVAILABLE"}
        elif kind in ("token", "introspect"):
            assert body["error"] == "temporarily_unavailable"
        assert "Neo4j" not in response.text or kind == "ready"


async def _until_ready(hub: Hub, within_s: float) -> None:
    ends = time.monotonic() + within_s
    while time.monotonic() < ends:
        if (await hub.client.get("/readyz")).status_code == 200:
            return
        await asyncio.sleep(0.2)
    pytest.fail(f"not ready within {within_s} s")


async def _until_serving(hub: Hub, within_s: float) -> None:
    ends = time.monotonic() + within_s
    answers: list[tuple[str, httpx.Response, float]] = []
    while time.monotonic() < ends:
        answers = await _load(hub, copies=1)
        if all(r.status_code == 200 for _, r, _ in answers):
            return
        await asyncio.sleep(0.2)
    pytest.fail(f"not serving within {within_s} s: {[(k, r.text) for k, r, _ in answers]}")


async def test_a_frozen_then_a_killed_database_is_refused_within_the_deadline(
    server: ThrowawayNeo4j, hub: Hub
) -> None:
    await _until_serving(hub, 60.0)
    pid = server.pid()
    assert pid is not None

    os.kill(pid, signal.SIGSTOP)  # a long GC pause, a hung host: connections open, no answer
    try:
        _assert_prompt_refusals("frozen", await _load(hub))
    finally:
        os.kill(pid, signal.SIGCONT)
    await _until_ready(hub, 30.0)
    # Nothing keeps refusing once the database answers (no writer backoff, no stale pool).
    await _until_serving(hub, REFUSAL_BOUND_S)

    os.kill(pid, signal.SIGKILL)  # dead: connections reset, then refused
    await asyncio.sleep(0.2)
    _assert_prompt_refusals("killed", await _load(hub))
