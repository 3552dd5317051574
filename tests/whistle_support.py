"""Helpers for the whistleblower tests: an app of their own (its throttles are its own), calls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from hub.app import create_app
from hub.config import Settings

SUBMIT = (
    """mutation($t: TipInput!) { submitTip(tip: $t) { claimCode numbersFlagged receivedOn } }"""
)
STATUS = """query($c: String!) { tipStatus(claimCode: $c) {
    status category receivedOn messages { sender on text }
    rewards { rewardId amountYuan status claimedOn paidOn } } }"""
ANSWER = """mutation($c: String!, $x: String!) { answerTip(claimCode: $c, text: $x) {
    status messages { sender on text } } }"""
TRIAGE = """mutation($i: [TipTriageInput!]!) { triageTips(items: $i) {
    index ok id errors { field message } } }"""


@asynccontextmanager
async def whistle_client(
    address: str = "198.51.100.23", **overrides: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """A client over a fresh app (its own throttles), connecting from `address`."""
    settings = Settings(**{"hub_tip_submit_per_window": 1000, **overrides})
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            yield client


async def call(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def submit(client: httpx.AsyncClient, text: str = "后厨有老鼠", **tip: Any) -> str:
    body = await call(client, SUBMIT, {"t": {"category": "HYGIENE", "text": text, **tip}})
    assert "errors" not in body, body
    return str(body["data"]["submitTip"]["claimCode"])
