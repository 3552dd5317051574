"""The load generator, run as its own process: `python -m bench.load SPEC.json` prints results.

closed: `concurrency` workers send back to back for `duration` s (after `warmup` s): throughput.
open: requests start on a fixed schedule of `rate` per second, whatever the answers do, and each
latency counts from its scheduled start (no coordinated omission): p50 / p95 / p99.
A body holding `@@N@@` (a write's event ids) gets the number of the request in its place, so
every request writes new records.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from typing import Any

import httpx

MAX_IN_FLIGHT = 512


class Load:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.url: str = spec["url"]
        self.requests = [
            (r["headers"] | {"content-type": "application/json"}, json.dumps(r["body"]).encode())
            for r in spec["requests"]
        ]
        self.spec = spec
        self.latencies: list[float] = []
        self.errors = 0
        self.sent = 0
        self.recording = False

    async def one(self, client: httpx.AsyncClient, started: float) -> None:
        headers, body = self.requests[self.sent % len(self.requests)]
        if b"@@N@@" in body:
            body = body.replace(b"@@N@@", str(self.sent).encode())
        self.sent += 1
        try:
            response = await client.post(self.url, content=body, headers=headers)
            ok = response.status_code == 200 and b'"errors":' not in response.content
        except httpx.HTTPError:
            ok = False
        if self.recording:
            if ok:
                self.latencies.append(time.perf_counter() - started)
            else:
                self.errors += 1

    async def closed(self, client: httpx.AsyncClient) -> float:
        deadline = 0.0

        async def worker() -> None:
            while time.perf_counter() < deadline:
                await self.one(client, time.perf_counter())

        warm_until = time.perf_counter() + self.spec["warmup"]
        deadline = warm_until
        await asyncio.gather(*(worker() for _ in range(self.spec["concurrency"])))
        self.recording = True
        start = time.perf_counter()
        deadline = start + self.spec["duration"]
        await asyncio.gather(*(worker() for _ in range(self.spec["concurrency"])))
        return time.perf_counter() - start

    async def open(self, client: httpx.AsyncClient) -> float:
        rate: float = self.spec["rate"]
        tasks: set[asyncio.Task[None]] = set()
        for phase, seconds in (("warmup", self.spec["warmup"]), ("measure", self.spec["duration"])):
            self.recording = phase == "measure"
            start = time.perf_counter()
            for i in range(int(seconds * rate)):
                scheduled = start + i / rate
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                if len(tasks) >= MAX_IN_FLIGHT:
                    self.errors += self.recording
                    continue
                task = asyncio.create_task(self.one(client, scheduled))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            if tasks:
                await asyncio.gather(*tasks)
        return float(self.spec["duration"])

    async def run(self) -> dict[str, Any]:
        limits = httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=64)
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:
            mode = self.spec["mode"]
            seconds = await (self.closed(client) if mode == "closed" else self.open(client))
        lat = sorted(self.latencies)
        return {
            "mode": mode,
            "completed": len(lat),
            "errors": self.errors,
            "seconds": seconds,
            "throughput": len(lat) / seconds if seconds else 0.0,
            "p50_ms": _pct(lat, 50),
            "p95_ms": _pct(lat, 95),
            "p99_ms": _pct(lat, 99),
            "mean_ms": statistics.fmean(lat) * 1000 if lat else None,
        }


def _pct(sorted_values: list[float], p: float) -> float | None:
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k] * 1000


def main() -> int:
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    print(json.dumps(asyncio.run(Load(spec).run())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
