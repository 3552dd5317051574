"""The mutations (docs/architecture.md, "A write"): each takes a list of items and answers per item.

What a mutation does lives in hub.ingest (validation, policy, the batch pipeline); this module
only names the fields and their inputs.
"""

from __future__ import annotations

from typing import Any

import strawberry

from hub.access.root_access import WRITE
from hub.access.write_policy import Write
from hub.audit.atomic import WriteAudit
from hub.audit.extension import operation_label
from hub.context import Info
from hub.errors import Unavailable
from hub.ingest.batch import run_batch
from hub.schema.mutation_inputs import (
    BatchTestInput,
    CylinderInput,
    CylinderStatusInput,
    DeliveryInput,
    EmployeeInput,
    EnterpriseInput,
    FillingInput,
    HouseholdInput,
    IncidentInput,
    InspectionInput,
    LicenceInput,
    PermitInput,
    ProductInput,
    SaleInput,
    ShipmentInput,
    VehicleInput,
    VerificationInput,
)
from hub.schema.mutation_results import WriteResult, write_result
from hub.schema.permissions import allow


async def _run(info: Info, write: Write, items: list[Any]) -> WriteResult:
    ctx = info.context
    raw = list(items)  # mappings, as graphql-core coerced them (mutation_inputs.ITEMS)
    audit = None
    if ctx.settings.hub_audit_enabled and ctx.request_id:
        audit = WriteAudit(
            ctx.settings.hub_audit_chain, ctx.audit, ctx.request_id, ctx.principal,
            operation_label(info.operation),
        )  # fmt: skip
    try:
        outcome = await run_batch(ctx.graph, ctx.settings, ctx.principal, write, raw, audit)
    except Unavailable:
        if ctx.response is not None:  # 503 and when to come back, for any HTTP client
            ctx.response.status_code = 503
            ctx.response.headers["Retry-After"] = "5"
        raise
    return write_result(outcome)


def _doc(text: str) -> Any:
    return strawberry.mutation(extensions=allow(WRITE), description=text)


@strawberry.type
class Mutation:
    @_doc("Register enterprises 企业登记 (market; an enterprise registers itself).")
    async def registerEnterprises(self, info: Info, items: list[EnterpriseInput]) -> WriteResult:
        return await _run(info, Write.REGISTER_ENTERPRISES, items)

    @_doc("Register the calling station's cylinders 气瓶登记.")
    async def registerCylinders(self, info: Info, items: list[CylinderInput]) -> WriteResult:
        return await _run(info, Write.REGISTER_CYLINDERS, items)

    @_doc("Register households under a real name 用户实名登记, as customers of the caller.")
    async def registerHouseholds(self, info: Info, items: list[HouseholdInput]) -> WriteResult:
        return await _run(info, Write.REGISTER_HOUSEHOLDS, items)

    @_doc("Register the caller's vehicles 车辆登记.")
    async def registerVehicles(self, info: Info, items: list[VehicleInput]) -> WriteResult:
        return await _run(info, Write.REGISTER_VEHICLES, items)

    @_doc("Register the caller's staff and their qualifications 从业人员登记.")
    async def registerEmployees(self, info: Info, items: list[EmployeeInput]) -> WriteResult:
        return await _run(info, Write.REGISTER_EMPLOYEES, items)

    @_doc("Register batches under their trace codes 一品一码.")
    async def registerProducts(self, info: Info, items: list[ProductInput]) -> WriteResult:
        return await _run(info, Write.REGISTER_PRODUCTS, items)

    @_doc("Record fillings at the calling station 充装记录.")
    async def recordFillings(self, info: Info, items: list[FillingInput]) -> WriteResult:
        return await _run(info, Write.RECORD_FILLINGS, items)

    @_doc("Record deliveries from the caller 配送记录; moves each cylinder to its household.")
    async def recordDeliveries(self, info: Info, items: list[DeliveryInput]) -> WriteResult:
        return await _run(info, Write.RECORD_DELIVERIES, items)

    @_doc("Record periodic inspections 定期检验; sets the cylinder's dates and status.")
    async def recordInspections(self, info: Info, items: list[InspectionInput]) -> WriteResult:
        return await _run(info, Write.RECORD_INSPECTIONS, items)

    @_doc("Record shipments sent by the caller 出货记录.")
    async def recordShipments(self, info: Info, items: list[ShipmentInput]) -> WriteResult:
        return await _run(info, Write.RECORD_SHIPMENTS, items)

    @_doc("Record batch tests at the calling market 批次检测.")
    async def recordBatchTests(self, info: Info, items: list[BatchTestInput]) -> WriteResult:
        return await _run(info, Write.RECORD_BATCH_TESTS, items)

    @_doc("Record coded sales by the caller 销售记录.")
    async def recordSales(self, info: Info, items: list[SaleInput]) -> WriteResult:
        return await _run(info, Write.RECORD_SALES, items)

    @_doc("Report incidents 事故上报 (emergency management).")
    async def reportIncidents(self, info: Info, items: list[IncidentInput]) -> WriteResult:
        return await _run(info, Write.REPORT_INCIDENTS, items)

    @_doc("Seize, scrap or release cylinders 查封/报废 (market regulation).")
    async def setCylinderStatus(self, info: Info, items: list[CylinderStatusInput]) -> WriteResult:
        return await _run(info, Write.SET_CYLINDER_STATUS, items)

    @_doc("Set gas-operation licences 燃气经营许可 (housing).")
    async def setEnterpriseLicences(self, info: Info, items: list[LicenceInput]) -> WriteResult:
        return await _run(info, Write.SET_ENTERPRISE_LICENCES, items)

    @_doc("Set dangerous-goods transport permits 危险货物运输许可 (transport).")
    async def setVehiclePermits(self, info: Info, items: list[PermitInput]) -> WriteResult:
        return await _run(info, Write.SET_VEHICLE_PERMITS, items)

    @_doc("Record identity verification of people 身份核验 (police).")
    async def verifyPeople(self, info: Info, items: list[VerificationInput]) -> WriteResult:
        return await _run(info, Write.VERIFY_PEOPLE, items)
