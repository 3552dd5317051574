"""`auditLog`: pages of the audit chain for auditors, through hub/audit/repo.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hub.audit import repo
from hub.audit.entry import Entry
from hub.clock import stamp
from hub.context import Info
from hub.errors import BadUserInput

CURSOR_PREFIX = "AuditEntry:"


def _stored_time(value: str) -> str:
    return stamp(datetime.fromisoformat(value))


def _before_seq(after: str | None) -> int | None:
    if after is None:
        return None
    prefix, _, seq = after.partition(":")
    if prefix + ":" != CURSOR_PREFIX or not seq.isdigit():
        raise BadUserInput("auditLog: `after` is not a cursor of this list", field="auditLog")
    return int(seq)


def _shown_id(global_id: str) -> str:
    """Person ids carry a resident id number: shown masked (policy Mask.ID_NUMBER), as every
    role but police sees it. Filtering by the full id still works."""
    label, _, key = global_id.partition(":")
    if label == "Person" and len(key) > 10:
        return label + ":" + key[:6] + "*" * 8 + key[-4:]
    return global_id


def _node(entry: Entry) -> dict[str, Any]:
    row = entry.properties()
    row.update({k: None for k in Entry.__dataclass_fields__ if k not in row})
    row["entityIds"] = [_shown_id(i) for i in entry.entityIds]
    return row


def _wants_total(info: Info) -> bool:
    return any(
        getattr(s, "name", None) == "totalCount" for f in info.selected_fields for s in f.selections
    )


async def audit_log(
    info: Info, where: dict[str, Any], first: int | None, after: str | None
) -> dict[str, Any]:
    settings = info.context.settings
    first = 20 if first is None else first
    if not 0 <= first <= settings.hub_max_page:
        raise BadUserInput(
            f"auditLog: first must be between 0 and {settings.hub_max_page}", field="auditLog"
        )
    for key in ("since", "until"):
        if where.get(key) is not None:
            where[key] = _stored_time(where[key])
    rows, total = await info.context.graph.read(
        repo.audit_page, settings.hub_audit_chain, where, _before_seq(after), first,
        _wants_total(info),
    )  # fmt: skip
    page = rows[:first]
    edges = [{"cursor": CURSOR_PREFIX + str(e.seq), "node": _node(e)} for e in page]
    return {
        "edges": edges,
        "pageInfo": {
            "hasNextPage": len(rows) > first,
            "hasPreviousPage": after is not None,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
        "totalCount": total if total is not None else 0,
    }
