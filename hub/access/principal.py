"""The principal: who is calling, as every resolver sees it, however it was authenticated."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from hub.catalog.roles import Role

__all__ = ["PUBLIC", "Principal", "Role", "Scope"]


class Scope(StrEnum):
    GRAPH_READ = "graph:read"
    GRAPH_WRITE = "graph:write"
    INVESTIGATE = "investigate"
    AUDIT_READ = "audit:read"
    ADMIN = "admin"
    # Market regulation's finance step: reads a reward's payout instruction to pay it.
    REWARD_PAY = "reward:pay"


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    scopes: frozenset[Scope] = field(default_factory=frozenset)
    enterprise: str | None = None  # the uscc an enterprise client is bound to
    district: str | None = None  # the district code a district-bound client is limited to

    @property
    def is_public(self) -> bool:
        return self.role is Role.PUBLIC

    def has(self, scope: Scope) -> bool:
        return scope in self.scopes


PUBLIC = Principal(subject="anonymous", role=Role.PUBLIC)
