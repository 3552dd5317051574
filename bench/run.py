"""`make bench`: the four systems on one Neo4j, the workloads, and bench/results/latest.md.

Steps: the bench's own Neo4j ("perf") with APOC, the small seed if the graph is empty, the peer's
npm packages, bench OAuth clients for the hub, the four servers; then answers compared, PROFILE db
hits, and for each repetition every system one at a time: throughput at a fixed concurrency, then
latency at one fixed rate per workload below every system's maximum. `--quick` for a smoke run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

import httpx
from neo4j import GraphDatabase

from bench import report
from bench.profiling import HubCypher, db_hits, peer_db_hits, raw_statement
from bench.settings import HUB_MAX_PAGE, INSTANCE, JWT_SECRET, PORTS, QUICK, SCALE, Method
from bench.systems.launch import Systems
from bench.tokens import Caller, HubClient, hs256_token, hub_token, register_hub_clients
from bench.trace_write import forget, fresh, more_workloads
from bench.workloads import (
    W1_CODES,
    W2_DISTRICT,
    W2_WINDOW,
    W6_ENTERPRISE,
    Workload,
    canonical,
    scoped,
    workloads,
)
from hub.config import PROJECT_ROOT, Settings
from hub.graph.driver import graph_for, open_driver
from hub.neo4j_local import LocalNeo4j

BENCH = PROJECT_ROOT / "bench"
APOC_DIR = PROJECT_ROOT / ".neo4j" / "apoc"
MEASURED = ("raw", "hub", "peer")


def prepare_neo4j() -> LocalNeo4j:
    local = LocalNeo4j(INSTANCE, PROJECT_ROOT / "var")
    if not list(APOC_DIR.glob("apoc-core-*.jar")):
        cmd = ["mvn", "-q", "-B", "-f", str(BENCH / "peer" / "pom.xml"), "package"]
        subprocess.run(cmd, check=True)
        shutil.rmtree(BENCH / "peer" / "target", ignore_errors=True)
    plugins = local.home / "plugins"
    plugins.mkdir(parents=True, exist_ok=True)
    if not list(plugins.glob("apoc-core-*.jar")):
        if local.pid() is not None:
            local.stop()  # a server loads its plugins when it starts
        for jar in APOC_DIR.glob("*.jar"):
            shutil.copy(jar, plugins)
    print(local.start())
    env = {**os.environ, "HUB_NEO4J_INSTANCE": INSTANCE}
    hub = str(PROJECT_ROOT / ".venv" / "bin" / "hub")
    subprocess.run([hub, "migrate"], env=env, check=True)
    subprocess.run([hub, "seed", "--scale", SCALE, "--if-empty", "--quiet"], env=env, check=True)
    if not (BENCH / "peer" / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=BENCH / "peer", check=True)
    return local


def choose_parameters(uri: str, password: str) -> list[Workload]:
    with GraphDatabase.driver(uri, auth=("neo4j", password)) as driver:
        codes = [r["code"] for r in driver.execute_query(W1_CODES).records]
        district = driver.execute_query(W2_DISTRICT).records[0]["district"]
        last = driver.execute_query(W2_WINDOW).records[0]["last"]
        enterprise = driver.execute_query(W6_ENTERPRISE, district=district).records[0]["uscc"]
        until = last[:10] + "T23:59:59+08:00"
        since = str(int(last[:4]) - 1) + last[4:10] + "T00:00:00+08:00"
        w1, w2, w3 = workloads()
        w1.variables = [{"code": c} for c in codes]
        w2.variables = [{"district": district, "since": since, "until": until}]
        w3.variables = [{"first": 5000}]
        more = more_workloads(driver, w1)
    return [w1, w2, w3, *more[:2], *scoped(w2, district, enterprise), *more[2:]]


class Bench:
    def __init__(self, method: Method, local: LocalNeo4j) -> None:
        self.method = method
        self.local = local
        self.password = local.password() or ""
        self.hub_clients: dict[str, HubClient] = {}

    def headers(self, system: str, caller: Caller) -> dict[str, str]:
        if system == "bare":
            return {}
        if system == "hub":
            token = hub_token(f"http://127.0.0.1:{PORTS['hub']}", self.hub_clients[caller.name])
        else:
            token = hs256_token(caller)
        return {"authorization": "Bearer " + token}

    def url(self, system: str) -> str:
        return f"http://127.0.0.1:{PORTS[system]}/" + ("graphql" if system == "hub" else "")

    def answer(self, system: str, w: Workload, i: int) -> Any:
        response = httpx.post(
            self.url(system),
            json=fresh(w.body(system, i), 0),
            headers=self.headers(system, w.caller),
            timeout=60,
        )
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"{system} {w.key}: {response.status_code} {str(body)[:300]}")
        return body["data"]

    def compare(self, w: Workload) -> dict[str, Any]:
        mismatches = []
        rows = 0
        for i in range(len(w.variables)):
            if w.mix:  # W8: its parts are compared as W1, W4 and W7
                break
            answers = {s: self.canonical(w, self.answer(s, w, i)) for s in MEASURED}
            rows += answers["hub"].count('"eventId"') + answers["hub"].count('"code"')
            if len(set(answers.values())) != 1:
                mismatches.append({s: a[:400] for s, a in answers.items()})
        return {
            "requests": len(w.variables),
            "equal": not mismatches,
            "mismatches": mismatches[:2],
            "rows": rows,
        }

    @staticmethod
    def canonical(w: Workload, data: Any) -> str:
        return canonical({"x": w.normalise(data)} if w.normalise else data)

    def load(self, system: str, w: Workload | None, mode: str, rate: float = 0.0) -> dict[str, Any]:
        m = self.method
        if w is None:  # the bare ceiling
            requests = [{"headers": {}, "body": {"query": "{ ok }"}}]
        else:
            tokens = {c.name: self.headers(system, c) for c, _ in w.requests(system)}
            requests = [{"headers": tokens[c.name], "body": b} for c, b in w.requests(system)]
        # At a low rate the latency run lasts long enough for at least 8 requests.
        latency_s = max(m.latency_s, 8 / rate) if rate else m.latency_s
        spec = {
            "url": self.url(system),
            "requests": requests,
            "mode": mode,
            "rate": rate,
            "concurrency": (w.concurrency if w else None) or m.concurrency,
            "warmup": m.warmup_s,
            "duration": m.throughput_s if mode == "closed" else latency_s,
        }
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(spec, f)
        try:
            out = subprocess.run(
                [sys.executable, "-m", "bench.load", f.name],
                cwd=PROJECT_ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
        finally:
            os.unlink(f.name)
        result: dict[str, Any] = json.loads(out.stdout)
        return result


def median_of(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs, one repetition")
    parser.add_argument("--only", help="comma-separated workload keys (W1,W2,W3,W6-...)")
    args = parser.parse_args()
    method = QUICK if args.quick else Method()
    local = prepare_neo4j()
    bench = Bench(method, local)
    chosen = choose_parameters(local.bolt_uri, bench.password)
    if args.only:
        chosen = [w for w in chosen if w.key in args.only.split(",")]
    everyone = [w.caller for w in chosen] + [x.caller for w in chosen for x, _ in w.mix]
    callers = list({c.name: c for c in everyone}.values())
    settings = Settings(hub_neo4j_instance=INSTANCE)

    async def register() -> list[HubClient]:
        driver = open_driver(settings)
        try:
            return await register_hub_clients(graph_for(driver, settings), callers)
        finally:
            await driver.close()

    bench.hub_clients = {c.caller.name: c for c in asyncio.run(register())}
    env = {
        "NEO4J_URI": local.bolt_uri,
        "NEO4J_PASSWORD": bench.password,
        "BENCH_JWT_SECRET": JWT_SECRET,
        "HUB_NEO4J_INSTANCE": INSTANCE,
        "HUB_MAX_PAGE": str(HUB_MAX_PAGE),
        "HUB_LOG_LEVEL": "WARNING",
        # The per-client rate limit (1,200/min) would cap what a maximum-throughput run measures.
        "HUB_RATE_LIMIT_PER_MIN": "100000000",
        "HUB_RATE_LIMIT_BURST": "1000000",
        "HUB_ISSUER": f"http://127.0.0.1:{PORTS['hub']}",
    }
    results: dict[str, Any] = {"workloads": {}, "method": method.__dict__}
    with Systems(env) as systems:
        results["versions"] = systems.versions()
        with (
            GraphDatabase.driver(local.bolt_uri, auth=("neo4j", bench.password)) as driver,
            HubCypher() as hub_cypher,
        ):
            print(f"removed {forget(driver)} fillings an earlier run left", flush=True)
            for w in chosen:
                entry = results["workloads"].setdefault(w.key, {"title": w.title})
                entry["answers"] = bench.compare(w)
                if w.mix:  # W8: its parts' statements are those of W1, W4 and W7
                    entry["db_hits"] = {s: None for s in MEASURED}
                    continue
                hub_stmts = hub_cypher.statements(w)
                bench.answer("peer", w, 0)
                peer = peer_db_hits(w.normalise is not None)
                entry["db_hits"] = {
                    "hub": db_hits(driver, hub_stmts),
                    "raw": db_hits(driver, [raw_statement(w)]),
                    "peer": peer.get("dbHits"),
                }
                entry["cypher"] = {
                    "hub": "\n;\n".join(c for c, _ in hub_stmts),
                    "peer": peer.get("cypher"),
                }
                for mismatch in entry["answers"]["mismatches"][:1]:
                    print(json.dumps(mismatch, ensure_ascii=False, indent=1), flush=True)
                print(
                    f"{w.key}: answers equal={entry['answers']['equal']} "
                    f"db hits={entry['db_hits']}",
                    flush=True,
                )
        runs: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for rep in range(method.repetitions):
            ceiling = bench.load("bare", None, "closed")
            runs.setdefault(("ceiling", "bare", "closed"), []).append(ceiling)
            for w in chosen:
                for system in MEASURED:
                    r = bench.load(system, w, "closed")
                    runs.setdefault((w.key, system, "closed"), []).append(r)
                    print(
                        f"rep {rep + 1} {w.key} {system}: {r['throughput']:.1f} req/s "
                        f"({r['errors']} errors)",
                        flush=True,
                    )
        rates: dict[str, float] = {}
        for w in chosen:
            maxima = [median_of(runs[(w.key, s, "closed")], "throughput") or 0 for s in MEASURED]
            slowest = min(maxima)
            rates[w.key] = max(0.1, round(slowest * method.latency_share, 1))
        rates["ceiling"] = rates[chosen[0].key]
        for rep in range(method.repetitions):
            runs.setdefault(("ceiling", "bare", "open"), []).append(
                bench.load("bare", None, "open", rates["ceiling"])
            )
            for w in chosen:
                for system in MEASURED:
                    r = bench.load(system, w, "open", rates[w.key])
                    runs.setdefault((w.key, system, "open"), []).append(r)
                    print(
                        f"rep {rep + 1} {w.key} {system} @ {rates[w.key]}/s: "
                        f"p50 {r['p50_ms']:.1f} ms p99 {r['p99_ms']:.1f} ms",
                        flush=True,
                    )
        with GraphDatabase.driver(local.bolt_uri, auth=("neo4j", bench.password)) as driver:
            print(f"removed the {forget(driver)} fillings this run wrote", flush=True)
    results["rates"] = rates
    results["runs"] = {"|".join(k): v for k, v in runs.items()}
    if args.only:
        report.keep_earlier(results)
    report.write(results, started=time.time())
    print(f"wrote {report.LATEST_MD.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
