"""Households 燃气用户 and people 人员: real-name gas users and the people the graph knows."""

from __future__ import annotations

from hub.catalog.entry import Filter, Link, Mask, Masked, NodeType, Prop
from hub.catalog.roles import Role
from hub.catalog.scopes import IN_DISTRICT_E, IN_DISTRICT_H, MINE, Own, any_of, in_, out, reaches

HOUSEHOLD_READERS = frozenset(
    {Role.MARKET, Role.HOUSING, Role.POLICE, Role.EMERGENCY, Role.ENTERPRISE}
)

HOUSEHOLD = NodeType(
    "Household",
    "id",
    props=(
        Prop("id", "string", field="householdId", search=True),
        Prop("kind", "string"),  # RESIDENTIAL or COMMERCIAL (a restaurant's premises)
        # Every reader of households sees the full address today; a new reader sees it cut to
        # its district and street until it is named here.
        Prop(
            "address",
            "string",
            mask=Masked(Mask.STREET_ONLY, HOUSEHOLD_READERS),
            search=True,
        ),
        Prop("district", "string", index=True),
        Prop("street", "string", index=True),
        Prop("registeredOn", "date"),
        Prop("status", "string"),  # ACTIVE, CLOSED, UNREGISTERED (a planted gap in real-name sale)
    ),
    links=(
        Link("person", "REGISTERED_TO", "out", "Person"),
        Link("supplier", "CUSTOMER_OF", "out", "Enterprise"),
        Link("cylinders", "LOCATED_AT", "in", "Cylinder", many=True, order="code"),
        Link("deliveries", "TO", "in", "Delivery", many=True, order="time"),
        Link("incidents", "INVOLVES", "in", "Incident", many=True, order="time"),
    ),
    filters=(
        Filter("district", "equals", "district"),
        Filter("street", "equals", "street"),
        Filter("status", "one_of", "status"),
    ),
    sorts=("id", "registeredOn"),
    readers=HOUSEHOLD_READERS,
    by_enterprise=reaches(out("CUSTOMER_OF"), to=MINE),
    by_district=Own("district", "district"),
)

_POLICE_AND_EMERGENCY = frozenset({Role.POLICE, Role.EMERGENCY})
# Who may find a person by the full identity number it sees masked (personByIdNumber, with a
# purpose, a daily quota and an alert on enumeration; docs/security.md): housing, to check a
# household's real-name registration against the resident's ID card in hand; emergency, to
# identify a person at an incident from an ID card found there; market regulation, to identify
# the individual holder of a licence it takes enforcement action against (the party of a case).
_ID_LOOKUP = frozenset({Role.HOUSING, Role.EMERGENCY, Role.MARKET})

PERSON = NodeType(
    "Person",
    "idNumber",
    props=(
        Prop(
            "idNumber",
            "string",
            mask=Masked(Mask.ID_NUMBER, frozenset({Role.POLICE}), lookup_for=_ID_LOOKUP),
            search=True,
        ),
        # The person's global id is `Person:<pid>`, a random surrogate: an id must not carry the
        # identity number that most roles may only see masked.
        Prop("pid", "string", field=None, unique=True),
        Prop("name", "string", mask=Masked(Mask.NAME, _POLICE_AND_EMERGENCY), search=True),
        Prop("phone", "string", mask=Masked(Mask.PHONE, _POLICE_AND_EMERGENCY), search=True),
        Prop("qualifications", "strings"),  # DG_DRIVER, DG_ESCORT, FILLER, INSPECTOR
        Prop("verified", "bool"),  # identity verified by the police
    ),
    links=(
        Link("employer", "EMPLOYED_BY", "out", "Enterprise"),
        Link("households", "REGISTERED_TO", "in", "Household", many=True, order="id"),
        Link("vehicles", "DRIVES", "out", "Vehicle", many=True, order="plate"),
    ),
    readers=frozenset(
        {Role.MARKET, Role.HOUSING, Role.TRANSPORT, Role.POLICE, Role.EMERGENCY, Role.ENTERPRISE}
    ),
    by_enterprise=any_of(
        reaches(out("EMPLOYED_BY"), to=MINE),
        reaches(in_("REGISTERED_TO", through="Household"), out("CUSTOMER_OF"), to=MINE),
    ),
    by_district=any_of(
        reaches(in_("REGISTERED_TO"), to=IN_DISTRICT_H),
        reaches(out("EMPLOYED_BY"), to=IN_DISTRICT_E),
    ),
    by_role={Role.TRANSPORT: reaches(out("DRIVES"), to="Vehicle")},  # drivers only
    id_key="pid",
)

ENTRIES = (HOUSEHOLD, PERSON)
