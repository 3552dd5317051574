"""Two hub replicas behind HAProxy (TLS, health checks on /readyz) over the one test Neo4j and
one Redis: what replicas must agree on, and a W8-like mix that loses a replica half-way.

Bounded: the mix runs a few seconds; the figures (one replica vs two vs two workers) are
`make scale-demo`'s, never asserted here.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.cluster import (
    HAPROXY,
    Mix,
    Outcome,
    Process,
    free_port,
    make_certificate,
    processes,
    run_mix,
    start_haproxy,
    start_hub,
    start_nginx,
    wait_ready,
)
from graph_seed.generate import Generation
from hub.config import Settings
from hub.graph.driver import Graph
from hub.oauth import admin
from tests.graphql import cypher
from tests.ingest_support import World, Writer, ago, forget, new_key
from tests.oauth_support import Registrar, token_for

pytestmark = [
    pytest.mark.neo4j,  # replicas, Redis and HAProxy of its own: not in the no-server tier
    pytest.mark.skipif(
        not Path(HAPROXY).exists(), reason="HAProxy is not installed (make server-deps)"
    ),
]

STATUS_CACHE_S = 1.0
BURST = 30  # per caller, in any 30 s (60 a minute): a slow machine cannot outrun the window


@dataclass
class Cluster:
    lb: str
    replicas: dict[str, str]  # name -> direct URL
    procs: dict[str, Process]
    ca: Path
    env: dict[str, str]
    folder: Path

    def http(self, url: str | None = None) -> httpx.AsyncClient:
        tls = ssl.create_default_context(cafile=str(self.ca))  # trusts the test CA only
        return httpx.AsyncClient(base_url=url or self.lb, verify=tls, timeout=10.0)


@pytest.fixture(scope="module")
def cluster(
    settings: Settings, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("cluster")
    ca, bundle = make_certificate(folder)
    lb_port = free_port()
    env = {
        "HUB_ENV": "test",
        "HUB_REDIS_URL": redis_url,
        "HUB_ISSUER": f"https://127.0.0.1:{lb_port}",
        "HUB_OAUTH_STATUS_CACHE_S": str(STATUS_CACHE_S),
        "HUB_RATE_LIMIT_PER_MIN": "60",
        "HUB_RATE_LIMIT_BURST": str(BURST),
        "HUB_LOG_LEVEL": "WARNING",
        "HUB_SHUTDOWN_GRACE_S": "5",
    }
    ports = {"a": free_port(), "b": free_port()}
    with processes() as started:
        procs = {}
        for name, port in ports.items():  # one after the other: the first makes missing keys
            procs[name] = start_hub(port, env, folder / f"hub-{name}.log")
            started.append(procs[name])
            asyncio.run(wait_ready(f"http://127.0.0.1:{port}"))
        started.append(start_haproxy(folder, lb_port, bundle, ports))
        lb = f"https://127.0.0.1:{lb_port}"
        asyncio.run(wait_ready(lb, verify=ssl.create_default_context(cafile=str(ca))))
        replicas = {n: f"http://127.0.0.1:{p}" for n, p in ports.items()}
        yield Cluster(lb, replicas, procs, ca, env, folder)


@pytest.fixture
async def reg(graph: Graph) -> AsyncIterator[Registrar]:
    registrar = Registrar(graph)
    yield registrar
    await registrar.cleanup()


async def test_both_replicas_serve_through_tls_with_one_key_set(cluster: Cluster) -> None:
    async with cluster.http() as lb:
        served = {(await lb.get("/readyz")).headers.get("x-served-by") for _ in range(6)}
        h2 = await lb.get("/healthz")
    assert served == {"a", "b"}  # round robin over both
    async with cluster.http(cluster.replicas["a"]) as a, cluster.http(cluster.replicas["b"]) as b:
        jwks_a, jwks_b = (
            (await a.get("/.well-known/jwks.json")).json(),
            (await b.get("/.well-known/jwks.json")).json(),
        )
    assert jwks_a == jwks_b  # a token either signs, the other verifies
    assert h2.status_code == 200


NGINX = Path("/usr/sbin/nginx")
NGINX_CONF = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "hub.conf"


@pytest.mark.skipif(not NGINX.exists(), reason="nginx is not installed (make server-deps)")
async def test_the_shipped_nginx_config_terminates_tls_with_http2_and_limits_bodies(
    cluster: Cluster, tmp_path: Path
) -> None:
    ca, bundle = make_certificate(tmp_path)
    https, http = free_port(), free_port()
    hub_port = cluster.replicas["a"].rsplit(":", 1)[1]
    conf = NGINX_CONF.read_text()
    for old, new in [("server hub:8000", f"server 127.0.0.1:{hub_port}"),
                     ("listen 443 ", f"listen 127.0.0.1:{https} "),
                     ("listen 80;", f"listen 127.0.0.1:{http};"),
                     ("/etc/nginx/tls/tls.crt", str(bundle)),
                     ("/etc/nginx/tls/tls.key", str(bundle))]:  # fmt: skip
        assert old in conf
        conf = conf.replace(old, new)
    with processes() as started:
        started.append(start_nginx(tmp_path, conf))
        url = f"https://127.0.0.1:{https}"
        tls = ssl.create_default_context(cafile=str(ca))
        await wait_ready(url, verify=tls)
        tls.set_alpn_protocols(["h2", "http/1.1"])
        with socket.create_connection(("127.0.0.1", https)) as raw:
            with tls.wrap_socket(raw, server_hostname="localhost") as wrapped:
                alpn = wrapped.selected_alpn_protocol()
        async with httpx.AsyncClient(base_url=url, verify=ssl.create_default_context(
                cafile=str(ca)), timeout=10.0) as client:  # fmt: skip
            me = await client.post("/graphql", json={"query": "{ me { role } }"})
            huge = await client.post("/graphql", content=b"x" * (9 * 1024 * 1024))
            metrics = await client.get("/metrics")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{http}") as plain:
            redirect = await plain.get("/graphql")
    assert alpn == "h2"
    assert me.status_code == 200
    assert me.json()["data"]["me"]["role"] == "public"
    assert huge.status_code == 413  # refused at the proxy, never read by the hub
    assert metrics.status_code == 403
    assert redirect.status_code == 301
    assert redirect.headers["location"].startswith("https://")


async def test_a_client_spread_over_both_replicas_gets_one_rate_limit(cluster: Cluster) -> None:
    caller = {"X-Hub-Principal": f"role=market; sub=spread-{secrets.token_hex(4)}"}
    async with cluster.http() as lb:
        answers = [
            await lb.post("/graphql", json={"query": "{ me { role } }"}, headers=caller)
            for _ in range(BURST + 6)
        ]
    statuses = [r.status_code for r in answers]
    assert {r.headers.get("x-served-by") for r in answers} == {"a", "b"}
    assert statuses[:BURST] == [200] * BURST
    assert 429 in statuses[BURST:]  # alone, each replica saw about half and would let it pass


async def test_guesses_through_both_replicas_share_one_throttle(
    cluster: Cluster, reg: Registrar, settings: Settings
) -> None:
    police = await reg.client("police")
    async with cluster.http() as lb:
        for guess in range(settings.hub_oauth_max_failures):
            wrong = await lb.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(police.client.client_id, f"guess-{guess}"),
            )
            assert wrong.status_code == 401
    for url in cluster.replicas.values():
        async with cluster.http(url) as replica:
            assert police.secret is not None
            answer = await replica.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(police.client.client_id, police.secret),
            )
            assert answer.status_code == 429


async def test_a_token_revoked_through_one_replica_is_refused_by_the_other(
    cluster: Cluster, reg: Registrar
) -> None:
    police = await reg.client("police")
    async with (
        cluster.http(cluster.replicas["a"]) as a,
        cluster.http(cluster.replicas["b"]) as b,
    ):
        token = await token_for(a, police)
        me = {"query": "{ me { role } }"}
        bearer = {"Authorization": f"Bearer {token}"}
        assert (await b.post("/graphql", json=me, headers=bearer)).status_code == 200  # cached
        assert police.secret is not None
        revoked = await a.post(
            "/oauth/revoke", data={"token": token}, auth=(police.client.client_id, police.secret)
        )
        assert revoked.status_code == 200
        assert (await a.post("/graphql", json=me, headers=bearer)).status_code == 401
        await asyncio.sleep(STATUS_CACHE_S + 0.2)  # b's cached status has expired by now
        refused = await b.post("/graphql", json=me, headers=bearer)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["errors"][0]["message"]


async def test_a_client_disabled_in_the_registry_is_refused_by_both(
    cluster: Cluster, reg: Registrar, graph: Graph
) -> None:
    police = await reg.client("police")
    me = {"query": "{ me { role } }"}
    async with cluster.http() as lb:
        bearer = {"Authorization": f"Bearer {await token_for(lb, police)}"}
        await admin.set_client_enabled(graph, police.client.client_id, False)
        await asyncio.sleep(STATUS_CACHE_S + 0.2)
        answers = [await lb.post("/graphql", json=me, headers=bearer) for _ in range(4)]
    assert {r.headers.get("x-served-by") for r in answers} == {"a", "b"}
    assert [r.status_code for r in answers] == [401] * 4


@pytest.fixture
async def mix(client: httpx.AsyncClient, graph: Graph, tiny_seed: Generation) -> AsyncIterator[Mix]:
    writer = Writer(client, f"t-scale-{secrets.token_hex(4)}")
    world = await World(writer).build()
    write_codes = await world.cylinders(4)
    rows = await cypher(graph, "MATCH (c:Cylinder) RETURN c.code AS code ORDER BY code LIMIT 50")
    yield Mix(
        codes=[r["code"] for r in rows],
        station=world.station,
        filler=world.filler,
        write_codes=write_codes,
        new_event_id=lambda: new_key("F"),
        time_text=lambda: ago(minutes=30),
    )
    await forget(graph, writer.subject)


async def test_the_mix_loses_a_replica_and_only_its_in_flight_requests_fail(
    cluster: Cluster, mix: Mix, graph: Graph
) -> None:
    concurrency, seconds, kill_at = 8, 5.0, 1.5
    killed: list[float] = []
    served: set[str | None] = set()

    def at(outcome: Outcome) -> None:
        # Once both replicas have answered (however slow the machine) and kill_at has passed.
        served.add(outcome.served_by)
        if not killed and outcome.ended >= kill_at and {"a", "b"} <= served:
            killed.append(outcome.ended)
            cluster.procs["b"].kill()

    async with cluster.http() as lb:
        outcomes = await run_mix(lb, mix, seconds, concurrency, at)
    [kill_time] = killed
    failed = [o for o in outcomes if not o.ok]
    before = [o for o in outcomes if o.ended <= kill_time]
    after = [o for o in outcomes if o.started > kill_time]
    assert {o.served_by for o in before} == {"a", "b"}, _describe(before[:20])
    assert all(o.ok for o in before), _describe([o for o in before if not o.ok])
    # Only requests in flight at the kill may fail: at most one per concurrent caller, and only
    # those that started before it.
    assert len(failed) <= concurrency, _describe(failed)
    assert all(o.started <= kill_time for o in failed), _describe(failed)
    assert after
    assert all(o.ok and o.served_by == "a" for o in after), _describe(failed)
    # Every write that was answered is in the graph once.
    ok_writes = sum(1 for o in outcomes if o.kind == "write" and o.ok)
    rows = await cypher(
        graph, "MATCH (f:Filling) WHERE f.eventId IN $ids RETURN count(f) AS n", ids=mix.event_ids
    )
    assert ok_writes <= rows[0]["n"] <= len(mix.event_ids)


def _describe(outcomes: list[Outcome]) -> str:
    return "; ".join(
        f"{o.kind} {o.status} {o.served_by} {o.started:.2f}-{o.ended:.2f} {o.detail}"
        for o in outcomes[:20]
    )


def test_the_audit_chain_of_both_replicas_is_one_verified_chain(cluster: Cluster) -> None:
    cluster.procs["a"].stop()  # graceful: drains, flushes and signs the head
    result = subprocess.run(
        [sys.executable, "-m", "hub.cli", "audit", "verify", "--json"],
        env={**os.environ, **cluster.env},
        capture_output=True,
        text=True,
        check=False,
    )
    report: dict[str, Any] = json.loads(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert report["ok"]
    assert report["first_broken_seq"] is None
    assert report["entries"] == report["head_seq"]  # contiguous: 1..head, no gap, no fork
    assert report["last_signed"] is not None


async def test_metrics_of_two_workers_are_summed_whichever_answers(
    cluster: Cluster, tmp_path: Path
) -> None:
    port = free_port()
    with processes() as started:
        started.append(start_hub(port, cluster.env, tmp_path / "workers.log", workers=2))
        url = f"http://127.0.0.1:{port}"
        await wait_ready(url)
        async with httpx.AsyncClient(base_url=url, timeout=10.0) as http:
            for _ in range(40):  # new connections: the kernel spreads them over both workers
                async with httpx.AsyncClient(base_url=url, timeout=10.0) as fresh:
                    assert (await fresh.get("/healthz")).status_code == 200
            scrapes = [(await http.get("/metrics")).text for _ in range(4)]
    counts = [_sample(text, 'hub_http_requests_total{route="/healthz",status="200"}')
              for text in scrapes]  # fmt: skip
    assert all(c >= 40 for c in counts), counts


def _sample(text: str, name: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name))
