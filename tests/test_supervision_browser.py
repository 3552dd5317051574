"""The supervision page in a real browser (Debian's Chromium, headless, Playwright) against the
hub on a loopback port: a market-regulation lead signs in, sees a tile per district with its
real-name registration rate and a chart, drills into a district and its worst street, exports
the tables as CSV and opens the worst station in the explorer. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, Route, expect

from hub.clock import FUZHOU
from hub.config import Settings
from hub.graph.driver import Graph
from hub.oauth import admin, registry
from tests.browser_support import chromium, needs_chromium, screenshot_path, serve_hub
from tests.graphql import cypher

pytestmark = needs_chromium
PIN = datetime(2026, 11, 1, 12, 0, tzinfo=FUZHOU)


@dataclass(frozen=True)
class Hub:
    base: str
    username: str
    password: str


@pytest.fixture(scope="module")
def served(settings: Settings) -> Iterator[str]:
    pinned = settings.model_copy(update={"hub_clock_pin": PIN, "neo4j_tx_timeout_s": 60.0})
    with serve_hub(pinned) as base:
        yield base


@pytest.fixture(scope="module")
async def hub(served: str, graph: Graph, tiny_seed: object) -> AsyncIterator[Hub]:
    suffix = secrets.token_hex(4)
    client = await admin.add_client(
        graph, f"t-supervision-{suffix}", "market", "graph:read",
        redirect_uris=(served + "/supervision",),
    )  # fmt: skip
    explorer = await admin.add_client(
        graph, f"t-supervision-explorer-{suffix}", "market", "graph:read investigate",
        redirect_uris=(served + "/explorer",),
    )  # fmt: skip
    password = secrets.token_urlsafe(16)
    user = await admin.add_user(
        graph, f"t-lead-{suffix}", "market", "graph:read investigate", password
    )
    yield Hub(served, user.username, password)
    for c in (client, explorer):
        await graph.write(registry.delete_client, c.client.client_id)
    await graph.write(registry.delete_user, user.username)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as (_, launched):
        yield launched


async def _sign_in(page: Page, hub: Hub, lang: str) -> None:
    await page.goto(hub.base + "/supervision?lang=" + lang)
    await page.click("#sign-in")
    await page.fill("#username", hub.username)
    await page.fill("#password", hub.password)
    await page.click("button[type=submit]")
    await page.wait_for_selector("#tiles .tile")


async def _export(page: Page, table: str) -> str:
    async with page.expect_download() as info:
        await page.click(f"button.export[data-table={table}]")
    download = await info.value
    path = await download.path()
    return await asyncio.to_thread(Path(path).read_text, encoding="utf-8-sig")


async def test_a_lead_drills_from_the_city_to_a_street_and_exports_the_tables(
    hub: Hub, browser: Browser, graph: Graph
) -> None:
    [top] = await cypher(
        graph,
        "MATCH (h:Household) RETURN h.district AS d, count(*) AS n ORDER BY n DESC, d LIMIT 1",
    )
    context = await browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = await context.new_page()
    await _sign_in(page, hub, "zh")
    await expect(page.locator("#tiles")).to_contain_text("实名登记率")
    await expect(page.locator("#chart canvas")).to_have_count(1)
    districts = await page.locator("#tiles .tile").count()
    assert districts >= 5
    await page.screenshot(path=screenshot_path("supervision-city.png"), full_page=True)

    figures = await _export(page, "figures")
    lines = figures.strip().splitlines()
    assert lines[0].startswith('"区域","燃气用户","实名登记率"')
    assert len(lines) == districts + 1
    stations = await _export(page, "worst-stations")
    assert stations.splitlines()[0].startswith('"名称","USCC"')
    link = page.locator("#worst-stations a.open").first
    href = await link.get_attribute("href")
    assert href is not None
    assert "/explorer?lang=zh&id=Enterprise%3A" in href

    # the worst station opens in the explorer (a tab of its own, signed in with its own client)
    uscc = await page.locator("#worst-stations tbody tr td").nth(1).inner_text()
    async with context.expect_page() as opened:
        await link.click()
    explorer = await opened.value
    await explorer.click("#sign-in")
    await explorer.fill("#username", hub.username)
    await explorer.fill("#password", hub.password)
    await explorer.click("button[type=submit]")
    await explorer.fill("#purpose", "监管抽查 worst station")
    await explorer.click("#purpose-form button")
    # its neighbourhood comes first (up to 200 nodes): on a busy machine that takes a while
    await expect(explorer.locator("#fields")).to_contain_text(uscc, timeout=30_000)
    await explorer.screenshot(path=screenshot_path("supervision-worst-station-explorer.png"))
    await explorer.close()

    await page.click(f"#tiles .tile[data-area='{top['d']}']")
    await page.wait_for_selector("#app[data-level=DISTRICT]")
    await expect(page.locator("#crumbs")).to_contain_text("福州市")
    streets = page.locator("#tiles .tile:not([disabled])")
    assert await streets.count() >= 1
    await page.screenshot(path=screenshot_path("supervision-district.png"), full_page=True)
    # the tiles come worst first: the first street has the lowest real-name registration rate
    texts = await page.locator("#tiles .tile .big").all_inner_texts()
    shares = [float(m[1]) if (m := re.search(r"([\d.]+)%", t)) else 101.0 for t in texts]
    assert shares == sorted(shares)
    street = await streets.first.get_attribute("data-area")
    await streets.first.click()
    await page.wait_for_selector("#app[data-level=STREET]")
    await expect(page.locator("#crumbs")).to_contain_text(str(street))
    rows = (await _export(page, "figures")).strip().splitlines()
    assert len(rows) == 2
    assert rows[1].startswith(f'"{street}"')
    await page.screenshot(path=screenshot_path("supervision-street.png"), full_page=True)
    await context.close()


async def test_the_page_speaks_english_on_request(hub: Hub, browser: Browser) -> None:
    context = await browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    page = await context.new_page()
    await _sign_in(page, hub, "en")
    await expect(page.locator("#tiles")).to_contain_text("Real-name registration")
    await expect(page.locator("h1")).to_have_text("Multi-level supervision")
    await page.screenshot(path=screenshot_path("supervision-phone-en.png"), full_page=True)
    await context.close()


async def test_a_busy_hub_gets_a_second_try_then_a_retry_button(hub: Hub, browser: Browser) -> None:
    """The figures' read answered 503 (a loaded server outran the request's deadline): the page
    asks once more by itself, and after a second 503 offers a button that loads them."""
    context = await browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = await context.new_page()
    refused = 0

    async def busy(route: Route) -> None:
        nonlocal refused
        if "supervision(" in (route.request.post_data or "") and refused < 4:
            refused += 1
            await route.fulfill(status=503, body='{"errors": []}')
        else:
            await route.continue_()

    await page.route("**/graphql", busy)
    await page.goto(hub.base + "/supervision?lang=zh")
    await page.click("#sign-in")
    await page.fill("#username", hub.username)
    await page.fill("#password", hub.password)
    await page.click("button[type=submit]")
    await expect(page.locator("#retry")).to_have_text("重试")
    assert refused == 2  # the first answer and the page's own second try
    await page.click("#retry")  # refused twice more: the button comes back
    await expect(page.locator("#app p.error")).to_be_visible()
    await expect(page.locator("#retry")).to_be_visible()
    assert refused == 4
    await page.click("#retry")
    await page.wait_for_selector("#tiles .tile")
    await context.close()
