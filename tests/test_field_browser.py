"""/field in a real browser on an emulated phone (Debian's Chromium, Playwright's Pixel 7
profile): an inspector signs in with PKCE, reads a cylinder's label with the page's own QR
library, sees its status and flags, seizes it; and a seizure made offline is kept on the phone and
sent once when the network returns. The cylinders are this module's own copies of a seeded one."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest
from neo4j import AsyncManagedTransaction
from playwright.async_api import (
    Browser,
    BrowserContext,
    FilePayload,
    Page,
    Playwright,
    Request,
    Route,
    expect,
)

from hub.config import Settings
from hub.graph import alert_repo
from hub.graph.driver import Graph
from hub.linkage.firing import Firing
from hub.oauth import admin, registry
from tests.browser_support import chromium, needs_chromium, screenshot_path, serve_hub
from tests.graphql import cypher

pytestmark = needs_chromium
PHONE = "Pixel 7"
ZONE = "Asia/Shanghai"
SCOPES = "graph:read graph:write"


@dataclass(frozen=True)
class Hub:
    base: str
    username: str
    password: str


@pytest.fixture(scope="module")
def served(settings: Settings) -> Iterator[str]:
    with serve_hub(settings) as base:
        yield base


@pytest.fixture(scope="module")
async def hub(served: str, graph: Graph, tiny_seed: object) -> AsyncIterator[Hub]:
    suffix = secrets.token_hex(4)
    client = await admin.add_client(
        graph, f"t-field-{suffix}", "market", SCOPES, redirect_uris=(served + "/field",)
    )
    password = secrets.token_urlsafe(16)
    user = await admin.add_user(graph, f"t-inspector-{suffix}", "market", SCOPES, password)
    yield Hub(served, user.username, password)
    await graph.write(registry.delete_client, client.client.client_id)
    await graph.write(registry.delete_user, user.username)


async def _copy_overdue_cylinder(tx: AsyncManagedTransaction, code: str, now: datetime) -> None:
    """A cylinder of this test's own: the properties and links of a seeded overdue one, with a
    filling while overdue, so that seizing it touches nothing another test reads."""
    await tx.run(
        "MATCH (o:Cylinder {status: 'OVERDUE'})-[:OWNED_BY]->(e) WITH o, e ORDER BY o.code LIMIT 1 "
        "CREATE (c:Cylinder) SET c = o {.*, code: $code} CREATE (c)-[:OWNED_BY]->(e) "
        "CREATE (:Filling {eventId: $code + '-f', time: $now - duration('P2D'), quantityKg: 14.5})"
        "-[:OF]->(c) "
        "WITH c, e MATCH (f:Filling {eventId: $code + '-f'}) CREATE (f)-[:AT]->(e)",
        code=code,
        now=now,
    )


async def _raise_alert(tx: AsyncManagedTransaction, code: str, now: datetime) -> None:
    """An open alert about the cylinder, as the scan raises it."""
    firing = Firing("OVERDUE_AT_HOUSEHOLD", ("Cylinder", code), now, {"Cylinder": [code]})
    await alert_repo.raise_alerts(tx, [firing.row()], "t-field", now)


async def _delete_cylinder(tx: AsyncManagedTransaction, code: str) -> None:
    await tx.run(
        "MATCH (c:Cylinder {code: $code}) OPTIONAL MATCH (c)<-[:OF]-(e) "
        "OPTIONAL MATCH (a:Alert)-[:ABOUT]->(c) DETACH DELETE c, e, a",
        code=code,
    )


@pytest.fixture
async def cylinder(graph: Graph, hub: Hub) -> AsyncIterator[str]:
    code = "T-FIELD-" + secrets.token_hex(4).upper()
    await graph.write(_copy_overdue_cylinder, code, graph.clock.now())
    yield code
    await graph.write(_delete_cylinder, code)


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


async def _sign_in(page: Page, hub: Hub) -> None:
    await page.goto(hub.base + "/field")
    await page.click("#sign-in")
    await page.fill("#username", hub.username)
    await page.fill("#password", hub.password)
    await page.click("button[type=submit]")
    await page.wait_for_selector("#code")
    await expect(page.locator("#account")).to_contain_text(hub.username)


async def _label_photo(context: BrowserContext, base: str, code: str) -> FilePayload:
    label = await context.new_page()
    await label.goto(f"{base}/check/label/{code}.svg")
    photo = await label.locator("svg").first.screenshot(type="png")
    await label.close()
    return {"name": "label.png", "mimeType": "image/png", "buffer": photo}


async def _status(graph: Graph, code: str) -> tuple[str, str | None]:
    [row] = await cypher(
        graph,
        "MATCH (c:Cylinder {code: $c}) RETURN c.status AS status, c.statusReason AS reason",
        c=code,
    )
    return row["status"], row["reason"]


def _count_writes(page: Page) -> list[str]:
    """The seizures the hub answered (a request that never left the phone is not counted)."""
    sent: list[str] = []
    page.on(
        "requestfinished",
        lambda r: (
            sent.append(r.url)
            if r.url.endswith("/graphql") and "setCylinderStatus" in (r.post_data or "")
            else None
        ),
    )
    return sent


async def test_an_inspector_scans_a_label_sees_the_flags_and_seizes_the_cylinder(
    hub: Hub, phone: BrowserContext, graph: Graph, cylinder: str
) -> None:
    page = await phone.new_page()
    await _sign_in(page, hub)
    await page.set_input_files("#photo", files=[await _label_photo(phone, hub.base, cylinder)])
    card = page.locator("#cylinder")
    await expect(card).to_have_attribute("data-status", "OVERDUE")
    await expect(page.locator("#code")).to_have_value(cylinder)
    await expect(page.locator("#flags")).to_contain_text("超期未检仍充装")
    await expect(page.locator("#alerts")).to_contain_text("暂无未处理的预警")
    await graph.write(_raise_alert, cylinder, graph.clock.now())
    await page.fill("#code", cylinder)
    await page.click("#look-up button")  # looked up again: the open alert about it is listed
    await expect(page.locator("#alerts li[data-rule=OVERDUE_AT_HOUSEHOLD]")).to_contain_text(
        "超期气瓶仍在用户处"
    )
    await page.fill("#reason", "超期未检仍在使用")
    await page.click("#seize")
    item = page.locator("#queue .item").first
    await expect(item).to_have_attribute("data-state", "accepted")
    assert await _status(graph, cylinder) == ("SEIZED", "超期未检仍在使用")
    await expect(card).to_have_attribute("data-status", "SEIZED")
    await page.screenshot(path=screenshot_path("field-seized.png"), full_page=True)


def _seizure_event_ids(page: Page) -> list[str]:
    """The eventId of every seizure the phone sends (answered or not)."""
    ids: list[str] = []

    def seen(request: Request) -> None:
        body = request.post_data or ""
        if request.url.endswith("/graphql") and "setCylinderStatus" in body:
            ids.extend(item["eventId"] for item in json.loads(body)["variables"]["items"])

    page.on("request", seen)
    return ids


async def test_a_seizure_made_offline_is_sent_once_when_the_network_returns(
    hub: Hub, phone: BrowserContext, graph: Graph, cylinder: str
) -> None:
    page = await phone.new_page()
    await _sign_in(page, hub)
    sent = _count_writes(page)
    event_ids = _seizure_event_ids(page)
    await phone.set_offline(True)
    await page.fill("#code", cylinder)
    await page.click("#look-up button")
    await expect(page.locator("#offline-read")).to_be_visible()
    await page.fill("#reason", "离线扣押")
    await page.click("#seize")
    item = page.locator("#queue .item").first
    await expect(item).to_have_attribute("data-state", "pending")
    await expect(page.locator("#network")).to_have_class("offline")
    await page.screenshot(path=screenshot_path("field-offline.png"), full_page=True)
    assert await _status(graph, cylinder) == ("OVERDUE", None)
    assert event_ids == []  # nothing left the phone
    # The network returns, and the hub's answer to the first send is lost on the way back.
    lost = asyncio.Event()

    async def lose_the_answer(route: Route) -> None:
        if "setCylinderStatus" in (route.request.post_data or "") and not lost.is_set():
            answer = await route.fetch()  # the hub records it; the phone never hears back
            assert '"ok":true' in await answer.text()
            await route.abort("internetdisconnected")
            lost.set()
        else:
            await route.continue_()

    await page.route("**/graphql", lose_the_answer)
    await phone.set_offline(False)
    await asyncio.wait_for(lost.wait(), timeout=10)
    await expect(item).to_have_attribute("data-state", "pending")
    assert await _status(graph, cylinder) == ("SEIZED", "离线扣押")
    await page.unroute("**/graphql")
    await page.reload()  # the page sends what is pending when it starts: the same eventId
    item = page.locator("#queue .item").first
    await expect(item).to_have_attribute("data-state", "accepted")
    await expect(item).to_contain_text("此前已记录")  # answered `replayed`
    assert len(event_ids) == 2
    assert event_ids[0] == event_ids[1]
    assert event_ids[0].startswith("field-seize-")
    changes = await cypher(
        graph,
        "MATCH (e:StatusChange)-[:OF]->(:Cylinder {code: $c}) RETURN e.eventId AS id, "
        "e.status AS status, e.changed AS changed",
        c=cylinder,
    )
    assert changes == [{"id": event_ids[0], "status": "SEIZED", "changed": True}]  # once
    assert await _status(graph, cylinder) == ("SEIZED", "离线扣押")
    assert len(sent) == 1  # the lost one never finished; the resend did
    await page.reload()  # what was accepted is never sent again
    await expect(page.locator("#queue .item").first).to_have_attribute("data-state", "accepted")
    assert len(event_ids) == 2
    await page.screenshot(path=screenshot_path("field-online-again.png"), full_page=True)


async def test_an_inspection_whose_answer_was_lost_is_resent_and_recorded_once(
    hub: Hub, phone: BrowserContext, graph: Graph, cylinder: str
) -> None:
    page = await phone.new_page()
    await _sign_in(page, hub)
    await page.fill("#code", cylinder)
    await page.click("#look-up button")
    await expect(page.locator("#cylinder")).to_be_visible()

    lost = asyncio.Event()

    async def lose_the_answer(route: Route) -> None:
        if "recordInspections" in (route.request.post_data or ""):
            answer = await route.fetch()  # the hub records it; the phone never hears back
            assert '"ok":true' in await answer.text()
            await route.abort("internetdisconnected")
            lost.set()
        else:
            await route.continue_()

    await page.route("**/graphql", lose_the_answer)
    await page.click("#inspect-box summary")
    await page.select_option("#agency", index=1)
    await page.select_option("#result", "PASS")
    await page.click("#inspect")
    await asyncio.wait_for(lost.wait(), timeout=10)
    item = page.locator("#queue .item").first
    await expect(item).to_have_attribute("data-state", "pending")
    inspections = "MATCH (:Cylinder {code: $c})<-[:OF]-(i:Inspection) RETURN count(i) AS n"
    assert (await cypher(graph, inspections, c=cylinder))[0]["n"] == 1
    await page.unroute("**/graphql")
    await page.reload()  # the page sends what is pending when it starts
    item = page.locator("#queue .item").first
    await expect(item).to_have_attribute("data-state", "accepted")
    await expect(item).to_contain_text("此前已记录")
    assert (await cypher(graph, inspections, c=cylinder))[0]["n"] == 1
