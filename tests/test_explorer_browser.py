"""The explorer in a real browser: Debian's Chromium, headless, driven by Playwright, against the
hub served by uvicorn on a loopback port. Signs in with the authorization-code flow, searches a
seeded cylinder, follows its trace, expands a node, finds a path, and saves a screenshot in
test-artifacts/ (git-ignored)."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from neo4j import AsyncManagedTransaction
from playwright.async_api import Browser, expect

from hub.config import Settings
from hub.explorer.text import TEXT
from hub.graph.driver import Graph
from tests.browser_support import chromium, needs_chromium, screenshot_path, serve_hub
from tests.explorer_support import Hub, investigator, sign_in

CYLINDER = "FZ0000000001"  # tiny seed: delivered to the planted unregistered household

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def served(settings: Settings) -> Iterator[str]:
    with serve_hub(settings) as base:
        yield base


@pytest.fixture(scope="module")
async def hub(served: str, graph: Graph, tiny_seed: object) -> AsyncIterator[Hub]:
    """A sign-in client for the explorer at this address and an investigator to sign in."""
    async with investigator(graph, served, "explorer") as signed:
        yield signed


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as (_, launched):
        yield launched


async def test_an_investigator_follows_a_flagged_cylinder_to_its_household_and_vehicle(
    hub: Hub, browser: Browser
) -> None:
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    await sign_in(page, hub, "case T-2026-7")
    assert "demo" not in (await page.inner_text("#account"))
    # Typed in lower case, as people type: the type-ahead lists it under cylinders.
    await page.fill("#q", CYLINDER.lower())
    hit = page.locator(".hit-group[data-type=Cylinder] a.hit").first
    await expect(hit).to_have_attribute("data-id", f"Cylinder:{CYLINDER}", timeout=20_000)
    await expect(page.locator(".hit-group[data-type=Cylinder] h3")).to_have_text("气瓶")
    await page.screenshot(path=screenshot_path("explorer-search.png"), full_page=True)
    await hit.click()
    await page.wait_for_selector("#fields")
    links = await page.locator("#node-list a").all()
    listed = [await a.get_attribute("data-id") or "" for a in links]
    assert f"Cylinder:{CYLINDER}" in listed
    assert any(n.startswith("Delivery:") for n in listed)
    # Labelled by name, code or date in the reader's language, not by type and key.
    labels = await page.locator("#node-list a").all_inner_texts()
    assert f"气瓶 {CYLINDER}" in labels
    assert any(t.startswith("配送 20") for t in labels)
    await expect(page.locator("#legend")).to_contain_text("配送")

    # The trace: flagged entries, each delivery with its vehicle and household.
    await page.click("#trace")
    await page.wait_for_selector(".timeline .flagged")
    flagged = await page.locator(".timeline .flagged").first.inner_text()
    assert "向未实名登记用户配送" in flagged or "非产权单位充装" in flagged
    household = page.locator(".timeline .party", has_text="HH").first
    await household.click()
    # Field names and stored values in the reader's language, from one table.
    await expect(page.locator("#fields")).to_contain_text("未实名登记")
    await expect(page.locator("#fields")).to_contain_text("燃气用户编号")

    # Expand a delivery: its vehicle joins the graph; pick the cylinder and the vehicle.
    delivery = page.locator('#node-list a[data-id^="Delivery:"]').first
    await delivery.click()
    await page.wait_for_selector("#expand")
    await page.click("#expand")
    vehicle = page.locator('#node-list a[data-id^="Vehicle:"]').first
    await expect(vehicle).to_be_visible()
    await page.locator(f'#node-list a[data-id="Cylinder:{CYLINDER}"]').click()
    await page.wait_for_selector("#pick-a")
    await page.click("#pick-a")
    await vehicle.click()
    await page.wait_for_selector("#pick-b")
    await page.click("#pick-b")
    await page.click("#find-path")
    await page.wait_for_selector("#path-nodes li")
    stops = page.locator("#path-nodes li.stop")
    path = [await li.get_attribute("data-id") or "" for li in await stops.all()]
    assert path[0] == f"Cylinder:{CYLINDER}"
    assert path[-1].startswith("Vehicle:")
    assert len(path) >= 3
    # Every hop is named by its relationship, in Chinese.
    hops = await page.locator("#path-nodes li.hop").all_inner_texts()
    assert len(hops) == len(path) - 1
    words = {v for k, v in TEXT["zh"].items() if k.startswith("rel_")}
    assert all(h[0] in "↑↓" and h[2:] in words for h in hops), hops
    await page.screenshot(path=screenshot_path("explorer-path.png"), full_page=True)
    # Again, avoiding deliveries: another chain without one between the ends, or none at all.
    await page.click("#path-avoid summary")
    await page.locator('#path-avoid input[value="Delivery"]').check()
    await page.click("#find-path")
    await page.wait_for_function(
        "() => !document.querySelector('#path-nodes li.stop[data-id^=\"Delivery:\"]')"
    )
    inner = [await li.get_attribute("data-id") or "" for li in await stops.all()][1:-1]
    assert not any(i.startswith("Delivery:") for i in inner)

    await page.screenshot(path=screenshot_path("explorer.png"), full_page=True)
    await context.close()


async def test_masked_values_are_shown_masked_and_english_is_on_request(
    hub: Hub, browser: Browser
) -> None:
    context = await browser.new_context(locale="en-US", extra_http_headers={
        "Accept-Language": "en-US,en;q=0.9"
    })  # fmt: skip
    page = await context.new_page()
    await sign_in(page, hub, "case T-2026-8")
    assert await page.title() == "Explorer · Fuzhou safety traceability hub"
    await page.fill("#q", CYLINDER)
    await page.press("#q", "Enter")
    await page.wait_for_selector("#fields")
    await expect(page.locator("#fields")).to_contain_text("Cylinder code")
    recorded = await page.locator('#fields td[data-field="recordedAt"]').inner_text()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", recorded), recorded
    await page.click("#trace")
    await page.wait_for_selector(".timeline .entry")
    timeline = await page.inner_text("#view")
    assert "Driver" in timeline
    assert "*" in timeline  # people's names arrive masked for the market role
    await context.close()


async def test_a_plate_typed_in_part_finds_the_vehicle(
    hub: Hub, browser: Browser, graph: Graph
) -> None:
    [row] = await graph.read(_first_plate)
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1000, "height": 800})
    page = await context.new_page()
    await sign_in(page, hub, "case T-2026-9")
    await page.fill("#q", row[:5])
    hits = page.locator(".hit-group[data-type=Vehicle] a.hit")
    await expect(hits.first).to_be_visible(timeout=20_000)  # a first search plans its statement
    assert f"Vehicle:{row}" in [await h.get_attribute("data-id") for h in await hits.all()]
    await page.locator(f'a.hit[data-id="Vehicle:{row}"]').click()
    await expect(page.locator("#fields")).to_contain_text(row, timeout=20_000)
    await context.close()


async def _first_plate(tx: AsyncManagedTransaction) -> list[str]:
    result = await tx.run("MATCH (v:Vehicle) RETURN v.plate AS p ORDER BY p LIMIT 1")
    return [r["p"] async for r in result]


async def test_the_explorer_serves_cytoscape_itself(served: str) -> None:
    def fetch(path: str) -> tuple[int, str]:
        import urllib.request

        with urllib.request.urlopen(served + path) as response:
            return response.status, response.read(200).decode("latin-1")

    status, head = await asyncio.to_thread(fetch, "/explorer/static/cytoscape.min.js")
    assert status == 200
    assert "cytoscape" in head.lower() or len(head) == 200


async def test_the_scene_is_exported_and_survives_a_language_switch_and_a_token_expiry(
    hub: Hub, browser: Browser
) -> None:
    context = await browser.new_context(
        locale="zh-CN", viewport={"width": 1300, "height": 900}, accept_downloads=True
    )
    page = await context.new_page()
    await sign_in(page, hub, "case T-2026-10")
    await page.fill("#q", CYLINDER)
    await page.locator(f'a.hit[data-id="Cylinder:{CYLINDER}"]').click(timeout=20_000)
    await page.wait_for_selector("#fields")

    async def on_canvas() -> list[str]:
        links = await page.locator("#node-list a").all()
        return sorted([await a.get_attribute("data-id") or "" for a in links])

    scene = await on_canvas()
    assert f"Cylinder:{CYLINDER}" in scene

    async with page.expect_download() as csv_download:
        await page.click("#export-csv")
    csv_path = Path(await (await csv_download.value).path())
    csv = await asyncio.to_thread(csv_path.read_text, encoding="utf-8-sig")
    lines = csv.strip().splitlines()
    assert lines[0] == "kind,id,type,label,from,to"
    assert sorted(line.split(",")[1] for line in lines if line.startswith("node,")) == scene
    assert any(line.startswith("edge,") for line in lines)
    async with page.expect_download() as png_download:
        await page.click("#export-png")
    png = await asyncio.to_thread(Path(await (await png_download.value).path()).read_bytes)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"

    # The language switch reloads the page: the scene and the purpose are still there, in English.
    await page.click("a.switch")
    await expect(page.locator("#purpose-now")).to_contain_text("case T-2026-10")
    await expect(page.locator("#node-list a").first).to_be_visible()
    assert await on_canvas() == scene
    await expect(page.locator("#node-list")).to_contain_text(f"Cylinder {CYLINDER}")

    # A token that no longer works: the next call signs in again, and nothing is lost.
    await page.evaluate("sessionStorage.setItem('token', 'expired')")
    await page.locator(f'#node-list a[data-id="Cylinder:{CYLINDER}"]').click()
    await page.wait_for_selector("#username", timeout=20_000)
    await page.fill("#username", hub.username)
    await page.fill("#password", hub.password)
    await page.click("button[type=submit]")
    await expect(page.locator("#purpose-now")).to_contain_text("case T-2026-10")
    await expect(page.locator("#node-list a").first).to_be_visible()
    assert await on_canvas() == scene
    await expect(page.locator("#node-list")).to_contain_text(f"Cylinder {CYLINDER}")  # English
    await page.screenshot(path=screenshot_path("explorer-after-expiry.png"), full_page=True)
    await context.close()


async def test_a_case_is_saved_and_reopened_with_its_scene_and_purpose(
    hub: Hub, browser: Browser
) -> None:
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    await sign_in(page, hub, "case T-2026-12")
    await page.fill("#q", CYLINDER)
    await page.locator(f'a.hit[data-id="Cylinder:{CYLINDER}"]').click(timeout=20_000)
    await page.wait_for_selector("#fields")
    links = await page.locator("#node-list a").all()
    scene = sorted([await a.get_attribute("data-id") or "" for a in links])
    title = "超期气瓶 " + secrets.token_hex(3)
    await page.fill("#case-title", title)
    await page.fill("#case-notes", "向未实名登记用户配送")
    await page.click("#save-case")
    await expect(page.locator("#case-list a.case", has_text=title)).to_be_visible(timeout=20_000)

    # A new investigation empties the canvas; reopening the case brings scene and purpose back.
    await page.get_by_role("button", name="新的调查").click()
    await page.fill("#purpose", "something else")
    await page.click("#purpose-form button")
    await expect(page.locator("#node-list a")).to_have_count(0)
    await page.locator("#case-list a.case", has_text=title).click()
    await expect(page.locator("#purpose-now")).to_contain_text("case T-2026-12")
    await expect(page.locator("#node-list a").first).to_be_visible()
    links = await page.locator("#node-list a").all()
    assert sorted([await a.get_attribute("data-id") or "" for a in links]) == scene
    await expect(page.locator("#case-notes")).to_have_value("向未实名登记用户配送")
    await page.screenshot(path=screenshot_path("explorer-case.png"), full_page=True)
    await context.close()
