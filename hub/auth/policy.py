"""The access policy (DESIGN.md section 4) as data: who reads which type, field and row.

One enforcement mechanism reads this table: the read compiler (hub/resolvers/compiler.py). A type,
field, filter or traversal that has no entry here is refused for every role.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hub.auth.principal import Principal, Role


class Mask(StrEnum):
    ID_NUMBER = "id_number"  # 350102********123X
    NAME = "name"  # 张*
    PHONE = "phone"  # 138****5678
    STREET_ONLY = "street_only"  # an address cut to its district and street


@dataclass(frozen=True)
class Masked:
    mask: Mask
    full_for: frozenset[Role]


FULL = None  # a field every reader of the type sees in full
Rule = Masked | None

_EVENT = {"id": FULL, "eventId": FULL, "time": FULL, "recordedBy": FULL, "recordedAt": FULL}
_PROVENANCE = {"recordedBy": FULL, "recordedAt": FULL}

# type -> field -> rule. Relationship fields are listed too: following one also needs the target
# type to be readable (TYPE_READERS).
FIELDS: dict[str, dict[str, Rule]] = {
    "Enterprise": {
        "id": FULL, "uscc": FULL, "name": FULL, "kind": FULL, "district": FULL, "address": FULL,
        "licenceNo": FULL, "licenceExpiry": FULL, **_PROVENANCE,
        "cylinders": FULL, "vehicles": FULL, "products": FULL, "staff": FULL, "customers": FULL,
        "fillings": FULL, "deliveries": FULL, "shipmentsSent": FULL, "shipmentsReceived": FULL,
        "tests": FULL, "sales": FULL, "tips": FULL,
    },
    "Cylinder": {
        "id": FULL, "code": FULL, "serialNo": FULL, "model": FULL, "volumeL": FULL,
        "fillKg": FULL, "tareKg": FULL, "medium": FULL, "nominalPressureMPa": FULL,
        "madeOn": FULL, "registeredOn": FULL, "status": FULL, "lastInspection": FULL,
        "nextInspection": FULL, "scrapDate": FULL, **_PROVENANCE,
        "owner": FULL, "maker": FULL, "location": FULL, "fillings": FULL, "deliveries": FULL,
        "inspections": FULL, "incidents": FULL,
    },
    "Household": {
        "id": FULL, "householdId": FULL, "kind": FULL, "district": FULL, "street": FULL,
        "address": Masked(Mask.STREET_ONLY, frozenset(Role) - {Role.TRANSPORT}),
        "registeredOn": FULL, "status": FULL, **_PROVENANCE,
        "person": FULL, "supplier": FULL, "cylinders": FULL, "deliveries": FULL,
        "incidents": FULL,
    },
    "Person": {
        "id": FULL,
        "idNumber": Masked(Mask.ID_NUMBER, frozenset({Role.POLICE})),
        "name": Masked(Mask.NAME, frozenset({Role.POLICE, Role.EMERGENCY})),
        "phone": Masked(Mask.PHONE, frozenset({Role.POLICE, Role.EMERGENCY})),
        "qualifications": FULL, "verified": FULL, **_PROVENANCE,
        "employer": FULL, "households": FULL, "vehicles": FULL,
    },
    "Vehicle": {
        "id": FULL, "plate": FULL, "kind": FULL, "permitNo": FULL, "permitExpiry": FULL,
        **_PROVENANCE, "operator": FULL, "drivers": FULL, "deliveries": FULL,
    },
    "Product": {
        "id": FULL, "traceCode": FULL, "name": FULL, "category": FULL, "origin": FULL,
        "originCertificate": FULL, "producedOn": FULL, "quantityKg": FULL, **_PROVENANCE,
        "producer": FULL, "tests": FULL, "shipments": FULL, "sales": FULL,
    },
    "Filling": {**_EVENT, "quantityKg": FULL, "cylinder": FULL, "station": FULL, "filler": FULL},
    "Delivery": {
        **_EVENT, "cylinder": FULL, "supplier": FULL, "household": FULL, "vehicle": FULL,
        "driver": FULL, "escort": FULL,
    },
    "Inspection": {**_EVENT, "result": FULL, "nextDue": FULL, "cylinder": FULL, "agency": FULL},
    "Shipment": {**_EVENT, "quantityKg": FULL, "product": FULL, "sender": FULL, "receiver": FULL},
    "BatchTest": {**_EVENT, "method": FULL, "result": FULL, "product": FULL, "market": FULL},
    "Sale": {**_EVENT, "quantityKg": FULL, "priceYuan": FULL, "product": FULL, "seller": FULL},
    "Incident": {
        "id": FULL, "incidentId": FULL, "time": FULL, "kind": FULL, "severity": FULL,
        "location": FULL, "district": FULL, **_PROVENANCE, "involves": FULL,
    },
    "Tip": {
        "id": FULL, "tipId": FULL, "time": FULL, "category": FULL, "text": FULL, "status": FULL,
        "rewardYuan": FULL, **_PROVENANCE, "concerns": FULL,
    },
}  # fmt: skip

_ALL = frozenset(FIELDS)
TYPE_READERS: dict[Role, frozenset[str]] = {
    Role.MARKET: _ALL,
    Role.HOUSING: frozenset(
        {"Enterprise", "Household", "Person", "Cylinder", "Filling", "Delivery"}
    ),
    Role.TRANSPORT: frozenset({"Vehicle", "Enterprise", "Delivery", "Cylinder", "Person"}),
    Role.POLICE: frozenset(
        {"Person", "Household", "Vehicle", "Delivery", "Cylinder", "Enterprise", "Incident"}
    ),
    Role.EMERGENCY: frozenset(
        {"Incident", "Household", "Cylinder", "Enterprise", "Vehicle", "Delivery", "Filling"}
    )
    | {"Person"},
    Role.ENTERPRISE: _ALL - {"Incident", "Tip"},
    Role.AUDITOR: frozenset(),
    Role.ADMIN: frozenset(),
    Role.PUBLIC: frozenset(),
}

# The audit log (DESIGN.md section 5): only these roles read it, and only with `audit:read`.
AUDIT_LOG_READERS: frozenset[Role] = frozenset({Role.AUDITOR})

# Row rules: Cypher predicates over the row `_n_`. Every row of a type passes through them, at
# every depth and inside filters, so a row out of scope behaves as if it did not exist.
_MINE = "(:Enterprise {uscc: $scopeEnterprise})"
BY_ENTERPRISE: dict[str, str] = {
    "Enterprise": "_n_.uscc = $scopeEnterprise",
    "Cylinder": "EXISTS { (_n_)-[:OWNED_BY]->" + _MINE + " }",
    "Household": "EXISTS { (_n_)-[:CUSTOMER_OF]->" + _MINE + " }",
    "Person": "EXISTS { (_n_)-[:EMPLOYED_BY]->" + _MINE + " }"
    " OR EXISTS { (_n_)<-[:REGISTERED_TO]-(:Household)-[:CUSTOMER_OF]->" + _MINE + " }",
    "Vehicle": "EXISTS { (_n_)-[:OPERATED_BY]->" + _MINE + " }",
    "Product": "EXISTS { (_n_)-[:PRODUCED_BY]->" + _MINE + " }"
    " OR EXISTS { (_n_)<-[:OF]-(:Shipment|BatchTest|Sale)-[:FROM|TO|AT]->" + _MINE + " }",
    "Filling": "EXISTS { (_n_)-[:AT]->" + _MINE + " }",
    "Delivery": "EXISTS { (_n_)-[:FROM]->" + _MINE + " }",
    "Inspection": "EXISTS { (_n_)-[:OF]->(:Cylinder)-[:OWNED_BY]->" + _MINE + " }"
    " OR EXISTS { (_n_)-[:BY]->" + _MINE + " }",
    "Shipment": "EXISTS { (_n_)-[:FROM|TO]->" + _MINE + " }",
    "BatchTest": "EXISTS { (_n_)-[:AT]->" + _MINE + " }",
    "Sale": "EXISTS { (_n_)-[:AT]->" + _MINE + " }",
}

_IN_DISTRICT_E = "(:Enterprise {district: $scopeDistrict})"
_IN_DISTRICT_H = "(:Household {district: $scopeDistrict})"
BY_DISTRICT: dict[str, str] = {
    "Enterprise": "_n_.district = $scopeDistrict",
    "Household": "_n_.district = $scopeDistrict",
    "Incident": "_n_.district = $scopeDistrict",
    # A cylinder is where it stands; one not placed anywhere belongs to its owner's district.
    "Cylinder": "EXISTS { (_n_)-[:LOCATED_AT]->" + _IN_DISTRICT_H + " }"
    " OR (NOT EXISTS { (_n_)-[:LOCATED_AT]->() }"
    " AND EXISTS { (_n_)-[:OWNED_BY]->" + _IN_DISTRICT_E + " })",
    "Person": "EXISTS { (_n_)<-[:REGISTERED_TO]-" + _IN_DISTRICT_H + " }"
    " OR EXISTS { (_n_)-[:EMPLOYED_BY]->" + _IN_DISTRICT_E + " }",
    "Vehicle": "EXISTS { (_n_)-[:OPERATED_BY]->" + _IN_DISTRICT_E + " }",
    "Product": "EXISTS { (_n_)-[:PRODUCED_BY]->" + _IN_DISTRICT_E + " }",
    "Filling": "EXISTS { (_n_)-[:AT]->" + _IN_DISTRICT_E + " }",
    "Delivery": "EXISTS { (_n_)-[:TO]->" + _IN_DISTRICT_H + " }"
    " OR EXISTS { (_n_)-[:FROM]->" + _IN_DISTRICT_E + " }",
    "Inspection": "EXISTS { (_n_)-[:OF]->(:Cylinder)-[:LOCATED_AT]->" + _IN_DISTRICT_H + " }"
    " OR EXISTS { (_n_)-[:BY]->" + _IN_DISTRICT_E + " }",
    "Shipment": "EXISTS { (_n_)-[:FROM|TO]->" + _IN_DISTRICT_E + " }",
    "BatchTest": "EXISTS { (_n_)-[:AT]->" + _IN_DISTRICT_E + " }",
    "Sale": "EXISTS { (_n_)-[:AT]->" + _IN_DISTRICT_E + " }",
    "Tip": "EXISTS { (_n_)-[:CONCERNS]->" + _IN_DISTRICT_E + " }",
}

# Rows a role sees of a type whatever its bindings.
BY_ROLE: dict[tuple[Role, str], str] = {
    (Role.TRANSPORT, "Person"): "EXISTS { (_n_)-[:DRIVES]->(:Vehicle) }",  # drivers only
}

# Filters that look at another type need that type readable: (type, filter) -> types.
FILTER_NEEDS: dict[tuple[str, str], frozenset[str]] = {
    ("Cylinder", "status"): frozenset(),
    ("Cylinder", "model"): frozenset(),
    ("Cylinder", "nextInspectionBefore"): frozenset(),
    ("Cylinder", "nextInspectionAfter"): frozenset(),
    ("Cylinder", "district"): frozenset({"Household"}),
    ("Cylinder", "owner"): frozenset({"Enterprise"}),
    ("Enterprise", "kind"): frozenset(),
    ("Enterprise", "district"): frozenset(),
    ("Enterprise", "nameContains"): frozenset(),
    ("Household", "district"): frozenset(),
    ("Household", "street"): frozenset(),
    ("Household", "status"): frozenset(),
    ("Vehicle", "operator"): frozenset({"Enterprise"}),
    ("Vehicle", "permitExpiresBefore"): frozenset(),
    ("Vehicle", "permitExpiresAfter"): frozenset(),
    ("Product", "category"): frozenset(),
    ("Product", "origin"): frozenset(),
    ("Product", "producer"): frozenset({"Enterprise"}),
    ("Product", "testResult"): frozenset({"BatchTest"}),
    ("Delivery", "district"): frozenset({"Household"}),
    ("Incident", "kind"): frozenset(),
    ("Incident", "severity"): frozenset(),
    ("Incident", "district"): frozenset(),
    ("*", "since"): frozenset(),  # the time range of any event list
    ("*", "until"): frozenset(),
}

# Investigation (DESIGN.md section 4). Graph exploration needs the `investigate` scope and a
# stated purpose; the public checks are the only graph fields open without a token, and answer
# with narrow types of their own (no graph type, nothing personal).
EXPLORATION_FIELDS = frozenset({"neighborhood", "shortestPath"})
PUBLIC_FIELDS = frozenset({"verifyCylinder", "publicTrace"})

# What each derived answer of a trace is made of: it is given only to a role that may read every
# type listed (row rules still apply to each row it looks at). A name not listed is denied.
DERIVED_NEEDS: dict[str, frozenset[str]] = {
    "traceCylinder": frozenset({"Cylinder"}),
    "traceProduct": frozenset({"Product"}),
    "flag:OVERDUE": frozenset({"Cylinder"}),
    "flag:FILLED_WHILE_OVERDUE": frozenset({"Cylinder", "Filling"}),
    "flag:FILLED_OUTSIDE_OWNER": frozenset({"Cylinder", "Filling", "Enterprise"}),
    "flag:DELIVERED_WITHOUT_VALID_PERMIT": frozenset({"Cylinder", "Delivery", "Vehicle"}),
    "flag:DELIVERED_TO_UNREGISTERED_HOUSEHOLD": frozenset({"Cylinder", "Delivery", "Household"}),
    "recall": frozenset({"Product", "Shipment", "Enterprise"}),
}


def can_read(role: Role, type_name: str) -> bool:
    return type_name in TYPE_READERS.get(role, frozenset())


def field_rule(type_name: str, field_name: str) -> Rule | bool:
    """The rule for a field, or False when the policy has no entry (denied)."""
    fields = FIELDS.get(type_name)
    if fields is None or field_name not in fields:
        return False
    return fields[field_name]


def sees_in_full(role: Role, type_name: str, field_name: str) -> bool:
    """Whether `role` reads the field unmasked. Only such a field may serve it as a key, a
    filter, a sort or a search: a value seen masked is never an input (a lookup by a masked
    identity number would let guesses undo the mask)."""
    rule = field_rule(type_name, field_name)
    if rule is False:
        return False
    return not isinstance(rule, Masked) or role in rule.full_for


def row_rule(principal: Principal, type_name: str, var: str) -> str | None:
    """The predicate every row of `type_name` must pass for `principal`, over the Cypher variable
    `var`, if any. Its parameters are `$scopeEnterprise` and `$scopeDistrict` (the bindings)."""
    rules: list[str] = []
    if principal.role is Role.ENTERPRISE or principal.enterprise:
        rules.append(BY_ENTERPRISE.get(type_name, "false") if principal.enterprise else "false")
    if principal.district:
        rules.append(BY_DISTRICT.get(type_name, "false"))
    by_role = BY_ROLE.get((principal.role, type_name))
    if by_role:
        rules.append(by_role)
    if not rules:
        return None
    return " AND ".join("(" + r.replace("_n_", var) + ")" for r in rules)


def can_derive(role: Role, name: str) -> bool:
    """Whether `role` may be given the derived answer `name` (see DERIVED_NEEDS)."""
    needs = DERIVED_NEEDS.get(name)
    return needs is not None and all(can_read(role, t) for t in needs)
