"""The explorer's time in a real browser (Debian's Chromium, headless, through Playwright): the
timeline under the canvas hides the events outside its range and their edges, and says how many
it shows; a cylinder's timeline and a food batch's chain open from their nodes, flags highlighted
and dates in one format, in Chinese and in English. Screenshots in test-artifacts/."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator

import pytest
from neo4j import AsyncManagedTransaction
from playwright.async_api import Browser, Page, expect

from hub.config import Settings
from hub.graph.driver import Graph
from tests.browser_support import chromium, needs_chromium, screenshot_path, serve_hub
from tests.explorer_support import Hub, investigator, sign_in

CYLINDER = "FZ0000000001"  # tiny seed: filled, delivered, inspected; flagged deliveries
DATE = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?")

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def served(settings: Settings) -> Iterator[str]:
    with serve_hub(settings) as base:
        yield base


@pytest.fixture(scope="module")
async def hub(served: str, graph: Graph, tiny_seed: object) -> AsyncIterator[Hub]:
    async with investigator(graph, served, "explorer-time") as signed:
        yield signed


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as (_, launched):
        yield launched


async def _open(page: Page, text: str, node_id: str) -> None:
    await page.fill("#q", text)
    await page.locator(f'a.hit[data-id="{node_id}"]').click(timeout=20_000)
    await page.wait_for_selector("#fields")


async def _listed(page: Page) -> list[tuple[str, str, bool]]:
    """Each node in the list: its id, its label, and whether the timeline hides it."""
    out = []
    for li in await page.locator("#node-list li").all():
        a = li.locator("a")
        cls = await li.get_attribute("class") or ""
        out.append((await a.get_attribute("data-id") or "", await a.inner_text(), "sliced" in cls))
    return out


async def _slide(page: Page, handle: str, day: int) -> None:
    await page.evaluate(
        "([id, v]) => { const i = document.getElementById(id); i.value = String(v);"
        " i.dispatchEvent(new Event('input', { bubbles: true })); }",
        [handle, day],
    )


async def test_the_timeline_hides_the_events_outside_its_range_in_both_languages(
    hub: Hub, browser: Browser
) -> None:
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1300, "height": 1000})
    page = await context.new_page()
    await sign_in(page, hub, "case T-2026-20")
    await _open(page, CYLINDER, f"Cylinder:{CYLINDER}")
    count = page.locator("#slicer-count")
    await expect(count).to_contain_text("显示", timeout=20_000)
    total = int(await count.get_attribute("data-total") or 0)
    events = [n for n in await _listed(page) if DATE.search(n[1])]
    assert total == len(events) >= 4
    assert await count.get_attribute("data-shown") == str(total)

    # The start handle moved to the middle of the span: the earlier events go, with their edges.
    lo = int(await page.get_attribute("#slicer-from", "min") or 0)
    hi = int(await page.get_attribute("#slicer-to", "max") or 0)
    await _slide(page, "slicer-from", (lo + hi) // 2)
    start = (await page.inner_text("#slicer-range")).split(" — ")[0]
    assert DATE.fullmatch(start), start
    listed = await _listed(page)
    days = {i: DATE.search(label) for i, label, _ in listed}
    hidden = {i for i, _, sliced in listed if sliced}
    expected = {i for i, m in days.items() if m and m.group(0)[:10] < start}
    assert hidden == expected
    assert 0 < len(hidden) < total
    assert await count.get_attribute("data-shown") == str(total - len(hidden))
    assert await count.inner_text() == f"显示 {total - len(hidden)} / {total} 个事件"
    shown_on_canvas = await page.evaluate(
        "() => ({ nodes: cy.nodes(':visible').map((n) => n.id()),"
        " edges: cy.edges(':visible').map((e) => [e.source().id(), e.target().id()]) })"
    )
    assert not hidden & set(shown_on_canvas["nodes"])
    assert f"Cylinder:{CYLINDER}" in shown_on_canvas["nodes"]  # not an event: always shown
    assert shown_on_canvas["edges"]
    assert not any(set(e) & hidden for e in shown_on_canvas["edges"])
    await page.screenshot(path=screenshot_path("explorer-timeline.png"), full_page=True)

    # In English the range and the hidden events stay as they were; "All dates" shows them all.
    await page.click("a.switch")
    await expect(page.locator("#slicer-count")).to_have_text(
        f"{total - len(hidden)} of {total} events shown"
    )
    assert {i for i, _, sliced in await _listed(page) if sliced} == hidden
    await page.click("#slicer-reset")
    await expect(page.locator("#slicer-count")).to_have_text(f"{total} of {total} events shown")
    await page.screenshot(path=screenshot_path("explorer-timeline-en.png"), full_page=True)
    await context.close()


async def test_a_cylinder_opens_its_timeline_with_its_flags_in_chinese_and_english(
    hub: Hub, browser: Browser
) -> None:
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1300, "height": 1200})
    page = await context.new_page()
    await sign_in(page, hub, "case T-2026-21")
    await _open(page, CYLINDER, f"Cylinder:{CYLINDER}")
    await page.click("#trace")
    view = page.locator("#view.cylinder-view")
    await expect(view.locator("h2")).to_have_text(f"气瓶履历 · {CYLINDER}", timeout=20_000)
    await expect(view.locator(".summary")).to_contain_text("下次检验")
    entries = view.locator("ol.timeline li.entry")
    assert await entries.count() >= 4
    times = await view.locator("ol.timeline time").all_inner_texts()
    assert times
    assert all(DATE.fullmatch(t) for t in times), times
    assert times == sorted(times)  # oldest first
    flagged = await view.locator("li.flagged .flag").all_inner_texts()
    assert any("向未实名登记用户配送" in f or "非产权单位充装" in f for f in flagged), flagged
    # Who filled it at which station, who delivered it with which vehicle to which household.
    await expect(view.locator('li[data-kind="FILLED"]').first).to_contain_text("充装站")
    delivered = view.locator('li[data-kind="DELIVERED"]').first
    await expect(delivered).to_contain_text("驾驶员")
    await expect(delivered.locator("a.party")).not_to_have_count(0)
    await page.screenshot(path=screenshot_path("explorer-cylinder-view.png"), full_page=True)
    # A household in the view opens on the canvas.
    household = view.locator('a.party[data-id^="Household:"]').first
    target = await household.get_attribute("data-id")
    await household.click()
    await expect(page.locator(f'#node-list a[data-id="{target}"]')).to_have_count(1, timeout=20_000)

    await page.click("a.switch")
    await page.locator(f'#node-list a[data-id="Cylinder:{CYLINDER}"]').click()
    await page.click("#trace")
    await expect(view.locator("h2")).to_have_text(f"Cylinder trace · {CYLINDER}", timeout=20_000)
    flagged = await view.locator("li.flagged .flag").all_inner_texts()
    assert any("unregistered household" in f or "outside its owner" in f for f in flagged)
    await expect(view.locator('li[data-kind="FILLED"]').first).to_contain_text("Station")
    await page.click("#close-view")
    await expect(page.locator("#view")).to_be_hidden()
    await context.close()


async def _failed_then_shipped(tx: AsyncManagedTransaction) -> list[str]:
    result = await tx.run(
        "MATCH (t:BatchTest {result: 'FAIL'})-[:OF]->(p:Product)<-[:OF]-(s:Shipment) "
        "WHERE s.time > t.time RETURN p.traceCode AS code ORDER BY code LIMIT 1"
    )
    return [r["code"] async for r in result]


async def test_a_food_batch_opens_its_chain_from_producer_to_shops_with_its_flags(
    hub: Hub, browser: Browser, graph: Graph
) -> None:
    [code] = await graph.read(_failed_then_shipped)
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1200})
    page = await context.new_page()
    await sign_in(page, hub, "case T-2026-22")
    await _open(page, code, f"Product:{code}")
    await page.click("#chain")
    view = page.locator("#view.product-view")
    await expect(view.locator("h2")).to_contain_text("追溯链条 · ", timeout=20_000)
    await expect(view.locator("h2")).to_contain_text(code)
    stages = await view.locator(".stage h3").all_inner_texts()
    assert stages == ["生产单位", "入市检测", "流通发货", "市场", "门店与销售"]
    producer = view.locator('[data-stage="producer"] a.node-link')
    await expect(producer).to_have_count(1)
    await expect(view.locator('[data-stage="tests"] li.flagged')).to_contain_text("不合格")
    late = view.locator('[data-stage="shipments"] li.flagged')
    await expect(late.first).to_contain_text("检测不合格后仍发货")
    await expect(view.locator('[data-stage="markets"] li')).not_to_have_count(0)
    await expect(view.locator(".product-flags")).to_contain_text("检测不合格后仍发货")
    times = await view.locator(".chain time").all_inner_texts()
    assert times
    assert all(DATE.fullmatch(t) for t in times), times
    await page.screenshot(path=screenshot_path("explorer-product-view.png"), full_page=True)
    # The producer opens on the canvas.
    target = await producer.get_attribute("data-id")
    await producer.click()
    await expect(page.locator(f'#node-list a[data-id="{target}"]')).to_have_count(1, timeout=20_000)

    await page.click("a.switch")
    await page.locator(f'#node-list a[data-id="Product:{code}"]').click()
    await page.click("#chain")
    await expect(view.locator(".stage h3")).to_have_text(
        ["Producer", "Market-entry tests", "Shipments", "Markets", "Shops and sales"],
        timeout=20_000,
    )
    await expect(late.first).to_contain_text("Shipped after a failed test")
    await page.screenshot(path=screenshot_path("explorer-product-view-en.png"), full_page=True)
    await context.close()


async def _busiest_station(tx: AsyncManagedTransaction) -> list[tuple[str, str, int]]:
    result = await tx.run(
        "MATCH (e:Enterprise {kind: 'FILLING_STATION'})<-[:AT]-(f:Filling) "
        "RETURN e.uscc AS uscc, e.name AS name, count(f) AS n ORDER BY n DESC, uscc LIMIT 1"
    )
    return [(r["uscc"], r["name"], r["n"]) async for r in result]


async def test_a_searched_station_brings_its_many_fillings_as_one_group_around_it(
    hub: Hub, browser: Browser, graph: Graph
) -> None:
    [(uscc, name, fillings)] = await graph.read(_busiest_station)
    assert fillings > 8  # more than one bundle's worth
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    await sign_in(page, hub, "case T-2026-23")
    await _open(page, name, f"Enterprise:{uscc}")
    bundle = f"bundle:Enterprise:{uscc}:Filling"
    await page.wait_for_function(f"() => cy.getElementById('{bundle}').length === 1")
    assert not await page.locator('#node-list a[data-id^="Filling:"]').count()
    label = await page.evaluate(f"() => cy.getElementById('{bundle}').data('label')")
    assert label.startswith("充装 \u00d7 ")
    # A tap opens the group: its fillings join the canvas.
    await page.evaluate(f"() => cy.getElementById('{bundle}').emit('tap')")
    await expect(page.locator('#node-list a[data-id^="Filling:"]')).not_to_have_count(0)
    opened = await page.locator('#node-list a[data-id^="Filling:"]').count()
    assert int(label.split("\u00d7 ")[1]) == opened
    await context.close()
