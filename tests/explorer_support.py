"""What the explorer's browser tests share: a sign-in client for the page at the served address,
an investigator (market role, the investigate scope) to sign in as, and the sign-in itself."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from playwright.async_api import Page

from hub.graph.driver import Graph
from hub.oauth import admin, registry


@dataclass(frozen=True)
class Hub:
    base: str
    username: str
    password: str


@asynccontextmanager
async def investigator(graph: Graph, base: str, name: str) -> AsyncIterator[Hub]:
    """A sign-in client for the explorer at `base` and an investigator, removed afterwards."""
    suffix = secrets.token_hex(4)
    client = await admin.add_client(
        graph, f"t-{name}-{suffix}", "market", "graph:read investigate",
        redirect_uris=(base + "/explorer",),
    )  # fmt: skip
    password = secrets.token_urlsafe(16)
    user = await admin.add_user(
        graph, f"t-investigator-{suffix}", "market", "graph:read investigate", password
    )
    try:
        yield Hub(base, user.username, password)
    finally:
        await graph.write(registry.delete_client, client.client.client_id)
        await graph.write(registry.delete_user, user.username)


async def sign_in(page: Page, hub: Hub, purpose: str) -> None:
    await page.goto(hub.base + "/explorer")
    await page.click("#sign-in")
    await page.fill("#username", hub.username)
    await page.fill("#password", hub.password)
    await page.click("button[type=submit]")
    await page.wait_for_selector("#purpose")
    await page.fill("#purpose", purpose)
    await page.click("#purpose-form button")
    await page.wait_for_selector("#search")
