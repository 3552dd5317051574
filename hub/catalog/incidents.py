"""Incidents 事故 and alerts: what happened, and which rule fired (tips: whistleblowing.py)."""

from __future__ import annotations

from hub.catalog.entry import ANY, Filter, Link, NodeType, Prop
from hub.catalog.roles import Role

INCIDENT = NodeType(
    "Incident",
    "id",
    props=(
        Prop("id", "string", field="incidentId"),
        Prop("time", "datetime", index=True),
        Prop("kind", "string"),  # GAS_LEAK, FIRE, EXPLOSION, FOOD_POISONING, TRAFFIC
        Prop("severity", "string"),  # LOW, MEDIUM, HIGH, CRITICAL
        Prop("location", "string"),
        Prop("district", "string"),
    ),
    # Anything may be involved: the target is the Node interface, capped at ANY_LIMIT rows.
    links=(Link("involves", "INVOLVES", "out", ANY, many=True),),
    filters=(
        Filter("kind", "one_of", "kind"),
        Filter("severity", "one_of", "severity"),
        Filter("district", "equals", "district"),
    ),
    sorts=("time",),
    readers=frozenset({Role.MARKET, Role.POLICE, Role.EMERGENCY}),
    by_district="_n_.district = $scopeDistrict",
)

# Stored, not yet in the API: its key, its time index and its relationship only. Until it has
# properties, readers and a strawberry class, no table but the migrations and the allow-list of
# relationships knows it.
ALERT = NodeType(
    "Alert",
    "id",
    props=(),
    links=(Link(None, "ABOUT", "out", ANY),),
    api=False,
    indexes=("time",),
)

ENTRIES = (INCIDENT, ALERT)
