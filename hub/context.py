"""One typed context per GraphQL request, built in one place."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from hub.auth.principal import Principal
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


Info = StrawberryInfo[Context, None]
