"""The console (/console) in Debian's Chromium: GraphiQL from the hub's own npm install, a
person signs in with the PKCE flow and runs a query as their own role, and the page asks
nothing of any host but the hub (every other request is refused and recorded)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from playwright.async_api import Browser, Route, expect

from hub.config import Settings
from hub.graph.driver import Graph
from hub.oauth import admin, registry
from tests.browser_support import chromium, needs_chromium, screenshot_path, serve_hub


@pytest.fixture(scope="module")
def served(settings: Settings) -> Iterator[str]:
    with serve_hub(settings) as base:
        yield base


@pytest.fixture(scope="module")
async def person(served: str, graph: Graph) -> AsyncIterator[tuple[str, str]]:
    suffix = secrets.token_hex(4)
    client = await admin.add_client(
        graph, f"t-console-{suffix}", "market", "graph:read investigate",
        redirect_uris=(served + "/console",),
    )  # fmt: skip
    password = secrets.token_urlsafe(16)
    user = await admin.add_user(
        graph, f"t-developer-{suffix}", "housing", "graph:read investigate", password
    )
    yield user.username, password
    await graph.write(registry.delete_client, client.client.client_id)
    await graph.write(registry.delete_user, user.username)


@needs_chromium
async def test_a_developer_signs_in_and_runs_a_query_with_no_network_beyond_the_hub(
    served: str, person: tuple[str, str]
) -> None:
    elsewhere: list[str] = []

    async def only_the_hub(route: Route) -> None:
        if route.request.url.startswith(served + "/"):
            await route.continue_()
        else:
            elsewhere.append(route.request.url)
            await route.abort()

    browser: Browser
    async with chromium() as (_, browser):
        context = await browser.new_context(locale="zh-CN", viewport={"width": 1300, "height": 800})
        await context.route("**/*", only_the_hub)
        page = await context.new_page()
        await page.goto(served + "/console")
        await expect(page.locator("#signed-out")).to_be_visible()
        await page.click("#sign-in")
        await page.fill("#username", person[0])
        await page.fill("#password", person[1])
        await page.click("button[type=submit]")
        await expect(page.locator("#account")).to_contain_text(person[0], timeout=20_000)
        await page.locator(".graphiql-execute-button").click()
        response = page.locator(".graphiql-response")
        await expect(response).to_contain_text('"role": "housing"', timeout=20_000)
        await expect(response).to_contain_text(person[0])
        await page.screenshot(path=screenshot_path("console.png"))
        await context.close()
    assert elsewhere == []


async def test_a_browser_asking_graphql_for_a_page_is_sent_to_the_console(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 303
    assert response.headers["location"] == "/console"
    page = await client.get("/console")
    assert page.status_code == 200
    assert "/console/static/graphiql.min.js" in page.text
    assert "cdn" not in page.text.lower()
    for name in ("graphiql.min.js", "graphiql.min.css", "react.min.js", "react-dom.min.js"):
        asset = await client.get("/console/static/" + name)
        assert asset.status_code == 200, name


async def test_introspection_through_the_console_still_needs_a_token(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": "{ __schema { types { name } } }"})
    body = response.json()
    assert body.get("errors"), body
