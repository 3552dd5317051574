"""Starts the servers as child processes, waits until each answers, and stops them (by pid).

bare, raw (with raw + audit on its `/audit` path), the hub as it runs (audit on), the same hub
with the audit off (`hub-noaudit`, for the floor without audit), and the peer. The peer runs as
its users should run it in production: `NODE_ENV=production` (Apollo Server and graphql-js take
their production paths) and TCP_NODELAY on its driver's sockets (bench/peer/index.mjs says why).
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from importlib.metadata import version
from typing import Any

import httpx

from bench.children import die_with_parent
from bench.settings import PORTS
from bench.systems import raw_more
from hub.config import PROJECT_ROOT
from hub.neo4j_local import NEO4J_VERSION

VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
LOGS = PROJECT_ROOT / "bench" / "results" / "logs"


def _uvicorn(app: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]


class Systems:
    def __init__(self, env: dict[str, str], own: dict[str, dict[str, str]] | None = None) -> None:
        self.env = {**os.environ, **env}
        self.own = own or {}  # a system's own additions (the round-trip count's relay per system)
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def commands(self) -> dict[str, tuple[list[str], str]]:
        return {
            "bare": (_uvicorn("bench.systems.bare:app", PORTS["bare"]), "/"),
            "raw": (_uvicorn("bench.systems.raw:app", PORTS["raw"]), "/"),
            "hub": ([str(VENV_BIN / "hub"), "serve", "--port", str(PORTS["hub"])], "/readyz"),
            "hub-noaudit": (
                [str(VENV_BIN / "hub"), "serve", "--port", str(PORTS["hub-noaudit"])],
                "/readyz",
            ),
            "peer": (["node", "bench/peer/index.mjs"], "/"),
        }

    def __enter__(self) -> Systems:
        LOGS.mkdir(parents=True, exist_ok=True)
        env = {
            **self.env,
            "PEER_PORT": str(PORTS["peer"]),
            "PEER_SIDE_PORT": str(PORTS["peer-side"]),
            "NODE_ENV": "production",
        }
        # The peer's @cypher fields for W4, W5 and W7 run raw's hand-written statements.
        env |= {"PEER_W4_CYPHER": raw_more.W4, "PEER_W5_CYPHER": raw_more.W5}
        env["PEER_W7_CYPHER"] = raw_more.W7
        for name, (cmd, _) in self.commands().items():
            log = open(LOGS / f"{name}.log", "wb")
            own = env | ({"HUB_AUDIT_ENABLED": "false"} if name == "hub-noaudit" else {})
            own |= self.own.get(name, {})
            self.procs[name] = subprocess.Popen(
                cmd, cwd=PROJECT_ROOT, env=own, stdout=log, stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,
            )  # fmt: skip
        try:
            for name, (_, path) in self.commands().items():
                self._wait(name, path)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait(self, name: str, path: str, timeout_s: float = 90.0) -> None:
        deadline = time.monotonic() + timeout_s
        url = f"http://127.0.0.1:{PORTS[name]}{path}"
        while time.monotonic() < deadline:
            if self.procs[name].poll() is not None:
                raise RuntimeError(f"{name} exited; see {LOGS / (name + '.log')}")
            try:
                httpx.get(url, timeout=2)  # any HTTP answer means it listens
                return
            except httpx.HTTPError:
                time.sleep(0.3)
        raise RuntimeError(f"{name} did not answer on {url} within {timeout_s:.0f} s")

    def __exit__(self, *exc: object) -> None:
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()

    def cpu_s(self, name: str) -> float:
        """CPU seconds (user + system) the server `name` and its children have used so far."""
        return cpu_tree(self.procs[name].pid)

    def versions(self) -> dict[str, Any]:
        peer = PROJECT_ROOT / "bench" / "peer" / "node_modules"
        node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()

        def npm(pkg: str) -> str:
            import json

            return str(json.loads((peer / pkg / "package.json").read_text())["version"])

        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "hub"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
            f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
            "os": platform.platform(terse=True),
            "python": platform.python_version(),
            "neo4j": NEO4J_VERSION,
            "neo4j_python_driver": version("neo4j"),
            "neo4j_rust_ext": version("neo4j-rust-ext"),
            "strawberry": version("strawberry-graphql"),
            "uvicorn": version("uvicorn"),
            "node": node,
            "@neo4j/graphql": npm("@neo4j/graphql"),
            "@apollo/server": npm("@apollo/server"),
            "neo4j-driver (js)": npm("neo4j-driver"),
            "hub_commit": commit + (" + uncommitted changes in hub/" if dirty else ""),
        }


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_tree(pid: int) -> float:
    total = 0.0
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / _TICK
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()
    except OSError:
        return total
    return total + sum(cpu_tree(int(c)) for c in children)
