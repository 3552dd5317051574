"""The bench's fixed choices: its Neo4j instance, the ports of the four systems, the method."""

from __future__ import annotations

from dataclasses import dataclass

INSTANCE = "perf"  # hub/neo4j_local.py: the bench's own server, never dev/test/bench
SCALE = "small"
# Signs the bench's HS256 tokens for the peer and raw (bench only; the hub issues its own ES256).
JWT_SECRET = "hub-bench-only-hs256-secret-not-for-any-deployment"

PORTS = {"bare": 58001, "raw": 58002, "hub": 58003, "peer": 58004}
# The hub's page cap for the bench run, so W3 reads 5,000 sales in one request on every side.
HUB_MAX_PAGE = 5000


@dataclass(frozen=True)
class Method:
    concurrency: int = 8  # closed loop: requests in flight when measuring throughput
    warmup_s: float = 1.0
    throughput_s: float = 4.0
    latency_s: float = 4.0
    latency_share: float = 0.5  # the fixed rate: this share of the slowest system's maximum
    repetitions: int = 3


QUICK = Method(concurrency=8, warmup_s=1.0, throughput_s=2.0, latency_s=2.0, repetitions=1)
