"""The audit log as auditors read it: `auditLog(filter, first, after)`, newest first.

There is no mutation: nothing in the API can change or delete an entry.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, cast

import strawberry

from hub.access.root_access import AUDIT
from hub.context import Info
from hub.resolvers import audit
from hub.schema.graph import Connection
from hub.schema.permissions import allow
from hub.schema.scalars import DateTime


@strawberry.enum(description="What the hub decided about a request 审计结论")
class AuditDecision(Enum):
    ALLOWED = strawberry.enum_value("allowed", description="answered, or a token issued")
    REFUSED = strawberry.enum_value("refused", description="401, 429, FORBIDDEN, token refused")
    INVALID = strawberry.enum_value("invalid", description="a malformed or over-limit request")
    ERROR = strawberry.enum_value("error", description="the hub failed")
    PENDING = strawberry.enum_value(
        "pending", description="a read's intent, written before its answer; its outcome follows"
    )


@strawberry.type(description="One request to the hub, as its audit entry 审计记录 records it.")
class AuditEntry:
    seq: int = strawberry.field(description="Place in the chain, contiguous from 1")
    time: DateTime
    kind: str = strawberry.field(description="graphql or token")
    requestId: str
    client: str | None = strawberry.field(description="The token's subject (client or person)")
    role: str | None
    purpose: str | None = strawberry.field(description="The case number or reason stated")
    operation: str | None = strawberry.field(description="Operation name, or type and fields")
    queryHash: str | None = strawberry.field(description="SHA-256 of the query text")
    variablesHash: str | None = strawberry.field(description="SHA-256 of the variables (JSON)")
    entityIds: list[strawberry.ID] = strawberry.field(
        description="People and households returned (id numbers masked as for the role)"
    )
    decision: AuditDecision
    status: int = strawberry.field(description="The HTTP status answered")
    resultCount: int = strawberry.field(description="Rows returned at the top level")
    prevHash: str
    hash: str
    phase: str | None = strawberry.field(
        default=None,
        description="intent or outcome for a read recorded in two entries; null for a whole one",
    )
    intentSeq: int | None = strawberry.field(default=None, description="An outcome's intent")


@strawberry.input(description="Entries that match every field given.")
class AuditFilter:
    client: str | None = None
    role: str | None = None
    operation: str | None = None
    decision: AuditDecision | None = None
    since: DateTime | None = strawberry.field(default=None, description="At or after")
    until: DateTime | None = strawberry.field(default=None, description="Before")
    entityId: strawberry.ID | None = strawberry.field(
        default=None, description="Entries that returned this person or household (global id)"
    )
    purpose: str | None = None
    requestId: str | None = None


@strawberry.type
class AuditQuery:
    @strawberry.field(
        extensions=allow(AUDIT),
        description="The audit log, newest first: auditor role and audit:read scope only.",
    )
    async def auditLog(
        self, info: Info, filter: AuditFilter | None = None,
        first: int | None = None, after: str | None = None,
    ) -> Connection[AuditEntry]:  # fmt: skip
        where: dict[str, Any] = strawberry.asdict(filter) if filter is not None else {}
        if filter is not None and filter.decision is not None:
            where["decision"] = filter.decision.value
        page = await audit.audit_log(info, where, first, after)
        for edge in page["edges"]:
            edge["node"]["decision"] = AuditDecision(edge["node"]["decision"])
        return cast(Connection[AuditEntry], page)
