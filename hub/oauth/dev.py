"""A development-only stand-in for a token: `X-Hub-Principal: role=police; district=350102`.

It lets a developer and the tests act as any role without a token. It is accepted only where the
HUB_DEV_PRINCIPAL setting turns it on (never by default; production refuses to start with it), and
the hub says so at start-up (see `hub.app`).
"""

from __future__ import annotations

from hub.access.principal import Principal, Role, Scope
from hub.errors import Unauthenticated

DEV_HEADER = "x-hub-principal"
DEFAULT_SCOPES = frozenset({Scope.GRAPH_READ})


def parse_dev_principal(value: str) -> Principal:
    fields: dict[str, str] = {}
    for part in value.split(";"):
        if not part.strip():
            continue
        key, sep, val = part.partition("=")
        if not sep:
            raise Unauthenticated(f"{DEV_HEADER}: expected key=value pairs, got {part.strip()!r}")
        fields[key.strip()] = val.strip()
    try:
        role = Role(fields.get("role", ""))
        scopes = (
            frozenset(Scope(s) for s in fields["scopes"].split())
            if "scopes" in fields
            else DEFAULT_SCOPES
        )
    except ValueError as exc:
        raise Unauthenticated(f"{DEV_HEADER}: {exc}") from None
    return Principal(
        subject=fields.get("sub", f"dev-{role.value}"),
        role=role,
        scopes=scopes,
        enterprise=fields.get("enterprise") or None,
        district=fields.get("district") or None,
    )
