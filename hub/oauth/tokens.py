"""Access tokens: RFC 9068 JWTs signed by the hub (authlib's generator over joserfc), and the
checks every token meets before it becomes a `Principal`.

Claims: `iss`, `aud`, `sub` (the client id, or `user:<name>` for a person),
`client_id`, `jti`, `iat`, `nbf`, `exp`, `role`, `scope`, and `enterprise` or `district` where the
client or person is bound to one.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from joserfc import jws, jwt
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from hub.access.principal import Principal, Role, Scope
from hub.config import Settings
from hub.oauth.keys import ALGORITHM, KeyRing, SigningKeys
from hub.oauth.models import USER_SUBJECT_PREFIX, OAuthClient, OAuthUser

# Only what the hub itself signs with; `none`, HMAC and everything else are refused up front.
ALLOWED_ALGORITHMS = (ALGORITHM,)
ACCESS_TOKEN_TYPES = ("at+jwt", "application/at+jwt")
MAX_LIFETIME_S = 900
_VERIFIED_MAX = 10_000  # verified tokens one process remembers (hub.oauth.tokens.TokenVerifier)


class InvalidToken(Exception):
    """A token the hub does not accept; the message is safe to show the caller."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TokenGenerator(JWTBearerTokenGenerator):  # type: ignore[misc]
    """authlib's RFC 9068 generator with the hub's keys, audience, lifetime and claims."""

    def __init__(self, settings: Settings, keyring: KeyRing) -> None:
        super().__init__(
            issuer=settings.hub_issuer, alg=ALGORITHM, expires_generator=settings.hub_token_ttl_s
        )
        self.settings = settings
        self.keyring = keyring

    def get_jwks(self) -> KeySet:
        return self.keyring.keys.signing_set

    def get_audiences(self, client: OAuthClient, user: OAuthUser | None, scope: str) -> str:
        return self.settings.hub_audience

    def get_jti(self, client: OAuthClient, grant_type: str, user: Any, scope: str) -> str:
        return secrets.token_urlsafe(16)

    def get_extra_claims(
        self, client: OAuthClient, grant_type: str, user: OAuthUser | None, scope: str
    ) -> dict[str, Any]:
        holder: OAuthClient | OAuthUser = user or client
        claims: dict[str, Any] = {"nbf": int(time.time()), "role": holder.role.value}
        if holder.enterprise:
            claims["enterprise"] = holder.enterprise
        if holder.district:
            claims["district"] = holder.district
        return claims


@dataclass(frozen=True)
class CheckedToken:
    """The claims of a token that passed every check of `TokenVerifier.check`."""

    claims: dict[str, Any]
    kid: str = ""  # the key it was signed with

    @property
    def client_id(self) -> str:
        return str(self.claims["client_id"])

    @property
    def jti(self) -> str:
        return str(self.claims["jti"])

    @property
    def exp(self) -> int:
        return int(self.claims["exp"])

    @property
    def username(self) -> str | None:
        sub = str(self.claims["sub"])
        return (
            sub.removeprefix(USER_SUBJECT_PREFIX) if sub.startswith(USER_SUBJECT_PREFIX) else None
        )

    def principal(self) -> Principal:
        return Principal(
            subject=str(self.claims["sub"]),
            role=Role(self.claims["role"]),
            scopes=frozenset(Scope(s) for s in str(self.claims.get("scope") or "").split()),
            enterprise=self.claims.get("enterprise") or None,
            district=self.claims.get("district") or None,
        )


class TokenVerifier:
    """Signature and claims, in this order: the header (algorithm allow-list, `typ`, a known
    `kid`), the signature with that key only, then `iss`, `aud`, `exp`, `nbf`, `iat` (with a small
    leeway), the lifetime, and the hub's own claims. The deny list and the client's status are
    checked afterwards, against the registry (see `hub.oauth.bearer`).

    A token that passed is remembered until its `exp` (without the leeway), with the key id it
    was signed with: a client sending the same token again costs a dictionary lookup instead of
    an ES256 verification, and a token whose key is no longer in the key ring is checked afresh
    (and refused). What can change about a valid token, its revocation and its client's or
    account's status, is not remembered here: the status cache asks the registry for it."""

    def __init__(self, settings: Settings, keyring: KeyRing) -> None:
        self.settings = settings
        self.keyring = keyring
        self._verified: dict[str, tuple[str, float, CheckedToken]] = {}

    def check(self, token: str) -> CheckedToken:
        keys = self.keyring.keys
        hit = self._verified.get(token)
        if hit is not None:
            kid, exp, checked = hit
            if time.time() < exp and kid in keys.kids:
                return checked
            del self._verified[token]
        checked = self._check(token, keys)
        now = time.time()
        if len(self._verified) >= _VERIFIED_MAX:
            self._verified = {t: v for t, v in self._verified.items() if v[1] > now}
            if len(self._verified) >= _VERIFIED_MAX:
                self._verified.clear()
        self._verified[token] = (checked.kid, float(checked.claims["exp"]), checked)
        return checked

    def _check(self, token: str, keys: SigningKeys) -> CheckedToken:
        try:
            header = jws.extract_compact(token.encode("ascii")).headers()
        except (JoseError, ValueError, UnicodeError):
            raise InvalidToken("the token is not a signed JWT") from None
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            raise InvalidToken("the token's signing algorithm is not accepted")
        if str(header.get("typ", "")).lower() not in ACCESS_TOKEN_TYPES:
            raise InvalidToken("the token is not an access token (typ must be at+jwt)")
        kid = header.get("kid")
        if not isinstance(kid, str) or kid not in keys.kids:
            raise InvalidToken("the token's key id is unknown")
        try:
            decoded = jwt.decode(token, keys.verifying_set, algorithms=list(ALLOWED_ALGORITHMS))
        except JoseError:
            raise InvalidToken("the token's signature is invalid") from None
        claims = decoded.claims
        try:
            self._registry().validate(claims)
        except ExpiredTokenError:
            raise InvalidToken("the token has expired") from None
        except ClaimError as exc:
            raise InvalidToken(f"the token's '{exc.claim}' claim is missing or wrong") from None
        self._check_hub_claims(claims)
        return CheckedToken(claims, kid)

    def _registry(self) -> JWTClaimsRegistry:
        s = self.settings
        return JWTClaimsRegistry(
            leeway=s.hub_token_leeway_s,
            iss={"essential": True, "value": s.hub_issuer},
            aud={"essential": True, "value": s.hub_audience},
            exp={"essential": True},
            iat={"essential": True},
            sub={"essential": True},
            jti={"essential": True},
            client_id={"essential": True},
            role={"essential": True},
        )

    def _check_hub_claims(self, claims: dict[str, Any]) -> None:
        if claims["exp"] - claims["iat"] > MAX_LIFETIME_S:
            raise InvalidToken("the token lives longer than the hub allows")
        try:
            role = Role(claims["role"])
            for name in str(claims.get("scope") or "").split():
                Scope(name)
        except ValueError:
            raise InvalidToken("the token names an unknown role or scope") from None
        if role is Role.PUBLIC:
            raise InvalidToken("the token names an unknown role or scope")
