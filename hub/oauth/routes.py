"""The authorization server's HTTP surface: token, authorize (the sign-in page), introspect,
revoke, the JWKS and the RFC 8414 metadata."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.access.principal import Scope
from hub.oauth import pages, registry
from hub.oauth.models import OAuthClient, OAuthUser
from hub.oauth.oauth_server import NO_STORE, BadForm, HubOAuth2Request, read_form
from hub.oauth.passwords import verify_secret
from hub.oauth.service import OAuth

log = logging.getLogger("hub.auth")

TOKEN_PATH = "/oauth/token"
AUTHORIZE_PATH = "/oauth/authorize"
INTROSPECT_PATH = "/oauth/introspect"
REVOKE_PATH = "/oauth/revoke"
CALLBACK_PATH = "/oauth/callback"
JWKS_PATH = "/.well-known/jwks.json"
METADATA_PATH = "/.well-known/oauth-authorization-server"
CLIENT_AUTH = ["client_secret_basic", "client_secret_post"]


def _oauth_error(status: int, error: str, description: str, **headers: str) -> Response:
    body = {"error": error, "error_description": description}
    return JSONResponse(body, status_code=status, headers={**NO_STORE, **headers})


class OAuthEndpoints:
    def __init__(self, oauth: OAuth) -> None:
        self.oauth = oauth
        self.server = oauth.server
        self.settings = oauth.settings

    # Client-authenticated endpoints: token, introspect, revoke ------------------------------
    async def token(self, request: Request) -> Response:
        return await self._client_authenticated(request, self.server.create_token_response)

    async def introspect(self, request: Request) -> Response:
        return await self._client_authenticated(
            request, lambda r: self.server.create_endpoint_response("introspection", r)
        )

    async def revoke(self, request: Request) -> Response:
        return await self._client_authenticated(
            request, lambda r: self.server.create_endpoint_response("revocation", r)
        )

    async def _client_authenticated(
        self, request: Request, handle: Callable[[HubOAuth2Request], Response]
    ) -> Response:
        try:
            form = await read_form(request)
        except BadForm as exc:
            return _oauth_error(400, "invalid_request", str(exc))
        oreq = HubOAuth2Request(request, self.settings, form=form)
        client_id = extract_basic_authorization(oreq.headers)[0] or oreq.form.get("client_id")
        address = _address(request)
        # Failures count per (source, client): a stranger who knows a client id and fails its
        # secret is backed off, and the owner, calling from its own address, is not.
        name = f"client:{client_id}@{address}" if client_id else None
        wait = await self.oauth.throttle.retry_after(name, address)
        if wait is not None:
            return _oauth_error(
                429,
                "too_many_attempts",
                "too many failed client authentications; retry later",
                **{"Retry-After": str(wait)},
            )
        response = await self.server.call(handle, oreq)
        if _is_invalid_client(response):
            await self.oauth.throttle.failed(name, address)
            log.info("client authentication failed", extra={"fields": {"client": client_id}})
        elif response.status_code == 200 and name:
            await self.oauth.throttle.succeeded(name)
        response.headers.update(NO_STORE)
        return response

    # Authorization code: the sign-in page ----------------------------------------------------
    async def authorize(self, request: Request) -> Response:
        lang = pages.pick_language(request)
        form: list[tuple[str, str]] = []
        if request.method == "POST":
            try:
                form = await read_form(request)
            except BadForm as exc:
                return pages.error_page(request, lang, str(exc))
        oreq = HubOAuth2Request(request, self.settings, form=form, params_from_query=True)
        try:
            grant = await self.server.call(self.server.get_consent_grant, oreq)
        except OAuth2Error as error:
            return self._authorize_error(request, lang, error)
        client: OAuthClient = oreq.client
        requested = oreq.payload.scope or ""
        if request.method == "GET":
            return pages.sign_in_page(
                request, lang, client.name, requested or " ".join(client.scopes)
            )
        return await self._sign_in(request, lang, oreq, grant, dict(form))

    async def _sign_in(
        self, request: Request, lang: str, oreq: HubOAuth2Request, grant: Any, form: dict[str, str]
    ) -> Response:
        client: OAuthClient = oreq.client
        username, password = form.get("username", "").strip(), form.get("password", "")
        shown_scope = oreq.payload.scope or " ".join(client.scopes)
        # As for clients: failures count per (source, username), so a stranger who fails a
        # person's password is backed off and the person, from their own address, is not.
        address = _address(request)
        name = f"user:{username}@{address}"
        wait = await self.oauth.throttle.retry_after(name, address)
        if wait is not None:
            message = pages.TEXT[lang]["throttled"].format(seconds=wait)
            page = pages.sign_in_page(
                request, lang, client.name, shown_scope, message, 429, username
            )
            page.headers["Retry-After"] = str(wait)
            return page
        user: OAuthUser | None = await self.oauth.graph.read(registry.find_user, username)
        stored = user.password_hash if user is not None else None
        valid = await self.server.call(verify_secret, stored, password)
        if not valid or user is None or not user.enabled:
            await self.oauth.throttle.failed(name, address)
            message = pages.TEXT[lang]["bad_login"]
            return pages.sign_in_page(
                request, lang, client.name, shown_scope, message, 401, username
            )
        await self.oauth.throttle.succeeded(name)
        response: Response = await self.server.call(
            self.server.create_authorization_response, oreq, user, grant
        )
        response.headers.update(pages.SECURITY_HEADERS)
        return response

    def _authorize_error(self, request: Request, lang: str, error: OAuth2Error) -> Response:
        if error.redirect_uri:  # the client and its redirect URI are known: tell the client
            response: Response = self.server.handle_error_response(None, error)
            return response
        return pages.error_page(request, lang, error.description or error.error or "")

    async def callback(self, request: Request) -> Response:
        return pages.code_page(request, pages.pick_language(request))

    # Published keys and metadata --------------------------------------------------------------
    async def jwks(self, _: Request) -> Response:
        return JSONResponse(
            self.oauth.keyring.keys.public_jwks(), headers={"Cache-Control": "public, max-age=60"}
        )

    async def metadata(self, _: Request) -> Response:
        return JSONResponse(server_metadata(self.settings.hub_issuer))


def server_metadata(issuer: str) -> dict[str, Any]:
    base = issuer.rstrip("/")
    return {
        "issuer": issuer,
        "authorization_endpoint": base + AUTHORIZE_PATH,
        "token_endpoint": base + TOKEN_PATH,
        "jwks_uri": base + JWKS_PATH,
        "introspection_endpoint": base + INTROSPECT_PATH,
        "revocation_endpoint": base + REVOKE_PATH,
        "scopes_supported": [s.value for s in Scope],
        "response_types_supported": ["code"],
        "grant_types_supported": ["client_credentials", "authorization_code"],
        "token_endpoint_auth_methods_supported": [*CLIENT_AUTH, "none"],
        "introspection_endpoint_auth_methods_supported": CLIENT_AUTH,
        "revocation_endpoint_auth_methods_supported": [*CLIENT_AUTH, "none"],
        "code_challenge_methods_supported": ["S256"],
        "ui_locales_supported": ["zh-CN", "en"],
    }


def _address(request: Request) -> str:
    return request.client.host if request.client else "-"


def _is_invalid_client(response: Response) -> bool:
    if response.status_code not in (400, 401):
        return False
    try:
        return bool(json.loads(bytes(response.body)).get("error") == "invalid_client")
    except ValueError:
        return False


def oauth_routes(oauth: OAuth) -> list[Route]:
    ep = OAuthEndpoints(oauth)
    handlers: list[tuple[str, Callable[[Request], Awaitable[Response]], list[str]]] = [
        (TOKEN_PATH, ep.token, ["POST"]),
        (AUTHORIZE_PATH, ep.authorize, ["GET", "POST"]),
        (INTROSPECT_PATH, ep.introspect, ["POST"]),
        (REVOKE_PATH, ep.revoke, ["POST"]),
        (CALLBACK_PATH, ep.callback, ["GET"]),
        (JWKS_PATH, ep.jwks, ["GET"]),
        (METADATA_PATH, ep.metadata, ["GET"]),
    ]
    return [Route(path, handler, methods=methods) for path, handler, methods in handlers]
