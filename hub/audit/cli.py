# ruff: noqa: T201  (a command line prints)
"""`hub audit verify [--json] [--chain ID] [--anchor SEQ:HASH]`: exit 0 when the chain holds,
1 with the first broken entry named when it does not, 2 when it holds but names reads whose
outcome was never written (hub/audit/verify.py)."""

from __future__ import annotations

import argparse
import asyncio
import json

from hub.audit.verify import Report, verify_chain
from hub.config import get_settings
from hub.graph.driver import graph_for, open_driver


def _anchor(value: str) -> tuple[int, str]:
    seq, sep, digest = value.partition(":")
    if not sep or not seq.isdigit() or len(digest) != 64:
        raise argparse.ArgumentTypeError("expected SEQ:SHA256HEX, as printed by --json")
    return int(seq), digest


def cmd_verify(args: argparse.Namespace) -> int:
    settings = get_settings()

    async def run() -> Report:
        driver = open_driver(settings)
        try:
            graph = graph_for(driver, settings)
            return await verify_chain(graph, settings, args.chain or settings.hub_audit_chain,
                                      args.anchor)  # fmt: skip
        finally:
            await driver.close()

    report = asyncio.run(run())
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(report.summary())
    if not report.ok:
        return 1
    return 2 if report.unfinished else 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = sub.add_parser("audit", help="the audit log: verify its chain and signatures")
    actions = audit.add_subparsers(dest="action", required=True)
    verify = actions.add_parser("verify", help="recompute the chain; name the first broken entry")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.add_argument("--chain", help="the chain id (default: HUB_AUDIT_CHAIN, main)")
    verify.add_argument("--anchor", type=_anchor, help="SEQ:HASH of a signed head kept outside")
    verify.set_defaults(func=cmd_verify)
