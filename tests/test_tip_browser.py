# ruff: noqa: RUF001  (Chinese text uses full-width punctuation on purpose)
"""/tip in a real browser on an emulated phone (Debian's Chromium, Playwright's Pixel 7): a person
submits a tip, keeps the claim code, later reads market regulation's question, answers it and
claims a reward granted and approved by two different officials."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Playwright, expect

from hub.config import Settings
from hub.graph.driver import Graph
from tests.browser_support import chromium, needs_chromium, screenshot_path, serve_hub
from tests.graphql import principal_header, scalar

pytestmark = needs_chromium
PHONE = "Pixel 7"
OFFICIAL_A = principal_header("market", scopes="graph:read graph:write", sub="official-a")
OFFICIAL_B = principal_header("market", scopes="graph:read graph:write", sub="official-b")


@pytest.fixture(scope="module")
def served(settings: Settings, tiny_seed: object) -> Iterator[str]:
    with serve_hub(settings.model_copy(update={"hub_tip_submit_per_window": 1000})) as base:
        yield base


@pytest.fixture(scope="module")
async def pw_browser() -> AsyncIterator[tuple[Playwright, Browser]]:
    async with chromium() as launched:
        yield launched


@pytest.fixture
async def phone(pw_browser: tuple[Playwright, Browser]) -> AsyncIterator[BrowserContext]:
    pw, browser = pw_browser
    context = await browser.new_context(
        **pw.devices[PHONE], locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    yield context
    await context.close()


async def _as(base: str, headers: dict[str, str], query: str, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base) as http:
        response = await http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


async def test_a_person_reports_follows_answers_and_claims_without_a_face(
    served: str, phone: BrowserContext, graph: Graph
) -> None:
    page = await phone.new_page()
    requests: list[dict[str, str]] = []
    page.on("request", lambda r: requests.append(r.headers) if "/graphql" in r.url else None)
    await page.goto(served + "/tip")
    await expect(page.locator("h1")).to_have_text("吹哨人举报")
    await page.select_option("#category", "UNLICENSED_KITCHEN")
    await page.select_option("#channel", "INSIDER")
    await page.fill("#concernsName", "某某小厨")
    text = "后厨没有许可证，老板电话13812345678"
    await page.fill("#text", text)
    await page.click("#send")
    await expect(page.locator("#numbers-warning")).to_be_visible()  # flagged before sending
    assert requests == []
    await page.screenshot(path=screenshot_path("tip-warning.png"), full_page=True)
    await page.click("#send")
    code = (await page.locator("#claim-code").inner_text()).strip()
    assert len(code) == 23
    await page.screenshot(path=screenshot_path("tip-claim-code.png"), full_page=True)
    assert all("authorization" not in h for h in requests)

    tip_id = await scalar(graph, "MATCH (t:Tip {text: $x}) RETURN t.id", x=text)
    masked = await scalar(graph, "MATCH (t:Tip {id: $id}) RETURN t.textMasked", id=tip_id)
    assert "138****5678" in masked
    triage = """mutation($i: [TipTriageInput!]!) { triageTips(items: $i) { ok } }"""
    item = {"tipId": tip_id, "status": "SUBSTANTIATED", "question": "后厨在哪一层？"}
    await _as(served, OFFICIAL_A, triage, i=[item])

    await page.goto(served + "/tip?view=follow")
    await page.fill("#code", code[:-1] + ("A" if code[-1] != "A" else "B"))  # a typo first
    await page.click("#look")
    await expect(page.locator("#follow-result")).to_contain_text("领奖码有误")
    await page.fill("#code", code.lower())
    await page.click("#look")
    await expect(page.locator("#status")).to_have_attribute("data-status", "SUBSTANTIATED")
    await expect(page.locator("#messages")).to_contain_text("后厨在哪一层？")
    await page.fill("#answer", "二楼")
    await page.click("#send-answer")
    await expect(page.locator("#messages")).to_contain_text("二楼")

    grant = """mutation($t: String!) { grantReward(tip: $t, amountYuan: 800, reason: "属实") {
        rewardId } }"""
    reward = (await _as(served, OFFICIAL_A, grant, t=tip_id))["data"]["grantReward"]["rewardId"]
    approve = "mutation($r: String!) { approveReward(reward: $r) { status } }"
    await _as(served, OFFICIAL_B, approve, r=reward)
    await page.click("#look")
    await expect(page.locator("#rewards li")).to_have_attribute("data-status", "APPROVED")
    await page.fill("#payout", "支付宝 reporter-pay-123")
    await page.screenshot(path=screenshot_path("tip-follow.png"), full_page=True)
    await page.click("#claim")
    await expect(page.locator("#rewards li")).to_have_attribute("data-status", "CLAIMED")
    assert all("authorization" not in h for h in requests)
    sealed = await scalar(graph, "MATCH (r:Reward {id: $id}) RETURN r.payoutSealed", id=reward)
    assert "reporter-pay-123" not in sealed


async def test_the_page_speaks_english_on_request(served: str, phone: BrowserContext) -> None:
    page = await phone.new_page()
    await page.goto(served + "/tip?lang=en")
    await expect(page.locator("h1")).to_have_text("Report a problem")
    await expect(page.locator("#send")).to_have_text("Send the tip")
