"""`hub webhooks add --client NAME --url URL | list | redeliver (--id ID | --dead)`."""

from __future__ import annotations

import argparse
import asyncio
import base64
import secrets
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from neo4j import AsyncManagedTransaction

from hub.config import get_settings
from hub.graph import webhook_repo
from hub.graph.driver import Graph, graph_for, open_driver
from hub.graph.migrations import migrate

T = TypeVar("T")


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _with_graph(work: Callable[[Graph], Awaitable[T]]) -> T:
    settings = get_settings()

    async def run() -> T:
        driver = open_driver(settings)
        try:
            graph = graph_for(driver, settings)
            await migrate(graph)
            return await work(graph)
        finally:
            await driver.close()

    return asyncio.run(run())


async def add(graph: Graph, client: str, url: str) -> dict[str, Any] | None:
    """Register `url` for the OAuth client `client` (its id or name); the secret is returned
    here only."""
    endpoint = {"id": str(uuid.uuid4()), "client": client, "url": url, "secret": new_secret(),
                "now": datetime.now(UTC)}  # fmt: skip

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any] | None:
        return await webhook_repo.add_endpoint(tx, endpoint)

    added = await graph.write(work)
    return None if added is None else added | {"secret": endpoint["secret"], "url": url}


def cmd_add(args: argparse.Namespace) -> int:
    parts = urlsplit(args.url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        print("error: --url must be an http(s) URL")
        return 2
    added = _with_graph(lambda g: add(g, args.client, args.url))
    if added is None:
        print(f"error: no OAuth client {args.client}")
        return 1
    print(f"endpoint {added['id']} for client {added['name']} -> {added['url']}")
    print(f"signing secret (shown once; verify deliveries with it): {added['secret']}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    async def work(graph: Graph) -> list[dict[str, Any]]:
        return await graph.read(webhook_repo.list_endpoints)

    for e in _with_graph(work):
        counts = ", ".join(f"{s}: {n}" for s, n in e["counts"] if s) or "no deliveries"
        state = "active" if e["active"] else "inactive"
        print(f"{e['id']}\t{e['client']}\t{e['url']}\t{state}\t{counts}")
    return 0


def cmd_redeliver(args: argparse.Namespace) -> int:
    if not args.id and not args.dead:
        print("error: give --id DELIVERY or --dead")
        return 2

    async def work(graph: Graph) -> int:
        async def tx_work(tx: AsyncManagedTransaction) -> int:
            return await webhook_repo.redeliver(tx, args.id, args.endpoint, datetime.now(UTC))

        return await graph.write(tx_work)

    print(f"deliveries queued again: {_with_graph(work)}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    hooks = sub.add_parser("webhooks", help="partner endpoints that receive alerts, signed")
    actions = hooks.add_subparsers(dest="action", required=True)
    add_cmd = actions.add_parser("add", help="register an endpoint for an OAuth client")
    add_cmd.add_argument("--client", required=True, help="the client's id or name")
    add_cmd.add_argument("--url", required=True)
    add_cmd.set_defaults(func=cmd_add)
    actions.add_parser("list", help="endpoints and their deliveries").set_defaults(func=cmd_list)
    again = actions.add_parser("redeliver", help="queue deliveries again (dead ones, or one)")
    again.add_argument("--id", help="one delivery")
    again.add_argument("--dead", action="store_true", help="every dead delivery")
    again.add_argument("--endpoint", help="only this endpoint's")
    again.set_defaults(func=cmd_redeliver)
