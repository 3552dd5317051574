"""`hub serve` stopped as an orchestrator stops it (SIGTERM): every request the hub took is
answered, later connections are turned away, and the audit batch is flushed and its head signed on
the way out."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.cluster import Outcome, free_port, processes, start_hub, wait_ready
from graph_seed.generate import Generation
from hub.graph.driver import Graph
from tests.audit_support import drop_chain
from tests.graphql import cypher

W1 = "query($code: String!) { cylinder(code: $code) { code status owner { name } } }"


@pytest.fixture
async def codes(graph: Graph, tiny_seed: Generation) -> list[str]:
    rows = await cypher(graph, "MATCH (c:Cylinder) RETURN c.code AS code ORDER BY code LIMIT 20")
    return [r["code"] for r in rows]


async def test_sigterm_drains_accepted_requests_and_signs_the_audit_head(
    graph: Graph, codes: list[str], tmp_path: Path
) -> None:
    port = free_port()
    run = secrets.token_hex(4)
    # A chain of its own: what other tests left in `main` (an intent whose outcome never came)
    # is not this hub's to answer for.
    chain = f"t-drain-{run}"
    env = {"HUB_ENV": "test", "HUB_LOG_LEVEL": "WARNING", "HUB_SHUTDOWN_GRACE_S": "10",
           "HUB_AUDIT_SIGN_EVERY": "1000000", "HUB_AUDIT_SIGN_INTERVAL_S": "3600",
           "HUB_AUDIT_CHAIN": chain}  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    outcomes: list[Outcome] = []
    reset: set[str] = set()  # the request ids that failed at the transport
    with processes() as started:
        hub = start_hub(port, env, tmp_path / "hub.log")
        started.append(hub)
        await wait_ready(url)
        begin = time.monotonic()
        stop_at: list[float] = []

        async def caller(n: int) -> None:
            # A new connection per request: after the stop, a refused connection is the only
            # acceptable failure (an accepted request must be answered).
            i = n
            while time.monotonic() - begin < 6.0:
                started_at = time.monotonic() - begin
                request_id = f"drain-{run}-{i}"
                try:
                    async with httpx.AsyncClient(base_url=url, timeout=10.0) as http:
                        body = {"query": W1, "variables": {"code": codes[i % len(codes)]}}
                        headers = {"X-Hub-Principal": f"role=market; sub=drain-{i}",
                                   "X-Request-Id": request_id}  # fmt: skip
                        r = await http.post("/graphql", json=body, headers=headers)
                    outcomes.append(Outcome(started_at, time.monotonic() - begin, r.status_code,
                                            None, "read"))  # fmt: skip
                except httpx.ConnectError:
                    return  # the listener is closed: this caller is done
                except httpx.TransportError as exc:
                    reset.add(request_id)
                    outcomes.append(Outcome(started_at, time.monotonic() - begin, None, None,
                                            "read", type(exc).__name__))  # fmt: skip
                i += 8

        async def terminate() -> None:
            await asyncio.sleep(1.0)
            stop_at.append(time.monotonic() - begin)
            await asyncio.to_thread(hub.stop, 15.0)

        await asyncio.gather(terminate(), *(caller(n) for n in range(8)))
        code = hub.popen.returncode
    [stopped] = stop_at
    failed = [o for o in outcomes if not o.ok]
    drained = [o for o in outcomes if o.ok and o.started < stopped < o.ended]
    # A connection still queued in the kernel when the listener closes is reset unanswered (the
    # balancer has stopped sending by then: readiness, preStop), and the client cannot tell when
    # that was; so what must never fail is a request the hub took, which its audit names.
    assert all(o.status is None for o in failed), failed[:5]
    taken = await cypher(
        graph, "MATCH (a:AuditEntry {chain: $chain}) RETURN a.requestId AS id",
        chain=chain,
    )  # fmt: skip
    assert taken
    dropped = reset & {r["id"] for r in taken}
    assert not dropped, sorted(dropped)[:5]
    assert drained  # requests in flight at the SIGTERM were answered after it
    assert code in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once it has shut down
    report = _verify(chain)
    await drop_chain(graph, chain)
    assert report["ok"]
    # The head was signed at the stop: the last signature covers the last entry.
    assert report["last_signed"]["seq"] == report["head_seq"]


def _verify(chain: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "hub.cli", "audit", "verify", "--json", "--chain", chain],
        env=dict(os.environ), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


@pytest.mark.neo4j  # a hub process over the test Neo4j
@pytest.mark.parametrize(
    ("trusted", "expected"),
    [("127.0.0.1", [200, 200, 200]), ("192.0.2.1", [200, 200, 429])],
    ids=["from-a-trusted-proxy", "from-anyone-else"],
)
async def test_forwarded_addresses_count_only_from_trusted_proxies(
    trusted: str, expected: list[int], tmp_path: Path
) -> None:
    """The public is rate-limited per address: X-Forwarded-For names that address only when
    the connection comes from a configured proxy; from anyone else it is ignored."""
    port = free_port()
    env = {"HUB_ENV": "test", "HUB_LOG_LEVEL": "WARNING", "HUB_TRUSTED_PROXIES": trusted,
           "HUB_RATE_LIMIT_PER_MIN": "2", "HUB_RATE_LIMIT_BURST": "2"}  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with processes() as started:
        started.append(start_hub(port, env, tmp_path / "hub.log"))
        await wait_ready(url)
        async with httpx.AsyncClient(base_url=url, timeout=10.0) as http:
            statuses = [
                (
                    await http.post(
                        "/graphql",
                        json={"query": "{ me { role } }"},
                        headers={"X-Forwarded-For": f"203.0.113.{n}"},
                    )
                ).status_code
                for n in range(3)
            ]
    assert statuses == expected
