"""Each change's effect on W1 (or W3, W7), measured interleaved: the hub of several commits side by
side.

    .venv/bin/python -m bench.variants COMMIT[:NAME=VALUE,...] [...] [--rate 20] [--repetitions 8]
    .venv/bin/python -m bench.variants COMMIT [COMMIT ...] --workload W7 --rate 0.3

Every commit's `hub/` (and `graph_seed/`) is exported with `git archive` into a folder of its
own, whose `var/` is this tree's (the same Neo4j instance, password and token keys), and served
by this venv's Python with that folder first on the path, one process per commit. All of them
answer the same requests (W1: the bench's market client; W7: its filling station; tokens from the
first commit's hub, which every variant accepts): latency at a fixed low rate (so most requests
are alone: the p50 of one request) and throughput with wrk at 8 connections (W7: 2, in slices of
6 s, its fillings deleted after every repetition), in slices that take turns, rotated each
repetition. Prints one row per commit with its p50/p95, req/s, the server's CPU per request
in the closed-loop slices, and each row's ratio to the row before it. A commit may carry
settings of its own after a colon (`55c0e85:HUB_AUDIT_BATCH_WINDOW_MS=0`): the same code with
another setting is a row of its own. The bench's Neo4j ("perf") must be running with the small
seed (`make bench` made it).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from neo4j import GraphDatabase

from bench import run as bench_run
from bench import wrk
from bench.children import die_with_parent
from bench.hub_process import free_port
from bench.run import Bench, choose_parameters, load_average, prepare_neo4j
from bench.settings import HUB_MAX_PAGE, INSTANCE, PORTS, Method
from bench.systems.launch import cpu_tree
from bench.tokens import register_hub_clients
from bench.trace_write import forget
from hub.config import PROJECT_ROOT, Settings
from hub.graph.driver import graph_for, open_driver


def export(commit: str, into: Path) -> Path:
    folder = into / commit
    folder.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", commit, "hub", "graph_seed"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    (folder / "var").symlink_to(PROJECT_ROOT / "var")
    pages = PROJECT_ROOT / "hub" / "pages" / "node_modules"
    if pages.exists() and not (folder / "hub" / "pages" / "node_modules").exists():
        (folder / "hub" / "pages" / "node_modules").symlink_to(pages)
    return folder


class Variants(Bench):
    def __init__(self, method: Method, local: Any, ports: dict[str, int]) -> None:
        super().__init__(method, local)
        self.ports = ports

    def url(self, system: str) -> str:
        return f"http://127.0.0.1:{self.ports[system]}/graphql"


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench.variants", description=__doc__)
    parser.add_argument("commits", nargs="+")
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second")
    parser.add_argument("--repetitions", type=int, default=8)
    parser.add_argument("--workload", choices=("W1", "W3", "W7"), default="W1")
    args = parser.parse_args()
    key = args.workload
    # A terminated run stops its hubs too (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    method = Method(slice_s=6.0 if key == "W7" else 2.0, warmup_s=0.5, latency_s=3.0,
                    repetitions=args.repetitions)  # fmt: skip
    local = prepare_neo4j()
    names: list[str] = []
    settings_of: dict[str, dict[str, str]] = {}
    commit_of: dict[str, str] = {}
    for spec in args.commits:
        commit, _, extra = spec.partition(":")
        short = subprocess.run(
            ["git", "rev-parse", "--short", commit], cwd=PROJECT_ROOT, capture_output=True,
            text=True, check=True,
        ).stdout.strip()  # fmt: skip
        name = short + (":" + extra if extra else "")
        names.append(name)
        commit_of["hub@" + name] = short
        settings_of["hub@" + name] = dict(kv.split("=", 1) for kv in extra.split(",") if kv)
    ports = {"hub@" + n: free_port() for n in names}
    first = next(iter(ports.values()))
    PORTS["hub"] = first  # Bench.headers asks this hub for the tokens
    bench = Variants(method, local, ports)
    (w1,) = [w for w in choose_parameters(local.bolt_uri, bench.password, [key]) if w.key == key]
    # A client of its own: registering the bench's clients anew would end a `make bench` run's.
    w1.caller = dataclasses.replace(w1.caller, name="variants-" + w1.caller.name)
    concurrency = w1.concurrency or 8
    driver = GraphDatabase.driver(local.bolt_uri, auth=("neo4j", bench.password))
    settings = Settings(hub_neo4j_instance=INSTANCE)

    async def register() -> Any:
        driver = open_driver(settings)
        try:
            return await register_hub_clients(graph_for(driver, settings), [w1.caller])
        finally:
            await driver.close()

    bench.hub_clients = {c.caller.name: c for c in asyncio.run(register())}
    env = {
        **os.environ,
        "NEO4J_URI": local.bolt_uri,
        "NEO4J_PASSWORD": bench.password,
        "HUB_NEO4J_INSTANCE": INSTANCE,
        "HUB_MAX_PAGE": str(HUB_MAX_PAGE),
        "HUB_LOG_LEVEL": "WARNING",
        "HUB_RATE_LIMIT_PER_MIN": "100000000",
        "HUB_RATE_LIMIT_BURST": "1000000",
        "HUB_REQUEST_DEADLINE_S": "60",
        "HUB_ISSUER": f"http://127.0.0.1:{first}",
    }
    before = load_average()
    procs: dict[str, subprocess.Popen[bytes]] = {}
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="hub-variants-") as tmp:
        try:
            folders: dict[str, Path] = {}
            for name, port in ports.items():
                commit = commit_of[name]
                if commit not in folders:
                    folders[commit] = export(commit, Path(tmp))
                folder = folders[commit]
                procs[name] = subprocess.Popen(
                    [sys.executable, "-m", "hub.cli", "serve", "--port", str(port)],
                    cwd=folder,
                    env=env | {"PYTHONPATH": str(folder)} | settings_of[name],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    preexec_fn=die_with_parent,
                )
            for name in ports:
                _wait(bench.url(name).removesuffix("/graphql") + "/readyz", procs[name])
            for name in ports:
                for i in range(5):
                    bench.answer(name, w1, i)
            systems = tuple(ports)
            for rep in range(method.repetitions):
                for name in bench_run._rotated(systems, rep):
                    r = bench.latency(name, w1, args.rate)
                    runs.setdefault((name, "open"), []).append(r)
                    cpu = cpu_tree(procs[name].pid)
                    t = wrk.run(
                        bench.url(name), bench.requests_for(name, w1), concurrency, method.slice_s
                    )
                    t["server_cpu_s"] = cpu_tree(procs[name].pid) - cpu
                    runs.setdefault((name, "closed"), []).append(t)
                    print(
                        f"rep {rep + 1} {name}: p50 {r['p50_ms']:.2f} ms, "
                        f"{t['throughput']:.1f} req/s",
                        flush=True,
                    )
                if w1.normalise is not None:
                    forget(driver)  # a write's fillings go after every repetition
        finally:
            driver.close()
            for proc in procs.values():
                proc.terminate()
            for proc in procs.values():
                proc.wait(timeout=15)
    after = load_average()
    print(f"\n{key}, {method.repetitions} interleaved slices each; load {before} -> {after}")
    width = max(14, *(len(n) + 2 for n in ports))
    head = f"{'p50 ms':>9}{'p95 ms':>9}{'req/s':>9}{'cpu ms':>9}{'p50 vs prev':>13}"
    print(f"{'commit':<{width}}{head}")
    prev = None
    for name in ports:
        p50 = statistics.median(r["p50_ms"] for r in runs[(name, "open")])
        p95 = statistics.median(r["p95_ms"] for r in runs[(name, "open")])
        closed = runs[(name, "closed")]
        thr = statistics.median(r["throughput"] for r in closed)
        done = sum(r["completed"] for r in closed)
        cpu = 1000 * sum(r["server_cpu_s"] for r in closed) / done if done else float("nan")
        change = f"{p50 / prev:.2f}x" if prev else "-"
        print(f"{name:<{width}}{p50:>9.2f}{p95:>9.2f}{thr:>9.1f}{cpu:>9.0f}{change:>13}")
        prev = p50
    return 0


def _wait(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 240.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the hub behind {url} exited")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout_s:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
