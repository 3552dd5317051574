"""bench/results/latest.json and latest.md from one run's figures."""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

from hub.config import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "bench" / "results"
LATEST_MD = RESULTS / "latest.md"
LATEST_JSON = RESULTS / "latest.json"
SYSTEMS = ("raw", "raw+audit", "hub", "hub-noaudit", "peer")
READS = ("W1", "W2", "W3", "W4", "W5", "W6-unscoped", "W6-market-district", "W6-enterprise")


def _median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def _cpu_ms(runs: list[dict[str, Any]], key: str) -> float | None:
    """CPU milliseconds per request over the slices (`key`: client_cpu_s or server_cpu_s)."""
    sent = sum(r.get("sent", r["completed"] + r["errors"]) for r in runs)
    cpu = sum(r.get(key) or 0.0 for r in runs)
    return cpu * 1000 / sent if sent else None


def summarise(results: dict[str, Any]) -> dict[str, Any]:
    runs = results["runs"]
    summary: dict[str, Any] = {}
    for key, entry in results["workloads"].items():
        s: dict[str, Any] = {"rate_per_s": results["rates"][key]}
        for system in SYSTEMS:
            closed = runs.get(f"{key}|{system}|closed", [])
            opened = runs.get(f"{key}|{system}|open", [])
            s[system] = {
                "throughput": _median(closed, "throughput"),
                "p50_ms": _median(opened, "p50_ms"),
                "p95_ms": _median(opened, "p95_ms"),
                "p99_ms": _median(opened, "p99_ms"),
                "errors": sum(r["errors"] for r in closed + opened),
                "client_cpu_ms_wrk": _cpu_ms(closed, "client_cpu_s"),
                "server_cpu_ms_closed": _cpu_ms(closed, "server_cpu_s"),
                "client_cpu_ms_load": _cpu_ms(opened, "client_cpu_s"),
                "server_cpu_ms_open": _cpu_ms(opened, "server_cpu_s"),
            }
        hits = entry["db_hits"]
        audit_hits = entry.get("db_hits_audit", {})
        s["ratios"] = {
            "p50_hub_raw": _ratio(s["hub"]["p50_ms"], s["raw"]["p50_ms"]),
            "p50_hub_raw_audit": _ratio(s["hub"]["p50_ms"], s["raw+audit"]["p50_ms"]),
            "p50_noaudit_raw": _ratio(s["hub-noaudit"]["p50_ms"], s["raw"]["p50_ms"]),
            "p50_hub_peer": _ratio(s["hub"]["p50_ms"], s["peer"]["p50_ms"]),
            "throughput_hub_raw": _ratio(s["hub"]["throughput"], s["raw"]["throughput"]),
            "throughput_hub_peer": _ratio(s["hub"]["throughput"], s["peer"]["throughput"]),
            "db_hits_hub_raw": _ratio(hits.get("hub"), hits.get("raw")),
            "db_hits_hub_peer": _ratio(hits.get("hub"), hits.get("peer")),
            "db_hits_audit": audit_hits.get("hub"),
        }
        summary[key] = s
    ceiling = runs.get("ceiling|bare|closed", [])
    summary["ceiling"] = {
        "throughput": _median(ceiling, "throughput"),
        "p50_ms": _median(runs.get("ceiling|bare|open", []), "p50_ms"),
    }
    return summary


def _f(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _goal(value: float | None, op: str, bound: float) -> str:
    if value is None:
        return "not measured"
    met = value <= bound if op == "<=" else value >= bound
    return f"{value:.2f} {'met' if met else 'NOT met'}"


def goals(results: dict[str, Any], summary: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(goal, workload, verdict) for every goal of the performance issue this bench measures."""
    rows: list[tuple[str, str, str]] = []
    have = [k for k in results["workloads"] if k in summary]

    def ratio(key: str, name: str) -> float | None:
        value: float | None = summary[key]["ratios"][name]
        return value

    for key in ("W1", "W2", "W4", "W8"):
        if key in have:
            rows.append(("hub/peer p50 <= 0.7", key, _goal(ratio(key, "p50_hub_peer"), "<=", 0.7)))
            rows.append(
                (
                    "hub/peer throughput >= 1.3",
                    key,
                    _goal(ratio(key, "throughput_hub_peer"), ">=", 1.3),
                )
            )
    if "W3" in have:
        rows.append(("hub/peer p50 <= 0.8", "W3", _goal(ratio("W3", "p50_hub_peer"), "<=", 0.8)))
    if "W7" in have:
        rows.append(
            (
                "hub/peer throughput >= 1.2",
                "W7",
                _goal(ratio("W7", "throughput_hub_peer"), ">=", 1.2),
            )
        )
    for key in ("W1", "W4"):
        if key in have:
            rows.append(
                (
                    "hub / raw+audit p50 <= 1.15",
                    key,
                    _goal(ratio(key, "p50_hub_raw_audit"), "<=", 1.15),
                )
            )
            rows.append(
                (
                    "hub (audit off) / raw p50 <= 1.3",
                    key,
                    _goal(ratio(key, "p50_noaudit_raw"), "<=", 1.3),
                )
            )
    for key in have:
        trips = results["workloads"][key].get("round_trips", {}).get("hub")
        if key in READS and trips is not None:
            rows.append(("hub Bolt round trips per read <= 3", key, _goal(trips, "<=", 3)))
    for key in ("W1", "W2", "W6-unscoped", "W6-market-district", "W6-enterprise", "W7"):
        if key in have:
            rows.append(
                ("hub/raw db hits <= 1.0", key, _goal(ratio(key, "db_hits_hub_raw"), "<=", 1.0))
            )
    return rows


def markdown(results: dict[str, Any], summary: dict[str, Any]) -> str:
    v = results["versions"]
    m = results["method"]
    load = results.get("load_average", {})
    lines = [
        "# Benchmarks: the hub, raw Cypher and the Neo4j GraphQL Library on one Neo4j",
        "",
        f"Run {results['when']} by `make bench`. Machine: {v['machine']} ({v['os']}), shared with "
        "other engineers' test runs, so absolute figures are noisy; the ratios come from one run, "
        "the systems interleaved.",
        "",
        f"Load average (1, 5, 15 min) before the run: {load.get('before')}, after: "
        f"{load.get('after')} (2 cores).",
        "",
        "Versions: "
        + ", ".join(f"{k} {val}" for k, val in v.items() if k not in ("machine", "os")),
        "",
        "Method: the same requests to every system, answers compared for equality first. "
        "Systems: raw (hand-written Cypher through the driver), raw+audit (raw, then the hub's "
        "durable audit append through the driver before answering: the floor for a hub that must "
        "audit), hub (audit on, as it runs), hub-noaudit (the same hub, HUB_AUDIT_ENABLED=false), "
        "peer (@neo4j/graphql with NODE_ENV=production and TCP_NODELAY on its driver's sockets). "
        f"Throughput: wrk (one thread, {m['concurrency']} connections; W7 2) in slices of "
        f"{m['slice_s']} s (W7 6 s); latency (p50/p95/p99 from each request's scheduled start, no "
        f"coordinated omission) at one fixed rate per workload, {m['latency_share']:.0%} of the "
        f"slowest system's maximum, in slices of {m['latency_s']} s after {m['warmup_s']} s "
        f"unrecorded, from bench/load.py in its own process. The systems take turns slice by "
        f"slice, the order rotated each repetition; {m['repetitions']} slices per system and "
        "workload, medians. A write workload's fillings are deleted after every repetition. "
        "db hits: `PROFILE` of the statements each side runs for the request, in a rolled-back "
        "transaction; the audit log's statements apart. Bolt round trips: counted by a relay in "
        "front of Neo4j per system (bench/bolt_count.py) in a separate launch of the systems "
        "(the hubs' webhook poller off), 10 requests one after another (W7: 4), a turn of the "
        "conversation being one trip.",
        "",
        "Ratios are hub / other: for latency and db hits below 1 means the hub is better, for "
        "throughput above 1 means the hub is better.",
        "",
        f"HTTP ceiling (bare Starlette JSON endpoint): {_f(summary['ceiling']['throughput'])} "
        f"req/s, p50 {_f(summary['ceiling']['p50_ms'], 2)} ms.",
        "",
        "## Goals",
        "",
        "| goal | workload | measured |",
        "|---|---|---|",
    ]
    lines += [f"| {g} | {k} | {verdict} |" for g, k, verdict in goals(results, summary)]
    lines += [
        "",
        "Not measured by `make bench`: ingestion (`make bench-ingest`) and the city graph "
        "(`python -m bench.investigation --instance bench`).",
        "",
        "## Ratios",
        "",
        "| workload | answers | p50 hub/raw | p50 hub/raw+audit | p50 noaudit/raw | p50 hub/peer "
        "| thr hub/raw | thr hub/peer | db hits hub/raw | db hits hub/peer |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, entry in results["workloads"].items():
        r = summary[key]["ratios"]
        a = entry["answers"]
        lines.append(
            f"| {key} | {'equal' if a['equal'] else 'DIFFER'} ({a['requests']}) "
            f"| {_f(r['p50_hub_raw'], 2)} | {_f(r['p50_hub_raw_audit'], 2)} "
            f"| {_f(r['p50_noaudit_raw'], 2)} | {_f(r['p50_hub_peer'], 2)} "
            f"| {_f(r['throughput_hub_raw'], 2)} | {_f(r['throughput_hub_peer'], 2)} "
            f"| {_f(r['db_hits_hub_raw'], 2)} | {_f(r['db_hits_hub_peer'], 2)} |"
        )
    lines += [
        "",
        "## Bolt round trips per request and db hits",
        "",
        "db hits: the request's own statements; the audit append's in their own column: the "
        "statements the hub's writer sent for the first request (a head read and the one-statement "
        "append when it knew no head; a second append when another writer had moved it).",
        "",
        "Round trips per second with no request (each system's own relay; what a request's count "
        f"would wrongly include): {results.get('idle_round_trips_per_s', 'not measured')}.",
        "",
        "| workload | "
        + " | ".join(f"trips {s}" for s in SYSTEMS)
        + " | db hits raw | db hits hub | db hits peer | db hits audit |",
        "|---|" + "---|" * (len(SYSTEMS) + 4),
    ]
    for key, entry in results["workloads"].items():
        trips = entry.get("round_trips", {})
        hits = entry["db_hits"]
        lines.append(
            f"| {key} | "
            + " | ".join(_f(trips.get(s), 2) for s in SYSTEMS)
            + f" | {hits.get('raw')} | {hits.get('hub')} | {hits.get('peer')} "
            f"| {entry.get('db_hits_audit', {}).get('hub')} |"
        )
    lines += [
        "",
        "## Figures",
        "",
        "CPU ms per request: the client's (wrk in the closed loop, bench/load.py in the open "
        "loop, its start included) against the server process's (its children too; Neo4j not "
        "counted) in the same slices.",
        "",
        "| workload | system | req/s | rate | p50 ms | p95 ms | p99 ms | errors "
        "| cpu wrk | cpu server (closed) | cpu load.py | cpu server (open) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key in results["workloads"]:
        s = summary[key]
        for system in SYSTEMS:
            x = s[system]
            lines.append(
                f"| {key} | {system} | {_f(x['throughput'])} | {s['rate_per_s']}/s "
                f"| {_f(x['p50_ms'], 2)} | {_f(x['p95_ms'], 2)} | {_f(x['p99_ms'], 2)} "
                f"| {x['errors']} | {_f(x['client_cpu_ms_wrk'], 3)} "
                f"| {_f(x['server_cpu_ms_closed'], 3)} | {_f(x['client_cpu_ms_load'], 3)} "
                f"| {_f(x['server_cpu_ms_open'], 3)} |"
            )
    lines += ["", "## Workloads", ""]
    for key, entry in results["workloads"].items():
        earlier = f" (figures from the run of {entry['from_run']})" if "from_run" in entry else ""
        lines.append(f"- **{key}**: {entry['title']}{earlier}")
    lines += ["", "Notes and what moved each figure: see NOTES.md beside this file.", ""]
    return "\n".join(lines)


def keep_earlier(results: dict[str, Any]) -> None:
    """A run of some workloads (`--only`) keeps the other workloads' figures of the last
    results file, each marked with the run it comes from."""
    if not LATEST_JSON.exists():
        return
    old = json.loads(LATEST_JSON.read_text())
    for key, entry in old["workloads"].items():
        if key in results["workloads"]:
            continue
        results["workloads"][key] = {**entry, "from_run": entry.get("from_run", old["when"])}
        results["rates"][key] = old["rates"][key]
        for name, runs in old["runs"].items():
            if name.startswith(key + "|"):
                results["runs"][name] = runs


def write(results: dict[str, Any], started: float) -> None:
    results["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))
    summary = summarise(results)
    results["summary"] = summary
    RESULTS.mkdir(parents=True, exist_ok=True)
    LATEST_JSON.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    LATEST_MD.write_text(markdown(results, summary))
