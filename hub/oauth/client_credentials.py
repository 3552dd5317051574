"""The client-credentials grant, for partner systems: the secret by HTTP Basic or form, no
refresh token, and a requested scope beyond the client's registered ones is `invalid_scope`."""

from __future__ import annotations

from typing import ClassVar

from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidScopeError

from hub.oauth.models import OAuthClient


class ClientCredentialsGrant(grants.ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic", "client_secret_post"]

    def validate_requested_scope(self) -> None:
        super().validate_requested_scope()  # only scopes the hub knows
        client: OAuthClient = self.request.client
        if client.get_allowed_scope(self.request.payload.scope) is None:
            raise InvalidScopeError("The requested scope exceeds the scopes of this client.")
