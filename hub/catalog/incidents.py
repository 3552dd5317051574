"""Incidents 事故 and alerts: what happened, and which rule fired (tips: whistleblowing.py)."""

from __future__ import annotations

from hub.catalog.entry import ANY, Filter, Link, NodeType, Prop
from hub.catalog.roles import Role
from hub.catalog.scopes import Own, RoleListed

INCIDENT = NodeType(
    "Incident",
    "id",
    props=(
        Prop("id", "string", field="incidentId", search=True),
        Prop("time", "datetime", index=True),
        Prop("kind", "string"),  # GAS_LEAK, FIRE, EXPLOSION, FOOD_POISONING, TRAFFIC
        Prop("severity", "string"),  # LOW, MEDIUM, HIGH, CRITICAL
        Prop("location", "string", search=True),
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
    by_district=Own("district", "district"),
)

# An alert 预警 raised by a linkage rule (hub/linkage/rules.py). A department reads the alerts
# routed to it (`departments`), an enterprise the notices addressed to it (`enterprise`), and
# inside an alert only what its role may read of what it is ABOUT.
_ROUTED = {
    role: RoleListed(role, "departments")
    for role in (Role.MARKET, Role.HOUSING, Role.TRANSPORT, Role.POLICE, Role.EMERGENCY)
}
ALERT = NodeType(
    "Alert",
    "id",
    props=(
        Prop("id", "string", field="alertId"),
        Prop("rule", "string", index=True),
        Prop("name", "string"),
        Prop("severity", "string"),  # LOW, MEDIUM, HIGH, CRITICAL
        Prop("status", "string", index=True),  # OPEN, ACKNOWLEDGED, RESOLVED, DISMISSED
        Prop("time", "datetime", index=True),  # first firing
        Prop("lastTime", "datetime"),  # latest firing while open
        Prop("occurrences", "int"),
        Prop("departments", "strings"),
        Prop("enterprise", "string", index=True),  # the uscc a notice is addressed to
        Prop("district", "string"),
        Prop("summary", "string"),
        Prop("assignee", "string"),
        Prop("resolution", "string"),
        Prop("note", "string"),
        Prop("history", "strings"),  # "time STATUS by[ -> assignee][: note]", oldest first
        Prop("openKey", "string", field=None, unique=True),  # rule|subject while open
    ),
    links=(Link("about", "ABOUT", "out", ANY, many=True),),
    filters=(
        Filter("rule", "one_of", "rule"),
        Filter("status", "one_of", "status"),
        Filter("severity", "one_of", "severity"),
        Filter("district", "equals", "district"),
        # By the global id of what it is ABOUT; a type the reader may not read matches nothing.
        Filter("about", "about", "id"),
    ),
    sorts=("time",),
    readers=frozenset(set(_ROUTED) | {Role.ENTERPRISE}),
    by_enterprise=Own("enterprise", "enterprise"),
    by_district=Own("district", "district"),
    by_role=dict(_ROUTED),
)

ENTRIES = (INCIDENT, ALERT)
