"""The bench's fixed choices: its Neo4j instance, the ports of the four systems, the method."""

from __future__ import annotations

import socket
from dataclasses import dataclass

INSTANCE = "perf"  # hub/neo4j_local.py: the bench's own server, never dev/test/bench
SCALE = "small"
# Signs the bench's HS256 tokens for the peer and raw (bench only; the hub issues its own ES256).
JWT_SECRET = "hub-bench-only-hs256-secret-not-for-any-deployment"


def _free_ports(names: tuple[str, ...]) -> dict[str, int]:
    """Loopback ports free now, one per name, chosen by the kernel (fixed ones collide with other
    work on a shared machine, ephemeral client ports included)."""
    socks = []
    for _ in names:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        socks.append(sock)
    ports = {name: int(sock.getsockname()[1]) for name, sock in zip(names, socks, strict=True)}
    for sock in socks:
        sock.close()
    return ports


# The systems' ports for this run (the bench's own process chooses them and passes them on).
PORTS = _free_ports(("bare", "raw", "hub", "hub-noaudit", "peer", "peer-side"))
# The hub's page cap for the bench run, so W3 reads 5,000 sales in one request on every side.
HUB_MAX_PAGE = 5000


@dataclass(frozen=True)
class Method:
    concurrency: int = 8  # closed loop: requests in flight when measuring throughput (wrk)
    slice_s: float = 2.0  # one system's throughput slice; the systems take turns
    warmup_s: float = 0.5  # an open-loop slice's unrecorded start
    latency_s: float = 2.0  # one system's open-loop slice at the fixed rate
    latency_share: float = 0.5  # the fixed rate: this share of the slowest system's maximum
    repetitions: int = 5  # slices per system and workload, rotated


QUICK = Method(concurrency=8, slice_s=1.0, warmup_s=0.3, latency_s=1.0, repetitions=2)
