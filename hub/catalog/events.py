"""The cylinder's events: fillings 充装, deliveries 配送 and periodic inspections 定期检验.

Every event has an `eventId` (its natural key, chosen by the writer so that a retry is a replay)
and a `time`; lists of events are newest first and take a time range.
"""

from __future__ import annotations

from hub.catalog.entry import Link, NodeType, Prop, PropType, related
from hub.catalog.roles import Role
from hub.catalog.scopes import IN_DISTRICT_E, IN_DISTRICT_H, MINE, any_of, out, reaches


def event_props(*more: tuple[str, PropType], stamps: tuple[str, ...] = ()) -> tuple[Prop, ...]:
    """An event's key and time, then its own properties, then its closed-loop stamps."""
    head = (Prop("eventId", "string"), Prop("time", "datetime", index=True))
    own = tuple(Prop(name, kind) for name, kind in more)
    return head + own + tuple(Prop(name, "bool", field=None, index=True) for name in stamps)


# The closed loop's verdict on an event, stamped when it is written (true, or absent): what the
# ingest pipeline would have refused at that moment. The hub refuses such writes, so only records
# loaded around it (the seed's planted violations) carry one; the supervision figures count them
# through these indexes instead of judging every event again (docs/supervision.md).
FILLING_STAMPS = ("whileOverdue", "outsideOwner")
DELIVERY_STAMPS = ("toUnregistered", "withoutPermit")


FILLING = NodeType(
    "Filling",
    "eventId",
    props=event_props(("quantityKg", "float"), stamps=FILLING_STAMPS),
    links=(
        Link("cylinder", "OF", "out", "Cylinder"),
        Link("station", "AT", "out", "Enterprise"),
        Link("filler", "BY", "out", "Person"),
    ),
    readers=frozenset({Role.MARKET, Role.HOUSING, Role.EMERGENCY, Role.ENTERPRISE}),
    by_enterprise=reaches(out("AT"), to=MINE),
    by_district=reaches(out("AT"), to=IN_DISTRICT_E),
)

DELIVERY = NodeType(
    "Delivery",
    "eventId",
    props=event_props(stamps=DELIVERY_STAMPS),
    links=(
        Link("cylinder", "OF", "out", "Cylinder"),
        Link("supplier", "FROM", "out", "Enterprise"),
        Link("household", "TO", "out", "Household"),
        Link("vehicle", "VIA", "out", "Vehicle"),
        Link("driver", "BY", "out", "Person"),
        Link("escort", "ESCORTED_BY", "out", "Person"),
    ),
    filters=(related("district", "TO", "out", "Household", "district"),),
    sorts=("time", "eventId"),
    readers=frozenset(
        {Role.MARKET, Role.HOUSING, Role.TRANSPORT, Role.POLICE, Role.EMERGENCY, Role.ENTERPRISE}
    ),
    by_enterprise=reaches(out("FROM"), to=MINE),
    by_district=any_of(
        reaches(out("TO"), to=IN_DISTRICT_H), reaches(out("FROM"), to=IN_DISTRICT_E)
    ),
)

INSPECTION = NodeType(
    "Inspection",
    "eventId",
    props=event_props(("result", "string"), ("nextDue", "date")),
    links=(
        Link("cylinder", "OF", "out", "Cylinder"),
        Link("agency", "BY", "out", "Enterprise"),
    ),
    readers=frozenset({Role.MARKET, Role.ENTERPRISE}),
    by_enterprise=any_of(
        reaches(out("OF", through="Cylinder"), out("OWNED_BY"), to=MINE),
        reaches(out("BY"), to=MINE),
    ),
    by_district=any_of(
        reaches(out("OF", through="Cylinder"), out("LOCATED_AT"), to=IN_DISTRICT_H),
        reaches(out("BY"), to=IN_DISTRICT_E),
    ),
)

ENTRIES = (FILLING, DELIVERY, INSPECTION)
