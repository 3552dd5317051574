"""The graph's shape, derived from the catalog (hub/catalog/): labels, properties, relationships.

This is the allow-list every generated Cypher statement draws labels, properties and relationship
types from; the seeder writes exactly these names. Dates are Neo4j `Date`, times are zoned
`DateTime` (Asia/Shanghai offsets, +08:00); everything else is a string, integer, float, boolean or
a list of strings. Every node also carries its provenance: `recordedBy` (a client id, or
"graph_seed") and `recordedAt` (a DateTime).
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.catalog import ANY, API_TYPES, CATALOG, PROVENANCE, PropType
from hub.catalog.cylinders import CYLINDER_STATUSES
from hub.catalog.enterprises import ENTERPRISE_KINDS
from hub.catalog.food import PRODUCT_CATEGORIES

__all__ = [
    "CYLINDER_STATUSES",
    "ENTERPRISE_KINDS",
    "LABELS",
    "PRODUCT_CATEGORIES",
    "PROPERTIES",
    "PROVENANCE",
    "RELATIONSHIPS",
    "PropType",
    "Rel",
]

PROPERTIES: dict[str, dict[str, PropType]] = {
    name: {p.name: p.kind for p in entry.props} for name, entry in API_TYPES.items()
}


@dataclass(frozen=True)
class Rel:
    start: str
    type: str
    end: str  # "*" where any label may stand


def _relationships() -> tuple[Rel, ...]:
    """Each relationship once, from its start node, whichever end declares it as a link."""
    found: list[Rel] = []
    for entry in CATALOG.values():
        for link in entry.links:
            target = "*" if link.target == ANY else link.target
            start, end = (entry.name, target) if link.direction == "out" else (target, entry.name)
            found.append(Rel(start, link.rel, end))
    wildcard = {(r.start, r.type) for r in found if r.end == "*"}
    unique = dict.fromkeys(r for r in found if r.end == "*" or (r.start, r.type) not in wildcard)
    return tuple(unique)


RELATIONSHIPS: tuple[Rel, ...] = _relationships()

LABELS = tuple(PROPERTIES)
