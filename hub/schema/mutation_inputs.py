"""Typed inputs of the mutations: one item each. Nothing server-owned is an input: who recorded
an item, when, and the enterprise it is recorded for come from the token.

Times and dates are strings checked per item (ISO 8601; a time needs its zone), so that one bad
time fails its item with `INVALID_TIME` rather than the whole batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

import strawberry
from strawberry.types.base import get_object_definition

from hub.schema.enums import EnterpriseKind, ProductCategory, TestResult

TIME = "ISO 8601 with zone 时间 (2026-11-28T09:30:00+08:00)"


@strawberry.enum(description="Qualification 从业资格")
class Qualification(Enum):
    DG_DRIVER = strawberry.enum_value("DG_DRIVER", description="危险货物运输驾驶员")
    DG_ESCORT = strawberry.enum_value("DG_ESCORT", description="押运员")
    FILLER = strawberry.enum_value("FILLER", description="气瓶充装作业人员")
    INSPECTOR = strawberry.enum_value("INSPECTOR", description="气瓶检验人员")


@strawberry.enum(description="Vehicle kind 车辆类型")
class VehicleKind(Enum):
    DG_TRUCK = strawberry.enum_value("DG_TRUCK", description="危险货物运输车")
    VAN = strawberry.enum_value("VAN", description="厢式货车")
    REFRIGERATED = strawberry.enum_value("REFRIGERATED", description="冷藏车")


@strawberry.enum(description="Household kind 用户类型")
class HouseholdKind(Enum):
    RESIDENTIAL = strawberry.enum_value("RESIDENTIAL", description="居民用户")
    COMMERCIAL = strawberry.enum_value("COMMERCIAL", description="商业用户 (餐饮)")


@strawberry.enum(description="Incident kind 事故类型")
class IncidentKind(Enum):
    GAS_LEAK = strawberry.enum_value("GAS_LEAK", description="燃气泄漏")
    FIRE = strawberry.enum_value("FIRE", description="火灾")
    EXPLOSION = strawberry.enum_value("EXPLOSION", description="爆炸")
    FOOD_POISONING = strawberry.enum_value("FOOD_POISONING", description="食物中毒")
    TRAFFIC = strawberry.enum_value("TRAFFIC", description="交通事故")


@strawberry.enum(description="Severity 严重程度")
class Severity(Enum):
    LOW = strawberry.enum_value("LOW", description="一般")
    MEDIUM = strawberry.enum_value("MEDIUM", description="较大")
    HIGH = strawberry.enum_value("HIGH", description="重大")
    CRITICAL = strawberry.enum_value("CRITICAL", description="特别重大")


@strawberry.enum(description="A status change by market regulation 气瓶状态变更")
class CylinderStatusChange(Enum):
    SEIZED = strawberry.enum_value("SEIZED", description="查封扣押")
    SCRAPPED = strawberry.enum_value("SCRAPPED", description="报废 (final)")
    RELEASED = strawberry.enum_value("RELEASED", description="解除查封")


@strawberry.input(description="An enterprise 企业登记")
class EnterpriseInput:
    uscc: str = strawberry.field(description="统一社会信用代码")
    name: str
    kind: EnterpriseKind
    district: str = strawberry.field(description="GB/T 2260 区县代码, 350102")
    address: str
    licenceNo: str | None = None
    licenceExpiry: str | None = strawberry.field(default=None, description="ISO 8601 date")
    servicePhone: str | None = strawberry.field(
        default=None, description="客服电话, shown to the public: 0591-83301234, 400-..., a mobile"
    )


@strawberry.input(description="A cylinder owned by the calling station 气瓶登记")
class CylinderInput:
    code: str = strawberry.field(description="气瓶标签码")
    serialNo: str
    model: str = strawberry.field(description="YSP35.5, YSP118, ...")
    madeOn: str = strawberry.field(description="制造日期, ISO 8601 date")
    maker: str = strawberry.field(description="制造单位 uscc")
    lastInspection: str | None = strawberry.field(default=None, description="上次检验日期")
    volumeL: float | None = None
    fillKg: float | None = None
    tareKg: float | None = None


@strawberry.input(description="A real-name person 实名信息")
class PersonInput:
    idNumber: str = strawberry.field(description="居民身份证号码")
    name: str
    phone: str


@strawberry.input(description="A household supplied by the calling enterprise 用户实名登记")
class HouseholdInput:
    householdId: str
    kind: HouseholdKind
    address: str
    district: str
    street: str
    person: PersonInput
    registeredOn: str | None = None


@strawberry.input(description="A vehicle operated by the calling enterprise 车辆登记")
class VehicleInput:
    plate: str = strawberry.field(description="车牌号 (闽A...)")
    kind: VehicleKind
    permitNo: str | None = strawberry.field(default=None, description="危险货物道路运输许可")
    permitExpiry: str | None = None


@strawberry.input(description="A person employed by the calling enterprise 从业人员登记")
class EmployeeInput:
    idNumber: str
    name: str
    phone: str
    qualifications: list[Qualification] = strawberry.field(default_factory=list)
    drives: list[str] = strawberry.field(default_factory=list, description="plates it drives")


@strawberry.input(description="A batch under one trace code 一品一码")
class ProductInput:
    traceCode: str = strawberry.field(description="追溯码")
    name: str
    category: ProductCategory
    origin: str = strawberry.field(description="产地")
    producedOn: str
    quantityKg: float
    originCertificate: str | None = strawberry.field(default=None, description="产地证明编号")


@strawberry.input(description="A filling at the calling station 充装记录")
class FillingInput:
    eventId: str = strawberry.field(description="Client's idempotency key 事件编号")
    cylinder: str
    time: str = strawberry.field(description=TIME)
    quantityKg: float
    filler: str | None = strawberry.field(default=None, description="充装人员身份证号码")


@strawberry.input(description="A delivery from the calling enterprise 配送记录")
class DeliveryInput:
    eventId: str
    cylinder: str
    household: str
    vehicle: str = strawberry.field(description="plate 车牌号")
    driver: str = strawberry.field(description="驾驶员身份证号码")
    escort: str = strawberry.field(description="押运员身份证号码")
    time: str = strawberry.field(description=TIME)


@strawberry.input(description="A periodic inspection 定期检验")
class InspectionInput:
    eventId: str
    cylinder: str
    time: str = strawberry.field(description=TIME)
    result: TestResult
    nextDue: str | None = strawberry.field(default=None, description="default: 4 years, 3 (YSP118)")
    agency: str | None = strawberry.field(
        default=None, description="检验机构 uscc (an inspection agency's own token implies it)"
    )


@strawberry.input(description="A shipment sent by the calling enterprise 进货/出货")
class ShipmentInput:
    eventId: str
    product: str = strawberry.field(description="trace code 追溯码")
    receiver: str = strawberry.field(description="receiver's uscc")
    time: str = strawberry.field(description=TIME)
    quantityKg: float


@strawberry.input(description="A batch test at the calling market 批次检测")
class BatchTestInput:
    eventId: str
    product: str
    time: str = strawberry.field(description=TIME)
    method: str = strawberry.field(description="GB/T 5009.199-2003, colloidal gold, ...")
    result: TestResult


@strawberry.input(description="A coded sale by the calling enterprise 销售")
class SaleInput:
    eventId: str
    product: str
    time: str = strawberry.field(description=TIME)
    quantityKg: float
    priceYuan: float | None = None


@strawberry.input(description="An incident 事故")
class IncidentInput:
    incidentId: str
    time: str = strawberry.field(description=TIME)
    kind: IncidentKind
    severity: Severity
    location: str
    district: str
    involves: list[strawberry.ID] = strawberry.field(description="global ids (Cylinder:FZ...)")


@strawberry.input(description="Seize, scrap or release a cylinder 查封/报废/解封")
class CylinderStatusInput:
    eventId: str = strawberry.field(
        description="the client-chosen id of this status change: sent again, it is recorded once"
    )
    code: str
    status: CylinderStatusChange
    reason: str
    time: str = strawberry.field(description=TIME)


@strawberry.input(description="A gas-operation licence 燃气经营许可 (housing)")
class LicenceInput:
    uscc: str
    licenceNo: str
    licenceExpiry: str


@strawberry.input(description="A dangerous-goods transport permit 危险货物运输许可 (transport)")
class PermitInput:
    plate: str
    permitNo: str
    permitExpiry: str


@strawberry.input(description="An identity check 身份核验 (police)")
class VerificationInput:
    idNumber: str
    verified: bool


def as_coerced(cls: type, value: Mapping[str, Any], context: object) -> dict[str, Any]:
    """An item as graphql-core coerced it (every field under its GraphQL name, the published
    defaults filled in, nested items as mappings): what hub.ingest reads, with no instance built
    and taken apart again per item (strawberry's per-field conversion, then `asdict`, cost more
    than the rest of a 1,000-item batch's Python)."""
    return dict(value)


ITEMS = (
    EnterpriseInput, CylinderInput, HouseholdInput, VehicleInput, EmployeeInput, ProductInput,
    FillingInput, DeliveryInput, InspectionInput, ShipmentInput, BatchTestInput, SaleInput,
    IncidentInput, CylinderStatusInput, LicenceInput, PermitInput, VerificationInput,
)  # fmt: skip
for _item in ITEMS:  # strawberry's hook for a type that builds its own value from the input
    get_object_definition(_item, strict=True).from_input = as_coerced
