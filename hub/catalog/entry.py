"""What a catalog entry is made of: one node type, declared once (see docs/architecture.md).

An entry holds everything the hub knows about a type: its label and natural key, its properties
and their types, its links, its filters and sort keys, and who may read it (the readers, the
field rules and the row scopes). The tables the rest of the hub uses are derived from the entries
(hub/catalog/__init__.py), so a type cannot be half-added.

Access is denied by default: a role reads a type only when the entry names it among `readers`,
sees a masked field in full only when the field's mask names it, and a field or filter the entry
does not declare is refused for every role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from hub.catalog.roles import Role
from hub.catalog.scopes import Direction, RowScope

PropType = Literal["string", "int", "float", "bool", "date", "datetime", "strings"]

ANY = "Node"  # a link whose target may be any type of the graph


class Mask(StrEnum):
    ID_NUMBER = "id_number"  # 350102********123X
    NAME = "name"  # 张*
    PHONE = "phone"  # 138****5678
    STREET_ONLY = "street_only"  # an address cut to its district and street
    TEXT_NUMBERS = "text_numbers"  # free text with identity and phone numbers masked


@dataclass(frozen=True)
class Masked:
    """A field shown through `mask` to every reader of the type except the `full_for` roles.

    `lookup_for` are roles that see it masked yet may find one row by its full value through an
    explicit lookup (a stated purpose, a daily quota per client, audited, an alert on
    enumeration: hub/resolvers/lookups.py); never through a key, filter, sort or search."""

    mask: Mask
    full_for: frozenset[Role]
    lookup_for: frozenset[Role] = frozenset()


@dataclass(frozen=True)
class Prop:
    """A stored property. `field` is its GraphQL field ("" where the names agree, None where the
    value never leaves the graph); `mask` its field rule; `index` asks for an index on it;
    `unique` for a uniqueness constraint besides the natural key's; `search` puts it in the
    explorer's search (a full-text index of its own, hub/graph/migrations.py; a role finds rows
    by it only when it sees the field in full, hub/resolvers/search.py)."""

    name: str
    kind: PropType
    field: str | None = ""
    mask: Masked | None = None
    index: bool = False
    unique: bool = False
    search: bool = False

    @property
    def api_name(self) -> str | None:
        return self.name if self.field == "" else self.field


@dataclass(frozen=True)
class Link:
    """A relationship field: from this type `direction` along `rel` to `target` (a type, or ANY).

    `many` links are connections (Relay pages) in `order` (a property of the target; "time" is
    newest first); `field` None is a relationship the graph stores that no field reads."""

    field: str | None
    rel: str
    direction: Direction
    target: str
    many: bool = False
    order: str = ""


FilterOp = Literal["equals", "one_of", "before", "after", "contains", "related", "about"]


@dataclass(frozen=True)
class Filter:
    """A field of the type's filter input. `op` over the row's `prop`; a "related" filter looks
    at the `prop` of a row of `label` reached `direction` along `rel`, and needs that type
    readable."""

    name: str
    op: FilterOp
    prop: str
    kind: PropType = "string"  # of the compared value, for before / after
    rel: str = ""
    direction: Direction = "out"
    label: str = ""

    @property
    def needs(self) -> frozenset[str]:
        return frozenset({self.label}) if self.op == "related" else frozenset()


def related(name: str, rel: str, direction: Direction, label: str, prop: str) -> Filter:
    return Filter(name, "related", prop, rel=rel, direction=direction, label=label)


@dataclass(frozen=True)
class NodeType:
    """One node type of the graph, and of the API unless `api` is False."""

    name: str  # the GraphQL type, which is also the label
    key: str  # the natural key property (unique)
    props: tuple[Prop, ...]
    links: tuple[Link, ...] = ()
    filters: tuple[Filter, ...] = ()
    sorts: tuple[str, ...] = ()  # the properties its root list may be ordered by
    # Who reads the type at all (deny by default: a role not listed reads nothing of it).
    readers: frozenset[Role] = frozenset()
    # Row scopes (hub/catalog/scopes.py): the rows a client bound to an enterprise or to a
    # district reads; a type with none has no rows for a client bound that way.
    by_enterprise: RowScope | None = None
    by_district: RowScope | None = None
    # Rows a role reads whatever its bindings.
    by_role: dict[Role, RowScope] = field(default_factory=dict)
    # The property behind the global id when it is not the natural key (Person: a surrogate).
    id_key: str = ""
    # The type is in the API (a strawberry class, readable fields); False: only stored so far.
    api: bool = True
    indexes: tuple[str, ...] = ()  # indexed properties not declared in `props` (draft types)

    @property
    def label(self) -> str:
        return self.name

    def prop(self, name: str) -> Prop | None:
        return next((p for p in self.props if p.name == name), None)

    @property
    def field_links(self) -> tuple[Link, ...]:
        return tuple(link for link in self.links if link.field is not None)
