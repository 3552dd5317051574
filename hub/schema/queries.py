"""Root fields that read the graph's entities."""

from __future__ import annotations

from typing import Any

import strawberry

from hub.access.root_access import ID_LOOKUP, READ
from hub.context import Info
from hub.resolvers import entities, lookups
from hub.schema.graph import (
    Alert,
    Connection,
    Cylinder,
    Delivery,
    Enterprise,
    Household,
    Incident,
    Node,
    Person,
    Product,
    Sale,
    Vehicle,
)
from hub.schema.inputs import (
    AlertFilter,
    AlertOrder,
    CylinderFilter,
    CylinderOrder,
    DeliveryFilter,
    EnterpriseFilter,
    EnterpriseOrder,
    EventOrder,
    HouseholdFilter,
    HouseholdOrder,
    IncidentFilter,
    IncidentOrder,
    ProductFilter,
    ProductOrder,
    SaleFilter,
    VehicleFilter,
    VehicleOrder,
)
from hub.schema.permissions import allow


def _args(**kwargs: Any) -> dict[str, Any]:
    """Arguments as the compiler reads them: inputs as plain dicts."""
    return {
        k: (strawberry.asdict(v) if hasattr(v, "__strawberry_definition__") else v)
        for k, v in kwargs.items()
    }


def _read(description: str) -> Any:
    """An entity root field, open under READ (the public passes; the policy gives it nothing)."""
    return strawberry.field(extensions=allow(READ), description=description)


@strawberry.type
class EntityQuery:
    @strawberry.field(
        extensions=allow(READ), description="Any object by its global id (`Cylinder:FZ...`)."
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await entities.node(info, id)  # type: ignore[no-any-return]

    @_read("A cylinder by its code 气瓶标签码.")
    async def cylinder(self, info: Info, code: str) -> Cylinder | None:
        return await entities.one(info, "Cylinder", code)  # type: ignore[no-any-return]

    @_read("Cylinders 气瓶, filtered and sorted.")
    async def cylinders(
        self, info: Info, filter: CylinderFilter | None = None,
        orderBy: CylinderOrder | None = None, first: int | None = None, after: str | None = None,
    ) -> Connection[Cylinder]:  # fmt: skip
        args = _args(filter=filter, orderBy=orderBy, first=first, after=after)
        return await entities.page(info, "Cylinder", args)  # type: ignore[no-any-return]

    @_read("A registered gas user by id 燃气用户.")
    async def household(self, info: Info, id: str) -> Household | None:
        return await entities.one(info, "Household", id)  # type: ignore[no-any-return]

    @_read("Registered gas users 燃气用户.")
    async def households(
        self, info: Info, filter: HouseholdFilter | None = None,
        orderBy: HouseholdOrder | None = None, first: int | None = None, after: str | None = None,
    ) -> Connection[Household]:  # fmt: skip
        args = _args(filter=filter, orderBy=orderBy, first=first, after=after)
        return await entities.page(info, "Household", args)  # type: ignore[no-any-return]

    @strawberry.field(
        extensions=allow(READ),
        description="A person by resident id number 公民身份号码, for a role that sees the number "
        "in full (police); others reach people by `node(id:)` and their links.",
    )
    async def person(self, info: Info, idNumber: str) -> Person | None:
        return await entities.one(info, "Person", idNumber)  # type: ignore[no-any-return]

    @strawberry.field(
        extensions=allow(ID_LOOKUP),
        description="A person by full resident id number 公民身份号码 for a department that sees "
        "it masked and whose work needs the lookup (housing: real-name registration 实名登记; "
        "emergency: identifying a person at an incident; market: the holder of a licence in an "
        "enforcement case). States a purpose (case number or reason), which is audited; spends "
        "one of the client's daily lookups (LIMIT_EXCEEDED when spent); answers the person as "
        "the role reads it (masked), or null when nobody in its scope has the number.",
    )
    async def personByIdNumber(self, info: Info, idNumber: str, purpose: str) -> Person | None:
        return await lookups.person_by_id_number(  # type: ignore[no-any-return]
            info, idNumber, purpose
        )

    @_read("A vehicle by plate 号牌.")
    async def vehicle(self, info: Info, plate: str) -> Vehicle | None:
        return await entities.one(info, "Vehicle", plate)  # type: ignore[no-any-return]

    @_read("Vehicles 车辆.")
    async def vehicles(
        self, info: Info, filter: VehicleFilter | None = None,
        orderBy: VehicleOrder | None = None, first: int | None = None, after: str | None = None,
    ) -> Connection[Vehicle]:  # fmt: skip
        args = _args(filter=filter, orderBy=orderBy, first=first, after=after)
        return await entities.page(info, "Vehicle", args)  # type: ignore[no-any-return]

    @strawberry.field(
        extensions=allow(READ),
        description="An enterprise by Unified Social Credit Code 统一社会信用代码.",
    )
    async def enterprise(self, info: Info, uscc: str) -> Enterprise | None:
        return await entities.one(info, "Enterprise", uscc)  # type: ignore[no-any-return]

    @_read("Enterprises 企业.")
    async def enterprises(
        self, info: Info, filter: EnterpriseFilter | None = None,
        orderBy: EnterpriseOrder | None = None, first: int | None = None, after: str | None = None,
    ) -> Connection[Enterprise]:  # fmt: skip
        args = _args(filter=filter, orderBy=orderBy, first=first, after=after)
        return await entities.page(info, "Enterprise", args)  # type: ignore[no-any-return]

    @strawberry.field(
        extensions=allow(READ), description="A food batch by its trace code 一品一码."
    )
    async def product(self, info: Info, traceCode: str) -> Product | None:
        return await entities.one(info, "Product", traceCode)  # type: ignore[no-any-return]

    @_read("Food batches 食品批次.")
    async def products(
        self, info: Info, filter: ProductFilter | None = None,
        orderBy: ProductOrder | None = None, first: int | None = None, after: str | None = None,
    ) -> Connection[Product]:  # fmt: skip
        args = _args(filter=filter, orderBy=orderBy, first=first, after=after)
        return await entities.page(info, "Product", args)  # type: ignore[no-any-return]

    @_read("Incidents 事故, newest first.")
    async def incidents(
        self, info: Info, filter: IncidentFilter | None = None,
        orderBy: IncidentOrder | None = None, first: int | None = None, after: str | None = None,
    ) -> Connection[Incident]:  # fmt: skip
        args = _args(filter=filter, orderBy=orderBy, first=first, after=after)
        return await entities.page(info, "Incident", args)  # type: ignore[no-any-return]

    @_read(
        "Alerts 预警 routed to the caller's department (or addressed to its enterprise), "
        "newest first."
    )
    async def alerts(
        self, info: Info, filter: AlertFilter | None = None,
        orderBy: AlertOrder | None = None, first: int | None = None, after: str | None = None,
    ) -> Connection[Alert]:  # fmt: skip
        args = _args(filter=filter, orderBy=orderBy or AlertOrder(), first=first, after=after)
        return await entities.page(info, "Alert", args)  # type: ignore[no-any-return]

    @strawberry.field(
        extensions=allow(READ), description="Cylinder deliveries 配送记录, newest first."
    )
    async def deliveries(
        self, info: Info, filter: DeliveryFilter | None = None,
        orderBy: EventOrder | None = None, first: int | None = None, after: str | None = None,
    ) -> Connection[Delivery]:  # fmt: skip
        args = _args(filter=filter, orderBy=orderBy or EventOrder(), first=first, after=after)
        return await entities.page(info, "Delivery", args)  # type: ignore[no-any-return]

    @_read("Coded sales 赋码销售, newest first.")
    async def sales(
        self, info: Info, filter: SaleFilter | None = None,
        orderBy: EventOrder | None = None, first: int | None = None, after: str | None = None,
    ) -> Connection[Sale]:  # fmt: skip
        args = _args(filter=filter, orderBy=orderBy or EventOrder(), first=first, after=after)
        return await entities.page(info, "Sale", args)  # type: ignore[no-any-return]
