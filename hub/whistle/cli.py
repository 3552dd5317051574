"""`hub notices escalate`: every OPEN notice to a platform whose deadline has passed (Fuzhou's
today, from the hub's clock) becomes ESCALATED. Run it daily (cron, a Kubernetes CronJob); it is
idempotent, and any replica may run it. Each escalation raises a NOTICE_ESCALATED alert to
market regulation in the same transaction."""

from __future__ import annotations

import argparse
import asyncio

from hub.config import get_settings
from hub.graph.driver import graph_for, open_driver
from hub.linkage import whistleblowing

ESCALATOR = "hub-notices-escalate"  # recordedBy of the alerts an escalation raises


async def escalate() -> list[str]:
    settings = get_settings()
    driver = open_driver(settings)
    try:
        graph = graph_for(driver, settings)
        rows = await graph.write(
            whistleblowing.escalate, graph.clock.today(), ESCALATOR, graph.clock.now()
        )
        return [row["id"] for row in rows]
    finally:
        await driver.close()


def cmd_notices(_: argparse.Namespace) -> int:
    escalated = asyncio.run(escalate())
    print(f"escalated {len(escalated)} notice(s) past their deadline")
    for notice in escalated:
        print(notice)
    return 0


def register_notices(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    notices = sub.add_parser("notices", help="notices to platforms: escalate the overdue ones")
    notices.add_argument("action", choices=["escalate"])
    notices.set_defaults(func=cmd_notices)
