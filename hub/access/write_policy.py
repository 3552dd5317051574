"""The write policy as data: which role may run which mutation, and on what (shown in
docs/access-policy.md, "Write grants").

One enforcement mechanism reads this table: the ingest pipeline (hub/ingest/batch.py). A role
without a grant for a mutation gets `FORBIDDEN` for every item of it; an enterprise writes only
about itself. References an item names are checked with the read policy's row rules
(hub/access/policy.py), so "visible to the writer" means what it means for reads; a grant lists the
few references that name another party the writer legitimately cannot read (a shipment's
receiver, a cylinder's maker), which need only exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from hub.access.principal import Role


class Write(StrEnum):
    """Every mutation that writes to the graph, by its API name."""

    REGISTER_ENTERPRISES = "registerEnterprises"
    REGISTER_CYLINDERS = "registerCylinders"
    REGISTER_HOUSEHOLDS = "registerHouseholds"
    REGISTER_VEHICLES = "registerVehicles"
    REGISTER_EMPLOYEES = "registerEmployees"
    REGISTER_PRODUCTS = "registerProducts"
    RECORD_FILLINGS = "recordFillings"
    RECORD_DELIVERIES = "recordDeliveries"
    RECORD_INSPECTIONS = "recordInspections"
    RECORD_SHIPMENTS = "recordShipments"
    RECORD_BATCH_TESTS = "recordBatchTests"
    RECORD_SALES = "recordSales"
    REPORT_INCIDENTS = "reportIncidents"
    SET_CYLINDER_STATUS = "setCylinderStatus"
    SET_ENTERPRISE_LICENCES = "setEnterpriseLicences"
    SET_VEHICLE_PERMITS = "setVehiclePermits"
    VERIFY_PEOPLE = "verifyPeople"


@dataclass(frozen=True)
class Grant:
    # An enterprise writes about itself: the item field that must equal the token's uscc (None
    # where the enterprise is implied by the token and the input has no such field).
    self_field: str | None = None
    # The enterprise kinds that may run the mutation (None: any kind).
    kinds: frozenset[str] | None = None
    # References that only need to exist: another party the writer cannot read.
    counterparties: frozenset[str] = field(default_factory=frozenset)


GAS = frozenset({"FILLING_STATION", "GAS_DISTRIBUTOR"})
MARKETS = frozenset({"WHOLESALE_MARKET", "FARMERS_MARKET", "SUPERMARKET"})

GRANTS: dict[Write, dict[Role, Grant]] = {
    Write.REGISTER_ENTERPRISES: {
        Role.MARKET: Grant(),  # the registrar of businesses
        Role.ENTERPRISE: Grant(self_field="uscc"),
    },
    Write.REGISTER_CYLINDERS: {
        Role.ENTERPRISE: Grant(kinds=GAS, counterparties=frozenset({"maker"})),
    },
    Write.REGISTER_HOUSEHOLDS: {Role.ENTERPRISE: Grant(kinds=GAS)},
    Write.REGISTER_VEHICLES: {Role.ENTERPRISE: Grant()},
    Write.REGISTER_EMPLOYEES: {Role.ENTERPRISE: Grant()},
    Write.REGISTER_PRODUCTS: {
        Role.ENTERPRISE: Grant(kinds=frozenset({"FOOD_PRODUCER", "WHOLESALE_MARKET"})),
    },
    Write.RECORD_FILLINGS: {Role.ENTERPRISE: Grant(kinds=frozenset({"FILLING_STATION"}))},
    Write.RECORD_DELIVERIES: {Role.ENTERPRISE: Grant(kinds=GAS)},
    Write.RECORD_INSPECTIONS: {
        Role.MARKET: Grant(counterparties=frozenset({"agency"})),
        Role.ENTERPRISE: Grant(
            self_field="agency",
            kinds=frozenset({"INSPECTION_AGENCY"}),
            counterparties=frozenset({"cylinder"}),  # an agency inspects others' cylinders
        ),
    },
    Write.RECORD_SHIPMENTS: {
        Role.ENTERPRISE: Grant(counterparties=frozenset({"receiver"})),
    },
    Write.RECORD_BATCH_TESTS: {Role.ENTERPRISE: Grant(kinds=MARKETS)},
    Write.RECORD_SALES: {Role.ENTERPRISE: Grant(kinds=MARKETS | {"RESTAURANT"})},
    Write.REPORT_INCIDENTS: {Role.EMERGENCY: Grant()},
    Write.SET_CYLINDER_STATUS: {Role.MARKET: Grant()},
    Write.SET_ENTERPRISE_LICENCES: {Role.HOUSING: Grant()},
    Write.SET_VEHICLE_PERMITS: {Role.TRANSPORT: Grant()},
    Write.VERIFY_PEOPLE: {Role.POLICE: Grant()},
}

# Housing licenses gas operation only: the enterprise a licence is set on must be of these kinds.
LICENSED_BY_HOUSING = GAS

# References whose owner the closed loop checks: a cylinder that exists but is not the writer's
# is `NOT_OWNER` (a cylinder's existence is public through `verifyCylinder`), not `NOT_FOUND`.
OWNED_REFERENCES: frozenset[tuple[Write, str]] = frozenset(
    {(Write.RECORD_FILLINGS, "cylinder"), (Write.RECORD_DELIVERIES, "cylinder")}
)


def grant_for(write: Write, role: Role) -> Grant | None:
    """The grant of `role` for `write`, or None: the role may not run it (deny by default)."""
    return GRANTS.get(write, {}).get(role)
