"""The read policy as data, derived from the catalog (hub/catalog/): who reads which type,
field and row. docs/access-policy.md shows it (`hub policy show`).

One enforcement mechanism reads this table: the read compiler (hub/resolvers/compiler.py). A type,
field, filter or traversal that has no entry here is refused for every role.
"""

from __future__ import annotations

from collections.abc import Iterable

from hub.access.principal import Principal, Role
from hub.catalog import API_TYPES, Mask, Masked, NodeType
from hub.catalog.roles import ENTERPRISE_BOUND
from hub.catalog.scopes import NoRows, RowScope

__all__ = ["FULL", "Mask", "Masked", "Rule"]

FULL = None  # a field every reader of the type sees in full
Rule = Masked | None


def field_rules(entry: NodeType) -> dict[str, Rule]:
    """Every field of a type and its rule: the global id, the scalar fields (masked where the
    entry masks them), the provenance and the links. Following a link also needs the target
    type to be readable (TYPE_READERS)."""
    return (
        {"id": FULL}
        | {p.api_name: p.mask for p in entry.props if p.api_name is not None}
        | {"recordedBy": FULL, "recordedAt": FULL}
        | {link.field: FULL for link in entry.field_links if link.field is not None}
    )


def readers_by_role(entries: Iterable[NodeType]) -> dict[Role, frozenset[str]]:
    """Which types each role reads: exactly those whose entry names it (deny by default)."""
    listed = list(entries)
    return {role: frozenset(e.name for e in listed if role in e.readers) for role in Role}


# type -> field -> rule, for every type of the API.
FIELDS: dict[str, dict[str, Rule]] = {name: field_rules(e) for name, e in API_TYPES.items()}
TYPE_READERS: dict[Role, frozenset[str]] = readers_by_role(API_TYPES.values())

# The audit log: only these roles read it, and only with `audit:read`.
AUDIT_LOG_READERS: frozenset[Role] = frozenset({Role.AUDITOR})

# Row scopes (hub/catalog/scopes.py): every row of a type passes through them, at every depth
# and inside filters, so a row out of scope behaves as if it did not exist. A type without a
# scope has no rows for a client bound that way. Their Cypher is hub/graph/row_scopes.py's.
BY_ENTERPRISE: dict[str, RowScope] = {
    name: entry.by_enterprise for name, entry in API_TYPES.items() if entry.by_enterprise
}
BY_DISTRICT: dict[str, RowScope] = {
    name: entry.by_district for name, entry in API_TYPES.items() if entry.by_district
}
NO_ROWS = NoRows()

# Rows a role sees of a type whatever its bindings.
BY_ROLE: dict[tuple[Role, str], RowScope] = {
    (role, name): rule for name, entry in API_TYPES.items() for role, rule in entry.by_role.items()
}

# Filters that look at another type need that type readable: (type, filter) -> types.
FILTER_NEEDS: dict[tuple[str, str], frozenset[str]] = {
    (name, f.name): f.needs for name, entry in API_TYPES.items() for f in entry.filters
} | {
    ("*", "since"): frozenset(),  # the time range of any event list
    ("*", "until"): frozenset(),
}

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
    # The supervision figures (hub/resolvers/supervision.py): each needs every type it counts.
    "supervision:cylinders": frozenset({"Cylinder", "Household", "Enterprise"}),
    "supervision:households": frozenset({"Household", "Person"}),
    "supervision:deliveries": frozenset({"Delivery", "Household", "Person"}),
    "supervision:fillings": frozenset({"Filling", "Cylinder", "Enterprise"}),
    "supervision:incidents": frozenset({"Incident"}),
    "supervision:alerts": frozenset({"Alert"}),
    "supervision:tips": frozenset({"Tip", "Enterprise"}),
    "supervision:food": frozenset({"Product", "BatchTest", "Shipment", "Sale", "Enterprise"}),
    "supervision:stations": frozenset({"Enterprise", "Filling", "Cylinder"}),
    "supervision:distributors": frozenset(
        {"Enterprise", "Delivery", "Household", "Person", "Vehicle"}
    ),
    "supervision:markets": frozenset({"Enterprise", "BatchTest", "Product", "Shipment"}),
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


# Lookups by the full value of a field a role sees masked (the catalog's `Masked.lookup_for`):
# (type, field) -> roles. Only through the explicit lookup (hub/resolvers/lookups.py: a stated
# purpose, a daily quota per client, audited, an alert on enumeration), never as a key, filter,
# sort or search input; the row found is still read through the masks and row rules.
LOOKUPS: dict[tuple[str, str], frozenset[Role]] = {
    (name, p.api_name): p.mask.lookup_for
    for name, entry in API_TYPES.items()
    for p in entry.props
    if p.mask is not None and p.mask.lookup_for and p.api_name is not None
}


def lookup_roles(type_name: str, field_name: str) -> frozenset[Role]:
    """The roles that may find a row of `type_name` by the full value of `field_name` through
    the explicit lookup: those the catalog grants it to that read the type and see it masked
    (a role that sees it in full uses the key itself)."""
    return frozenset(
        r
        for r in LOOKUPS.get((type_name, field_name), frozenset())
        if can_read(r, type_name) and not sees_in_full(r, type_name, field_name)
    )


def row_scopes(principal: Principal, type_name: str) -> tuple[RowScope, ...]:
    """The scopes every row of `type_name` must pass for `principal`, all of them (none: every
    row). Bound to an enterprise (or of a role that always is), the type's enterprise scope;
    bound to a district, its district scope; NO_ROWS where the type has none for the binding."""
    scopes: list[RowScope] = []
    if principal.role in ENTERPRISE_BOUND or principal.enterprise:
        scopes.append(BY_ENTERPRISE.get(type_name, NO_ROWS) if principal.enterprise else NO_ROWS)
    if principal.district:
        scopes.append(BY_DISTRICT.get(type_name, NO_ROWS))
    by_role = BY_ROLE.get((principal.role, type_name))
    if by_role:
        scopes.append(by_role)
    return tuple(scopes)


def visible_scopes(principal: Principal, type_name: str) -> tuple[RowScope, ...] | None:
    """`row_scopes`, or None for a type `principal` may not read at all."""
    if not can_read(principal.role, type_name):
        return None
    return row_scopes(principal, type_name)


def search_fields(role: Role, entry: NodeType) -> tuple[str, ...]:
    """The properties of a type a role may find rows by in the explorer's search: those the
    catalog puts in search that the role sees in full, of a type it reads. Never a masked one:
    finding by the full value of a field shown masked would reveal it."""
    if not can_read(role, entry.name):
        return ()
    return tuple(
        p.name
        for p in entry.props
        if p.search and p.api_name is not None and (p.mask is None or role in p.mask.full_for)
    )


def can_derive(role: Role, name: str) -> bool:
    """Whether `role` may be given the derived answer `name` (see DERIVED_NEEDS)."""
    needs = DERIVED_NEEDS.get(name)
    return needs is not None and all(can_read(role, t) for t in needs)
