"""Vehicles 车辆: dangerous-goods trucks, vans and refrigerated transport, and their permits."""

from __future__ import annotations

from hub.catalog.entry import Filter, Link, NodeType, Prop, related
from hub.catalog.roles import Role
from hub.catalog.scopes import IN_DISTRICT_E, MINE, out, reaches

VEHICLE = NodeType(
    "Vehicle",
    "plate",
    props=(
        Prop("plate", "string", search=True),
        Prop("kind", "string"),  # DG_TRUCK (dangerous goods), VAN, REFRIGERATED
        Prop("permitNo", "string"),
        Prop("permitExpiry", "date", index=True),
    ),
    links=(
        Link("operator", "OPERATED_BY", "out", "Enterprise"),
        Link("drivers", "DRIVES", "in", "Person", many=True, order="idNumber"),
        Link("deliveries", "VIA", "in", "Delivery", many=True, order="time"),
    ),
    filters=(
        related("operator", "OPERATED_BY", "out", "Enterprise", "uscc"),
        Filter("permitExpiresBefore", "before", "permitExpiry", "date"),
        Filter("permitExpiresAfter", "after", "permitExpiry", "date"),
    ),
    sorts=("plate", "permitExpiry"),
    readers=frozenset({Role.MARKET, Role.TRANSPORT, Role.POLICE, Role.EMERGENCY, Role.ENTERPRISE}),
    by_enterprise=reaches(out("OPERATED_BY"), to=MINE),
    by_district=reaches(out("OPERATED_BY"), to=IN_DISTRICT_E),
)

ENTRIES = (VEHICLE,)
