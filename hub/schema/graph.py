"""The graph's types: one per label, their relationships as fields, and the Node interface.

They live in one module because they reference each other in cycles (a cylinder's owner is an
enterprise whose cylinders are cylinders). Resolving is not done here: a root field's statement
returns each object as a map of exactly its selected fields, and every field below reads its key
(see `read_key` and hub/resolvers/compiler.py). Fields with arguments name them for the schema;
the compiler has already applied them.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import strawberry
from graphql import GraphQLResolveInfo

from hub.schema.enums import CylinderStatus, EnterpriseKind, ProductCategory, TestResult
from hub.schema.scalars import Date, DateTime

T = TypeVar("T")


def read_key(obj: Any, name: str) -> Any:
    """The default resolver: rows are maps from the statement, other objects have attributes."""
    return obj[name] if type(obj) is dict else getattr(obj, name)


@strawberry.type(description="Paging state of a list (Relay).")
class PageInfo:
    hasNextPage: bool
    hasPreviousPage: bool
    startCursor: str | None
    endCursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of a list, with the total the database counts.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    pageInfo: PageInfo
    totalCount: int


# No return annotation: the field's own annotation (Connection[...]) gives the type.
def _page(  # type: ignore[no-untyped-def]
    root: strawberry.Parent[Any], info: strawberry.Info,
    first: int | None = None, after: str | None = None,
):  # fmt: skip
    return root[info.python_name]


def _events(  # type: ignore[no-untyped-def]
    root: strawberry.Parent[Any], info: strawberry.Info,
    first: int | None = None, after: str | None = None,
    since: DateTime | None = None, until: DateTime | None = None,
):  # fmt: skip
    return root[info.python_name]


# The resolvers that only read the row's key of their field's name, as `read_key` does: a
# compiler-shaped answer is completed without calling them (hub/schema/shaped.py).
KEY_RESOLVERS = (_page, _events)


def page(description: str) -> Any:
    """A list of related rows, newest or in key order, a page at a time."""
    return strawberry.field(resolver=_page, description=description)


def events(description: str) -> Any:
    """A list of related events, newest first, with an optional time range [since, until)."""
    return strawberry.field(resolver=_events, description=description)


class Row:
    """Tells GraphQL which type a row is: rows under a Node-typed field carry `__typename`,
    rows under a concretely typed field are of that type."""

    @classmethod
    def is_type_of(cls, obj: Any, _info: GraphQLResolveInfo[Any]) -> bool:
        return type(obj) is dict and obj.get("__typename", cls.__name__) == cls.__name__


@strawberry.interface(description="Anything with a global id: `<Type>:<natural key>`.")
class Node:
    id: strawberry.ID


@strawberry.type(description="Enterprise 企业 (统一社会信用代码 uscc)")
class Enterprise(Row, Node):
    uscc: str = strawberry.field(description="Unified Social Credit Code 统一社会信用代码")
    name: str | None
    kind: EnterpriseKind | None
    district: str | None = strawberry.field(description="District code 行政区划代码")
    address: str | None
    licenceNo: str | None = strawberry.field(description="Operating licence 许可证编号")
    licenceExpiry: Date | None
    servicePhone: str | None = strawberry.field(description="Public service line 客服电话")
    recordedBy: str | None
    recordedAt: DateTime | None
    cylinders: Connection[Cylinder] = page("Cylinders it owns 自有气瓶")
    vehicles: Connection[Vehicle] = page("Vehicles it operates 运输车辆")
    products: Connection[Product] = page("Products it made 产品")
    staff: Connection[Person] = page("People it employs 从业人员")
    customers: Connection[Household] = page("Households it supplies 用户")
    fillings: Connection[Filling] = events("Fillings at its station 充装记录")
    deliveries: Connection[Delivery] = events("Deliveries it sent 配送记录")
    shipmentsSent: Connection[Shipment] = events("Shipments it sent 销售出货")
    shipmentsReceived: Connection[Shipment] = events("Shipments it got 进货")
    tests: Connection[BatchTest] = events("Batch tests at its market 检测")
    sales: Connection[Sale] = events("Coded sales 赋码销售")
    tips: Connection[Tip] = page("Whistleblower tips about it 举报 (market regulation only)")


@strawberry.type(description="LPG cylinder 液化石油气钢瓶 (气瓶)")
class Cylinder(Row, Node):
    code: str = strawberry.field(description="Tag / QR identity 气瓶标签码")
    serialNo: str | None = strawberry.field(description="Factory serial 出厂编号")
    model: str | None = strawberry.field(description="Model 型号, e.g. YSP35.5")
    volumeL: float | None
    fillKg: float | None
    tareKg: float | None
    medium: str | None = strawberry.field(description="Medium 充装介质")
    nominalPressureMPa: float | None
    madeOn: Date | None = strawberry.field(description="Manufacture date 制造日期")
    registeredOn: Date | None
    status: CylinderStatus | None
    lastInspection: Date | None = strawberry.field(description="上次检验日期")
    nextInspection: Date | None = strawberry.field(description="下次检验日期")
    scrapDate: Date | None = strawberry.field(description="报废日期")
    recordedBy: str | None
    recordedAt: DateTime | None
    owner: Enterprise | None = strawberry.field(description="Owner station 产权单位")
    maker: Enterprise | None = strawberry.field(description="Manufacturer 制造单位")
    location: Household | None = strawberry.field(description="Where it stands now 当前位置")
    fillings: Connection[Filling] = events("充装记录, newest first")
    deliveries: Connection[Delivery] = events("配送记录, newest first")
    inspections: Connection[Inspection] = events("检验记录, newest first")
    incidents: Connection[Incident] = events("事故, newest first")


@strawberry.type(description="Registered gas user 燃气用户 (household or business premises)")
class Household(Row, Node):
    householdId: str
    kind: str | None
    address: str | None
    district: str | None
    street: str | None
    registeredOn: Date | None
    status: str | None
    recordedBy: str | None
    recordedAt: DateTime | None
    person: Person | None = strawberry.field(description="Real-name holder 实名登记人")
    supplier: Enterprise | None = strawberry.field(description="Gas supplier 供气企业")
    cylinders: Connection[Cylinder] = page("Cylinders placed here 在用气瓶")
    deliveries: Connection[Delivery] = events("Deliveries received 配送记录")
    incidents: Connection[Incident] = events("Incidents here 事故")


@strawberry.type(description="Person 人员 (居民身份证号码 idNumber)")
class Person(Row, Node):
    idNumber: str | None = strawberry.field(description="Resident id 公民身份号码 (masked)")
    name: str | None
    phone: str | None
    qualifications: list[str] | None
    verified: bool | None = strawberry.field(description="Identity verified by police 已核验")
    recordedBy: str | None
    recordedAt: DateTime | None
    employer: Enterprise | None
    households: Connection[Household] = page("Households registered to them")
    vehicles: Connection[Vehicle] = page("Vehicles they drive")


@strawberry.type(description="Vehicle 车辆 (危险货物运输 dangerous-goods permit)")
class Vehicle(Row, Node):
    plate: str = strawberry.field(description="Licence plate 号牌")
    kind: str | None
    permitNo: str | None = strawberry.field(description="道路运输证号")
    permitExpiry: Date | None
    recordedBy: str | None
    recordedAt: DateTime | None
    operator: Enterprise | None
    drivers: Connection[Person] = page("Certified drivers 驾驶员")
    deliveries: Connection[Delivery] = events("Deliveries it carried")


@strawberry.type(description="Food batch 食品批次 (一品一码 traceCode)")
class Product(Row, Node):
    traceCode: str = strawberry.field(description="一品一码 trace code")
    name: str | None
    category: ProductCategory | None
    origin: str | None = strawberry.field(description="Origin 产地")
    originCertificate: str | None = strawberry.field(description="产地证明编号")
    producedOn: Date | None
    quantityKg: float | None
    recordedBy: str | None
    recordedAt: DateTime | None
    producer: Enterprise | None
    tests: Connection[BatchTest] = events("快检 batch tests")
    shipments: Connection[Shipment] = events("Shipments 流向")
    sales: Connection[Sale] = events("Coded sales 销售")


@strawberry.type(description="Filling 充装记录")
class Filling(Row, Node):
    eventId: str
    time: DateTime | None
    quantityKg: float | None
    recordedBy: str | None
    recordedAt: DateTime | None
    cylinder: Cylinder | None
    station: Enterprise | None
    filler: Person | None = strawberry.field(description="Filling operator 充装人员")


@strawberry.type(description="Delivery 配送记录 (vehicle, driver and escort 押运员)")
class Delivery(Row, Node):
    eventId: str
    time: DateTime | None
    recordedBy: str | None
    recordedAt: DateTime | None
    cylinder: Cylinder | None
    supplier: Enterprise | None
    household: Household | None
    vehicle: Vehicle | None
    driver: Person | None
    escort: Person | None = strawberry.field(description="押运员")


@strawberry.type(description="Periodic inspection 定期检验")
class Inspection(Row, Node):
    eventId: str
    time: DateTime | None
    result: TestResult | None
    nextDue: Date | None
    recordedBy: str | None
    recordedAt: DateTime | None
    cylinder: Cylinder | None
    agency: Enterprise | None


@strawberry.type(description="Shipment of a food batch 进销货")
class Shipment(Row, Node):
    eventId: str
    time: DateTime | None
    quantityKg: float | None
    recordedBy: str | None
    recordedAt: DateTime | None
    product: Product | None
    sender: Enterprise | None
    receiver: Enterprise | None


@strawberry.type(description="Rapid batch test at market entry 入市快检")
class BatchTest(Row, Node):
    eventId: str
    time: DateTime | None
    method: str | None
    result: TestResult | None
    recordedBy: str | None
    recordedAt: DateTime | None
    product: Product | None
    market: Enterprise | None


@strawberry.type(description="Coded sale 赋码销售")
class Sale(Row, Node):
    eventId: str
    time: DateTime | None
    quantityKg: float | None
    priceYuan: float | None
    recordedBy: str | None
    recordedAt: DateTime | None
    product: Product | None
    seller: Enterprise | None


@strawberry.type(description="Incident 事故")
class Incident(Row, Node):
    incidentId: str
    time: DateTime | None
    kind: str | None
    severity: str | None
    location: str | None
    district: str | None
    recordedBy: str | None
    recordedAt: DateTime | None
    involves: list[Node] = strawberry.field(
        description="What it involves 涉及对象: only the types the caller may read, at most 50"
    )


@strawberry.type(description="Whistleblower tip 吹哨人举报 (never the reporter)")
class Tip(Row, Node):
    tipId: str
    receivedOn: Date | None = strawberry.field(description="The day it came 受理日期 (no hour)")
    category: str | None
    channel: str | None = strawberry.field(description="PUBLIC, INSIDER or PLATFORM 渠道")
    text: str | None = strawberry.field(
        description="What the reporter wrote; identity and phone numbers masked but for market"
    )
    concernsUscc: str | None = strawberry.field(description="The USCC the reporter named")
    concernsShop: str | None = strawberry.field(description="The platform shop they named")
    concernsName: str | None = strawberry.field(description="The business name they named")
    concernsAddress: str | None = strawberry.field(description="The address they named")
    numbersFlagged: bool | None
    status: str | None
    assignee: str | None
    messageFrom: list[str] | None = strawberry.field(description="MARKET or REPORTER, per message")
    messageOn: list[str] | None
    messageText: list[str] | None
    rewardYuan: float | None
    recordedBy: str | None
    recordedAt: DateTime | None
    concerns: Enterprise | None
    households: Connection[Household] = page("Households it was linked to 关联住户")


@strawberry.type(description="A tip's reward 举报奖励 (never a person)")
class Reward(Row, Node):
    rewardId: str
    amountYuan: float | None
    reason: str | None
    status: str | None = strawberry.field(description="GRANTED, APPROVED, CLAIMED or PAID")
    grantedBy: str | None
    approvedBy: str | None
    grantedOn: Date | None
    approvedOn: Date | None
    claimedOn: Date | None
    paidOn: Date | None
    recordedBy: str | None
    recordedAt: DateTime | None
    tip: Tip | None


@strawberry.type(description="A shop listed on a delivery platform 平台店铺")
class PlatformShop(Row, Node):
    shopKey: str = strawberry.field(description="The platform's USCC, a colon, its shop id")
    shopId: str | None
    name: str | None
    uscc: str | None = strawberry.field(description="The USCC the shop claims 声称的信用代码")
    licenceNo: str | None = strawberry.field(description="The food licence it shows 食品经营许可证")
    address: str | None
    licensed: bool | None = strawberry.field(description="A valid licence in the registry")
    checkedOn: Date | None
    status: str | None = strawberry.field(description="LISTED or TAKEN_DOWN")
    complaints: int | None
    takenDownOn: Date | None
    recordedBy: str | None
    recordedAt: DateTime | None
    platform: Enterprise | None
    claims: Enterprise | None


@strawberry.type(description="A notice to a platform 责令通知 (take down, rectify)")
class Notice(Row, Node):
    noticeId: str
    kind: str | None = strawberry.field(description="TAKE_DOWN or RECTIFY")
    reason: str | None
    deadline: Date | None
    status: str | None = strawberry.field(description="OPEN, ACKNOWLEDGED or ESCALATED")
    issuedBy: str | None
    issuedOn: Date | None
    acknowledgedOn: Date | None
    acknowledgement: str | None
    escalatedOn: Date | None
    recordedBy: str | None
    recordedAt: DateTime | None
    to: Enterprise | None
    about: PlatformShop | None


@strawberry.type(description="Alert 预警: a linkage rule fired, routed to departments")
class Alert(Row, Node):
    alertId: str
    rule: str | None
    name: str | None = strawberry.field(description="The rule's name 规则名称")
    severity: str | None
    status: str | None = strawberry.field(
        description="OPEN -> ACKNOWLEDGED -> RESOLVED or DISMISSED"
    )
    time: DateTime | None = strawberry.field(description="First firing")
    lastTime: DateTime | None = strawberry.field(description="Latest firing while open")
    occurrences: int | None = strawberry.field(description="Firings counted while open")
    departments: list[str] | None = strawberry.field(description="Routed to 推送部门")
    enterprise: str | None = strawberry.field(description="The enterprise a notice is for")
    district: str | None
    summary: str | None
    assignee: str | None
    resolution: str | None
    note: str | None
    history: list[str] | None = strawberry.field(
        description="Each transition: time, status, who (oldest first)"
    )
    recordedBy: str | None
    recordedAt: DateTime | None
    about: list[Node] = strawberry.field(
        description="What it is about 涉及对象: only the types the caller may read, at most 50"
    )


GRAPH_TYPES: list[type] = [
    Enterprise, Cylinder, Household, Person, Vehicle, Product, Filling, Delivery, Inspection,
    Shipment, BatchTest, Sale, Incident, Tip, Alert, Reward, PlatformShop, Notice,
]  # fmt: skip
