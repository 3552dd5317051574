"""The Starlette application: routes, middleware and the driver's life."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from hub.access.principal import PUBLIC, Principal
from hub.audit.middleware import AuditMiddleware
from hub.audit.trail import AuditTrail
from hub.audit.writer import AuditWriter
from hub.check.routes import check_routes
from hub.config import Settings, get_settings
from hub.context import Context
from hub.errors import ErrorCode, HubError, Unauthenticated, Unavailable
from hub.explorer.routes import explorer_routes
from hub.field.routes import field_routes
from hub.graph import health_repo
from hub.graph.driver import Graph, TransactionCounter, graph_for, open_driver
from hub.graph.migrations import migrate
from hub.metrics import Metrics
from hub.oauth.dev import DEV_HEADER, parse_dev_principal
from hub.oauth.routes import oauth_routes
from hub.oauth.service import DemoCredentialsInProduction, OAuth
from hub.observability import RequestIdMiddleware, configure_logging, request_id_var
from hub.ratelimit import RateLimiter
from hub.schema import schema
from hub.supervision.routes import supervision_routes

log = logging.getLogger("hub.app")


@dataclass
class Runtime:
    """What the lifespan owns: the settings and the one graph connection of this process."""

    settings: Settings
    graph: Graph
    migrated: bool = False

    async def ensure_migrated(self) -> None:
        if not self.migrated:
            await migrate(self.graph)
            self.migrated = True


async def principal_for(request: Request, settings: Settings) -> Principal:
    """Who is calling: the development header (development and test only), else the bearer
    token's principal (a bad token is `Unauthenticated`), else the public."""
    dev = request.headers.get(DEV_HEADER)
    if dev is not None:
        if not settings.is_development:
            raise Unauthenticated(f"the {DEV_HEADER} header is for development only")
        return parse_dev_principal(dev)
    authorization = request.headers.get("authorization")
    if authorization is not None:
        oauth: OAuth = request.app.state.oauth
        return await oauth.principal_for_bearer(authorization)
    return PUBLIC


def _public_error(error: GraphQLError) -> dict[str, Any]:
    """What a client may see of an error: our own messages, never internals."""
    original = error.original_error
    if isinstance(original, HubError):
        return {"message": original.message, "path": error.path, "extensions": original.extensions}
    if error.path is None:  # about the document (syntax, validation, variables): safe to show
        formatted = dict(error.formatted)
        code = (error.extensions or {}).get("code", ErrorCode.BAD_USER_INPUT.value)
        formatted["extensions"] = {"code": code}
        return formatted
    if isinstance(original, Neo4jError) and "TransactionTimedOut" in (original.code or ""):
        message = "the query ran past its time limit; ask for less (smaller pages, fewer hops)"
        code_ = ErrorCode.LIMIT_EXCEEDED.value
        return {"message": message, "path": error.path, "extensions": {"code": code_}}
    code = ErrorCode.UNAVAILABLE if isinstance(original, ServiceUnavailable) else ErrorCode.INTERNAL
    log.error("unexpected error", exc_info=original)
    message = "the graph is unavailable" if code is ErrorCode.UNAVAILABLE else "internal error"
    return {"message": message, "path": error.path, "extensions": {"code": code.value}}


class HubGraphQL(GraphQL[Context, None]):
    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        runtime: Runtime = request.app.state.runtime
        return Context(
            request=request,
            response=response,
            principal=request.state.principal,
            graph=runtime.graph,
            settings=runtime.settings,
            request_id=request_id_var.get(),
            audit=getattr(request.state, "audit", None) or AuditTrail(),
        )

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        data: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            data["errors"] = [_public_error(e) for e in result.errors]
        return data


class AuthenticatedGraphQL:
    """Authenticates before GraphQL runs: a bad credential is a 401, never a partial answer."""

    def __init__(self, graphql: HubGraphQL, settings: Settings, metrics: Metrics) -> None:
        self.graphql = graphql
        self.settings = settings
        self.metrics = metrics
        self.limiter = RateLimiter(settings.hub_rate_limit_per_min, settings.hub_rate_limit_burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
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
        wait = self.limiter.retry_after(caller)
        if wait:
            self.metrics.rate_limited.inc()
            message = f"rate limit reached: retry after {wait} s"
            body = {"errors": [{"message": message, "extensions": {"code": "LIMIT_EXCEEDED"}}]}
            response = JSONResponse(body, status_code=429, headers={"Retry-After": str(wait)})
            await response(scope, receive, send)
            return
        await self.graphql(scope, receive, send)


def _client_host(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    try:
        await runtime.graph.read(health_repo.ping)
        await runtime.ensure_migrated()
    except AuthError:
        return _not_ready("Neo4j refused the credentials (NEO4J_USER / NEO4J_PASSWORD)")
    except (ServiceUnavailable, Neo4jError, OSError) as exc:
        log.warning("not ready", extra={"fields": {"reason": type(exc).__name__}})
        return _not_ready("Neo4j is not reachable")
    return JSONResponse({"status": "ready"})


def _not_ready(reason: str) -> Response:
    return JSONResponse(
        {"status": "unavailable", "reason": reason}, status_code=503, headers={"Retry-After": "5"}
    )


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    oauth = OAuth.create(settings)
    audit = AuditWriter(settings)
    transactions = TransactionCounter()
    metrics = Metrics(transactions)

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
        await audit.start()
        try:
            yield
        finally:
            await audit.stop()
            await driver.close()

    graphql_app = HubGraphQL(
        schema,
        graphql_ide="graphiql" if settings.hub_graphiql else None,
        allow_queries_via_get=False,
    )
    app = Starlette(
        routes=[
            Route(
                "/graphql",
                AuthenticatedGraphQL(graphql_app, settings, metrics),
                methods=["GET", "POST"],
            ),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics.endpoint),
            *oauth_routes(oauth),
            *explorer_routes(),
            *check_routes(settings),
            *field_routes(),
            *supervision_routes(),
        ],
        middleware=[
            Middleware(RequestIdMiddleware, observe=metrics.observe),
            Middleware(AuditMiddleware, writer=audit),
        ],
        lifespan=lifespan,
    )
    app.state.oauth = oauth
    app.state.audit = audit
    return app


def app_factory() -> Starlette:
    """Entry point for uvicorn (`--factory`)."""
    settings = get_settings()
    configure_logging(settings.hub_log_level)
    return create_app(settings)
