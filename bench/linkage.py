"""The linkage: how fast an alert reaches a partner's webhook and a live subscription, what
raising alerts costs ingestion, and how long a full scan takes.

    .venv/bin/python -m bench.linkage [--instance dev] [--trials 40] [--batches 6] [--size 500]

Starts the hub (uvicorn, one worker) in its own process over the chosen local Neo4j, with its
webhook worker and the default poll intervals, and in this process a real HTTP receiver and a
graphql-transport-ws client (development principal header, market role). Then:
  latency     `trials` times: one filling of an overdue cylinder is refused (one new alert to
              market regulation); from the mutation's answer (the commit is before it) to the
              signed POST received (signature verified) and to the subscription's message, with
              a W8-like mix (`--mix-rate` requests/s: reads, traces, pushes) running beside;
  ingestion   `batches` of `size` fillings, one in ten of an overdue cylinder (refused, an alert
              raised or counted), on a hub with the linkage on and on one with it off
              (HUB_LINKAGE_ENABLED=false), both running, batch for batch in turns: the median
              events per second of each and their ratio;
  scan        `hub linkage scan` of the whole graph, timed.
What it recorded is deleted at the end (its own rows, its client, its endpoint). A measurement,
not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import time
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

import httpx
import uvicorn
import websockets
from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from websockets.typing import Subprotocol

from bench.hub_process import hub_server, wait_ready
from hub.clock import Clock
from hub.config import Settings
from hub.graph.driver import graph_for, open_driver
from hub.identifiers import USCC_ALPHABET, make_uscc
from hub.linkage.scan import scan
from hub.oauth.admin import add_client
from hub.webhooks.cli import add

SUBSCRIBE = "subscription { alertRaised { alertId rule } }"


def _uscc() -> str:
    return make_uscc("91350102" + "".join(secrets.choice(USCC_ALPHABET) for _ in range(9)))


def _pct(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


class Hub:
    def __init__(self, http: httpx.AsyncClient, by: str) -> None:
        self.http, self.by = http, by
        self.station, self.maker = _uscc(), _uscc()
        self.today = Clock().today()

    async def push(self, mutation: str, kind: str, items: list[Any], **claims: str) -> Any:
        claims = {"sub": self.by, "scopes": "graph:read graph:write", **claims}
        header = "; ".join(f"{k}={v}" for k, v in claims.items())
        query = (
            f"mutation($items: [{kind}!]!) {{ {mutation}(items: $items) "
            "{ written failed results { ok errors { code } } } }"
        )
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": {"items": items}},
            headers={"X-Hub-Principal": header},
        )  # fmt: skip
        body = response.json()
        assert "errors" not in body, body
        return body["data"][mutation]

    async def setup(self) -> None:
        companies = [
            {"uscc": self.station, "name": "基准充装站", "kind": "FILLING_STATION",
             "district": "350102", "address": "福州市鼓楼区基准路1号"},
            {"uscc": self.maker, "name": "基准气瓶厂", "kind": "CYLINDER_MANUFACTURER",
             "district": "350102", "address": "福州市鼓楼区基准路2号"},
        ]  # fmt: skip
        await self.push("registerEnterprises", "EnterpriseInput", companies, role="market")

    async def cylinders(self, n: int, overdue: bool, tag: str) -> list[str]:
        age = 5 * 365 if overdue else 200
        made = (self.today - timedelta(days=age)).isoformat()
        codes = [f"BL-{self.by[-8:]}-{tag}-{i:05d}" for i in range(n)]
        for start in range(0, n, 500):
            items = [{"code": c, "serialNo": c[-5:], "model": "YSP35.5", "madeOn": made,
                      "maker": self.maker} for c in codes[start:start + 500]]  # fmt: skip
            await self.push("registerCylinders", "CylinderInput", items,
                            role="enterprise", enterprise=self.station)  # fmt: skip
        return codes

    async def fill(self, codes: list[str], tag: str) -> Any:
        when = (Clock().now() - timedelta(minutes=30)).isoformat(timespec="seconds")
        items = [{"eventId": f"{self.by}-{tag}-{i}", "cylinder": c, "time": when,
                  "quantityKg": 14.9} for i, c in enumerate(codes)]  # fmt: skip
        return await self.push("recordFillings", "FillingInput", items,
                               role="enterprise", enterprise=self.station)  # fmt: skip


class Receiver:
    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}  # alert id -> when
        self.secret = ""
        self.bad = 0

    async def endpoint(self, request: Request) -> Response:
        body = await request.body()
        try:
            payload = Webhook(self.secret).verify(body, dict(request.headers))
        except Exception:
            self.bad += 1
            return Response(status_code=400)
        self.arrived.setdefault(payload["data"]["id"], time.perf_counter())
        return Response("ok")


async def _serve_receiver(receiver: Receiver) -> tuple[uvicorn.Server, asyncio.Task[None], str]:
    app = Starlette(routes=[Route("/hook", receiver.endpoint, methods=["POST"])])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    return server, task, f"http://127.0.0.1:{sock.getsockname()[1]}/hook"


async def _forget(settings: Settings, by: str, client_id: str | None) -> None:
    driver = open_driver(settings)
    try:
        await driver.execute_query(
            "MATCH (a:Alert)-[:ABOUT]->(:Enterprise)<-[:OWNED_BY]-(:Cylinder {recordedBy: $by}) "
            "DETACH DELETE a", by=by)  # fmt: skip
        while True:
            records, _, _ = await driver.execute_query(
                "MATCH (n {recordedBy: $by}) WITH n LIMIT 5000 DETACH DELETE n "
                "RETURN count(*) AS n", by=by)  # fmt: skip
            if records[0]["n"] == 0:
                break
        if client_id:
            await driver.execute_query(
                "MATCH (w:WebhookEndpoint)-[:FOR]->(c:OAuthClient {clientId: $c}) "
                "OPTIONAL MATCH (d:WebhookDelivery {endpoint: w.id}) DETACH DELETE d, w, c",
                c=client_id)  # fmt: skip
    finally:
        await driver.close()


class Mix:
    """A W8-like mix at a fixed rate beside the trials: 85% reads of a cylinder, 10% of its
    trace, 5% pushes of 10 fillings (of cylinders in service), each sent on its own schedule so
    a slow answer does not slow the rate down."""

    def __init__(self, hub: Hub, codes: list[str], rate: float) -> None:
        self.hub, self.codes, self.rate = hub, codes, rate
        self.sent = self.failed = 0
        self.last_failure = ""

    async def _one(self, i: int) -> None:
        code = self.codes[i % len(self.codes)]
        header = {"X-Hub-Principal": "role=market; scopes=graph:read"}
        try:
            if i % 20 == 0:
                batch = [self.codes[(i + k) % len(self.codes)] for k in range(10)]
                await self.hub.fill(batch, f"mix{i}")
                return
            query = (
                "query($c: String!) { traceCylinder(code: $c) { flags { kind } } }"
                if i % 10 == 1
                else "query($c: String!) { cylinder(code: $c) { code status nextInspection } }"
            )
            response = await self.hub.http.post(
                "/graphql", json={"query": query, "variables": {"c": code}}, headers=header
            )
            if response.status_code != 200 or "errors" in response.json():
                self.failed += 1
                self.last_failure = response.text[:200]
        except (httpx.HTTPError, AssertionError) as exc:
            self.failed += 1
            self.last_failure = repr(exc)[:200]

    async def run(self) -> None:
        pending: set[asyncio.Task[None]] = set()
        started = time.perf_counter()
        try:
            while True:
                self.sent += 1
                task = asyncio.create_task(self._one(self.sent))
                pending.add(task)
                task.add_done_callback(pending.discard)
                await asyncio.sleep(max(0.0, started + self.sent / self.rate - time.perf_counter()))
        finally:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)


async def latency(instance: str, base_url: str, trials: int, mix_rate: float = 0) -> None:
    settings = Settings(hub_neo4j_instance=instance)
    by = f"bench-link-{secrets.token_hex(4)}"
    receiver = Receiver()
    server, task, url = await _serve_receiver(receiver)
    driver = open_driver(settings)
    graph = graph_for(driver, settings)
    new = await add_client(graph, by, "market", "graph:read")
    endpoint = await add(graph, new.client.client_id, url)
    assert endpoint is not None
    receiver.secret = endpoint["secret"]
    ws_url = base_url.replace("http://", "ws://") + "/graphql"
    to_hook: list[float] = []
    to_live: list[float] = []
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=120) as http:
            await wait_ready(http)
            hub = Hub(http, by)
            await hub.setup()
            codes = await hub.cylinders(trials, overdue=True, tag="lat")
            mix = Mix(hub, await hub.cylinders(200, overdue=False, tag="mix"), mix_rate)
            mixing = asyncio.create_task(mix.run()) if mix_rate > 0 else None
            try:
                await _trials(hub, codes, ws_url, receiver, to_hook, to_live)
            finally:
                if mixing is not None:
                    mixing.cancel()
                    await asyncio.gather(mixing, return_exceptions=True)
    finally:
        await driver.close()
        server.should_exit = True
        await task
        await _forget(settings, by, new.client.client_id)
    print(f"latency from the refused filling's answer, {trials} alerts, {instance} graph")
    if mix_rate > 0:
        print(f"  under a W8-like mix of {mix_rate:.0f} requests/s ({mix.sent} sent, "
              f"{mix.failed} failed); load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        if mix.failed:
            print(f"  the last failure: {mix.last_failure}")
    for name, samples in (("webhook received", to_hook), ("subscription message", to_live)):
        print(f"  {name:<22} p50 {_pct(samples, 50):7.0f} ms   p99 {_pct(samples, 99):7.0f} ms")
    print(f"  signatures refused by the receiver: {receiver.bad}")


async def _trials(
    hub: Hub, codes: list[str], ws_url: str, receiver: Receiver,
    to_hook: list[float], to_live: list[float],
) -> None:  # fmt: skip
    ws = await websockets.connect(
        ws_url, subprotocols=[Subprotocol("graphql-transport-ws")],
        additional_headers={"X-Hub-Principal": "role=market; scopes=graph:read"},
    )  # fmt: skip
    await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
    await ws.recv()
    await ws.send(json.dumps({"id": "1", "type": "subscribe",
                              "payload": {"query": SUBSCRIBE}}))  # fmt: skip
    await asyncio.sleep(1.0)
    for i, code in enumerate(codes):
        await hub.fill([code], f"lat{i}")
        committed = time.perf_counter()
        live_id = None
        while live_id is None:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
            alert = message["payload"]["data"]["alertRaised"]
            if alert["rule"] == "FILL_OVERDUE":
                live_id = "Alert:" + alert["alertId"]
        to_live.append((time.perf_counter() - committed) * 1000)
        while live_id not in receiver.arrived:  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        to_hook.append((receiver.arrived[live_id] - committed) * 1000)
    await ws.close()


async def ingestion(
    instance: str, urls: dict[str, str], batches: int, size: int
) -> dict[str, list[float]]:
    """Events per second of each batch, per hub, the hubs taking turns batch by batch (who goes
    first alternates), so that the machine's background load hits both alike."""
    settings = Settings(hub_neo4j_instance=instance)
    tags = {name: f"bench-link-{name}-{secrets.token_hex(4)}" for name in urls}
    rates: dict[str, list[float]] = {name: [] for name in urls}
    try:
        async with AsyncExitStack() as stack:
            hubs, codes = {}, {}
            for name, url in urls.items():
                http = await stack.enter_async_context(httpx.AsyncClient(base_url=url, timeout=300))
                await wait_ready(http)
                hubs[name] = hub = Hub(http, tags[name])
                await hub.setup()
                bad = size // 10
                good = await hub.cylinders(size - bad, overdue=False, tag="ok")
                overdue = await hub.cylinders(bad, overdue=True, tag="od")
                codes[name] = good + overdue
                await hub.fill(codes[name], "warm")
            order = list(urls)
            for b in range(batches):
                for name in order if b % 2 == 0 else order[::-1]:
                    started = time.perf_counter()
                    done = await hubs[name].fill(codes[name], f"b{b}")
                    rates[name].append(size / (time.perf_counter() - started))
                    assert done["failed"] == size // 10, done
    finally:
        for tag in tags.values():
            await _forget(settings, tag, None)
    return rates


async def scan_time(instance: str) -> None:
    settings = Settings(hub_neo4j_instance=instance)
    driver = open_driver(settings)
    try:
        graph = graph_for(driver, settings)
        started = time.perf_counter()
        report = await scan(graph)
        elapsed = time.perf_counter() - started
        records, _, _ = await driver.execute_query("MATCH (c:Cylinder) RETURN count(c) AS n")
    finally:
        await driver.close()
    raised = sum(report.raised.values())
    print(f"scan of the {instance} graph ({records[0]['n']} cylinders): {elapsed:.2f} s, "
          f"{report.statuses_changed} statuses changed, {raised} alerts raised")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", default="dev", help="the local Neo4j (e.g. `make run`'s)")
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--batches", type=int, default=6)
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--only", choices=["latency", "ingestion", "scan"], help="one part")
    parser.add_argument(
        "--mix-rate", type=float, default=20.0,
        help="requests/s of the W8-like mix beside the latency trials (0: none)",
    )  # fmt: skip
    args = parser.parse_args()
    if args.only in (None, "latency"):
        with hub_server(args.instance) as base_url:
            asyncio.run(latency(args.instance, base_url, args.trials, args.mix_rate))
    if args.only in (None, "ingestion"):
        _compare_ingestion(args.instance, args.batches, args.size)
    if args.only in (None, "scan"):
        asyncio.run(scan_time(args.instance))


def _compare_ingestion(instance: str, batches: int, size: int) -> None:
    with (
        hub_server(instance) as on_url,
        hub_server(instance, {"HUB_LINKAGE_ENABLED": "false"}) as off_url,
    ):
        before = os.getloadavg()[0]
        rates = asyncio.run(ingestion(instance, {"on": on_url, "off": off_url}, batches, size))
        after = os.getloadavg()[0]
    on, off = statistics.median(rates["on"]), statistics.median(rates["off"])
    print(f"ingestion, {batches} batches of {size} fillings (1 in 10 refused) per hub,")
    print(f"  the two hubs taking turns; load average {before:.1f} -> {after:.1f}")
    print(f"  linkage on   {on:>8.0f} events/s (median of batches)")
    print(f"  linkage off  {off:>8.0f} events/s")
    print(f"  on / off     {on / off:>8.2f} x")


if __name__ == "__main__":
    main()
