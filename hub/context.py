"""One typed context per GraphQL request, built in one place."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from hub.access.principal import Principal
from hub.audit.trail import AuditTrail
from hub.config import Settings
from hub.graph.driver import Graph


@dataclass
class Context:
    request: Request
    response: Response | None
    principal: Principal
    graph: Graph
    settings: Settings
    request_id: str
    # What the audit entry of this request records (purpose, rows returned): hub.audit.
    audit: AuditTrail = field(default_factory=AuditTrail)


Info = StrawberryInfo[Context, None]
