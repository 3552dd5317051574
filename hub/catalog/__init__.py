"""The catalog of the graph's node types: one entry per type, one module per domain.

Every table that restates a type is derived from these entries: the allow-lists of labels,
properties and relationships (hub/graph/model.py), the GraphQL-to-graph mapping
(hub/graph/mapping.py), the read policy (hub/access/policy.py), the filters
(hub/resolvers/filters.py) and the constraints and indexes (hub/graph/migrations.py). The
strawberry classes spell their fields out; tests/test_catalog.py holds each against its entry.
"""

from __future__ import annotations

from hub.catalog import (
    cases,
    cylinders,
    enterprises,
    events,
    food,
    households,
    incidents,
    platforms,
    vehicles,
    whistleblowing,
)
from hub.catalog.entry import ANY, Filter, Link, Mask, Masked, NodeType, Prop, PropType

# Every node carries its provenance: a client id (or "graph_seed") and when it was recorded.
PROVENANCE: dict[str, PropType] = {"recordedBy": "string", "recordedAt": "datetime"}

_ORDER = (
    enterprises.ENTERPRISE,
    cylinders.CYLINDER,
    households.HOUSEHOLD,
    households.PERSON,
    vehicles.VEHICLE,
    food.PRODUCT,
    events.FILLING,
    events.DELIVERY,
    events.INSPECTION,
    food.SHIPMENT,
    food.BATCH_TEST,
    food.SALE,
    incidents.INCIDENT,
    whistleblowing.TIP,
    whistleblowing.REWARD,
    platforms.PLATFORM_SHOP,
    platforms.NOTICE,
    incidents.ALERT,
    cases.CASE,
)
_DOMAINS = (
    enterprises,
    cylinders,
    households,
    vehicles,
    events,
    food,
    incidents,
    whistleblowing,
    platforms,
    cases,
)
assert {e.name for m in _DOMAINS for e in m.ENTRIES} == {e.name for e in _ORDER}

CATALOG: dict[str, NodeType] = {e.name: e for e in _ORDER}
"""Every node type the graph stores, by name (the label)."""

API_TYPES: dict[str, NodeType] = {n: e for n, e in CATALOG.items() if e.api}
"""The types of the API: each has a strawberry class of the same name."""

__all__ = [
    "ANY",
    "API_TYPES",
    "CATALOG",
    "PROVENANCE",
    "Filter",
    "Link",
    "Mask",
    "Masked",
    "NodeType",
    "Prop",
    "PropType",
]
