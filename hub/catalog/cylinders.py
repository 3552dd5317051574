"""LPG cylinders 液化石油气钢瓶: the tagged vessel, where it stands and who owns it."""

from __future__ import annotations

from hub.catalog.entry import Filter, Link, NodeType, Prop, related
from hub.catalog.roles import Role
from hub.catalog.scopes import (
    IN_DISTRICT_E,
    IN_DISTRICT_H,
    MINE,
    Unlinked,
    all_of,
    any_of,
    out,
    reaches,
)

CYLINDER = NodeType(
    "Cylinder",
    "code",
    props=(
        Prop("code", "string", search=True),  # tag / QR identity
        Prop("serialNo", "string", search=True),
        Prop("model", "string", index=True),  # YSP35.5, YSP118, ...
        Prop("volumeL", "float"),
        Prop("fillKg", "float"),
        Prop("tareKg", "float"),
        Prop("medium", "string"),  # LPG
        Prop("nominalPressureMPa", "float"),
        Prop("madeOn", "date"),
        Prop("registeredOn", "date"),
        Prop("status", "string", index=True),  # CYLINDER_STATUSES
        Prop("lastInspection", "date"),
        Prop("nextInspection", "date", index=True),
        Prop("scrapDate", "date"),
    ),
    links=(
        Link("owner", "OWNED_BY", "out", "Enterprise"),
        Link("maker", "MADE_BY", "out", "Enterprise"),
        Link("location", "LOCATED_AT", "out", "Household"),
        Link("fillings", "OF", "in", "Filling", many=True, order="time"),
        Link("deliveries", "OF", "in", "Delivery", many=True, order="time"),
        Link("inspections", "OF", "in", "Inspection", many=True, order="time"),
        Link("incidents", "INVOLVES", "in", "Incident", many=True, order="time"),
    ),
    filters=(
        Filter("status", "one_of", "status"),
        Filter("model", "equals", "model"),
        Filter("nextInspectionBefore", "before", "nextInspection", "date"),
        Filter("nextInspectionAfter", "after", "nextInspection", "date"),
        related("district", "LOCATED_AT", "out", "Household", "district"),
        related("owner", "OWNED_BY", "out", "Enterprise", "uscc"),
    ),
    sorts=("code", "nextInspection", "madeOn"),
    readers=frozenset(
        {Role.MARKET, Role.HOUSING, Role.TRANSPORT, Role.POLICE, Role.EMERGENCY, Role.ENTERPRISE}
    ),
    by_enterprise=reaches(out("OWNED_BY"), to=MINE),
    # A cylinder is where it stands; one not placed anywhere belongs to its owner's district.
    by_district=any_of(
        reaches(out("LOCATED_AT"), to=IN_DISTRICT_H),
        all_of(Unlinked(out("LOCATED_AT")), reaches(out("OWNED_BY"), to=IN_DISTRICT_E)),
    ),
)

CYLINDER_STATUSES = ("IN_SERVICE", "DUE", "OVERDUE", "SCRAPPED", "SEIZED")

ENTRIES = (CYLINDER,)
