"""Who may call each root field and mutation, as data: the scopes it needs, the roles it is open
to, whether the public may call it without a token, and the derived answer it gives.

Each root field of the schema declares one of these (hub/schema/permissions.py attaches it and
enforces it before the resolver runs); a field that declares none is refused to everyone
(tests/test_root_access.py holds every root field to this). What a caller then reads of the graph
is the read policy's (hub/access/policy.py), what it writes the write policy's.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.access import policy
from hub.access.principal import Principal, Role, Scope
from hub.errors import Forbidden


@dataclass(frozen=True)
class Access:
    scopes: tuple[Scope, ...] = ()  # every one needed, in the order an error names them
    roles: frozenset[Role] | None = None  # only these roles (None: any role)
    anonymous: bool = False  # the public may call it without a token (the policy then decides)
    derived: str | None = None  # a derived answer the role must be granted (DERIVED_NEEDS)
    what: str = ""  # what the field reads, for an error naming the roles
    # The request's audit entry names nobody (the whistleblower's fields): no intent naming the
    # caller may be written ahead of such a field (hub/audit/extension.py).
    names_nobody: bool = False

    def describe(self) -> str:
        """One line for the policy document."""
        if not (self.scopes or self.roles is not None or self.derived):
            return "anyone, with or without a token"
        parts = ["scope " + " and ".join(s.value for s in self.scopes)] if self.scopes else []
        roles = self.roles
        if self.derived is not None:
            roles = frozenset(r for r in Role if policy.can_derive(r, self.derived))
        if roles is not None:
            parts.append("role " + " or ".join(r.value for r in Role if r in roles))
        if self.anonymous:
            parts.append("or the public without a token (the read policy gives it no type)")
        return "; ".join(parts)


def require(access: Access, principal: Principal, field: str) -> None:
    """Raises FORBIDDEN unless `principal` may call the root field `field` under `access`."""
    if access.anonymous and principal.is_public:
        return
    missing = [s for s in access.scopes if not principal.has(s)]
    if access.roles is not None and (principal.role not in access.roles or missing):
        roles = " or ".join(sorted(r.value for r in access.roles))
        scopes = " and ".join(s.value for s in access.scopes)
        raise Forbidden(
            f"the {principal.role.value} role may not read {access.what or field} ({field}); "
            f"it needs the {roles} role" + (f" and the {scopes} scope" if scopes else ""),
            field=field,
        )
    if missing:
        names = " and ".join(s.value for s in access.scopes)
        plural = "scopes" if len(access.scopes) > 1 else "scope"
        raise Forbidden(f"{field} needs the {names} {plural}", field=field)
    if access.derived is not None and not policy.can_derive(principal.role, access.derived):
        raise Forbidden(f"the {principal.role.value} role may not read {field}", field=field)


# The entity fields: graph:read; the public passes, and the read policy grants it no type.
READ = Access(scopes=(Scope.GRAPH_READ,), anonymous=True)
# Graph exploration: both scopes (and a stated purpose, which the resolver asks for).
EXPLORE = Access(scopes=(Scope.INVESTIGATE, Scope.GRAPH_READ))
# The explicit lookup of a person by the full identity number the role sees masked: graph:read
# and a role the catalog grants it to (hub/catalog/households.py); the resolver then asks for a
# purpose and spends the client's daily quota (hub/resolvers/lookups.py).
ID_LOOKUP = Access(
    scopes=(Scope.GRAPH_READ,),
    roles=policy.lookup_roles("Person", "idNumber"),
    what="people by full identity number",
)
# The audit log: the auditor role with audit:read.
AUDIT = Access(scopes=(Scope.AUDIT_READ,), roles=policy.AUDIT_LOG_READERS, what="the audit log")
# The public checks, and who-am-I: anyone, with or without a token.
OPEN = Access()
# The supervision figures: graph:read, for the five departments (each figure then needs the
# types it counts, DERIVED_NEEDS "supervision:*").
SUPERVISE = Access(
    scopes=(Scope.GRAPH_READ,),
    roles=frozenset({Role.MARKET, Role.HOUSING, Role.TRANSPORT, Role.POLICE, Role.EMERGENCY}),
    what="the supervision figures",
)
# Every mutation: graph:write; what a role may write is the write policy's.
WRITE = Access(scopes=(Scope.GRAPH_WRITE,))
# The hub's own administration (webhook endpoints): the admin role with the admin scope.
ADMIN = Access(scopes=(Scope.ADMIN,), roles=frozenset({Role.ADMIN}), what="the administration")


def trace(derived: str) -> Access:
    """A trace: graph:read, and a role that may be given the derived answer."""
    return Access(scopes=(Scope.GRAPH_READ,), derived=derived)


# Working alerts (acknowledge, assign, resolve): graph:write and a role alerts are routed to; the
# read policy then decides which alerts it may touch (one it may not read is not found).
ALERT_WORK = Access(
    scopes=(Scope.GRAPH_WRITE,),
    roles=frozenset(r for r in Role if policy.can_read(r, "Alert")),
    what="alerts",
)
# The live feed of alerts: graph:read and a role alerts are routed to (the policy filters each).
ALERT_FEED = Access(
    scopes=(Scope.GRAPH_READ,),
    roles=frozenset(r for r in Role if policy.can_read(r, "Alert")),
    what="alerts",
)
