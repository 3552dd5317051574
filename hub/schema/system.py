"""Who am I and what am I talking to."""

from __future__ import annotations

import strawberry

import hub
from hub.access.root_access import OPEN
from hub.context import Info
from hub.schema.permissions import allow


@strawberry.type(description="The caller as the hub sees it: role, scopes and bindings.")
class Me:
    subject: str
    role: str
    scopes: list[str]
    enterprise: str | None = strawberry.field(description="The enterprise (uscc) it is bound to")
    district: str | None = strawberry.field(description="The district code it is limited to")


@strawberry.type
class SystemQuery:
    @strawberry.field(extensions=allow(OPEN), description="The hub's version.")
    def version(self) -> str:
        return hub.__version__

    @strawberry.field(
        extensions=allow(OPEN),
        description="The caller: role, scopes, and the enterprise or district bound.",
    )
    def me(self, info: Info) -> Me:
        p = info.context.principal
        return Me(
            subject=p.subject,
            role=p.role.value,
            scopes=sorted(s.value for s in p.scopes),
            enterprise=p.enterprise,
            district=p.district,
        )
