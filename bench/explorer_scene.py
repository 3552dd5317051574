"""A 500-node scene in the explorer, in a real browser: expand and layout times.

    .venv/bin/python -m bench.explorer_scene [--instance dev] [--nodes 500] [--repetitions 3]

Starts the hub (one worker) over the local Neo4j `instance` (`dev`: the `small` seed of
`make run`), registers a sign-in client for /explorer and an investigator (removed afterwards),
and in Debian's Chromium (headless, through Playwright) signs in, gives a purpose and grows a
scene from the busiest filling station: each step expands the next node not yet expanded
(vehicles, stations and households first: they have the most neighbours) and opens every
bundle, until the canvas holds at least `--nodes` nodes. Then, on that scene, it expands more
nodes one at a time and lays the whole scene out afresh. Each repetition starts a new page.

Times come from the page itself: `explorer:expand` (the neighbourhood query, the new nodes
added and the layout that keeps placed nodes still) and `explorer:layout` (fcose alone) are
performance measures of explorer.js; "to drawn" waits two animation frames more. Prints the
medians and writes bench/results/explorer-scene.md. A measurement, not a test: it asserts
nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from neo4j import AsyncManagedTransaction
from playwright.async_api import Page, async_playwright

from bench.hub_process import free_port, hub_server, wait_ready
from hub.config import Settings
from hub.graph.driver import graph_for, open_driver
from hub.oauth import admin, registry

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update"]  # fmt: skip
RESULTS = Path(__file__).resolve().parent / "results" / "explorer-scene.md"
SHOT = Path(__file__).resolve().parent.parent / "test-artifacts" / "explorer-scene-500.png"
PRIORITY = ["Vehicle", "Enterprise", "Household", "Person", "Cylinder", "Product"]

# One step in the page: expand a node (the page's own expand(), as its button does), open the
# bundles it made, and wait until drawn; answers the page's own measures of that step.
STEP = """async (id) => {
  const before = performance.getEntriesByType("measure").length;
  const t0 = performance.now();
  await expand(id);
  const expanded = performance.now() - t0;
  for (const b of cy.nodes(".bundle")) openBundle(b);
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const drawn = performance.now() - t0;
  const m = performance.getEntriesByType("measure").slice(before);
  return { expanded, drawn, nodes: cy.nodes().length, edges: cy.edges().length,
    status: document.getElementById("status").textContent,
    expand: m.filter((e) => e.name === "explorer:expand").map((e) => e.duration),
    layout: m.filter((e) => e.name === "explorer:layout").map((e) => e.duration) };
}"""
NEXT = """(priority) => {
  const done = new Set(window.benchExpanded || []);
  const rank = (n) => { const i = priority.indexOf(n.data("type")); return i < 0 ? 99 : i; };
  const open = cy.nodes().filter((n) => !n.hasClass("bundle") && !done.has(n.id()))
    .sort((a, b) => rank(a) - rank(b) || b.degree() - a.degree());
  const id = open.length ? open[0].id() : null;
  if (id) window.benchExpanded = [...done, id];
  return id;
}"""
RELAYOUT = """async () => {
  const t0 = performance.now();
  arrange(cy.collection());
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return { layout: window.lastLayoutMs, drawn: performance.now() - t0, nodes: cy.nodes().length };
}"""


@dataclass
class Run:
    growing: list[dict[str, Any]] = field(default_factory=list)
    at_scene: list[dict[str, Any]] = field(default_factory=list)
    relayout: list[dict[str, Any]] = field(default_factory=list)


async def _busiest_station(tx: AsyncManagedTransaction) -> list[str]:
    result = await tx.run(
        "MATCH (e:Enterprise {kind: 'FILLING_STATION'})<-[:AT]-(f:Filling) "
        "RETURN e.uscc AS uscc, count(f) AS n ORDER BY n DESC, uscc LIMIT 1"
    )
    return [r["uscc"] async for r in result]


async def _sign_in(page: Page, base: str, user: str, password: str) -> None:
    await page.goto(base + "/explorer")
    await page.click("#sign-in")
    await page.fill("#username", user)
    await page.fill("#password", password)
    await page.click("button[type=submit]")
    await page.fill("#purpose", "bench: explorer scene", timeout=30_000)
    await page.click("#purpose-form button")
    await page.wait_for_selector("#graph")


async def _one(page: Page, base: str, user: str, password: str, start: str, nodes: int) -> Run:
    run = Run()
    await _sign_in(page, base, user, password)
    step = await page.evaluate(STEP, start)
    run.growing.append(step)
    if not step["nodes"]:
        raise RuntimeError(f"expanding {start} put nothing on the canvas: {step['status']}")
    while step["nodes"] < nodes:
        node = await page.evaluate(NEXT, PRIORITY)
        if node is None:
            break
        step = await page.evaluate(STEP, node)
        run.growing.append(step)
    for _ in range(3):
        node = await page.evaluate(NEXT, PRIORITY)
        if node:
            run.at_scene.append(await page.evaluate(STEP, node))
        run.relayout.append(await page.evaluate(RELAYOUT))
    return run


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _report(runs: list[Run], meta: dict[str, str]) -> str:
    grow = [s for r in runs for s in r.growing]
    at = [s for r in runs for s in r.at_scene]
    rel = [s for r in runs for s in r.relayout]
    final = [r.growing[-1]["nodes"] for r in runs]
    rows = [
        ("expand while growing, query + layout (ms)", [x for s in grow for x in s["expand"]]),
        ("layout while growing, fcose with fixed nodes (ms)",
         [x for s in grow for x in s["layout"]]),
        ("expand on the scene, query + layout (ms)", [x for s in at for x in s["expand"]]),
        ("layout on the scene, one expand's (ms)", [s["layout"][0] for s in at if s["layout"]]),
        ("expand on the scene, to drawn with bundles opened (ms)", [s["drawn"] for s in at]),
        ("whole scene laid out afresh (ms)", [s["layout"] for s in rel]),
        ("whole scene laid out afresh, to drawn (ms)", [s["drawn"] for s in rel]),
    ]  # fmt: skip
    lines = [
        "# The explorer with a 500-node scene",
        "",
        f"{meta['when']}; `{meta['command']}`; {meta['graph']}; Chromium {meta['browser']} "
        f"headless (software rendering), viewport 1400x1000; {meta['machine']}. Load average "
        f"before {meta['load_before']}, after {meta['load_after']}.",
        "",
        f"Scenes reached {', '.join(map(str, final))} nodes "
        f"({', '.join(str(r.growing[-1]['edges']) for r in runs)} edges) in "
        f"{', '.join(str(len(r.growing)) for r in runs)} expand steps; medians over "
        f"{len(runs)} repetitions.",
        "",
        "| measure | median | min | max | samples |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, values in rows:
        if values:
            lines.append(
                f"| {name} | {_median(values):.0f} | {min(values):.0f} | {max(values):.0f} "
                f"| {len(values)} |"
            )
    lines += ["", "Steps of the first repetition (nodes after, expand ms, layout ms):", ""]
    lines += [
        f"- {s['nodes']} nodes: expand {s['expand'][0]:.0f}, layouts "
        + ", ".join(f"{x:.0f}" for x in s["layout"])
        for s in runs[0].growing
        if s["expand"]
    ]
    return "\n".join(lines) + "\n"


async def measure(instance: str, nodes: int, repetitions: int) -> str:
    settings = Settings(hub_neo4j_instance=instance)
    driver = open_driver(settings)
    graph = graph_for(driver, settings)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    suffix = secrets.token_hex(4)
    client = await admin.add_client(
        graph, f"bench-explorer-{suffix}", "market", "graph:read investigate",
        redirect_uris=(base + "/explorer",),
    )  # fmt: skip
    password = secrets.token_urlsafe(16)
    user = await admin.add_user(
        graph, f"bench-investigator-{suffix}", "market", "graph:read investigate", password
    )
    try:
        [station] = await graph.read(_busiest_station)
        load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
        env = {"HUB_ISSUER": base, "HUB_DEV_PRINCIPAL": "false"}
        with hub_server(instance, env=env, port=port):
            async with httpx.AsyncClient(base_url=base) as http:
                await wait_ready(http)
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                runs = []
                for _ in range(repetitions):
                    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = await context.new_page()
                    runs.append(
                        await _one(page, base, user.username, password, f"Enterprise:{station}",
                                   nodes)
                    )  # fmt: skip
                    if len(runs) == 1:  # what the scene looks like (test-artifacts/, git-ignored)
                        SHOT.parent.mkdir(exist_ok=True)
                        await page.screenshot(path=str(SHOT), full_page=True)
                    await context.close()
                version = browser.version
                await browser.close()
        load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    finally:
        await graph.write(registry.delete_client, client.client.client_id)
        await graph.write(registry.delete_user, user.username)
        await driver.close()
    meta = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": f"python -m bench.explorer_scene --instance {instance} --nodes {nodes} "
        f"--repetitions {repetitions}",
        "graph": f"the `{instance}` Neo4j (from the busiest filling station, {station})",
        "browser": version,
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "load_before": load_before,
        "load_after": load_after,
    }
    return _report(runs, meta)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--instance",
        default=os.environ.get("HUB_NEO4J_INSTANCE", "dev"),
        help="the local Neo4j (dev: make run's; HUB_NEO4J_INSTANCE by default)",
    )
    parser.add_argument("--nodes", type=int, default=500, help="the scene's size to reach")
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    started = time.monotonic()
    report = asyncio.run(measure(args.instance, args.nodes, args.repetitions))
    RESULTS.write_text(report, encoding="utf-8")
    print(report)
    print(f"written to bench/results/{RESULTS.name} in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
