"""Managing the registry: register clients and people, rotate secrets, enable and disable.

Used by `hub clients ...`, `hub users ...`, `hub demo ...` and the tests. Secrets and passwords
are hashed before they reach the graph; a new secret is returned once and never stored in clear.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from neo4j.exceptions import ConstraintError

from hub.access.principal import Role, Scope
from hub.graph.driver import Graph
from hub.identifiers import check_uscc
from hub.oauth import registry
from hub.oauth.models import OAuthClient, OAuthUser, parse_scopes
from hub.oauth.passwords import hash_secret, new_client_secret

DISTRICT_CODE = re.compile(r"^\d{6}$")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,62}$")
MIN_PASSWORD_LENGTH = 12


class RegistryError(ValueError):
    """A request the registry refuses; the message is for the operator."""


@dataclass(frozen=True)
class NewClient:
    client: OAuthClient
    secret: str | None  # None for a sign-in (public) client


def _checked(
    role: str, scopes: str | list[str], enterprise: str | None, district: str | None
) -> tuple[Role, tuple[str, ...]]:
    try:
        parsed_role = Role(role)
        parsed_scopes = parse_scopes(scopes)
    except ValueError as exc:
        raise RegistryError(
            f"{exc}; roles: {', '.join(r.value for r in Role if r is not Role.PUBLIC)}; "
            f"scopes: {', '.join(s.value for s in Scope)}"
        ) from None
    if parsed_role is Role.PUBLIC:
        raise RegistryError("the public role needs no credentials")
    if parsed_role is Role.ENTERPRISE and not enterprise:
        raise RegistryError("an enterprise client must be bound to its enterprise (--enterprise)")
    if enterprise is not None and (problem := check_uscc(enterprise)):
        raise RegistryError(f"--enterprise: {problem}")
    if district is not None and not DISTRICT_CODE.match(district):
        raise RegistryError("--district: a district is a 6-digit administrative code")
    return parsed_role, parsed_scopes


async def add_client(
    graph: Graph,
    name: str,
    role: str,
    scopes: str | list[str],
    enterprise: str | None = None,
    district: str | None = None,
    redirect_uris: tuple[str, ...] = (),
    demo: bool = False,
) -> NewClient:
    if not NAME.match(name):
        raise RegistryError("a client name is 2-63 letters, digits, '.', '_' or '-'")
    parsed_role, parsed_scopes = _checked(role, scopes, enterprise, district)
    _check_redirects(redirect_uris)
    secret = None if redirect_uris else new_client_secret()
    client = OAuthClient(
        client_id=f"{parsed_role.value}-{secrets.token_hex(8)}",
        name=name,
        role=parsed_role,
        scopes=parsed_scopes,
        enterprise=enterprise,
        district=district,
        secret_hash=hash_secret(secret) if secret else None,
        redirect_uris=tuple(redirect_uris),
        demo=demo,
    )
    try:
        await graph.write(registry.create_client, client, graph.clock.now())
    except ConstraintError:
        raise RegistryError(f"a client named {name!r} already exists") from None
    return NewClient(client, secret)


async def rotate_secret(graph: Graph, client_id: str) -> str:
    secret = new_client_secret()
    if not await graph.write(
        registry.set_client_secret, client_id, hash_secret(secret), graph.clock.now()
    ):
        raise RegistryError(f"no client {client_id!r} with a secret")
    return secret


def _check_redirects(uris: tuple[str, ...]) -> None:
    for uri in uris:
        if not uri.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise RegistryError(f"redirect URI {uri!r}: https, or http on loopback only")


async def set_redirect_uris(graph: Graph, client_id: str, uris: tuple[str, ...]) -> None:
    _check_redirects(uris)
    if not await graph.write(registry.set_redirect_uris, client_id, list(uris)):
        raise RegistryError(f"no sign-in client {client_id!r}")


async def set_client_enabled(graph: Graph, client_id: str, enabled: bool) -> None:
    if not await graph.write(registry.set_client_enabled, client_id, enabled):
        raise RegistryError(f"no client {client_id!r}")


async def add_user(
    graph: Graph,
    username: str,
    role: str,
    scopes: str | list[str],
    password: str,
    enterprise: str | None = None,
    district: str | None = None,
    demo: bool = False,
) -> OAuthUser:
    if not NAME.match(username):
        raise RegistryError("a username is 2-63 letters, digits, '.', '_' or '-'")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RegistryError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    parsed_role, parsed_scopes = _checked(role, scopes, enterprise, district)
    user = OAuthUser(
        username=username,
        role=parsed_role,
        scopes=parsed_scopes,
        enterprise=enterprise,
        district=district,
        password_hash=hash_secret(password),
        demo=demo,
    )
    try:
        await graph.write(registry.create_user, user, graph.clock.now())
    except ConstraintError:
        raise RegistryError(f"a user named {username!r} already exists") from None
    return user


async def set_user_enabled(graph: Graph, username: str, enabled: bool) -> None:
    if not await graph.write(registry.set_user_enabled, username, enabled):
        raise RegistryError(f"no user {username!r}")
