"""`hub linkage scan [--json]`: run the scheduled scan now (on this replica, if it gets the
lease), and `hub linkage rules`: print the rule table."""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import asdict

from hub.config import get_settings
from hub.graph.driver import graph_for, open_driver
from hub.graph.migrations import migrate
from hub.linkage.rules import RULES
from hub.linkage.scan import ScanReport, scan


def cmd_scan(args: argparse.Namespace) -> int:
    settings = get_settings()

    async def run() -> ScanReport:
        driver = open_driver(settings)
        try:
            graph = graph_for(driver, settings)
            await migrate(graph)
            return await scan(graph)
        finally:
            await driver.close()

    report = asyncio.run(run())
    if args.json:
        print(json.dumps(asdict(report), indent=2))
    elif not report.ran:
        print("another replica holds the scan lease; nothing done")
    else:
        print(f"statuses brought up to date: {report.statuses_changed}")
        for rule, n in report.raised.items():
            print(f"{rule}: {n} new alerts, {report.counted[rule]} counted on open ones")
    return 0 if report.ran else 1


def cmd_rules(args: argparse.Namespace) -> int:
    for r in RULES:
        routed = ", ".join(sorted(d.value for d in r.departments)) or "-"
        to = " + the enterprise concerned" if r.addressee == "subject" else ""
        print(f"{r.id}\t{r.trigger}\t{r.severity.value}\t{routed}{to}\t{r.zh} / {r.en}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    link = sub.add_parser("linkage", help="the linkage rules and the scheduled scan")
    actions = link.add_subparsers(dest="action", required=True)
    run = actions.add_parser("scan", help="run the scan now (one replica at a time)")
    run.add_argument("--json", action="store_true")
    run.set_defaults(func=cmd_scan)
    rules = actions.add_parser("rules", help="print the rule table")
    rules.set_defaults(func=cmd_rules)
