"""The authorization-code grant with PKCE (S256 only), for people signing in on the hub's page
through a sign-in client: the code is single-use (marked used when redeemed; redeemed again, it
revokes the token of its first use), lives five minutes, and the token carries the person's role
and the scopes both the person and the client hold. The other grant is
hub/oauth/client_credentials.py.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError, InvalidScopeError, OAuth2Error
from authlib.oauth2.rfc7636 import CodeChallenge

from hub.oauth import registry, token_store
from hub.oauth.bridge import ServerBridge
from hub.oauth.models import AuthCode, OAuthClient, OAuthUser

CODE_LIFETIME_S = 300


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    # Sign-in clients are public: PKCE, not a secret, binds the code to whoever asked for it.
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["none"]
    AUTHORIZATION_CODE_LENGTH = 48
    server: ServerBridge

    def create_authorization_response(self, redirect_uri: str, grant_user: OAuthUser) -> Any:
        try:
            return super().create_authorization_response(redirect_uri, grant_user)
        except OAuth2Error as error:  # e.g. a scope the person lacks: tell the client, as usual
            error.redirect_uri = redirect_uri
            raise

    def save_authorization_code(self, code: str, request: Any) -> None:
        client: OAuthClient = request.client
        user: OAuthUser = request.user
        scope = granted_scope(request.payload.scope, client, user)
        data = request.payload.data
        auth = AuthCode(
            client_id=client.client_id,
            redirect_uri=request.payload.redirect_uri or client.get_default_redirect_uri() or "",
            scope=scope,
            username=user.username,
            code_challenge=data["code_challenge"],
            code_challenge_method=data["code_challenge_method"],
            expires_at=int(time.time()) + CODE_LIFETIME_S,
        )
        self.server.write(token_store.save_auth_code, code, auth)

    def query_authorization_code(self, code: str, client: OAuthClient) -> AuthCode | None:
        auth: AuthCode | None = self.server.write(
            token_store.take_auth_code, code, client.client_id, int(time.time()),
            self.server.clock.now(),
        )  # fmt: skip
        if auth is None:  # unknown, or reused (its first token is revoked now): read afresh
            self.server.on_loop(self.server.status.forget_client, client.client_id)
            return None
        if auth.is_expired():
            return None
        return auth

    def save_token(self, token: dict[str, Any]) -> Any:
        """Keep the token's id with the spent code: a second redemption revokes it."""
        code = self.request.payload.data.get("code")
        checked = self.server.verifier.check(token["access_token"])
        if code:
            self.server.write(token_store.note_code_token, code, checked.jti, checked.exp)
        return super().save_token(token)

    def delete_authorization_code(self, authorization_code: AuthCode) -> None:
        """Nothing left to do: `query_authorization_code` marked the code used."""

    def authenticate_user(self, authorization_code: AuthCode) -> OAuthUser | None:
        user: OAuthUser | None = self.server.read(registry.find_user, authorization_code.username)
        return user if user is not None and user.enabled else None


def granted_scope(requested: str | None, client: OAuthClient, user: OAuthUser) -> str:
    """What a person's token may carry: what they asked for (by default everything) within both
    their own scopes and the sign-in client's; asking for more is `invalid_scope`."""
    allowed = set(client.scopes) & set(user.scopes)
    if requested:
        wanted = set(requested.split())
        if not wanted <= allowed:
            raise InvalidScopeError("The requested scope exceeds what this account may hold.")
        return " ".join(sorted(wanted))
    if not allowed:
        raise InvalidScopeError("This account holds no scope this client may grant.")
    return " ".join(sorted(allowed))


class S256CodeChallenge(CodeChallenge):  # type: ignore[misc]
    """PKCE is required on every authorization request, and only with S256: a missing challenge
    or the `plain` method is refused before anyone is asked to sign in."""

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send 'code_challenge' (S256).")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only code_challenge_method=S256 is accepted.")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant: Any, result: Any) -> None:
        if not grant.request.form.get("code_verifier"):
            raise InvalidRequestError("Missing 'code_verifier'.")
        super().validate_code_verifier(grant, result)
