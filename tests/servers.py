"""Real servers the scale-out tests start beside the suite's Neo4j: Redis on a free port."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hub.config import Settings
from hub.redis_local import LocalRedis

# `make test` starts one Redis for the run and says where; otherwise a test run starts its own.
REDIS_URL_ENV = "HUB_TEST_REDIS_URL"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_server(settings: Settings) -> Iterator[str]:
    """The URL of a running Redis for this run; emptied first (only these tests use it)."""
    import redis

    given = os.environ.get(REDIS_URL_ENV)
    local = None
    if not given:
        local = LocalRedis(f"pytest-{os.getpid()}", Path(settings.hub_state_dir), free_port())
        local.start()
    url = given or (local.url if local else "")
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    try:
        yield url
    finally:
        if local is not None:
            local.stop()
