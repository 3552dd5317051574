"""Enterprises: stations, distributors, makers, agencies, producers, markets, restaurants."""

from __future__ import annotations

from hub.catalog.entry import Filter, Link, NodeType, Prop
from hub.catalog.roles import Role
from hub.catalog.scopes import Own

ENTERPRISE = NodeType(
    "Enterprise",
    "uscc",
    props=(
        Prop("uscc", "string", search=True),
        Prop("name", "string", index=True, search=True),
        Prop("kind", "string", index=True),  # ENTERPRISE_KINDS
        Prop("district", "string", index=True),  # GB/T 2260 code, e.g. 350102
        Prop("address", "string", search=True),
        Prop("licenceNo", "string"),  # the operating licence (gas operation, food business...)
        Prop("licenceExpiry", "date"),
        Prop("servicePhone", "string"),  # the public service line (客服电话), not a person's
    ),
    links=(
        Link("cylinders", "OWNED_BY", "in", "Cylinder", many=True, order="code"),
        Link("vehicles", "OPERATED_BY", "in", "Vehicle", many=True, order="plate"),
        Link("products", "PRODUCED_BY", "in", "Product", many=True, order="traceCode"),
        Link("staff", "EMPLOYED_BY", "in", "Person", many=True, order="idNumber"),
        Link("customers", "CUSTOMER_OF", "in", "Household", many=True, order="id"),
        Link("fillings", "AT", "in", "Filling", many=True, order="time"),
        Link("deliveries", "FROM", "in", "Delivery", many=True, order="time"),
        Link("shipmentsSent", "FROM", "in", "Shipment", many=True, order="time"),
        Link("shipmentsReceived", "TO", "in", "Shipment", many=True, order="time"),
        Link("tests", "AT", "in", "BatchTest", many=True, order="time"),
        Link("sales", "AT", "in", "Sale", many=True, order="time"),
        Link("tips", "CONCERNS", "in", "Tip", many=True, order="receivedOn"),
    ),
    filters=(
        Filter("kind", "one_of", "kind"),
        Filter("district", "equals", "district"),
        Filter("nameContains", "contains", "name"),
    ),
    sorts=("uscc", "name"),
    readers=frozenset(
        {Role.MARKET, Role.HOUSING, Role.TRANSPORT, Role.POLICE, Role.EMERGENCY, Role.ENTERPRISE}
    ),
    by_enterprise=Own("uscc", "enterprise"),
    by_district=Own("district", "district"),
)

ENTERPRISE_KINDS = (
    "FILLING_STATION",
    "GAS_DISTRIBUTOR",
    "CYLINDER_MANUFACTURER",
    "INSPECTION_AGENCY",
    "FOOD_PRODUCER",
    "WHOLESALE_MARKET",
    "SUPERMARKET",
    "FARMERS_MARKET",
    "RESTAURANT",
    "DELIVERY_PLATFORM",
    "LOGISTICS",
)

ENTRIES = (ENTERPRISE,)
