"""The Starlette application: routes, middleware and the driver's life."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import GraphQLError
from neo4j.exceptions import (
    AuthError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from hub.access.principal import PUBLIC, Principal
from hub.audit.entry import Decision, Draft, Kind
from hub.audit.middleware import AuditMiddleware
from hub.audit.trail import AuditTrail
from hub.audit.writer import AuditUnavailable, AuditWriter
from hub.check.routes import check_routes
from hub.config import Settings, get_settings
from hub.console.routes import BrowserToConsole, console_routes
from hub.context import Context
from hub.deadline import DeadlineMiddleware
from hub.errors import ErrorCode, HubError, Unauthenticated, Unavailable
from hub.explorer.routes import explorer_routes
from hub.field.routes import field_routes
from hub.graph.driver import Graph, TransactionCounter, graph_for, open_driver, settle
from hub.graph.migrations import migrate
from hub.linkage.scan import every as linkage_every
from hub.metrics import Metrics
from hub.oauth.dev import DEV_HEADER, parse_dev_principal
from hub.oauth.routes import oauth_routes
from hub.oauth.service import DemoCredentialsInProduction, OAuth
from hub.observability import RequestIdMiddleware, configure_logging, request_id_var
from hub.ratelimit import RateLimiter
from hub.schema import schema
from hub.sharedstore import WindowStore
from hub.supervision.rollup import Keeper
from hub.supervision.routes import supervision_routes
from hub.tip.routes import tip_routes
from hub.transport import (
    BadPayload,
    BodyLimitMiddleware,
    graphql_payload,
    parsed_before,
    send_error,
)
from hub.webhooks.worker import Worker

log = logging.getLogger("hub.app")
RETRY_AFTER = "5"


@dataclass
class Runtime:
    """What the lifespan owns: the settings and the one graph connection of this process."""

    settings: Settings
    graph: Graph
    migrated: bool = False
    supervision: Keeper = field(init=False)  # the supervision rollup's refreshes

    def __post_init__(self) -> None:
        self.supervision = Keeper(self.graph)

    async def ensure_migrated(self) -> None:
        if not self.migrated:
            await migrate(self.graph)
            self.migrated = True


async def principal_for(request: Request, settings: Settings) -> Principal:
    """Who is calling: the development header (only where HUB_DEV_PRINCIPAL turns it on), else
    the bearer token's principal (a bad token is `Unauthenticated`), else the public."""
    dev = request.headers.get(DEV_HEADER)
    if dev is not None:
        if not (settings.hub_dev_principal and settings.is_development):
            raise Unauthenticated(
                f"the {DEV_HEADER} header is not accepted here; bring a bearer token"
            )
        return parse_dev_principal(dev)
    authorization = request.headers.get("authorization")
    if authorization is not None:
        oauth: OAuth = request.app.state.oauth
        return await oauth.principal_for_bearer(authorization)
    return PUBLIC


# graphql-core words every suggestion (field, argument, input field, enum value, type) this way.
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def _public_error(error: GraphQLError, may_introspect: bool) -> dict[str, Any]:
    """What a client may see of an error: our own messages, never internals; to a caller who may
    not introspect, no suggested name either (they would map the schema)."""
    original = error.original_error
    if isinstance(original, HubError):
        return {"message": original.message, "path": error.path, "extensions": original.extensions}
    if error.path is None:  # about the document (syntax, validation, variables): safe to show
        formatted = dict(error.formatted)
        if not may_introspect:
            formatted["message"] = _SUGGESTION.sub("", str(formatted["message"]))
        code = (error.extensions or {}).get("code", ErrorCode.BAD_USER_INPUT.value)
        formatted["extensions"] = {"code": code}
        return formatted
    if isinstance(original, Neo4jError) and "TransactionTimedOut" in (original.code or ""):
        message = "the query ran past its time limit; ask for less (smaller pages, fewer hops)"
        code_ = ErrorCode.LIMIT_EXCEEDED.value
        return {"message": message, "path": error.path, "extensions": {"code": code_}}
    outage = isinstance(original, ServiceUnavailable | SessionExpired)
    code = ErrorCode.UNAVAILABLE if outage else ErrorCode.INTERNAL
    log.error("unexpected error", exc_info=original)
    message = "the graph is unavailable" if code is ErrorCode.UNAVAILABLE else "internal error"
    return {"message": message, "path": error.path, "extensions": {"code": code.value}}


class HubGraphQL(GraphQL[Context, None]):
    async def get_context(  # type: ignore[override]
        self, request: Request | WebSocket, response: Response | None
    ) -> Context:
        runtime: Runtime = request.app.state.runtime
        return Context(
            request=request,  # type: ignore[arg-type]
            response=response,
            principal=request.state.principal,
            graph=runtime.graph,
            settings=runtime.settings,
            request_id=request_id_var.get(),
            audit=getattr(request.state, "audit", None) or AuditTrail(),
        )

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        # A field the database could not answer makes the whole answer a 503 with Retry-After and
        # no data: the client retries the request rather than trusting a partial one.
        if isinstance(response_data, dict) and _unavailable(response_data):
            response_data["data"] = None
            sub_response.status_code = 503
            sub_response.headers["Retry-After"] = RETRY_AFTER
        return super().create_response(response_data, sub_response)

    def decode_json(self, data: str | bytes) -> object:
        # The body was parsed and checked already, before authentication (graphql_payload).
        known = parsed_before(data)
        return known if known is not None else super().decode_json(data)

    def encode_json(self, data: object) -> str:
        # orjson, as text: strawberry sends bytes from here as binary websocket frames, which
        # graphql-transport-ws clients do not read. What orjson cannot encode (an integer beyond
        # 64 bits) goes through the standard library as before.
        try:
            return orjson.dumps(data).decode()
        except TypeError:
            return json.dumps(data, separators=(",", ":"))

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        data: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            principal: Principal = request.state.principal
            data["errors"] = [_public_error(e, not principal.is_public) for e in result.errors]
        return data


class AuthenticatedGraphQL:
    """Authenticates before GraphQL runs: a bad credential is a 401, never a partial answer."""

    def __init__(
        self,
        graphql: HubGraphQL,
        settings: Settings,
        metrics: Metrics,
        store: WindowStore,
        audit: AuditWriter | None = None,
    ) -> None:
        self.graphql = graphql
        self.settings = settings
        self.metrics = metrics
        self.audit = audit
        self.limiter = RateLimiter(
            settings.hub_rate_limit_per_min, settings.hub_rate_limit_burst, store
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        request = Request(scope, receive)
        if request.method == "POST" and "application/json" in request.headers.get(
            "content-type", ""
        ):
            raw = await request.body()
            try:
                graphql_payload(raw)
            except BadPayload as exc:
                await send_error(send, 400, str(exc))
                return
            receive = _replayed(raw, receive)
        try:
            principal = await principal_for(request, self.settings)
            scope.setdefault("state", {})["principal"] = principal
        except Unauthenticated as exc:
            body = {"errors": [{"message": exc.message, "extensions": exc.extensions}]}
            headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
            await JSONResponse(body, status_code=401, headers=headers)(scope, receive, send)
            return
        except Unavailable as exc:
            body = {"errors": [{"message": exc.message, "extensions": exc.extensions}]}
            response = JSONResponse(body, status_code=503, headers={"Retry-After": "5"})
            await response(scope, receive, send)
            return
        caller = principal.subject if not principal.is_public else "ip:" + _client_host(request)
        wait = await self.limiter.retry_after(caller)
        if wait:
            self.metrics.rate_limited.inc()
            message = f"rate limit reached: retry after {wait} s"
            body = {"errors": [{"message": message, "extensions": {"code": "LIMIT_EXCEEDED"}}]}
            response = JSONResponse(body, status_code=429, headers={"Retry-After": str(wait)})
            await response(scope, receive, send)
            return
        await self.graphql(scope, receive, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A subscription's connection: the same credentials as a request, checked before the
        upgrade (refused with close code 4401); the feed checks the token again as it runs. A
        connection counts against the caller's rate limit like a request (4429 past it) and is
        audited before anything is sent: who opened the live feed (1013, try again later, when
        the entry cannot be written)."""
        connection = HTTPConnection(scope)
        try:
            principal = await principal_for(connection, self.settings)  # type: ignore[arg-type]
        except (Unauthenticated, Unavailable):
            await send({"type": "websocket.close", "code": 4401})
            return
        host = connection.client.host if connection.client else "unknown"
        caller = principal.subject if not principal.is_public else "ip:" + host
        if await self.limiter.retry_after(caller):
            self.metrics.rate_limited.inc()
            await send({"type": "websocket.close", "code": 4429})
            return
        if self.audit is not None and self.audit.enabled:
            draft = Draft(
                kind=Kind.GRAPHQL, requestId="ws-" + secrets.token_hex(8),
                decision=Decision.ALLOWED, status=101, client=principal.subject,
                role=principal.role.value, operation="subscription (websocket)",
            )  # fmt: skip
            try:
                await self.audit.record(draft)
            except AuditUnavailable:
                await send({"type": "websocket.close", "code": 1013})
                return
        scope.setdefault("state", {})["principal"] = principal
        await self.graphql(scope, receive, send)


def _replayed(body: bytes, receive: Receive) -> Receive:
    """The body read once, then whatever else the client sends."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


def _unavailable(response: GraphQLHTTPResponse) -> bool:
    errors: list[Any] = list(response.get("errors") or [])
    codes = {(e.get("extensions") or {}).get("code") for e in errors if isinstance(e, dict)}
    return ErrorCode.UNAVAILABLE.value in codes


def _client_host(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    try:
        await runtime.graph.ping()  # one round trip within the deadline, no retry loop
        await runtime.ensure_migrated()
    except AuthError:
        return _not_ready("Neo4j refused the credentials (NEO4J_USER / NEO4J_PASSWORD)")
    except (ServiceUnavailable, Neo4jError, OSError) as exc:
        log.warning("not ready", extra={"fields": {"reason": type(exc).__name__}})
        return _not_ready("Neo4j is not reachable")
    return JSONResponse({"status": "ready"})


async def graph_failed(request: Request, exc: Exception) -> Response:
    """A database error that reached the HTTP layer (outside GraphQL, which maps its own): a
    transaction cut by its timeout (the request's deadline) or a transient one is an outage; any
    other is internal, logged, and said in as few words."""
    code = getattr(exc, "code", None) or ""
    if isinstance(exc, TransientError) or "TransactionTimedOut" in code:
        return await unavailable(request, exc)
    log.error("graph error", exc_info=exc)
    return JSONResponse({"error": "internal error"}, status_code=500)


async def unavailable(request: Request, exc: Exception) -> Response:
    """The database is away (dead, refusing or past the request's deadline): 503 and when to come
    back, in the shape of the endpoint that was asked."""
    log.warning("graph unavailable", extra={"fields": {"path": request.url.path}})
    headers = {"Retry-After": RETRY_AFTER, "Cache-Control": "no-store"}
    if request.url.path.startswith("/oauth/"):
        body: dict[str, Any] = {
            "error": "temporarily_unavailable",
            "error_description": "the hub cannot reach its database; retry later",
        }
    else:
        message = "the graph is unavailable; retry later"
        body = {"errors": [{"message": message, "extensions": {"code": "UNAVAILABLE"}}]}
    return JSONResponse(body, status_code=503, headers=headers)


def _not_ready(reason: str) -> Response:
    return JSONResponse(
        {"status": "unavailable", "reason": reason},
        status_code=503,
        headers={"Retry-After": RETRY_AFTER},
    )


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    store = WindowStore(settings.hub_redis_url)  # shared limits when Redis is configured
    oauth = OAuth.create(settings, store)
    audit = AuditWriter(settings)
    transactions = TransactionCounter()
    metrics = Metrics(transactions, store)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        driver = open_driver(settings)
        runtime = Runtime(settings, graph_for(driver, settings, transactions))
        app.state.runtime = runtime
        oauth.bind(runtime.graph)
        audit.bind(runtime.graph)
        try:
            await driver.verify_connectivity()
            await runtime.ensure_migrated()
            await oauth.refuse_demo_credentials_in_production()
            log.info("connected to Neo4j and migrated")
        except DemoCredentialsInProduction:
            await driver.close()
            raise
        except (ServiceUnavailable, AuthError, Neo4jError, OSError) as exc:
            # Keep serving: /readyz says 503 until the graph answers, then migrates.
            log.warning("Neo4j not ready at start-up", extra={"fields": {"error": str(exc)}})
        if settings.hub_dev_principal:
            log.warning(
                "HUB_DEV_PRINCIPAL is on: the X-Hub-Principal header stands in for a token, "
                "any caller may act as any role (development only)"
            )
        await audit.start()
        interval = settings.hub_linkage_scan_interval_s
        tasks = [asyncio.create_task(linkage_every(runtime.graph, interval))] if interval else []
        if settings.hub_webhook_poll_s:
            tasks.append(asyncio.create_task(Worker(runtime.graph, settings).run()))
        if settings.hub_supervision_refresh_interval_s:
            every = runtime.supervision.every(settings.hub_supervision_refresh_interval_s)
            tasks.append(asyncio.create_task(every))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            runtime.supervision.stop()
            await audit.stop()
            await store.close()
            await settle()
            await driver.close()

    graphql_app = HubGraphQL(
        schema,
        graphql_ide=None,  # the console (/console) serves GraphiQL from npm instead of a CDN
        allow_queries_via_get=False,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
    )
    authenticated = AuthenticatedGraphQL(graphql_app, settings, metrics, store, audit)
    graphql_endpoint: ASGIApp = authenticated
    if settings.hub_graphiql:
        graphql_endpoint = BrowserToConsole(graphql_endpoint)
    app = Starlette(
        routes=[
            Route("/graphql", graphql_endpoint, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", authenticated),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics.endpoint),
            *oauth_routes(oauth),
            *explorer_routes(),
            *check_routes(settings),
            *field_routes(),
            *(console_routes() if settings.hub_graphiql else []),
            *supervision_routes(),
            *tip_routes(),
        ],
        middleware=[
            Middleware(DeadlineMiddleware, seconds=settings.hub_request_deadline_s),
            Middleware(RequestIdMiddleware, observe=metrics.observe),
            Middleware(BodyLimitMiddleware, limit=settings.hub_max_body_bytes),
            Middleware(AuditMiddleware, writer=audit),
        ],
        lifespan=lifespan,
        exception_handlers={
            ServiceUnavailable: unavailable,
            SessionExpired: unavailable,
            Neo4jError: graph_failed,
        },
    )
    app.state.oauth = oauth
    app.state.audit = audit
    app.state.shared_store = store  # per-client quotas of lookups (hub/lookup_quota.py)
    return app


def app_factory() -> Starlette:
    """Entry point for uvicorn (`--factory`)."""
    settings = get_settings()
    configure_logging(settings.hub_log_level)
    return create_app(settings)
