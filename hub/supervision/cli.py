"""`hub supervision refresh [--force]`: count the supervision rollup now (on this replica, if it
gets the lease): what an existing graph needs once after an upgrade, and what `hub seed` runs."""

from __future__ import annotations

import argparse
import asyncio

from hub.config import get_settings
from hub.graph.driver import graph_for, open_driver
from hub.graph.migrations import migrate
from hub.supervision.rollup import RefreshReport, refresh

MIGRATE_TIMEOUT_S = 1800.0  # index builds and the first count over a city graph


def cmd_refresh(args: argparse.Namespace) -> int:
    settings = get_settings()

    async def run() -> RefreshReport:
        driver = open_driver(settings)
        try:
            graph = graph_for(driver, settings).with_timeout(MIGRATE_TIMEOUT_S)
            await migrate(graph)
            return await refresh(graph, force=args.force)
        finally:
            await driver.close()

    report = asyncio.run(run())
    if report.ran:
        print(f"supervision rollup counted: {report.cells} cells in {report.seconds:.1f} s")
    else:
        print(f"supervision rollup not counted: {report.reason}")
    return 0 if report.ran or report.reason == "unchanged" else 1


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sup = sub.add_parser("supervision", help="the supervision rollup")
    actions = sup.add_subparsers(dest="action", required=True)
    run = actions.add_parser("refresh", help="count the rollup now (one replica at a time)")
    run.add_argument("--force", action="store_true", help="even when the graph has not changed")
    run.set_defaults(func=cmd_refresh)
