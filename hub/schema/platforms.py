"""Platforms as sentinels 哨岗: the platform role's shops, signals and acknowledgements, and
market regulation's notices. What each field does is hub/resolvers/platforms.py."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from hub.access.principal import Role, Scope
from hub.access.root_access import READ, Access
from hub.context import Info
from hub.resolvers import entities, platforms
from hub.schema.enums import Direction
from hub.schema.graph import Connection, Notice, PlatformShop
from hub.schema.permissions import allow
from hub.schema.scalars import Date
from hub.schema.whistleblowing import MARKET_WRITE, TipItemError, TipItemResult

PLATFORM_WRITE = Access(
    scopes=(Scope.GRAPH_WRITE,), roles=frozenset({Role.PLATFORM}), what="platform listings"
)


@strawberry.input(description="A shop the platform lists 平台店铺")
class PlatformShopInput:
    shopId: str = strawberry.field(description="The platform's own id for the shop")
    name: str
    uscc: str = strawberry.field(description="The credit code the shop claims 统一社会信用代码")
    licenceNo: str | None = strawberry.field(default=None, description="食品经营许可证编号")
    address: str | None = None


@strawberry.type(description="A listed shop's verdict")
class ShopListing:
    shopId: str
    shopKey: str
    licensed: bool = strawberry.field(description="A valid licence in the registry 证照有效")
    notice: str | None = strawberry.field(description="The notice raised when it is not")


@strawberry.enum
class SignalKind(Enum):
    COMPLAINT = strawberry.enum_value("COMPLAINT", description="投诉")
    TAKE_DOWN = strawberry.enum_value("TAKE_DOWN", description="平台已下架")


@strawberry.input(description="What the platform itself saw or did 平台信号")
class PlatformSignalInput:
    shopId: str
    kind: SignalKind
    count: int = 1


@strawberry.enum
class NoticeKind(Enum):
    TAKE_DOWN = strawberry.enum_value("TAKE_DOWN", description="责令下架")
    RECTIFY = strawberry.enum_value("RECTIFY", description="责令整改")


@strawberry.input(description="A notice about a listed shop 责令通知")
class NoticeInput:
    shopKey: str = strawberry.field(description="The listed shop: platform USCC:shop id")
    kind: NoticeKind
    reason: str
    deadline: Date


@strawberry.input
class AcknowledgeInput:
    noticeId: str
    note: str | None = None


@strawberry.enum
class NoticeStatus(Enum):
    OPEN = "OPEN"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    ESCALATED = "ESCALATED"


@strawberry.input
class NoticeFilter:
    status: list[NoticeStatus] | None = None


@strawberry.enum
class NoticeSort(Enum):
    DEADLINE = "deadline"


@strawberry.input
class NoticeOrder:
    field: NoticeSort = NoticeSort.DEADLINE
    direction: Direction = Direction.ASC


@strawberry.enum
class ShopStatus(Enum):
    LISTED = "LISTED"
    TAKEN_DOWN = "TAKEN_DOWN"


@strawberry.input
class PlatformShopFilter:
    status: list[ShopStatus] | None = None


@strawberry.enum
class PlatformShopSort(Enum):
    NAME = "name"


@strawberry.input
class PlatformShopOrder:
    field: PlatformShopSort = PlatformShopSort.NAME
    direction: Direction = Direction.ASC


def _results(rows: list[dict[str, Any]]) -> list[TipItemResult]:
    return [
        TipItemResult(
            index=r["index"], ok=r["ok"], id=strawberry.ID(r["id"]) if r.get("id") else None,
            errors=[TipItemError(**e) for e in r["errors"]],
        )
        for r in rows
    ]  # fmt: skip


def _list_args(filter: Any, order: Any, first: int | None, after: str | None) -> dict[str, Any]:
    args: dict[str, Any] = {"first": first, "after": after}
    if filter is not None and filter.status is not None:
        args["filter"] = {"status": [s.value for s in filter.status]}
    args["orderBy"] = {"field": order.field, "direction": order.direction}
    return args


@strawberry.type
class PlatformQuery:
    @strawberry.field(
        extensions=allow(READ),
        description="Notices to platforms 责令通知 (market; a platform reads its own), soonest "
        "deadline first.",
    )
    async def notices(
        self, info: Info, filter: NoticeFilter | None = None, orderBy: NoticeOrder | None = None,
        first: int | None = None, after: str | None = None,
    ) -> Connection[Notice]:  # fmt: skip
        args = _list_args(filter, orderBy or NoticeOrder(), first, after)
        return await entities.page(info, "Notice", args)  # type: ignore[no-any-return]

    @strawberry.field(
        extensions=allow(READ),
        description="Shops listed on delivery platforms 平台店铺 (market; a platform its own).",
    )
    async def platformShops(
        self, info: Info, filter: PlatformShopFilter | None = None,
        orderBy: PlatformShopOrder | None = None, first: int | None = None,
        after: str | None = None,
    ) -> Connection[PlatformShop]:  # fmt: skip
        args = _list_args(filter, orderBy or PlatformShopOrder(), first, after)
        return await entities.page(info, "PlatformShop", args)  # type: ignore[no-any-return]


@strawberry.type
class PlatformMutation:
    @strawberry.mutation(
        extensions=allow(PLATFORM_WRITE),
        description="List shops 登记平台店铺 (platform): each is checked against the registry and "
        "its licence; one without a valid licence raises a take-down notice.",
    )
    async def registerPlatformShops(
        self, info: Info, items: list[PlatformShopInput]
    ) -> list[ShopListing]:
        rows = await platforms.register_shops(info, [strawberry.asdict(i) for i in items])
        return [
            ShopListing(shopId=r["shopId"], shopKey=r["key"], licensed=r["licensed"],
                        notice=r["notice"])
            for r in rows
        ]  # fmt: skip

    @strawberry.mutation(
        extensions=allow(PLATFORM_WRITE),
        description="Complaints and take-downs the platform made itself 平台信号 (platform).",
    )
    async def reportPlatformSignals(
        self, info: Info, items: list[PlatformSignalInput]
    ) -> list[TipItemResult]:
        raw = [{"shopId": i.shopId, "kind": i.kind.value, "count": i.count} for i in items]
        return _results(await platforms.report_signals(info, raw))

    @strawberry.mutation(
        extensions=allow(MARKET_WRITE),
        description="Notices to a platform 责令通知: take down or rectify a shop by a deadline.",
    )
    async def issueNotice(self, info: Info, items: list[NoticeInput]) -> list[TipItemResult]:
        raw = [{"shopKey": i.shopKey, "kind": i.kind.value, "reason": i.reason,
                "deadline": i.deadline} for i in items]  # fmt: skip
        return _results(await platforms.issue(info, raw))

    @strawberry.mutation(
        extensions=allow(PLATFORM_WRITE),
        description="Acknowledge notices addressed to the platform 签收 (platform).",
    )
    async def acknowledgeNotices(
        self, info: Info, items: list[AcknowledgeInput]
    ) -> list[TipItemResult]:
        return _results(await platforms.acknowledge(info, [strawberry.asdict(i) for i in items]))
