"""Cases 案件: an investigator's saved scene (title, purpose, notes, the nodes and their
positions), owned by the department of the person who saved it.

A case is the hub's own record of an investigation, not data of the agencies: it is stored,
never in the graph API (no reader, no Node id, no relationship to a graph node, so no read,
neighbourhood or path can reach it). Only `case`, `cases` and `saveCase` read and write it, for
the signed-in person's department (hub/resolvers/cases.py).
"""

from __future__ import annotations

from hub.catalog.entry import NodeType, Prop

CASE = NodeType(
    "Case",
    "id",
    props=(
        Prop("id", "string"),
        Prop("department", "string", index=True),  # role, and the binding if any
        Prop("title", "string"),
        Prop("purpose", "string"),
        Prop("notes", "string"),
        Prop("scene", "string"),  # JSON: nodes (id, type, label, position), edges
        Prop("createdBy", "string"),
        Prop("createdAt", "datetime"),
        Prop("updatedBy", "string"),
        Prop("updatedAt", "datetime", index=True),
    ),
    api=False,
)

ENTRIES = (CASE,)
