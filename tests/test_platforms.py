"""Platforms as sentinels against the real graph: a platform's own client lists shops, checked
against the registry; an unlicensed one raises a notice; the platform reads and acknowledges its
notices and no one else's; an unacknowledged one escalates after its deadline."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any, LiteralString

import httpx
import pytest
from neo4j import AsyncManagedTransaction

from graph_seed.generate import Generation
from hub.graph.driver import Graph
from hub.identifiers import make_uscc
from hub.linkage import whistleblowing
from tests.graphql import cypher, error_codes, principal_header
from tests.oauth_support import Registrar, token_for
from tests.whistle_support import call, whistle_client

REGISTER = """mutation($i: [PlatformShopInput!]!) { registerPlatformShops(items: $i) {
    shopId shopKey licensed notice } }"""
NOTICES = """query($f: NoticeFilter) { notices(filter: $f, first: 50) { totalCount edges { node {
    noticeId kind status deadline issuedBy about { shopId name } } } } }"""
ACK = """mutation($i: [AcknowledgeInput!]!) { acknowledgeNotices(items: $i) {
    index ok errors { field message } } }"""
ISSUE = """mutation($i: [NoticeInput!]!) { issueNotice(items: $i) { ok id errors { field } } }"""
SIGNALS = """mutation($i: [PlatformSignalInput!]!) { reportPlatformSignals(items: $i) { ok } }"""
MARKET = principal_header("market", scopes="graph:read graph:write", sub="official-a")


def _uscc() -> str:
    return make_uscc("91350100MA" + "".join(secrets.choice("0123456789") for _ in range(7)))


async def _create(tx: AsyncManagedTransaction, query: LiteralString, rows: list[Any]) -> None:
    await (await tx.run(query, rows=rows)).consume()


@pytest.fixture
async def world(graph: Graph, tiny_seed: Generation) -> dict[str, Any]:
    """Two platforms, a licensed restaurant and one whose licence has expired."""
    today = graph.clock.today()
    w = {"platform": _uscc(), "other": _uscc(), "good": _uscc(), "expired": _uscc()}
    rows = [
        {"uscc": w["platform"], "kind": "DELIVERY_PLATFORM", "no": None, "exp": None},
        {"uscc": w["other"], "kind": "DELIVERY_PLATFORM", "no": None, "exp": None},
        {"uscc": w["good"], "kind": "RESTAURANT", "no": "JY1", "exp": today + timedelta(days=90)},
        {"uscc": w["expired"], "kind": "RESTAURANT", "no": "JY2", "exp": today - timedelta(days=1)},
    ]
    await graph.write(
        _create,
        "UNWIND $rows AS r CREATE (e:Enterprise {uscc: r.uscc, name: 'test ' + r.uscc, "
        "kind: r.kind, district: '350102', licenceNo: r.no, licenceExpiry: r.exp, "
        "recordedBy: 't-platforms'})",
        rows,
    )
    return w


@pytest.fixture(scope="module")
async def http(tiny_seed: Generation) -> AsyncIterator[httpx.AsyncClient]:
    async with whistle_client("198.51.100.81") as client:
        yield client


def _platform(uscc: str) -> dict[str, str]:
    return principal_header("platform", scopes="graph:read graph:write", enterprise=uscc)


async def _alerts(
    graph: Graph, rule: str, label: str, platform: str
) -> dict[str, tuple[list[str], str | None, int]]:
    """The `rule` alerts about a `label` node that concern `platform`: key -> (departments,
    addressee, occurrences)."""
    rows = await cypher(
        graph,
        "MATCH (a:Alert {rule: $rule})-[:ABOUT]->(n) WHERE $label IN labels(n) "
        "AND EXISTS { (a)-[:ABOUT]->(:Enterprise {uscc: $platform}) } "
        "RETURN n.id AS key, a.departments AS d, a.enterprise AS e, a.occurrences AS o",
        rule=rule, label=label, platform=platform,
    )  # fmt: skip
    return {r["key"]: (r["d"], r["e"], r["o"]) for r in rows}


async def test_the_whole_sentinel_loop_with_the_platforms_own_oauth_client(
    http: httpx.AsyncClient, graph: Graph, world: dict[str, Any]
) -> None:
    reg = Registrar(graph)
    try:
        new = await reg.client("platform", "graph:read graph:write", enterprise=world["platform"])
        headers = {"Authorization": "Bearer " + await token_for(http, new)}
        shops = [
            {"shopId": "s1", "name": "好味小厨", "uscc": world["good"], "licenceNo": "JY1"},
            {"shopId": "s2", "name": "过期小馆", "uscc": world["expired"], "licenceNo": "JY2"},
            {"shopId": "s3", "name": "无名小店", "uscc": _uscc(), "licenceNo": "JY9"},
            {"shopId": "s4", "name": "错证小店", "uscc": world["good"], "licenceNo": "JY-X"},
        ]
        body = await call(http, REGISTER, {"i": shops}, headers)
        listed = {r["shopId"]: r for r in body["data"]["registerPlatformShops"]}
        assert {k: v["licensed"] for k, v in listed.items()} == {
            "s1": True, "s2": False, "s3": False, "s4": False
        }  # fmt: skip
        assert listed["s1"]["notice"] is None
        assert all(listed[s]["notice"] for s in ("s2", "s3", "s4"))
        again = await call(http, REGISTER, {"i": shops[1:2]}, headers)  # one open notice is enough
        assert again["data"]["registerPlatformShops"][0]["notice"] is None
        # Each notice raised is an alert to market regulation, once.
        raised = await _alerts(graph, "UNLICENSED_SHOP", "PlatformShop", world["platform"])
        assert raised == {listed[s]["shopKey"]: (["market"], None, 1) for s in ("s2", "s3", "s4")}

        seen = (await call(http, NOTICES, {"f": {"status": ["OPEN"]}}, headers))["data"]
        notices = {e["node"]["about"]["shopId"]: e["node"] for e in seen["notices"]["edges"]}
        assert set(notices) == {"s2", "s3", "s4"}
        assert notices["s2"]["issuedBy"] == "rule:UNLICENSED_SHOP"
        first = notices["s2"]["noticeId"]
        acked = await call(http, ACK, {"i": [{"noticeId": first, "note": "已下架"}]}, headers)
        assert acked["data"]["acknowledgeNotices"][0]["ok"] is True

        later, now = graph.clock.today() + timedelta(days=4), graph.clock.now()
        escalated = {r["id"] for r in await graph.write(whistleblowing.escalate, later, "t", now)}
        mine = {notices[s]["noticeId"] for s in ("s3", "s4")}
        assert mine <= escalated
        assert first not in escalated
        overdue = await _alerts(graph, "NOTICE_ESCALATED", "Notice", world["platform"])
        assert overdue == {notice: (["market"], None, 1) for notice in mine}
        market = (await call(http, NOTICES, {"f": {"status": ["ESCALATED"]}}, MARKET))["data"]
        assert mine <= {e["node"]["noticeId"] for e in market["notices"]["edges"]}
    finally:
        await reg.cleanup()


async def test_a_platform_never_sees_nor_acknowledges_another_platforms_notices(
    http: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    shop = [{"shopId": "x1", "name": "别家店", "uscc": _uscc(), "licenceNo": "JY0"}]
    body = await call(http, REGISTER, {"i": shop}, _platform(world["other"]))
    notice = body["data"]["registerPlatformShops"][0]["notice"]
    mine = await call(http, NOTICES, {}, _platform(world["platform"]))
    assert notice not in str(mine)
    refused = await call(http, ACK, {"i": [{"noticeId": notice}]}, _platform(world["platform"]))
    result = refused["data"]["acknowledgeNotices"][0]
    assert result["ok"] is False
    missing = await call(http, ACK, {"i": [{"noticeId": "NTC-none"}]}, _platform(world["platform"]))
    assert result["errors"] == missing["data"]["acknowledgeNotices"][0]["errors"]


async def test_market_issues_a_notice_and_the_platform_reports_its_own_signals(
    http: httpx.AsyncClient, graph: Graph, world: dict[str, Any]
) -> None:
    platform = _platform(world["platform"])
    shop = [{"shopId": "m1", "name": "好味", "uscc": world["good"], "licenceNo": "JY1"}]
    key = (await call(http, REGISTER, {"i": shop}, platform))["data"]["registerPlatformShops"][0]
    deadline = str(graph.clock.today() + timedelta(days=7))
    items = [
        {"shopKey": key["shopKey"], "kind": "RECTIFY", "reason": "后厨卫生", "deadline": deadline}
    ]
    issued = await call(http, ISSUE, {"i": items}, MARKET)
    assert issued["data"]["issueNotice"][0]["ok"] is True
    seen = await call(http, NOTICES, {"f": {"status": ["OPEN"]}}, platform)
    assert any(e["node"]["kind"] == "RECTIFY" for e in seen["data"]["notices"]["edges"])
    signals = [
        {"shopId": "m1", "kind": "COMPLAINT", "count": 3},
        {"shopId": "m1", "kind": "TAKE_DOWN"},
    ]
    body = await call(http, SIGNALS, {"i": signals}, platform)
    assert [r["ok"] for r in body["data"]["reportPlatformSignals"]] == [True, True]
    rows = await cypher(
        graph,
        "MATCH (s:PlatformShop {id: $k}) RETURN s.complaints AS c, s.status AS s",
        k=key["shopKey"],
    )
    assert rows == [{"c": 3, "s": "TAKEN_DOWN"}]


async def test_only_a_bound_delivery_platform_lists_shops(
    http: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    shop = [{"shopId": "z1", "name": "x", "uscc": world["good"], "licenceNo": "JY1"}]
    for headers in (
        _platform(world["good"]),  # a restaurant is not a platform
        principal_header("platform", scopes="graph:read graph:write"),  # unbound
        principal_header("enterprise", scopes="graph:read graph:write", enterprise=world["good"]),
        MARKET,
    ):
        body = await call(http, REGISTER, {"i": shop}, headers)
        assert error_codes(body) == ["FORBIDDEN"], body
    unbound = await call(http, NOTICES, {}, principal_header("platform"))
    assert unbound["data"]["notices"]["totalCount"] == 0
    for role in ("police", "housing", None):
        body = await call(http, NOTICES, {}, principal_header(role) if role else {})
        assert error_codes(body) == ["FORBIDDEN"]
