"""`make bench`: the systems on one Neo4j, the workloads, and bench/results/latest.md.

Steps: the bench's own Neo4j ("perf") with APOC, the small seed if the graph is empty, the peer's
npm packages, bench OAuth clients for the hub; then
1. the systems (raw, raw + audit, the hub, the hub with the audit off, the peer) started with a
   counting relay in front of Neo4j (bench/bolt_count.py): Bolt round trips per request;
2. the systems started again, straight to Neo4j: answers compared, PROFILE db hits (the audit's
   statements apart), then throughput (wrk, a fixed concurrency) and latency (one fixed rate per
   workload below every system's maximum), the systems interleaved in slices of a few seconds,
   rotated each repetition, so background load hits all alike; what a write workload wrote is
   deleted after every repetition. Each slice records the client's and the server's CPU.
`--quick` for a smoke run; `--only W1,W4` for some workloads.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

import httpx
from neo4j import GraphDatabase

from bench import report, wrk
from bench.bolt_count import BoltCounter
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
# raw + audit is raw's statement then the hub's durable audit append (bench/systems/raw.py);
# hub-noaudit the hub with HUB_AUDIT_ENABLED=false (bench/systems/launch.py).
MEASURED = ("raw", "raw+audit", "hub", "hub-noaudit", "peer")
ROUND_TRIP_REQUESTS = 10
TOKEN_REUSE_S = 300.0  # half the hub's token lifetime (HUB_TOKEN_TTL_S, 600)


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


def choose_parameters(uri: str, password: str, only: list[str] | None) -> list[Workload]:
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
        more = more_workloads(driver, w1, pairs=only is None or "W5" in only)
    return [w1, w2, w3, *more[:2], *scoped(w2, district, enterprise), *more[2:]]


class Bench:
    def __init__(self, method: Method, local: LocalNeo4j) -> None:
        self.method = method
        self.local = local
        self.password = local.password() or ""
        self.hub_clients: dict[str, HubClient] = {}
        self._tokens: dict[tuple[bool, str], tuple[float, str]] = {}

    def headers(self, system: str, caller: Caller) -> dict[str, str]:
        """The caller's bearer token, kept as a client keeps it: fetched again only after half
        its lifetime. (Fetched per request, the hub's token checks, an argon2 hash each, were
        counted in the slices' server CPU of the hub that issues them.)"""
        if system == "bare":
            return {}
        from_hub = system.startswith("hub")  # every hub system takes the audited hub's tokens
        fetched, token = self._tokens.get((from_hub, caller.name), (0.0, ""))
        if time.monotonic() - fetched > TOKEN_REUSE_S:
            if from_hub:
                url = f"http://127.0.0.1:{PORTS['hub']}"
                token = hub_token(url, self.hub_clients[caller.name])
            else:
                token = hs256_token(caller)
            self._tokens[(from_hub, caller.name)] = (time.monotonic(), token)
        return {"authorization": "Bearer " + token}

    def url(self, system: str) -> str:
        if system == "raw+audit":
            return f"http://127.0.0.1:{PORTS['raw']}/audit"
        path = "graphql" if system.startswith("hub") else ""
        return f"http://127.0.0.1:{PORTS[system]}/" + path

    def answer(self, system: str, w: Workload, i: int, n: int = 0) -> Any:
        response = httpx.post(
            self.url(system),
            json=fresh(w.body(system, i), n),
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

    def round_trips(self, counter: BoltCounter, w: Workload, system: str, n: int) -> float:
        """Bolt round trips per request, over `n` requests one after another (after two that warm
        the pools and caches up)."""
        slots = w.requests(system)
        # One token per caller, as a client keeps it (a token request costs round trips too).
        tokens = {c.name: self.headers(system, c) for c, _ in slots}
        for k in range(2):
            self._send(system, slots, k, tokens)
        before = counter.turns
        for k in range(n):
            self._send(system, slots, k, tokens)
        return (counter.turns - before) / n

    @staticmethod
    def idle_trips(counters: dict[str, BoltCounter], seconds: float = 3.0) -> dict[str, float]:
        """Round trips per second each system makes with no request: what a request's count
        would wrongly include (0 for all, the hubs' poller being off)."""
        before = {s: c.turns for s, c in counters.items()}
        time.sleep(seconds)
        return {s: round((c.turns - before[s]) / seconds, 2) for s, c in counters.items()}

    def _send(
        self,
        system: str,
        slots: list[tuple[Caller, dict[str, Any]]],
        k: int,
        tokens: dict[str, dict[str, str]],
    ) -> None:
        caller, body = slots[k % len(slots)]
        response = httpx.post(
            self.url(system), json=fresh(body, k), headers=tokens[caller.name], timeout=60
        )
        response.raise_for_status()

    def requests_for(self, system: str, w: Workload | None) -> list[dict[str, Any]]:
        if w is None:  # the bare ceiling
            return [{"headers": {}, "body": {"query": "{ ok }"}}]
        tokens = {c.name: self.headers(system, c) for c, _ in w.requests(system)}
        return [{"headers": tokens[c.name], "body": b} for c, b in w.requests(system)]

    def throughput(self, system: str, w: Workload | None) -> dict[str, Any]:
        """One closed-loop slice with wrk."""
        m = self.method
        concurrency = (w.concurrency if w else None) or m.concurrency
        seconds = (w.slice_s if w else None) or m.slice_s
        return wrk.run(self.url(system), self.requests_for(system, w), concurrency, seconds)

    def latency(self, system: str, w: Workload | None, rate: float) -> dict[str, Any]:
        """One open-loop slice at `rate` per second (bench/load.py in its own process)."""
        m = self.method
        spec = {
            "url": self.url(system),
            "requests": self.requests_for(system, w),
            "mode": "open",
            "rate": rate,
            "concurrency": m.concurrency,
            "warmup": m.warmup_s,
            # At a low rate a slice lasts long enough for at least 4 requests.
            "duration": max(m.latency_s, 4 / rate),
        }
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(spec, f)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
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
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        result: dict[str, Any] = json.loads(out.stdout)
        # The load process's CPU for the whole slice, its start and the warm-up included.
        result["client_cpu_s"] = (after.ru_utime - before.ru_utime) + (
            after.ru_stime - before.ru_stime
        )
        result["client"] = "bench.load"
        result["sent"] = result["completed"] + result["errors"] + int(m.warmup_s * rate)
        return result


def median_of(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _unclaimed(driver: Any, cypher: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """An audit statement as profiled again: its entries and signatures moved to seqs none has
    (the real ones are taken), so the rolled-back replay creates them as the first run did; an
    append after the head the writer knew (hub/graph/audit_repo.py APPEND_AFTER) names the head
    as it is now, which the first run moved."""
    replayed = dict(params)
    for moved in ("entries", "signatures"):  # a signature due with the group is unique per seq too
        if moved in params:
            replayed[moved] = [{**e, "seq": e["seq"] + 10**12} for e in params[moved]]
    if "prevSeq" in params:
        head = driver.execute_query(
            "MATCH (h:AuditHead {chain: $chain}) RETURN h.seq AS seq, h.hash AS hash",
            chain=params["chain"],
        ).records[0]
        replayed |= {"prevSeq": head["seq"], "prevHash": head["hash"]}
    return cypher, replayed


def _rotated(items: tuple[str, ...], k: int) -> list[str]:
    k %= len(items)
    return list(items[k:] + items[:k])


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs, one repetition")
    parser.add_argument("--only", help="comma-separated workload keys (W1,W2,W3,W6-...)")
    parser.add_argument("--repetitions", type=int, help="slices per system (the method's 5)")
    args = parser.parse_args()
    method = QUICK if args.quick else Method()
    if args.repetitions:
        method = dataclasses.replace(method, repetitions=args.repetitions)
    if not wrk.available():
        raise SystemExit("wrk is not installed: run `make bench-deps` (Debian's wrk)")
    started = time.time()
    load_before = load_average()
    local = prepare_neo4j()
    bench = Bench(method, local)
    only = args.only.split(",") if args.only else None
    chosen = choose_parameters(local.bolt_uri, bench.password, only)
    if only:
        chosen = [w for w in chosen if w.key in only]
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
        # The request deadline (5 s) would turn W7 on a loaded shared machine into 503s.
        "HUB_REQUEST_DEADLINE_S": "60",
        "HUB_ISSUER": f"http://127.0.0.1:{PORTS['hub']}",
    }
    results: dict[str, Any] = {"workloads": {}, "method": method.__dict__}
    results["load_average"] = {"before": load_before}
    driver = GraphDatabase.driver(local.bolt_uri, auth=("neo4j", bench.password))
    print(f"removed {forget(driver)} fillings an earlier run left", flush=True)

    # 1. Bolt round trips per request, each system through a counting relay of its own (one
    # relay for all counted every system's background work as the trips of the one measured),
    # the hubs' webhook poller off (its claim every second is the process's, not a request's).
    host, port = local.bolt_uri.removeprefix("bolt://").rsplit(":", 1)
    processes = ("raw", "hub", "hub-noaudit", "peer")
    with contextlib.ExitStack() as stack:
        counters = {p: stack.enter_context(BoltCounter(host, int(port))) for p in processes}
        own = {p: {"NEO4J_URI": f"bolt://127.0.0.1:{c.port}"} for p, c in counters.items()}
        own["hub"]["HUB_WEBHOOK_POLL_S"] = own["hub-noaudit"]["HUB_WEBHOOK_POLL_S"] = "0"
        with Systems(env, own):
            idle = bench.idle_trips(counters)
            results["idle_round_trips_per_s"] = idle
            print(f"Bolt round trips per second, idle: {idle}", flush=True)
            for w in chosen:
                entry = results["workloads"].setdefault(w.key, {"title": w.title})
                n = 4 if w.key == "W7" else ROUND_TRIP_REQUESTS
                entry["round_trips"] = {
                    s: round(bench.round_trips(counters[s.removesuffix("+audit")], w, s, n), 2)
                    for s in MEASURED
                }
                print(f"{w.key}: Bolt round trips per request {entry['round_trips']}", flush=True)
                forget(driver)

    # 2. Answers, db hits, and the timed runs, without the relay.
    with Systems(env) as systems, HubCypher() as hub_cypher:
        results["versions"] = systems.versions()
        for w in chosen:
            entry = results["workloads"][w.key]
            entry["answers"] = bench.compare(w)
            if w.mix:  # W8: its parts' statements are those of W1, W4 and W7
                entry["db_hits"] = {s: None for s in MEASURED}
                entry["db_hits_audit"] = {"hub": None, "raw+audit": None}
                continue
            hub_stmts, audit_stmts = hub_cypher.statements(w)
            bench.answer("peer", w, 0)
            peer = peer_db_hits(w.normalise is not None)
            raw_hits = db_hits(driver, [raw_statement(w)])
            audit_hits = db_hits(driver, [_unclaimed(driver, c, p) for c, p in audit_stmts])
            entry["db_hits"] = {
                "hub": db_hits(driver, hub_stmts),
                "hub-noaudit": db_hits(driver, hub_stmts),
                "raw": raw_hits,
                "raw+audit": raw_hits,
                "peer": peer.get("dbHits"),
            }
            # The audit log's statements apart (the hub's writer's, shown for raw + audit too).
            entry["db_hits_audit"] = {"hub": audit_hits, "raw+audit": audit_hits}
            entry["cypher"] = {
                "hub": "\n;\n".join(c for c, _ in hub_stmts),
                "hub_audit": "\n;\n".join(c for c, _ in audit_stmts),
                "peer": peer.get("cypher"),
            }
            for mismatch in entry["answers"]["mismatches"][:1]:
                print(json.dumps(mismatch, ensure_ascii=False, indent=1), flush=True)
            print(
                f"{w.key}: answers equal={entry['answers']['equal']} "
                f"db hits={entry['db_hits']} audit={audit_hits}",
                flush=True,
            )
            forget(driver)
        runs: dict[tuple[str, str, str], list[dict[str, Any]]] = {}

        def timed(key: str, system: str, mode: str, r: dict[str, Any]) -> None:
            r["server_cpu_s"] = r.pop("_server_cpu_s")
            runs.setdefault((key, system, mode), []).append(r)

        def slice_of(system: str, run: Any) -> dict[str, Any]:
            cpu = systems.cpu_s(system.removesuffix("+audit"))
            r: dict[str, Any] = run()
            r["_server_cpu_s"] = systems.cpu_s(system.removesuffix("+audit")) - cpu
            return r

        # Throughput: the systems interleaved in slices, rotated each repetition.
        for system in MEASURED:  # warm every path up once
            for w in chosen:
                if not w.mix:
                    bench.answer(system, w, 0, 1)
        forget(driver)
        for _ in range(method.repetitions):
            r = slice_of("bare", lambda: bench.throughput("bare", None))
            timed("ceiling", "bare", "closed", r)
        for w in chosen:
            for rep in range(method.repetitions):
                for system in _rotated(MEASURED, rep):
                    r = slice_of(system, lambda: bench.throughput(system, w))  # noqa: B023
                    timed(w.key, system, "closed", r)
                    print(
                        f"rep {rep + 1} {w.key} {system}: {r['throughput']:.1f} req/s "
                        f"({r['errors']} errors)",
                        flush=True,
                    )
                if w.normalise is not None or w.mix:
                    forget(driver)  # a write's fillings go after every repetition
        rates: dict[str, float] = {}
        for w in chosen:
            maxima = [median_of(runs[(w.key, s, "closed")], "throughput") or 0 for s in MEASURED]
            rates[w.key] = max(0.1, round(min(maxima) * method.latency_share, 1))
        rates["ceiling"] = rates[chosen[0].key]
        # Latency at one fixed rate per workload, interleaved the same way.
        for _ in range(method.repetitions):
            r = slice_of("bare", lambda: bench.latency("bare", None, rates["ceiling"]))
            timed("ceiling", "bare", "open", r)
        for w in chosen:
            for rep in range(method.repetitions):
                for system in _rotated(MEASURED, rep):
                    r = slice_of(system, lambda: bench.latency(system, w, rates[w.key]))  # noqa: B023
                    timed(w.key, system, "open", r)
                    print(
                        f"rep {rep + 1} {w.key} {system} @ {rates[w.key]}/s: "
                        f"p50 {r['p50_ms']:.1f} ms p99 {r['p99_ms']:.1f} ms",
                        flush=True,
                    )
                if w.normalise is not None or w.mix:
                    forget(driver)
    print(f"removed the {forget(driver)} fillings this run wrote", flush=True)
    driver.close()
    results["load_average"]["after"] = load_average()
    results["rates"] = rates
    results["runs"] = {"|".join(k): v for k, v in runs.items()}
    if args.only:
        report.keep_earlier(results)
    report.write(results, started=started)
    print(f"wrote {report.LATEST_MD.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
