"""Two hub replicas behind HAProxy (TLS, health checks on /readyz) over the one test Neo4j and
one Redis: what replicas must agree on, and a W8-like mix that loses a replica half-way.

Bounded: the mix runs a few seconds; the figures (one replica vs two vs two workers) are
`make scale-demo`'s, never asserted here.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import secrets
import socket
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

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
from hub.linkage.scan import LEASE
from hub.oauth import admin
from tests.graphql import cypher, gql
from tests.ingest_support import HUB_CLOCK, World, Writer, ago, filling, forget, new_key
from tests.oauth_support import Registrar, token_for

pytestmark = [
    pytest.mark.neo4j,  # replicas, Redis and HAProxy of its own: not in the no-server tier
    pytest.mark.skipif(
        not Path(HAPROXY).exists(), reason="HAProxy is not installed (make server-deps)"
    ),
]

STATUS_CACHE_S = 1.0
BURST = 30  # per caller, in any 30 s (60 a minute): a slow machine cannot outrun the window
WEBHOOK_POLL_S = 0.2
SCAN_INTERVAL_S = 2.5  # the scan test's replicas: a scan takes well under half of it here


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
        "HUB_WEBHOOK_POLL_S": str(WEBHOOK_POLL_S),  # both replicas' workers look often
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


@dataclass
class SlowReceiver:
    """A partner's endpoint that takes its time to answer: a delivery stays unsettled for a
    while, long enough for the other replica's worker to look several times."""

    delay_s: float = 4 * WEBHOOK_POLL_S
    got: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""

    async def endpoint(self, request: Request) -> Response:
        self.got.append((dict(request.headers), await request.body()))
        await asyncio.sleep(self.delay_s)
        return Response("ok")


@pytest.fixture
async def receiver() -> AsyncIterator[SlowReceiver]:
    r = SlowReceiver()
    app = Starlette(routes=[Route("/hook", r.endpoint, methods=["POST"])])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(500):  # until it listens
        if server.started:
            break
        await asyncio.sleep(0.01)
    r.url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    yield r
    server.should_exit = True
    await task


ADD_WEBHOOK = """mutation($c: String!, $u: String!) { addWebhook(client: $c, url: $u) {
    id secret } }"""


async def test_an_alert_raised_through_the_balancer_is_delivered_once_by_two_workers(
    cluster: Cluster, client: httpx.AsyncClient, graph: Graph, receiver: SlowReceiver
) -> None:
    # Both replicas run a webhook worker over the one outbox; a delivery is claimed before its
    # POST, so the other worker, looking every 0.2 s while the receiver takes 0.8 s, leaves it.
    writer = Writer(client, f"t-scale-hook-{secrets.token_hex(4)}")
    world = await World(writer).build()
    partner = await admin.add_client(graph, writer.subject, "market", "graph:read")
    five_years_ago = (HUB_CLOCK.today() - timedelta(days=5 * 365)).isoformat()
    overdue = await world.cylinders(3, madeOn=five_years_ago)
    try:
        async with cluster.http() as lb:
            added = await gql(
                lb,
                ADD_WEBHOOK,
                "admin",
                {"c": partner.client.client_id, "u": receiver.url},
                scopes="admin",
            )
            endpoint = added["data"]["addWebhook"]
            refused = await Writer(lb, writer.subject).results(
                "recordFillings", [filling(code) for code in overdue], enterprise=world.station
            )  # fmt: skip
        assert [r["errors"][0]["code"] for r in refused] == ["CYLINDER_OVERDUE"] * 3
        query = ("MATCH (d:WebhookDelivery {endpoint: $e}) "
                 "RETURN d.id AS id, d.status AS status, d.attempts AS attempts")  # fmt: skip
        for _ in range(300):  # bounded, not timed
            rows = await cypher(graph, query, e=endpoint["id"])
            if len(rows) == 3 and {r["status"] for r in rows} == {"DELIVERED"}:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(2 * WEBHOOK_POLL_S)  # a second sender would have posted by now
        assert {r["status"] for r in rows} == {"DELIVERED"}, rows
        assert [r["attempts"] for r in rows] == [1, 1, 1]
        sent = sorted(headers["webhook-id"] for headers, _ in receiver.got)
        assert sent == sorted(r["id"] for r in rows)  # each once, none twice
        for headers, body in receiver.got:
            payload = Webhook(endpoint["secret"]).verify(body, headers)
            assert payload["data"]["rule"] == "FILL_OVERDUE"
    finally:

        async def clean(tx: Any) -> None:
            await (await tx.run(
                "MATCH (w:WebhookEndpoint)-[:FOR]->(c:OAuthClient {name: $name}) "
                "OPTIONAL MATCH (d:WebhookDelivery) WHERE d.endpoint = w.id "
                "DETACH DELETE d, w, c", name=writer.subject,
            )).consume()  # fmt: skip

        await graph.write(clean)
        await forget(graph, writer.subject)


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


async def test_the_scheduled_scan_runs_once_per_interval_across_two_replicas(
    cluster: Cluster, graph: Graph, tmp_path: Path
) -> None:
    # Two replicas on their own timers, every SCAN_INTERVAL_S: a turn that finds the lease held,
    # or a scan completed within nine tenths of the interval, skips. Were either check ignored,
    # both would scan each interval and two runs would lie closer than that.
    async def reset(tx: Any) -> None:
        await (await tx.run(
            "MERGE (l:Lease {name: $name}) SET l.holder = null "
            "REMOVE l.doneAt, l.recentRuns, l.recentBy", name=LEASE,
        )).consume()  # fmt: skip

    await graph.write(reset)
    env = cluster.env | {"HUB_LINKAGE_SCAN_INTERVAL_S": str(SCAN_INTERVAL_S),
                         "HUB_WEBHOOK_POLL_S": "0"}  # fmt: skip
    ports = [free_port(), free_port()]
    runs: list[dict[str, Any]] = []
    with processes() as started:
        for i, port in enumerate(ports):
            started.append(start_hub(port, env, tmp_path / f"scanner-{i}.log"))
        pids = {str(p.popen.pid) for p in started}
        for port in ports:
            await wait_ready(f"http://127.0.0.1:{port}")
        for _ in range(600):  # three completed runs: two intervals at least (bounded, not timed)
            runs = await cypher(
                graph, "MATCH (l:Lease {name: $name}) WHERE l.recentRuns IS NOT NULL "
                "UNWIND range(0, size(l.recentRuns) - 1) "
                "AS i RETURN l.recentRuns[i] AS at, l.recentBy[i] AS by", name=LEASE,
            )  # fmt: skip
            if len(runs) >= 3:
                break
            await asyncio.sleep(0.1)
    assert len(runs) >= 3, runs
    assert {r["by"].rsplit(":", 1)[1] for r in runs} <= pids  # these two replicas ran them
    times = [r["at"].to_native() for r in runs]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    # Once per interval: no two runs within nine tenths of it (the hub clock's own times).
    assert min(gaps) >= 0.9 * SCAN_INTERVAL_S, gaps
