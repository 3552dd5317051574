"""authlib's AuthorizationServer for Starlette, over the async graph.

authlib is synchronous; the hub's graph access is async. Every authlib call runs in a worker
thread (`call`), and the server's storage hooks hop back onto the event loop for their Cypher
(`read` / `write`), so the loop never blocks on password hashing or on the database.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TypeVar
from urllib.parse import parse_qsl

import anyio
import anyio.from_thread
from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response

from hub.access.principal import Scope
from hub.clock import Clock
from hub.config import Settings
from hub.graph.driver import Graph, Work
from hub.oauth import registry
from hub.oauth.authorization_code import AuthorizationCodeGrant, S256CodeChallenge
from hub.oauth.client_credentials import ClientCredentialsGrant
from hub.oauth.endpoints import IntrospectionEndpoint, RevocationEndpoint
from hub.oauth.keys import KeyRing
from hub.oauth.models import OAuthClient
from hub.oauth.status import StatusCache
from hub.oauth.tokens import TokenGenerator, TokenVerifier

P = ParamSpec("P")
T = TypeVar("T")

MAX_FORM_BYTES = 16 * 1024
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class BadForm(ValueError):
    """The body is not a small `application/x-www-form-urlencoded` form."""


async def read_form(request: Request) -> list[tuple[str, str]]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise BadForm("the body must be application/x-www-form-urlencoded")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise BadForm("the form is too large")
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=64)
    except (UnicodeDecodeError, ValueError):
        raise BadForm("the form cannot be read") from None


class Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        self._data: dict[str, str] = {}
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in pairs:
            self._data.setdefault(key, value)  # the first one counts; repeats are detectable
            self._datalist[key].append(value)

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class HubOAuth2Request(OAuth2Request):  # type: ignore[misc]
    """A Starlette request already read: authlib gets the query, the form and the headers. The
    payload (the OAuth parameters) is the form for POST endpoints, the query for /authorize."""

    def __init__(
        self,
        request: Request,
        settings: Settings,
        form: Sequence[tuple[str, str]] = (),
        params_from_query: bool = False,
    ) -> None:
        # authlib insists on https (loopback excepted): the URI it sees is the public one.
        uri = settings.hub_issuer.rstrip("/") + request.url.path
        if request.url.query:
            uri += "?" + request.url.query
        super().__init__(request.method, uri, headers=Headers(scope=request.scope))
        self._query = list(request.query_params.multi_items())
        self._form = list(form)
        self.payload = Payload(self._query if params_from_query else self._form)

    @property
    def args(self) -> dict[str, str]:
        return dict(reversed(self._query))

    @property
    def form(self) -> dict[str, str]:
        return dict(reversed(self._form))


class HubAuthorizationServer(AuthorizationServer):  # type: ignore[misc]
    def __init__(self, settings: Settings, keyring: KeyRing, status: StatusCache) -> None:
        super().__init__(scopes_supported=[s.value for s in Scope])
        self.settings = settings
        self.verifier = TokenVerifier(settings, keyring)
        self.status = status
        self.graph: Graph | None = None
        self.register_token_generator("default", TokenGenerator(settings, keyring))
        self.register_grant(ClientCredentialsGrant)
        self.register_grant(AuthorizationCodeGrant, [S256CodeChallenge(required=True)])
        self.register_endpoint(IntrospectionEndpoint)
        self.register_endpoint(RevocationEndpoint)

    # Bridging: authlib runs in a worker thread; Cypher runs on the event loop. -----------------
    async def call(self, func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        return await anyio.to_thread.run_sync(lambda: func(*args, **kwargs))

    @property
    def clock(self) -> Clock:
        return self._graph().clock

    def _graph(self) -> Graph:
        if self.graph is None:
            raise RuntimeError("the authorization server is not bound to a graph yet")
        return self.graph

    def read(self, work: Work[..., T], *args: Any) -> T:
        return anyio.from_thread.run(self._run_read, work, *args)

    def write(self, work: Work[..., T], *args: Any) -> T:
        return anyio.from_thread.run(self._run_write, work, *args)

    async def _run_read(self, work: Work[..., T], *args: Any) -> T:
        return await self._graph().read(work, *args)

    async def _run_write(self, work: Work[..., T], *args: Any) -> T:
        return await self._graph().write(work, *args)

    def on_loop(self, func: Callable[..., object], *args: Any) -> None:
        anyio.from_thread.run_sync(func, *args)

    # authlib's hooks ----------------------------------------------------------------------------
    def query_client(self, client_id: str) -> OAuthClient | None:
        client: OAuthClient | None = self.read(registry.find_client, client_id)
        if client is None or not client.enabled:
            return None
        if client.demo and not self.settings.is_development:
            return None  # demo credentials never work in production, whatever the registry says
        return client

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        """JWT access tokens are not stored: they are checked by signature, and revoked by jti."""

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request

    def handle_response(
        self, status: int, body: Any, headers: list[tuple[str, str]] | dict[str, str]
    ) -> Response:
        content = json.dumps(body) if isinstance(body, dict) else (body or "")
        return Response(content, status_code=status, headers=dict(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signals: what matters is logged by the routes."""
