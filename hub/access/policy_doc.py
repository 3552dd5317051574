"""The access policy shown as data: `hub policy show` prints it, docs/access-policy.md is it.

Everything here is read from the tables the hub enforces (the catalog's read policy and the write
grants), so the document cannot say something the code does not do.
"""

from __future__ import annotations

from hub.access import policy
from hub.access.principal import Role
from hub.access.root_access import Access
from hub.access.write_policy import GRANTS, Grant
from hub.catalog import API_TYPES, Masked, NodeType
from hub.catalog.scopes import describe

HEADER = (
    "# Access policy\n\n"
    "Generated from the catalog (`hub/catalog/`) and the write grants "
    "(`hub/access/write_policy.py`) by `hub policy show --write`; do not edit by hand "
    "(`tests/test_policy_doc.py` fails when this file is stale). Deny by default: a role reads "
    "a type, a field in full or a row scope only where this table says so."
)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    return [_row(head), _row(["---"] * len(head)), *(_row(r) for r in rows)]


def _readers(roles: list[Role]) -> list[str]:
    out = ["## Types each role reads", ""]
    rows = [
        [name, *("read" if policy.can_read(r, name) else "-" for r in roles)] for name in API_TYPES
    ]
    return out + _table(["type", *roles], rows)


def _cell(role: Role, type_name: str, field: str, rule: policy.Rule) -> str:
    """hidden, masked (mask) or full: what `role` gets of `type_name.field`."""
    if not policy.can_read(role, type_name):
        return "hidden"
    link = next((lk for lk in API_TYPES[type_name].field_links if lk.field == field), None)
    if link is not None and link.target in API_TYPES and not policy.can_read(role, link.target):
        return "hidden"
    if isinstance(rule, Masked) and role not in rule.full_for:
        return "masked (" + rule.mask.value + ")"
    return "full"


def _fields(roles: list[Role]) -> list[str]:
    out = ["## Fields", "", "A link is hidden where its target type is not readable."]
    for name, fields in policy.FIELDS.items():
        rows = [[f, *(_cell(r, name, f, rule) for r in roles)] for f, rule in fields.items()]
        out += ["", "### " + name, "", *_table(["field", *roles], rows)]
    return out


def _code(text: str) -> str:
    """`text` as code in a table cell, its pipes escaped (GitHub's tables split cells at them)."""
    return "`" + text.replace("|", "\\|") + "`"


def _scopes() -> list[str]:
    out = [
        "## Row scopes",
        "",
        "The rows of a type a bound client reads, applied to every row of the type at every "
        "depth and inside filters. A client bound to an enterprise or to a district sees no row "
        "of a type without a scope for its binding (`none`). Declared in the catalog in the "
        "terms of `hub/catalog/scopes.py` and written here in a compact notation: `uscc = bound "
        "enterprise` is the row's own property; `-OWNED_BY-> Enterprise[uscc = bound "
        "enterprise]` a path from the row (`-REL->` outgoing, `<-REL-` incoming, `A|B` one of, "
        "a label between two steps the node passed through) to a node whose property is the "
        'binding; `no -REL->` no such relationship; `"police" in departments` the role listed '
        "in the row's list property.",
        "",
    ]
    rows: list[list[str]] = []
    for name, entry in API_TYPES.items():
        rows.append([name, "enterprise", _code(describe(entry.by_enterprise or policy.NO_ROWS))])
        rows.append([name, "district", _code(describe(entry.by_district or policy.NO_ROWS))])
        for role, rule in entry.by_role.items():
            rows.append([name, "role " + role.value, _code(describe(rule))])
    return out + _table(["type", "bound to", "rows in scope"], rows)


def _grant(grant: Grant) -> list[str]:
    kinds = ", ".join(sorted(grant.kinds)) if grant.kinds else "any"
    others = ", ".join(sorted(grant.counterparties)) or "-"
    return [grant.self_field or "-", kinds, others]


def _writes() -> list[str]:
    out = [
        "## Write grants",
        "",
        "A role without a row here gets `FORBIDDEN` for every item of the mutation. `self` is "
        "the item field that must be the writer's own uscc; `counterparties` are references "
        "that need only exist.",
        "",
    ]
    rows = [
        [write.value, role.value, *_grant(grant)]
        for write, grants in GRANTS.items()
        for role, grant in grants.items()
    ]
    return out + _table(["mutation", "role", "self", "enterprise kinds", "counterparties"], rows)


def _derived(roles: list[Role]) -> list[str]:
    out = [
        "## Derived answers",
        "",
        "A trace's derived parts are given to a role that reads every type they are made of.",
        "",
    ]
    rows = [
        [
            name,
            ", ".join(sorted(needs)),
            *("yes" if policy.can_derive(r, name) else "-" for r in roles),
        ]
        for name, needs in policy.DERIVED_NEEDS.items()
    ]
    return out + _table(["answer", "made of", *roles], rows)


def _api_names(entry: NodeType, props: tuple[str, ...]) -> list[str]:
    return [str(p.api_name) for p in entry.props if p.name in props]


def _search(roles: list[Role]) -> list[str]:
    out = [
        "## Search",
        "",
        "What each role finds rows by in `search` (the explorer's box): the search fields of a "
        "type it reads that it sees in full, never a masked one; row scopes apply to every hit.",
        "",
    ]
    rows = [
        [name, *(", ".join(_api_names(e, policy.search_fields(r, e))) or "-" for r in roles)]
        for name, e in API_TYPES.items()
        if any(p.search for p in e.props)
    ]
    return out + _table(["type", *roles], rows)


def _lookup_cell(role: Role, type_name: str, field: str) -> str:
    if role in policy.lookup_roles(type_name, field):
        return "lookup"
    if policy.can_read(role, type_name) and policy.sees_in_full(role, type_name, field):
        return "key"
    return "-"


def _lookups(roles: list[Role]) -> list[str]:
    out = [
        "## Lookups by a masked value",
        "",
        "A field a role sees masked is never a key, filter, sort or search input for it (`key`: "
        "the role sees it in full and uses it as one). The catalog grants a few roles one "
        "explicit lookup by its full value instead (`lookup`, `Masked.lookup_for`): "
        "`personByIdNumber(idNumber, purpose)`, with a stated purpose (audited), a daily quota "
        "per client and the `ID_LOOKUP_ENUMERATION` alert (docs/security.md). The row found is "
        "read through the masks and row scopes above. Housing checks a household's real-name "
        "registration against the resident's ID card; emergency identifies a person at an "
        "incident; market regulation identifies the holder of a licence in an enforcement case.",
        "",
    ]
    rows = [[t + "." + f, *(_lookup_cell(r, t, f) for r in roles)] for (t, f) in policy.LOOKUPS]
    return out + _table(["field", *roles], rows)


def _root(fields: dict[str, Access | None]) -> list[str]:
    out = [
        "## Root fields and mutations",
        "",
        "Who may call each, as the field declares it (`hub/access/root_access.py`); a field that "
        "declares nothing is refused to everyone.",
        "",
    ]
    rows = [[name, access.describe() if access else "refused"] for name, access in fields.items()]
    return out + _table(["field", "open to"], rows)


def render(root_fields: dict[str, Access | None]) -> str:
    """The whole policy as Markdown; `root_fields` is what the schema's root fields declare."""
    roles = list(Role)
    parts = [
        HEADER,
        "\n".join(_root(root_fields)),
        "\n".join(_readers(roles)),
        "\n".join(_fields(roles)),
        "\n".join(_scopes()),
        "\n".join(_search(roles)),
        "\n".join(_lookups(roles)),
        "\n".join(_derived(roles)),
        "\n".join(_writes()),
    ]
    return "\n\n".join(parts) + "\n"
