"""Multi-level supervision 多级监管: the figures of the city, a district or a street.

Each figure is one field, counted by one statement; it is null for a role that may not read the
types it counts (`withheld` names them). See docs/supervision.md.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

import strawberry

from hub.access.root_access import SUPERVISE
from hub.context import Info
from hub.errors import BadUserInput
from hub.resolvers import supervision as resolver
from hub.schema.permissions import allow
from hub.schema.scalars import Date, DateTime

Root = strawberry.Parent[dict[str, Any]]


@strawberry.enum(description="A level of supervision 监管层级")
class SupervisionLevel(Enum):
    CITY = strawberry.enum_value("CITY", description="市级: a row per district")
    DISTRICT = strawberry.enum_value("DISTRICT", description="区县级: a row per street")
    STREET = strawberry.enum_value("STREET", description="街道级: the street itself")


@strawberry.type(description="A count; below the threshold it is shown as `< N` 小格抑制")
class Count:
    value: int | None = strawberry.field(description="Null when suppressed")
    text: str = strawberry.field(description='The count, or "< N" when suppressed')
    suppressed: bool


@strawberry.type(description="A count under a key (a kind, a severity)")
class KeyedCount:
    key: str
    count: Count


@strawberry.type(description="One month of a series 月度")
class MonthPoint:
    month: str = strawberry.field(description="YYYY-MM, in Fuzhou")
    count: Count


@strawberry.type(description="A monthly series of one figure over the window 月度趋势")
class Series:
    name: str
    points: list[MonthPoint]


@strawberry.type(description="Cylinders 气瓶 of an area, by status as of today")
class CylinderFigures:
    area: str | None = strawberry.field(description="District code or street; null: no street")
    total: Count
    inService: Count
    due: Count
    overdue: Count
    scrapped: Count
    seized: Count
    onTimeShare: float | None = strawberry.field(description="按期检验率: not overdue, of live")
    onTimeShareText: str = strawberry.field(
        description="The share to show: exact, or the bound a small cell allows (≥ 98.8%)"
    )
    unlocated: Count = strawberry.field(description="去向不明: live cylinders placed nowhere")
    series: list[Series] = strawberry.field(description="fellDue: inspections due per month")


@strawberry.type(description="Households using gas 燃气用户 and real-name registration 实名登记")
class HouseholdFigures:
    area: str | None
    households: Count
    registered: Count
    unregistered: Count
    registeredShare: float | None = strawberry.field(description="实名登记率")
    registeredShareText: str = strawberry.field(
        description="The share to show: exact, or the bound a small cell allows (≥ 98.8%)"
    )
    series: list[Series] = strawberry.field(description="registrations per month")


@strawberry.type(description="Deliveries 配送 in the window, and those to unregistered homes")
class DeliveryFigures:
    area: str | None
    deliveries: Count
    toUnregistered: Count = strawberry.field(description="向未实名用户配送")
    unregisteredHouseholds: Count
    series: list[Series]


@strawberry.type(description="Fillings 充装 the closed loop should have refused 闭环")
class FillingFigures:
    area: str | None
    fillings: Count
    whileOverdue: Count = strawberry.field(description="超期未检仍充装")
    outsideOwner: Count = strawberry.field(description="非产权单位充装")
    series: list[Series]


@strawberry.type(description="Incidents 事故 in the window by kind and severity")
class IncidentFigures:
    area: str | None
    total: Count
    byKind: list[KeyedCount]
    bySeverity: list[KeyedCount]
    series: list[Series]


@strawberry.type(description="Alerts 预警 raised in the window, by linkage rule")
class AlertFigures:
    area: str | None
    total: Count
    byRule: list[KeyedCount] = strawberry.field(description="The rule's code (hub linkage rules)")
    series: list[Series]


@strawberry.type(description="Whistleblower tips 举报 received in the window, by category")
class TipFigures:
    area: str | None
    total: Count
    byCategory: list[KeyedCount]
    series: list[Series]


@strawberry.type(description="The food chain 食品追溯: batches tested at market entry")
class FoodFigures:
    area: str | None
    tested: Count = strawberry.field(description="入市检测批次")
    failed: Count
    failedShare: float | None
    failedShareText: str = strawberry.field(
        description="The share to show: exact, or the bound a small cell allows (≥ 98.8%)"
    )
    traced: Count = strawberry.field(description="去向可追溯到每一处的批次")
    tracedShare: float | None
    tracedShareText: str = strawberry.field(
        description="The share to show: exact, or the bound a small cell allows (≥ 98.8%)"
    )
    recalls: Count = strawberry.field(description="应召回: failed and shipped on")
    series: list[Series]


@strawberry.type(description="A part of a score")
class ScorePart:
    key: str
    value: int


@strawberry.type(description="An enterprise among the worst ten, with its score 风险排名")
class RankedEnterprise:
    id: strawberry.ID = strawberry.field(description="The enterprise's global id (/explorer)")
    uscc: str
    name: str | None
    district: str | None
    score: int
    parts: list[ScorePart]


@strawberry.type(description="The figures of one area over one window 监管概览")
class Supervision:
    level: SupervisionLevel
    area: str = strawberry.field(description="3501, a district code, or district/street")
    since: Date
    until: Date
    minCell: int = strawberry.field(description="Counts below this are shown as < N")
    withheld: list[str] = strawberry.field(description="Figures this role is not given")

    @strawberry.field(
        description="When cylinders, households, deliveries, fillings and food were counted "
        "(the rollup 汇总, refreshed by the hub); null when they were counted for this request"
    )
    async def asOf(self, info: Info, root: Root) -> DateTime | None:
        return await resolver.as_of(info, root)  # type: ignore[return-value]

    @strawberry.field(description="Cylinders by status 气瓶状态")
    async def cylinders(self, info: Info, root: Root) -> list[CylinderFigures] | None:
        return await resolver.figure(info, root, "cylinders")  # type: ignore[return-value]

    @strawberry.field(description="Households and real-name registration")
    async def households(self, info: Info, root: Root) -> list[HouseholdFigures] | None:
        return await resolver.figure(info, root, "households")  # type: ignore[return-value]

    @strawberry.field(description="Deliveries to unregistered households")
    async def deliveries(self, info: Info, root: Root) -> list[DeliveryFigures] | None:
        return await resolver.figure(info, root, "deliveries")  # type: ignore[return-value]

    @strawberry.field(description="Closed-loop breaches at filling")
    async def fillings(self, info: Info, root: Root) -> list[FillingFigures] | None:
        return await resolver.figure(info, root, "fillings")  # type: ignore[return-value]

    @strawberry.field(description="Incidents by kind and severity")
    async def incidents(self, info: Info, root: Root) -> list[IncidentFigures] | None:
        return await resolver.figure(info, root, "incidents")  # type: ignore[return-value]

    @strawberry.field(description="Alerts by linkage rule (closed-loop refusals among them)")
    async def alerts(self, info: Info, root: Root) -> list[AlertFigures] | None:
        return await resolver.figure(info, root, "alerts")  # type: ignore[return-value]

    @strawberry.field(description="Whistleblower tips by category")
    async def tips(self, info: Info, root: Root) -> list[TipFigures] | None:
        return await resolver.figure(info, root, "tips")  # type: ignore[return-value]

    @strawberry.field(description="The food chain")
    async def food(self, info: Info, root: Root) -> list[FoodFigures] | None:
        return await resolver.figure(info, root, "food")  # type: ignore[return-value]

    @strawberry.field(description="The worst ten filling stations 充装站")
    async def worstStations(self, info: Info, root: Root) -> list[RankedEnterprise] | None:
        return await resolver.figure(info, root, "stations")  # type: ignore[return-value]

    @strawberry.field(description="The worst ten who deliver cylinders 配送单位")
    async def worstDistributors(self, info: Info, root: Root) -> list[RankedEnterprise] | None:
        return await resolver.figure(info, root, "distributors")  # type: ignore[return-value]

    @strawberry.field(description="The worst ten markets 市场")
    async def worstMarkets(self, info: Info, root: Root) -> list[RankedEnterprise] | None:
        return await resolver.figure(info, root, "markets")  # type: ignore[return-value]


def _day(value: Date | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadUserInput("a date such as 2026-11-28", field="supervision." + name) from None


@strawberry.type
class SupervisionQuery:
    @strawberry.field(
        extensions=allow(SUPERVISE),
        description="The figures of the city, a district or a street 多级监管 over a window "
        "(default: the last twelve months to today, in Fuzhou).",
    )
    def supervision(
        self, info: Info, level: SupervisionLevel, area: str | None = None,
        since: Date | None = None, until: Date | None = None,
    ) -> Supervision:  # fmt: skip
        answer = resolver.supervision(
            info, str(level.value), area, _day(since, "since"), _day(until, "until")
        )
        answer["level"] = level
        answer["since"] = answer["since"].isoformat()
        answer["until"] = answer["until"].isoformat()
        return answer  # type: ignore[return-value]
