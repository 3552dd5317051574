"""Typed filters and sort orders for the root lists."""

from __future__ import annotations

from enum import Enum

import strawberry

from hub.schema.enums import (
    CylinderStatus,
    Direction,
    EnterpriseKind,
    ProductCategory,
    TestResult,
)
from hub.schema.scalars import Date, DateTime


@strawberry.input(description="Cylinders by status, place, owner, model and inspection date.")
class CylinderFilter:
    status: list[CylinderStatus] | None = None
    district: str | None = strawberry.field(default=None, description="Where it stands 所在区")
    owner: str | None = strawberry.field(default=None, description="Owner's uscc 产权单位")
    model: str | None = None
    nextInspectionBefore: Date | None = None
    nextInspectionAfter: Date | None = None


@strawberry.input
class EnterpriseFilter:
    kind: list[EnterpriseKind] | None = None
    district: str | None = None
    nameContains: str | None = None


@strawberry.input
class HouseholdFilter:
    district: str | None = None
    street: str | None = None
    status: list[str] | None = None


@strawberry.input
class VehicleFilter:
    operator: str | None = strawberry.field(default=None, description="Operator's uscc")
    permitExpiresBefore: Date | None = None
    permitExpiresAfter: Date | None = None


@strawberry.input
class ProductFilter:
    category: list[ProductCategory] | None = None
    origin: str | None = None
    producer: str | None = strawberry.field(default=None, description="Producer's uscc")
    testResult: TestResult | None = strawberry.field(
        default=None, description="Batches with at least one test of this result"
    )


@strawberry.input(description="Deliveries by where they went and when, in [since, until).")
class DeliveryFilter:
    district: str | None = strawberry.field(
        default=None, description="The receiving household's district 配送区"
    )
    since: DateTime | None = None
    until: DateTime | None = None


@strawberry.input(description="Coded sales in a time range [since, until).")
class SaleFilter:
    since: DateTime | None = None
    until: DateTime | None = None


@strawberry.input
class IncidentFilter:
    kind: list[str] | None = None
    severity: list[str] | None = None
    district: str | None = None


@strawberry.input(
    description="Alerts 预警: by rule, status, severity, district, what it is about, time range."
)
class AlertFilter:
    rule: list[str] | None = None
    status: list[str] | None = None
    severity: list[str] | None = None
    district: str | None = None
    about: strawberry.ID | None = strawberry.field(
        default=None, description="The global id of a row the alert is about"
    )
    since: DateTime | None = None
    until: DateTime | None = None


# Sortable fields per list; the graph property each reads is the enum's value.
@strawberry.enum
class CylinderSort(Enum):
    CODE = "code"
    NEXT_INSPECTION = "nextInspection"
    MADE_ON = "madeOn"


@strawberry.enum
class EnterpriseSort(Enum):
    USCC = "uscc"
    NAME = "name"


@strawberry.enum
class HouseholdSort(Enum):
    ID = "id"
    REGISTERED_ON = "registeredOn"


@strawberry.enum
class VehicleSort(Enum):
    PLATE = "plate"
    PERMIT_EXPIRY = "permitExpiry"


@strawberry.enum
class ProductSort(Enum):
    TRACE_CODE = "traceCode"
    PRODUCED_ON = "producedOn"


@strawberry.enum
class IncidentSort(Enum):
    TIME = "time"


@strawberry.enum
class EventSort(Enum):
    TIME = "time"
    EVENT_ID = "eventId"


@strawberry.input
class CylinderOrder:
    field: CylinderSort = CylinderSort.CODE
    direction: Direction = Direction.ASC


@strawberry.input
class EnterpriseOrder:
    field: EnterpriseSort = EnterpriseSort.USCC
    direction: Direction = Direction.ASC


@strawberry.input
class HouseholdOrder:
    field: HouseholdSort = HouseholdSort.ID
    direction: Direction = Direction.ASC


@strawberry.input
class VehicleOrder:
    field: VehicleSort = VehicleSort.PLATE
    direction: Direction = Direction.ASC


@strawberry.input
class ProductOrder:
    field: ProductSort = ProductSort.TRACE_CODE
    direction: Direction = Direction.ASC


@strawberry.input
class IncidentOrder:
    field: IncidentSort = IncidentSort.TIME
    direction: Direction = Direction.DESC


@strawberry.enum
class AlertSort(Enum):
    TIME = "time"


@strawberry.input(description="Alerts are newest first (by their first firing).")
class AlertOrder:
    field: AlertSort = AlertSort.TIME
    direction: Direction = Direction.DESC


@strawberry.input(description="Events are newest first unless asked otherwise.")
class EventOrder:
    field: EventSort = EventSort.TIME
    direction: Direction = Direction.DESC
