"""The roles a catalog entry grants to: one per department or kind of caller.

A role is nothing until an entry names it (`readers`, a mask's `full_for`, a row scope); the
write grants (hub/access/write_policy.py) name roles too. A principal (hub/access/principal.py)
carries one.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    MARKET = "market"
    HOUSING = "housing"
    TRANSPORT = "transport"
    POLICE = "police"
    EMERGENCY = "emergency"
    ENTERPRISE = "enterprise"
    PLATFORM = "platform"  # a food-delivery platform (a DELIVERY_PLATFORM enterprise), 哨岗
    AUDITOR = "auditor"
    ADMIN = "admin"
    PUBLIC = "public"


# Roles that only ever see rows tied to the enterprise their token is bound to (none if unbound).
ENTERPRISE_BOUND = frozenset({Role.ENTERPRISE, Role.PLATFORM})
