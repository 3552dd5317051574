"""The backup drill, on a throwaway Neo4j of its own (its own instance name and ports, never the
suite's server): seed, push events through a hub, back up, wipe, restore into the empty
instance, and find the same node and relationship counts and a verified audit chain, checked
against the signed head kept outside the dump."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from neo4j import GraphDatabase

from bench.cluster import free_port, processes, start_hub, wait_ready
from tests.ingest_support import World, Writer, filling

# It runs servers of its own (Neo4j, hubs): not part of the no-server tier.
pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def drill_env() -> Iterator[dict[str, str]]:
    env = {
        **os.environ,
        "HUB_NEO4J_INSTANCE": f"drill-{secrets.token_hex(3)}",
        "NEO4J_BOLT_PORT": str(free_port()),
        "NEO4J_HTTP_PORT": str(free_port()),
        "NEO4J_HEAP": "512m",
        "NEO4J_PAGECACHE": "128m",
        "NEO4J_TX_MEMORY": "256m",
        "HUB_ENV": "test",
        "HUB_LOG_LEVEL": "WARNING",
    }
    env.pop("NEO4J_URI", None)
    try:
        yield env
    finally:
        _hub(env, "neo4j", "stop", check=False)
        _hub(env, "neo4j", "wipe", check=False)


def _hub(env: dict[str, str], *args: str, check: bool = True) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "hub.cli", *args], env=env, capture_output=True, text=True,
        check=False, timeout=300,
    )  # fmt: skip
    if check:
        assert result.returncode == 0, f"hub {' '.join(args)}: {result.stdout}{result.stderr}"
    return result.stdout


def _counts(env: dict[str, str]) -> tuple[int, int, int]:
    password = _hub(env, "neo4j", "password").strip()
    uri = f"bolt://127.0.0.1:{env['NEO4J_BOLT_PORT']}"
    with GraphDatabase.driver(uri, auth=("neo4j", password)) as driver:
        nodes = driver.execute_query("MATCH (n) RETURN count(n) AS n").records[0]["n"]
        rels = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS n").records[0]["n"]
        fillings = driver.execute_query("MATCH (f:Filling) RETURN count(f) AS n").records[0]["n"]
    return int(nodes), int(rels), int(fillings)


async def test_backup_wipe_restore_gives_the_same_graph_and_a_verified_chain(
    drill_env: dict[str, str], tmp_path: Path
) -> None:
    env = drill_env
    _hub(env, "neo4j", "start")
    _hub(env, "migrate")
    _hub(env, "seed", "--scale", "tiny", "--quiet")
    port = free_port()
    with processes() as started:  # events pushed through a hub, which audits every request
        hub = start_hub(port, {k: env[k] for k in env if k.startswith(("HUB_", "NEO4J_"))},
                        tmp_path / "hub.log")  # fmt: skip
        started.append(hub)
        url = f"http://127.0.0.1:{port}"
        await wait_ready(url)
        async with httpx.AsyncClient(base_url=url, timeout=20.0) as http:
            world = await World(Writer(http, "t-drill")).build()
            codes = await world.cylinders(3)
            items = [filling(code, filler=world.filler) for code in codes]
            await world.w.ok("recordFillings", items, enterprise=world.station)
        hub.stop()  # graceful: the audit head is signed
    before = _counts(env)
    dump = tmp_path / "hub.dump"
    out = _hub(env, "backup", "--to", str(dump))
    head = json.loads((tmp_path / "hub.dump.head.json").read_text())
    assert dump.stat().st_size > 0
    assert "signed audit head" in out
    _hub(env, "neo4j", "stop")
    _hub(env, "neo4j", "wipe")
    _hub(env, "restore", str(dump))
    after = _counts(env)
    verified = json.loads(
        _hub(env, "audit", "verify", "--json", "--anchor", f"{head['seq']}:{head['hash']}")
    )
    assert before[2] >= 3  # the pushed fillings are part of what was backed up
    assert after == before
    assert verified["ok"]
    assert verified["head_seq"] == head["seq"]
