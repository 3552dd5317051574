"""What the single-purpose benchmarks share: a hub in its own process, and timing helpers."""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from bench.children import die_with_parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def hub_server(
    instance: str, env: dict[str, str] | None = None, port: int | None = None
) -> Iterator[str]:
    """A hub (uvicorn, one worker) in a process of its own over the local Neo4j `instance`, on
    `port` (a free one if none); yields its base URL. The rate limit is off: a benchmark
    measures the hub, not its guard."""
    port = port or free_port()
    env = {
        **os.environ,
        "HUB_NEO4J_INSTANCE": instance,
        "HUB_LOG_LEVEL": "WARNING",
        "HUB_RATE_LIMIT_PER_MIN": "0",
        "HUB_DEV_PRINCIPAL": "true",  # the benchmarks act as roles through the header
        **(env or {}),
    }
    hub = subprocess.Popen(
        [sys.executable, "-m", "hub.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=die_with_parent,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        hub.terminate()
        try:
            hub.wait(timeout=10)
        except subprocess.TimeoutExpired:
            hub.kill()


async def wait_ready(http: httpx.AsyncClient, seconds: float = 30.0) -> None:
    """Until the hub says it is ready (Neo4j reachable and migrated)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if (await http.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError(f"the hub was not ready within {seconds:.0f} s")


async def timed(n: int, call: Callable[[], Awaitable[Any]]) -> list[float]:
    """Milliseconds of `n` sequential calls, after a warm-up (caches, pools)."""
    for _ in range(max(5, n // 10)):
        await call()
    out = []
    for _ in range(n):
        started = time.perf_counter()
        await call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def percentile(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1]


def print_header(width: int) -> None:
    print(
        f"{'query':<{width}}{'hub p50':>10}{'hub p95':>10}{'raw p50':>10}{'raw p95':>10}"
        f"{'p50 x':>8}{'p95 x':>8}"
    )


async def compare(
    name: str,
    requests: int,
    hub_call: Callable[[], Awaitable[Any]],
    raw_call: Callable[[], Awaitable[Any]],
    width: int,
) -> None:
    """Times the hub and the raw call one after the other and prints one row of ratios."""
    h = await timed(requests, hub_call)
    r = await timed(requests, raw_call)
    h50, h95, r50, r95 = percentile(h, 50), percentile(h, 95), percentile(r, 50), percentile(r, 95)
    print(
        f"{name:<{width}}{h50:>8.2f}ms{h95:>8.2f}ms{r50:>8.2f}ms{r95:>8.2f}ms"
        f"{h50 / r50:>8.2f}{h95 / r95:>8.2f}"
    )
