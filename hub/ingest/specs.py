"""Every mutation's pipeline parts in one table: what it writes, how an item is read, its rules."""

from __future__ import annotations

from hub.access.write_policy import Write
from hub.ingest import events, registrations, rules, updates
from hub.ingest.codes import Code
from hub.ingest.item import Spec

_CYLINDER = {"cylinder": Code.CYLINDER_UNREGISTERED}
_PRODUCT = {"product": Code.TRACE_CODE_UNREGISTERED}

SPECS: dict[Write, Spec] = {
    s.write: s
    for s in (
        Spec(Write.REGISTER_ENTERPRISES, "Enterprise", "uscc", registrations.enterprise),
        Spec(
            Write.REGISTER_CYLINDERS,
            "Cylinder",
            "code",
            registrations.cylinder,
            rules.cylinder_registration,
        ),
        Spec(Write.REGISTER_HOUSEHOLDS, "Household", "householdId", registrations.household),
        Spec(Write.REGISTER_VEHICLES, "Vehicle", "plate", registrations.vehicle),
        Spec(Write.REGISTER_EMPLOYEES, "Person", "idNumber", registrations.employee),
        Spec(Write.REGISTER_PRODUCTS, "Product", "traceCode", registrations.product),
        Spec(
            Write.RECORD_FILLINGS,
            "Filling",
            "eventId",
            events.filling,
            rules.filling,
            unregistered=_CYLINDER,
        ),
        Spec(
            Write.RECORD_DELIVERIES,
            "Delivery",
            "eventId",
            events.delivery,
            rules.delivery,
            unregistered=_CYLINDER,
        ),
        Spec(
            Write.RECORD_INSPECTIONS,
            "Inspection",
            "eventId",
            events.inspection,
            rules.inspection,
            unregistered=_CYLINDER,
        ),
        Spec(
            Write.RECORD_SHIPMENTS,
            "Shipment",
            "eventId",
            events.shipment,
            rules.shipment,
            unregistered=_PRODUCT,
        ),
        Spec(
            Write.RECORD_BATCH_TESTS,
            "BatchTest",
            "eventId",
            events.batch_test,
            unregistered=_PRODUCT,
        ),
        Spec(Write.RECORD_SALES, "Sale", "eventId", events.sale, rules.sale, unregistered=_PRODUCT),
        Spec(Write.REPORT_INCIDENTS, "Incident", "incidentId", events.incident),
        Spec(
            Write.SET_CYLINDER_STATUS,
            "Cylinder",
            "code",
            updates.cylinder_status,
            rules.cylinder_status,
            updates=True,
            unregistered={"code": Code.CYLINDER_UNREGISTERED},
        ),
        Spec(
            Write.SET_ENTERPRISE_LICENCES,
            "Enterprise",
            "uscc",
            updates.licence,
            rules.licence,
            updates=True,
        ),
        Spec(Write.SET_VEHICLE_PERMITS, "Vehicle", "plate", updates.permit, updates=True),
        Spec(Write.VERIFY_PEOPLE, "Person", "idNumber", updates.verification, updates=True),
    )
}
assert set(SPECS) == set(Write)
