"""`hub seed`: generate synthetic Fuzhou and load it, or check the loaded graph's rules."""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import date
from pathlib import Path
from typing import Any

from neo4j import AsyncManagedTransaction

from graph_seed.cli_support import summary
from graph_seed.generate import Generation, generation, run_dry
from graph_seed.violations import manifest_path, read_planted
from graph_seed.world import DEFAULT_AS_OF, SCALES
from hub.config import Settings, get_settings
from hub.graph.driver import Graph, graph_for, open_driver

DEFAULT_SEED = 7
# The faster path per scale (measured; see README "Demo data").
DEFAULT_LOADER = {"tiny": "unwind", "small": "unwind", "city": "import"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    seed = sub.add_parser("seed", help="load (or --check) deterministic synthetic Fuzhou data")
    seed.add_argument("--scale", choices=sorted(SCALES), default="small")
    seed.add_argument("--seed", type=int, default=DEFAULT_SEED)
    seed.add_argument("--fraction", type=float, default=1.0, help="share of the scale's counts")
    seed.add_argument("--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF)
    seed.add_argument("--if-empty", action="store_true", help="only when no Cylinder exists")
    seed.add_argument("--check", action="store_true", help="check the loaded graph, load nothing")
    seed.add_argument("--manifest", type=Path, help="where the violation manifest is written/read")
    seed.add_argument("--loader", choices=["unwind", "import"])
    seed.add_argument("--quiet", action="store_true", help="no progress bar")
    seed.set_defaults(func=cmd_seed)


def cmd_seed(args: argparse.Namespace) -> int:
    settings = get_settings()
    gen = generation(args.scale, args.seed, args.fraction, args.as_of)
    path = args.manifest or manifest_path(settings.hub_state_dir, gen.ctx.scale.name, args.seed)
    if args.check:
        if path.exists():
            planted = read_planted(path)
        else:
            print(f"seed: no manifest at {path}; regenerating it from the scale and seed")
            planted = {kind: set(keys) for kind, keys in run_dry(gen).planted.items()}
        return asyncio.run(_check(settings, gen, planted))
    loader = args.loader or DEFAULT_LOADER[args.scale]
    if loader == "import":
        from graph_seed.admin_import import import_city

        return import_city(settings, gen, path, if_empty=args.if_empty, quiet=args.quiet)
    return _load(settings, gen, path, args.if_empty, args.quiet)


async def count_cylinders(tx: AsyncManagedTransaction) -> int:
    record = await (await tx.run("MATCH (c:Cylinder) RETURN count(c) AS n")).single()
    return int(record["n"]) if record else 0


async def _with_graph(settings: Settings, work: Any) -> int:
    driver = open_driver(settings)
    try:
        code: int = await work(graph_for(driver, settings))
        return code
    finally:
        await driver.close()


def _load(settings: Settings, gen: Generation, path: Path, if_empty: bool, quiet: bool) -> int:
    from graph_seed.loader import load

    async def work(graph: Graph) -> int:
        """1 when it loaded, 0 when --if-empty found cylinders already."""
        cylinders: int = await graph.read(count_cylinders)
        if if_empty and cylinders:
            print("seed: the graph already holds cylinders; nothing loaded (--if-empty)")
            return 0
        await load(graph, gen, quiet=quiet)
        return 1

    started = time.monotonic()
    if not asyncio.run(_with_graph(settings, work)):
        return 0
    seconds = time.monotonic() - started
    gen.manifest.write(path)
    print(summary(gen, seconds, "unwind"))
    print(f"manifest: {path}")
    return 0


async def _check(settings: Settings, gen: Generation, planted: dict[str, set[str]]) -> int:
    from graph_seed.checks import run_checks

    async def work(graph: Graph) -> int:
        failures = await run_checks(graph, gen.ctx.as_of, planted, print)
        return 1 if failures else 0

    return await _with_graph(settings, work)
