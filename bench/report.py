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
SYSTEMS = ("raw", "hub", "peer")


def _median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def summarise(results: dict[str, Any]) -> dict[str, Any]:
    runs = results["runs"]
    summary: dict[str, Any] = {}
    for key, entry in results["workloads"].items():
        s: dict[str, Any] = {"rate_per_s": results["rates"][key]}
        for system in SYSTEMS:
            closed, opened = runs[f"{key}|{system}|closed"], runs[f"{key}|{system}|open"]
            s[system] = {
                "throughput": _median(closed, "throughput"),
                "p50_ms": _median(opened, "p50_ms"),
                "p95_ms": _median(opened, "p95_ms"),
                "p99_ms": _median(opened, "p99_ms"),
                "errors": sum(r["errors"] for r in closed + opened),
            }
        hits = entry["db_hits"]
        s["ratios"] = {
            "p50_hub_raw": _ratio(s["hub"]["p50_ms"], s["raw"]["p50_ms"]),
            "p50_hub_peer": _ratio(s["hub"]["p50_ms"], s["peer"]["p50_ms"]),
            "throughput_hub_raw": _ratio(s["hub"]["throughput"], s["raw"]["throughput"]),
            "throughput_hub_peer": _ratio(s["hub"]["throughput"], s["peer"]["throughput"]),
            "db_hits_hub_raw": _ratio(hits["hub"], hits["raw"]),
            "db_hits_hub_peer": _ratio(hits["hub"], hits["peer"]),
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


def markdown(results: dict[str, Any], summary: dict[str, Any]) -> str:
    v = results["versions"]
    m = results["method"]
    lines = [
        "# Benchmarks: the hub, raw Cypher and the Neo4j GraphQL Library on one Neo4j",
        "",
        f"Run {results['when']} by `make bench`. Machine: {v['machine']} ({v['os']}), shared with "
        "other work, so absolute figures are noisy; the ratios come from one run, side by side.",
        "",
        "Versions: "
        + ", ".join(f"{k} {val}" for k, val in v.items() if k not in ("machine", "os")),
        "",
        f"Method: the same requests to every system, answers compared for equality first; systems "
        f"measured one at a time; throughput with {m['concurrency']} requests in flight for "
        f"{m['throughput_s']} s after {m['warmup_s']} s warm-up; latency (p50/p95/p99, from each "
        f"request's scheduled start) at one fixed rate per workload, {m['latency_share']:.0%} of "
        f"the slowest system's maximum, for {m['latency_s']} s; {m['repetitions']} repetitions, "
        "medians. Load from a separate process (bench/load.py, asyncio + httpx). db hits: "
        "`PROFILE` of the one statement each side runs for the request.",
        "",
        "Ratios are hub / other: for latency and db hits below 1 means the hub is better, for "
        "throughput above 1 means the hub is better.",
        "",
        f"HTTP ceiling (bare Starlette JSON endpoint): {_f(summary['ceiling']['throughput'])} "
        f"req/s, p50 {_f(summary['ceiling']['p50_ms'], 2)} ms.",
        "",
        "| workload | answers | p50 hub/raw | p50 hub/peer | thr hub/raw | thr hub/peer "
        "| db hits hub/raw | db hits hub/peer |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, entry in results["workloads"].items():
        r = summary[key]["ratios"]
        a = entry["answers"]
        lines.append(
            f"| {key} | {'equal' if a['equal'] else 'DIFFER'} ({a['requests']}) "
            f"| {_f(r['p50_hub_raw'], 2)} | {_f(r['p50_hub_peer'], 2)} "
            f"| {_f(r['throughput_hub_raw'], 2)} | {_f(r['throughput_hub_peer'], 2)} "
            f"| {_f(r['db_hits_hub_raw'], 2)} | {_f(r['db_hits_hub_peer'], 2)} |"
        )
    lines += [
        "",
        "## Figures",
        "",
        "| workload | system | req/s | rate | p50 ms | p95 ms | p99 ms | db hits | errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for key, entry in results["workloads"].items():
        s = summary[key]
        for system in SYSTEMS:
            x = s[system]
            lines.append(
                f"| {key} | {system} | {_f(x['throughput'])} | {s['rate_per_s']}/s "
                f"| {_f(x['p50_ms'], 2)} | {_f(x['p95_ms'], 2)} | {_f(x['p99_ms'], 2)} "
                f"| {entry['db_hits'][system]} | {x['errors']} |"
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
