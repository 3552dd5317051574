"""How each GraphQL type maps onto the graph, derived from the catalog (hub/catalog/): its label,
natural key, properties and links.

The read compiler builds Cypher only from this table (labels, properties and relationship
patterns are code, never input), so it doubles as the allow-list for generated statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from hub.catalog import ANY, API_TYPES, NodeType
from hub.catalog import Link as CatalogLink
from hub.catalog.scopes import Direction
from hub.graph.model import PROPERTIES

__all__ = ["ANY", "ANY_LIMIT", "TYPES", "Link", "TypeMap", "relationship"]

ANY_LIMIT = 50  # rows of a link whose target may be any type (ANY)


def relationship(rels: tuple[str, ...] | str, direction: Direction) -> str:
    """The Cypher pattern of a relationship (one of `rels`) from the node on the left, taken
    `direction`: `-[:OWNED_BY]->`, `<-[:OF]-`, `-[:FROM|TO]->`."""
    types = rels if isinstance(rels, str) else "|".join(rels)
    return ("-[:" + types + "]->") if direction == "out" else ("<-[:" + types + "]-")


@dataclass(frozen=True)
class Link(CatalogLink):
    """A catalog link with its Cypher pattern."""

    @property
    def pattern(self) -> str:
        """The relationship pattern from this type's row (left) to the target (right)."""
        return relationship(self.rel, self.direction)

    @classmethod
    def of(cls, link: CatalogLink) -> Link:
        return cls(link.field, link.rel, link.direction, link.target, link.many, link.order)


@dataclass(frozen=True)
class TypeMap:
    label: str
    key: str  # the natural key property
    # GraphQL field -> graph property, where the names differ (Household.householdId -> id)
    renamed: dict[str, str] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)
    # The property behind the global id when it is not the natural key (Person: a surrogate).
    id_key: str = ""
    hidden: frozenset[str] = frozenset()  # properties that never leave the graph

    @property
    def global_key(self) -> str:
        return self.id_key or self.key

    @cached_property
    def properties(self) -> dict[str, str]:
        """Every scalar GraphQL field of the type and the graph property it reads."""
        props = {p: p for p in PROPERTIES[self.label] if p not in self.renamed.values()}
        props.update(self.renamed)
        for hidden in self.hidden:
            props.pop(hidden, None)
        return props | {"recordedBy": "recordedBy", "recordedAt": "recordedAt"}


def type_map(entry: NodeType) -> TypeMap:
    return TypeMap(
        entry.label,
        entry.key,
        renamed={p.field: p.name for p in entry.props if p.field},
        links={link.field: Link.of(link) for link in entry.links if link.field is not None},
        id_key=entry.id_key,
        hidden=frozenset(p.name for p in entry.props if p.field is None),
    )


TYPES: dict[str, TypeMap] = {name: type_map(entry) for name, entry in API_TYPES.items()}
