"""Introspection (RFC 7662) and revocation (RFC 7009) of the hub's JWT access tokens.

A token is looked up by checking it like the resource side does (signature and claims), then
reading its status in the registry. A client may introspect and revoke its own tokens; a client
holding the `admin` scope may introspect any. Revoking puts the token's `jti` on the deny list
until the token would have expired; revoking an unknown or already dead token is a quiet 200.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, ClassVar

from authlib.oauth2.rfc7009 import RevocationEndpoint as _RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint as _IntrospectionEndpoint

from hub.access.principal import Scope
from hub.oauth import token_store
from hub.oauth.bridge import ServerBridge
from hub.oauth.models import OAuthClient
from hub.oauth.tokens import CheckedToken, InvalidToken

AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


@dataclass(frozen=True)
class IssuedToken:
    """A token the hub signed, with what the registry says of it now (authlib's TokenMixin)."""

    checked: CheckedToken
    status: token_store.AccessStatus

    def check_client(self, client: OAuthClient) -> bool:
        return self.checked.client_id == client.client_id

    def get_scope(self) -> str:
        return str(self.checked.claims.get("scope") or "")

    def get_expires_in(self) -> int:
        return max(0, self.checked.exp - int(time.time()))

    def is_expired(self) -> bool:
        return self.checked.exp <= time.time()

    def is_revoked(self) -> bool:
        return not self.status.allowed

    def get_client(self) -> None:
        return None

    def get_user(self) -> None:
        return None


def _lookup(server: ServerBridge, token_string: str) -> IssuedToken | None:
    try:
        checked = server.verifier.check(token_string)
    except InvalidToken:
        return None
    status: token_store.AccessStatus = server.read(
        token_store.access_status, checked.client_id, checked.username, checked.jti
    )
    return IssuedToken(checked, status)


class IntrospectionEndpoint(_IntrospectionEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = AUTH_METHODS
    server: ServerBridge

    def query_token(self, token_string: str, token_type_hint: str | None) -> IssuedToken | None:
        return _lookup(self.server, token_string)

    def check_permission(self, token: IssuedToken, client: OAuthClient, request: Any) -> bool:
        return token.check_client(client) or Scope.ADMIN.value in client.scopes

    def introspect_token(self, token: IssuedToken) -> dict[str, Any]:
        claims = token.checked.claims
        keep = ("client_id", "scope", "sub", "aud", "iss", "exp", "iat", "nbf", "jti", "role")
        payload = {k: claims[k] for k in keep if k in claims}
        for optional in ("enterprise", "district"):
            if claims.get(optional):
                payload[optional] = claims[optional]
        return {"active": True, "token_type": "Bearer", **payload}


class RevocationEndpoint(_RevocationEndpoint):  # type: ignore[misc]
    # A sign-in page (a public client) may end its own person's session.
    CLIENT_AUTH_METHODS: ClassVar[list[str]] = [*AUTH_METHODS, "none"]
    server: ServerBridge

    def query_token(self, token_string: str, token_type_hint: str | None) -> IssuedToken | None:
        return _lookup(self.server, token_string)

    def revoke_token(self, token: IssuedToken, request: Any) -> None:
        checked = token.checked
        self.server.write(
            token_store.revoke_jti, checked.jti, checked.client_id, checked.exp, int(time.time()),
            self.server.clock.now(),
        )  # fmt: skip
        self.server.on_loop(self.server.status.forget_client, checked.client_id)
