"""What the platform fields do: a platform lists its shops and reports its own signals, market
regulation issues notices, the platform acknowledges them; overdue ones escalate.

A platform's client must be bound to the USCC of a registered DELIVERY_PLATFORM enterprise; what
it writes is always about that platform, whatever an item says.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from hub.audit.atomic import audited_write
from hub.context import Info
from hub.errors import BadUserInput, Forbidden
from hub.graph import platforms_repo
from hub.identifiers import KEY, check_uscc
from hub.linkage import whistleblowing
from hub.resolvers.tips import text_field

NOTICE_DAYS = 3  # an unlicensed listing must be taken down within three days
MAX_ITEMS = 500


def _notice_id() -> str:
    return "NTC-" + secrets.token_hex(8)


async def _platform(info: Info) -> str:
    uscc = info.context.principal.enterprise
    if not uscc or not await info.context.graph.read(platforms_repo.is_platform, uscc):
        raise Forbidden(
            "the platform role must be bound to a registered DELIVERY_PLATFORM enterprise",
            field=info.field_name,
        )
    return uscc


def _items(items: list[Any]) -> None:
    if not items:
        raise BadUserInput("items is empty", field="items")
    if len(items) > MAX_ITEMS:
        raise BadUserInput(f"at most {MAX_ITEMS} items per call", field="items")


def _shop_id(value: str, index: int) -> str:
    if not KEY.match(value or ""):
        raise BadUserInput(
            "shopId is 1-64 letters, digits and . _ : - starting with a letter or digit",
            item=index,
            field="shopId",
        )
    return value


async def register_shops(info: Info, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    _items(items)
    platform = await _platform(info)
    shops = []
    for index, item in enumerate(items):
        uscc = (item["uscc"] or "").strip().upper()
        problem = check_uscc(uscc)
        if problem:
            raise BadUserInput(f"uscc: {problem}", item=index, field="uscc")
        shops.append({
            "shopId": _shop_id(item["shopId"], index),
            "name": text_field(item["name"], "name", 200, required=True),
            "uscc": uscc,
            "licenceNo": text_field(item.get("licenceNo"), "licenceNo", 64),
            "address": text_field(item.get("address"), "address", 200),
            "noticeId": _notice_id(),
        })  # fmt: skip
    graph = info.context.graph
    today = graph.clock.today()
    return await audited_write(
        info,
        whistleblowing.register_shops, platform, shops, today, graph.clock.now(),
        info.context.principal.subject, today + timedelta(days=NOTICE_DAYS),
    )  # fmt: skip


async def report_signals(info: Info, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    _items(items)
    platform = await _platform(info)
    signals = []
    for index, item in enumerate(items):
        count = item.get("count") or 1
        if not 1 <= count <= 100_000:
            raise BadUserInput("count is 1 to 100000", item=index, field="count")
        signals.append({"shopId": _shop_id(item["shopId"], index), "kind": item["kind"],
                        "count": count})  # fmt: skip
    graph = info.context.graph
    found = set(
        await audited_write(
            info, platforms_repo.record_signals, platform, signals, graph.clock.today()
        )
    )
    return [
        {"index": i, "ok": s["shopId"] in found,
         "errors": [] if s["shopId"] in found else [{"field": "shopId", "message": "no such shop"}]}
        for i, s in enumerate(signals)
    ]  # fmt: skip


async def issue(info: Info, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    _items(items)
    graph = info.context.graph
    today = graph.clock.today()
    results = []
    for index, item in enumerate(items):
        deadline = date.fromisoformat(item["deadline"])
        if deadline < today:
            raise BadUserInput("deadline is before today", item=index, field="deadline")
        props = {
            "id": _notice_id(), "shop": item["shopKey"], "kind": item["kind"],
            "reason": text_field(item["reason"], "reason", 500, required=True),
            "deadline": deadline, "by": info.context.principal.subject, "today": today,
            "now": graph.clock.now(),
        }  # fmt: skip
        ok = await audited_write(info, platforms_repo.issue_notice, props)
        errors = [] if ok else [{"field": "shopKey", "message": "no such listed shop"}]
        results.append({"index": index, "ok": ok, "id": "Notice:" + props["id"] if ok else None,
                        "errors": errors})  # fmt: skip
    return results


async def acknowledge(info: Info, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    _items(items)
    platform = await _platform(info)
    graph = info.context.graph
    today = graph.clock.today()
    results = []
    for index, item in enumerate(items):
        note = text_field(item.get("note"), "note", 500)
        ok = await audited_write(
            info, platforms_repo.acknowledge, platform, item["noticeId"], note, today
        )
        errors = [] if ok else [{"field": "noticeId", "message": "no open notice with this id"}]
        found = "Notice:" + item["noticeId"] if ok else None
        results.append({"index": index, "ok": ok, "id": found, "errors": errors})
    return results
