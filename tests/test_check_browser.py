"""/check in a real browser on an emulated phone (Debian's Chromium, Playwright's Pixel 7
profile: viewport, touch, device scale, mobile user agent): a valid, an overdue, an unknown and a
mistyped cylinder code, a product, and a printed label read back by the page's own QR library."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import LiteralString

import pytest
from playwright.async_api import Browser, BrowserContext, FilePayload, Page, Playwright, expect

from hub.config import Settings
from hub.graph.driver import Graph
from tests.browser_support import chromium, needs_chromium, screenshot_path, serve_hub
from tests.graphql import cypher

pytestmark = needs_chromium
PHONE = "Pixel 7"
ZONE = "Asia/Shanghai"


@pytest.fixture(scope="module")
def served(settings: Settings, tiny_seed: object) -> Iterator[str]:
    with serve_hub(settings) as base:
        yield base


@pytest.fixture(scope="module")
async def pw_browser() -> AsyncIterator[tuple[Playwright, Browser]]:
    async with chromium() as launched:
        yield launched


@pytest.fixture
async def phone(pw_browser: tuple[Playwright, Browser]) -> AsyncIterator[BrowserContext]:
    pw, browser = pw_browser
    context = await browser.new_context(**pw.devices[PHONE], locale="zh-CN", timezone_id=ZONE)
    yield context
    await context.close()


async def _code(graph: Graph, where: LiteralString) -> str:
    rows = await cypher(
        graph,
        "MATCH (c:Cylinder) WHERE " + where + " RETURN c.code AS code ORDER BY code LIMIT 1",
        today=graph.clock.today(),
    )
    return str(rows[0]["code"])


async def _check(page: Page, base: str, code: str) -> str:
    await page.goto(base + "/check")
    await page.fill("#code", code)
    await page.click("#check")
    verdict = page.locator("#verdict")
    await expect(verdict).to_be_visible()
    return str(await verdict.get_attribute("data-verdict"))


async def test_a_valid_cylinder_shows_its_next_inspection_and_owner_station(
    served: str, phone: BrowserContext, graph: Graph
) -> None:
    code = await _code(
        graph, "c.status = 'IN_SERVICE' AND c.nextInspection > $today + duration('P40D')"
    )
    [row] = await cypher(
        graph,
        "MATCH (c:Cylinder {code: $c})-[:OWNED_BY]->(o) "
        "RETURN o.name AS owner, toString(c.nextInspection) AS next",
        c=code,
    )
    page = await phone.new_page()
    assert await _check(page, served, code) == "VALID"
    result = page.locator("#result")
    await expect(result).to_contain_text(row["owner"])
    await expect(result).to_contain_text(row["next"])
    await expect(page.locator("#verdict")).to_contain_text("合格")
    assert (await page.evaluate("window.innerWidth")) <= 420
    await page.screenshot(path=screenshot_path("check-valid.png"), full_page=True)


async def test_an_overdue_cylinder_says_do_not_use_it(
    served: str, phone: BrowserContext, graph: Graph
) -> None:
    code = await _code(graph, "c.status = 'OVERDUE'")
    page = await phone.new_page()
    assert await _check(page, served, code) == "OVERDUE"
    await expect(page.locator("#verdict")).to_contain_text("请勿使用")
    await expect(page.locator(".todo")).to_contain_text("12315")
    await page.screenshot(path=screenshot_path("check-overdue.png"), full_page=True)


async def test_an_unknown_code_is_not_registered_in_english_on_request(
    served: str, pw_browser: tuple[Playwright, Browser]
) -> None:
    pw, browser = pw_browser
    context = await browser.new_context(
        **pw.devices[PHONE], locale="en-US", extra_http_headers={"Accept-Language": "en"}
    )
    page = await context.new_page()
    assert await _check(page, served, "FZ9999999999") == "NOT_REGISTERED"
    assert await page.title() == "Cylinder and food check · Fuzhou"
    await expect(page.locator("#verdict")).to_contain_text("Not registered")
    await expect(page.locator(".todo")).to_contain_text("do not use it")
    await expect(page.locator(".todo")).to_contain_text("not open yet")  # no tip channel yet
    await page.screenshot(path=screenshot_path("check-unknown-en.png"), full_page=True)
    await context.close()


async def test_a_mistyped_code_is_caught_before_any_lookup(
    served: str, phone: BrowserContext
) -> None:
    page = await phone.new_page()
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/graphql") else None)
    assert await _check(page, served, "FZ0000/00001") == "MALFORMED"
    await expect(page.locator("#verdict")).to_contain_text("编码格式错误")
    assert asked == []
    await page.screenshot(path=screenshot_path("check-mistyped.png"), full_page=True)


async def test_a_product_shows_origin_test_every_step_and_the_shops(
    served: str, phone: BrowserContext, graph: Graph
) -> None:
    [row] = await cypher(
        graph,
        "MATCH (p:Product)<-[:OF]-(t:BatchTest {result: 'PASS'}) "
        "WHERE EXISTS { (p)<-[:OF]-(:Shipment)-[:TO]->(:Enterprise {kind: 'SUPERMARKET'}) } "
        "MATCH (p)-[:PRODUCED_BY]->(e) "
        "RETURN p.traceCode AS code, p.originCertificate AS cert, e.name AS producer, "
        "COUNT { (p)<-[:OF]-(:Shipment) } AS steps ORDER BY code LIMIT 1",
    )
    page = await phone.new_page()
    assert await _check(page, served, row["code"]) == "PASSED"
    result = page.locator("#result")
    await expect(result).to_contain_text(row["cert"])
    await expect(result).to_contain_text(row["producer"])
    await expect(page.locator("#steps li")).to_have_count(row["steps"])
    await expect(page.locator("#shops")).to_contain_text("超市")
    await page.screenshot(path=screenshot_path("check-product.png"), full_page=True)


async def test_a_printed_label_read_back_by_the_page_lands_on_its_verdict(
    served: str, phone: BrowserContext, graph: Graph
) -> None:
    code = await _code(graph, "c.status = 'OVERDUE'")
    label = await phone.new_page()
    await label.goto(f"{served}/check/label/{code}.svg")
    photo = await label.locator("svg").first.screenshot(type="png")  # as a camera would see it
    page = await phone.new_page()
    await page.goto(served + "/check")
    shot: FilePayload = {"name": "label.png", "mimeType": "image/png", "buffer": photo}
    await page.set_input_files("#photo", files=[shot])
    await label.screenshot(path=screenshot_path("check-label.png"))
    verdict = page.locator("#verdict")
    await expect(verdict).to_have_attribute("data-verdict", "OVERDUE")
    await expect(page.locator("#code")).to_have_value(code)
    assert page.url.startswith(served + "/check?code=" + code)
