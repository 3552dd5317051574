"""What the authorization server knows about clients, people and authorization codes.

Plain values read from the registry, with the methods authlib asks of them (`ClientMixin`,
`AuthorizationCodeMixin`). Two kinds of client:

- a *system* client (no redirect URI) holds a hashed secret and uses the client-credentials
  grant; its tokens carry its own role, scopes and binding;
- a *sign-in* client (with redirect URIs, no secret) is the public client of a page such as the
  explorer: people sign in through it with the authorization-code grant and PKCE, and their tokens
  carry the person's role, limited to the scopes both the person and the client hold.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from hub.access.principal import Role, Scope
from hub.oauth.passwords import verify_secret

CONFIDENTIAL_METHODS = frozenset({"client_secret_basic", "client_secret_post"})
USER_SUBJECT_PREFIX = "user:"


def parse_scopes(text: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Scopes from a space-separated string or a list; unknown names are refused."""
    items = text.split() if isinstance(text, str) else list(text or [])
    return tuple(sorted({Scope(s).value for s in items}))


@dataclass(frozen=True)
class OAuthClient:
    client_id: str
    name: str
    role: Role
    scopes: tuple[str, ...]
    enabled: bool = True
    enterprise: str | None = None
    district: str | None = None
    secret_hash: str | None = field(default=None, repr=False)
    redirect_uris: tuple[str, ...] = ()
    demo: bool = False
    created_at: str | None = None
    rotated_at: str | None = None

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> OAuthClient:
        return cls(
            client_id=r["clientId"],
            name=r["name"],
            role=Role(r["role"]),
            scopes=tuple(r.get("scopes") or ()),
            enabled=bool(r.get("enabled")),
            enterprise=r.get("enterprise"),
            district=r.get("district"),
            secret_hash=r.get("secretHash"),
            redirect_uris=tuple(r.get("redirectUris") or ()),
            demo=bool(r.get("demo")),
            created_at=_iso(r.get("createdAt")),
            rotated_at=_iso(r.get("rotatedAt")),
        )

    @property
    def is_sign_in_client(self) -> bool:
        return bool(self.redirect_uris)

    # authlib's ClientMixin -------------------------------------------------------------------
    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope: str | None) -> str | None:
        """The scopes a token may carry: all registered ones when none are asked for; None (so
        `invalid_scope`) when the request asks for anything beyond them."""
        if not scope:
            return " ".join(self.scopes)
        requested = scope.split()
        if not set(requested) <= set(self.scopes):
            return None
        return " ".join(sorted(set(requested)))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return self.secret_hash is not None and verify_secret(self.secret_hash, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.is_sign_in_client:  # public: it redeems codes and revokes its own tokens
            return method == "none" and endpoint in ("token", "revocation")
        return method in CONFIDENTIAL_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return self.is_sign_in_client and response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        wanted = "authorization_code" if self.is_sign_in_client else "client_credentials"
        return grant_type == wanted


@dataclass(frozen=True)
class OAuthUser:
    username: str
    role: Role
    scopes: tuple[str, ...]
    enabled: bool = True
    enterprise: str | None = None
    district: str | None = None
    password_hash: str | None = field(default=None, repr=False)
    demo: bool = False
    created_at: str | None = None

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> OAuthUser:
        return cls(
            username=r["username"],
            role=Role(r["role"]),
            scopes=tuple(r.get("scopes") or ()),
            enabled=bool(r.get("enabled")),
            enterprise=r.get("enterprise"),
            district=r.get("district"),
            password_hash=r.get("passwordHash"),
            demo=bool(r.get("demo")),
            created_at=_iso(r.get("createdAt")),
        )

    def get_user_id(self) -> str:
        return USER_SUBJECT_PREFIX + self.username


@dataclass(frozen=True)
class AuthCode:
    """An authorization code as stored: only its hash is kept, and it is used once."""

    client_id: str
    redirect_uri: str
    scope: str
    username: str
    code_challenge: str
    code_challenge_method: str
    expires_at: int

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> AuthCode:
        return cls(
            client_id=r["clientId"],
            redirect_uri=r["redirectUri"],
            scope=r["scope"],
            username=r["username"],
            code_challenge=r["codeChallenge"],
            code_challenge_method=r["codeChallengeMethod"],
            expires_at=int(r["expiresAt"]),
        )

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def is_expired(self) -> bool:
        return self.expires_at < time.time()


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return str(value.iso_format()) if hasattr(value, "iso_format") else str(value)
