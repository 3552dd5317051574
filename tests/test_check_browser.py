"""/check in a real browser on an emulated phone (Debian's Chromium, Playwright's Pixel 7
profile: viewport, touch, device scale, mobile user agent): a valid, an overdue, an unknown and a
mistyped cylinder code, a product, and a printed label read back by the page's own QR library."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import LiteralString

import pytest
from PIL import Image
from playwright.async_api import Browser, BrowserContext, FilePayload, Page, Playwright, expect

from graph_seed.world import RECORDED_BY
from hub.config import Settings
from hub.graph.driver import Graph
from tests.browser_support import ARGS, chromium, needs_chromium, screenshot_path, serve_hub
from tests.graphql import cypher, scalar

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
        # A seeded cylinder: other tests' and benchmarks' own (their stations have no service
        # phone) may sort first.
        "MATCH (c:Cylinder {recordedBy: $seed}) WHERE "
        + where
        + " RETURN c.code AS code ORDER BY code LIMIT 1",
        today=graph.clock.today(),
        seed=RECORDED_BY,
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
    station_phone = await scalar(
        graph, "MATCH (:Cylinder {code: $c})-[:OWNED_BY]->(o) RETURN o.servicePhone", c=code
    )
    page = await phone.new_page()
    assert await _check(page, served, code) == "OVERDUE"
    await expect(page.locator("#verdict")).to_contain_text("请勿使用")
    await expect(page.locator(".todo")).to_contain_text("12315")
    # The owner station's service line, one tap away on a phone.
    call = page.locator("#call-owner a")
    await expect(call).to_have_text(station_phone)
    assert await call.get_attribute("href") == "tel:" + station_phone.replace("-", "")
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
    report = page.locator(".todo a", has_text="Report online")  # the whistleblowers' page
    await expect(report).to_have_attribute("href", "/tip?lang=en")
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


async def test_the_live_camera_reads_a_label_held_up_to_it(
    served: str, graph: Graph, tmp_path: Path, pw_browser: tuple[Playwright, Browser]
) -> None:
    """Chromium's fake camera plays a video of the label (MJPEG frames made with Pillow, which
    fpdf2 brings); the page's live scanner reads it and checks the code."""
    code = await _code(graph, "c.status = 'OVERDUE'")
    pw, browser = pw_browser
    shooter = await browser.new_page()
    await shooter.goto(f"{served}/check/label/{code}.svg")
    label = Image.open(io.BytesIO(await shooter.locator("svg").first.screenshot(type="png")))
    await shooter.close()
    frame = Image.new("RGB", (640, 480), "white")
    label.thumbnail((400, 400))
    frame.paste(label.convert("RGB"), ((640 - label.width) // 2, (480 - label.height) // 2))
    video = tmp_path / "label.mjpeg"
    with video.open("wb") as out:
        for _ in range(10):
            frame.save(out, format="JPEG", quality=90)
    camera_args = [
        *ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    async with chromium(camera_args) as (_, with_camera):
        context = await with_camera.new_context(
            **pw.devices[PHONE], locale="zh-CN", timezone_id=ZONE, permissions=["camera"]
        )
        page = await context.new_page()
        await page.goto(served + "/check")
        await page.click("#scan")
        verdict = page.locator("#verdict")  # the camera starts, then frames are read in turn
        # A bound, not a timing: at load 10 with the suite's other browsers, Chromium's fake
        # camera and the decoder once needed more than 20 s to read the first frame.
        await expect(verdict).to_have_attribute("data-verdict", "OVERDUE", timeout=60_000)
        await expect(page.locator("#code")).to_have_value(code)
        await expect(page.locator("#camera")).to_be_hidden()  # the camera stops once read
        await context.close()
