"""The public checks: anyone, without a token, checks one cylinder code or one trace code.

Narrow types of their own, not the graph types: status, dates and enterprise names only, nothing
personal (docs/access-policy.md; docs/domain.md, "Food").
"""

from __future__ import annotations

from enum import Enum

import strawberry

from hub.access.root_access import OPEN
from hub.context import Info
from hub.resolvers import public
from hub.schema.enums import ProductCategory, TestResult
from hub.schema.permissions import allow
from hub.schema.scalars import Date, DateTime


@strawberry.enum(description="What a cylinder check says 气瓶查询结果")
class CylinderVerdict(Enum):
    VALID = strawberry.enum_value("VALID", description="在检验有效期内")
    DUE = strawberry.enum_value("DUE", description="即将到期检验 (within 30 days)")
    OVERDUE = strawberry.enum_value("OVERDUE", description="超期未检 请勿使用")
    SCRAPPED = strawberry.enum_value("SCRAPPED", description="已报废 请勿使用")
    SEIZED = strawberry.enum_value("SEIZED", description="已被查封扣押")
    NOT_REGISTERED = strawberry.enum_value(
        "NOT_REGISTERED", description="未登记 请勿使用 (no cylinder is registered under the code)"
    )


@strawberry.enum(description="What a trace code scan says 追溯码查询结果")
class ProductVerdict(Enum):
    PASSED = strawberry.enum_value("PASSED", description="入市检测合格")
    FAILED = strawberry.enum_value("FAILED", description="检测不合格 请勿食用")
    UNTESTED = strawberry.enum_value("UNTESTED", description="无入市检测记录")
    NOT_REGISTERED = strawberry.enum_value(
        "NOT_REGISTERED", description="追溯码未登记 (no batch is registered under the code)"
    )


@strawberry.type(description="A public cylinder check 气瓶公众查询 (no personal data)")
class PublicCylinderCheck:
    code: str
    verdict: CylinderVerdict = strawberry.field(
        description="NOT_REGISTERED for an unknown code; every other field is then null"
    )
    model: str | None
    madeOn: Date | None = strawberry.field(description="制造日期")
    lastInspection: Date | None = strawberry.field(description="上次检验日期")
    nextInspection: Date | None = strawberry.field(description="下次检验日期")
    scrapDate: Date | None = strawberry.field(description="报废日期")
    ownerName: str | None = strawberry.field(description="Owner station 产权单位")
    ownerPhone: str | None = strawberry.field(
        description="The owner station's service line 客服电话"
    )


@strawberry.type(description="The market entry test of a batch 入市检测")
class PublicTest:
    result: TestResult | None
    method: str | None
    time: DateTime | None
    market: str | None


@strawberry.type(description="A merchant that received the batch 经营者")
class PublicMerchant:
    name: str | None
    kind: str | None
    receivedAt: DateTime | None


@strawberry.type(description="One step of a batch, from a sender to a receiver 流通环节")
class PublicStep:
    sender: str | None = strawberry.field(description="发货方")
    receiver: str | None = strawberry.field(description="收货方")
    receiverKind: str | None
    time: DateTime | None


@strawberry.type(description="A consumer's trace code scan 一品一码公众查询 (no personal data)")
class PublicTrace:
    traceCode: str
    verdict: ProductVerdict = strawberry.field(
        description="NOT_REGISTERED for an unknown code; every other field is then null or empty"
    )
    name: str | None
    category: ProductCategory | None
    origin: str | None = strawberry.field(description="产地")
    originCertificate: str | None = strawberry.field(description="产地证明编号")
    producedOn: Date | None
    producer: str | None = strawberry.field(description="Producer 生产者")
    market: str | None = strawberry.field(description="Wholesale market 批发市场")
    consignor: str | None = strawberry.field(description="Consignor 货主")
    purchaseTime: DateTime | None = strawberry.field(description="Entered the market 进货时间")
    test: PublicTest | None = strawberry.field(description="检测结果")
    merchants: list[PublicMerchant] = strawberry.field(description="Where it was sold 销售者")
    steps: list[PublicStep] = strawberry.field(
        description="Every shipment from the producer to the shop, oldest first 流通环节"
    )


@strawberry.type
class PublicQuery:
    @strawberry.field(
        extensions=allow(OPEN),
        description="Check a cylinder by its code, no token needed 气瓶查询. An unknown code is "
        "NOT_REGISTERED; a code that cannot be one is BAD_USER_INPUT.",
    )
    async def verifyCylinder(self, info: Info, code: str) -> PublicCylinderCheck:
        return await public.verify_cylinder(info, code)  # type: ignore[return-value]

    @strawberry.field(
        extensions=allow(OPEN),
        description="Check a food batch by trace code, no token needed 扫码溯源. An unknown code "
        "is NOT_REGISTERED; a code that cannot be one is BAD_USER_INPUT.",
    )
    async def publicTrace(self, info: Info, traceCode: str) -> PublicTrace:
        return await public.public_trace(info, traceCode)  # type: ignore[return-value]
