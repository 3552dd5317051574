"""`make scale-demo`: the W8-like mix through HAProxy (TLS) in front of one replica, two
replicas, and one replica with two workers, side by side in one run over the same Neo4j and
Redis. A measurement, not a test: it prints and writes bench/results/scale-latest.md.

    .venv/bin/python -m bench.scale_demo [--seconds 10] [--concurrency 16] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import ssl
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.cluster import (
    Mix,
    Outcome,
    free_port,
    make_certificate,
    processes,
    run_mix,
    start_haproxy,
    start_hub,
    wait_ready,
)
from hub.app import create_app
from hub.config import PROJECT_ROOT, Settings
from hub.graph.driver import fetch_all
from hub.redis_local import LocalRedis
from tests.ingest_support import World, Writer, ago, new_key

RESULTS = PROJECT_ROOT / "bench" / "results" / "scale-latest.md"
SETUPS: list[tuple[str, dict[str, int]]] = [
    ("one replica, one worker", {"a": 1}),
    ("two replicas, one worker each", {"a": 1, "b": 1}),
    ("one replica, two workers", {"a": 2}),
]


async def _mix(settings: Settings) -> Mix:
    """A station and its cylinders to write to, and cylinder codes to read, made in-process."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
            world = await World(Writer(client, f"scale-demo-{secrets.token_hex(3)}")).build()
            write_codes = await world.cylinders(8)
        rows = await app.state.runtime.graph.read(
            fetch_all, "MATCH (c:Cylinder) RETURN c.code AS code LIMIT 200"
        )
    return Mix(
        codes=[r["code"] for r in rows],
        station=world.station,
        filler=world.filler,
        write_codes=write_codes,
        new_event_id=lambda: new_key("F"),
        time_text=lambda: ago(minutes=30),
    )


def _summary(name: str, outcomes: list[Outcome], seconds: float) -> dict[str, Any]:
    ok = [o for o in outcomes if o.ok]
    latencies = sorted((o.ended - o.started) * 1000 for o in ok)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0
    return {
        "setup": name,
        "requests": len(outcomes),
        "failed": len(outcomes) - len(ok),
        "rps": len(ok) / seconds,
        "p50": statistics.median(latencies) if latencies else 0.0,
        "p95": p95,
    }


async def _measure(
    name: str, workers: dict[str, int], env: dict[str, str], folder: Path, mix: Mix, args: Any
) -> dict[str, Any]:
    ca, bundle = make_certificate(folder)
    lb_port = free_port()
    ports = {n: free_port() for n in workers}
    with processes() as started:
        for n, w in workers.items():
            started.append(start_hub(ports[n], env, folder / f"hub-{n}.log", workers=w))
        for p in ports.values():
            await wait_ready(f"http://127.0.0.1:{p}")
        started.append(start_haproxy(folder, lb_port, bundle, ports))
        tls = ssl.create_default_context(cafile=str(ca))
        url = f"https://127.0.0.1:{lb_port}"
        await wait_ready(url, verify=tls)
        limits = httpx.Limits(max_connections=args.concurrency)
        async with httpx.AsyncClient(base_url=url, verify=tls, timeout=30, limits=limits) as http:
            await run_mix(http, mix, 2.0, args.concurrency)  # warm-up: pools, caches, JIT
            begin = time.monotonic()
            outcomes = await run_mix(http, mix, args.seconds, args.concurrency)
            elapsed = time.monotonic() - begin
    return _summary(name, outcomes, elapsed)


def _median_row(name: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the median throughput, with every round's figure beside it."""
    ordered = sorted(rows, key=lambda r: r["rps"])
    row = dict(ordered[(len(ordered) - 1) // 2])
    row["rounds"] = ", ".join(f"{r['rps']:.0f}" for r in rows)
    row["loads"] = ", ".join(f"{r['load']:.1f}" for r in rows)
    return row


def _table(rows: list[dict[str, Any]], args: Any) -> str:
    lines = [
        "# Scale-out: the W8-like mix through HAProxy (TLS)",
        "",
        f"{args.seconds:.0f} s per setup after a 2 s warm-up, {args.concurrency} concurrent "
        "callers in a closed loop; 85 % cylinder reads, 10 % lists, 5 % one-filling writes; "
        "rate limits counted in Redis; one Neo4j; everything (Neo4j, Redis, HAProxy, the hubs "
        f"and the load generator) on this one {os.cpu_count()}-core machine. {args.rounds} "
        "alternating rounds; the median round is shown, every round's requests/s and the "
        "1-minute load average at its end beside it.",
        "",
        "| setup | requests/s | p50 ms | p95 ms | requests | failed | rounds (req/s) | load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    lines += [
        f"| {r['setup']} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['requests']} "
        f"| {r['failed']} | {r['rounds']} | {r['loads']} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


async def main_async(args: Any) -> int:
    settings = Settings()
    redis = LocalRedis("scale-demo", settings.hub_state_dir, free_port())
    redis.start()
    try:
        mix = await _mix(settings)
        env = {
            "HUB_NEO4J_INSTANCE": settings.hub_neo4j_instance,
            "HUB_REDIS_URL": redis.url,
            "HUB_LOG_LEVEL": "WARNING",
            "HUB_RATE_LIMIT_PER_MIN": "100000000",  # counted (in Redis), never reached
            "HUB_RATE_LIMIT_BURST": "1000000",
        }
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in SETUPS}
        for round_ in range(args.rounds):  # alternating, so that drift hits every setup alike
            for name, workers in SETUPS:
                with tempfile.TemporaryDirectory() as tmp:
                    row = await _measure(name, workers, env, Path(tmp), mix, args)
                row["load"] = os.getloadavg()[0]
                runs[name].append(row)
                print(f"round {round_ + 1} {name}: {row['rps']:.0f} requests/s "
                      f"(load {row['load']:.1f})", flush=True)  # fmt: skip
        rows = [_median_row(name, rs) for name, rs in runs.items()]
    finally:
        redis.stop()
    table = _table(rows, args)
    RESULTS.write_text(table)
    print(table)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
