"""The OAuth side of one hub process: its keys, authorization server, caches and throttle, and the
check every `/graphql` request's bearer token goes through."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from neo4j.exceptions import Neo4jError, ServiceUnavailable

from hub.access.principal import Principal
from hub.config import Settings
from hub.errors import Unauthenticated, Unavailable
from hub.graph.driver import Graph
from hub.oauth import registry
from hub.oauth.keys import KeyRing
from hub.oauth.oauth_server import HubAuthorizationServer
from hub.oauth.status import StatusCache
from hub.oauth.throttle import FailureThrottle
from hub.oauth.tokens import InvalidToken
from hub.sharedstore import WindowStore

log = logging.getLogger("hub.auth")


class DemoCredentialsInProduction(RuntimeError):
    """Production refuses to start while the registry holds a demo client."""


@dataclass
class OAuth:
    settings: Settings
    keyring: KeyRing
    status: StatusCache
    throttle: FailureThrottle
    server: HubAuthorizationServer

    @classmethod
    def create(cls, settings: Settings, store: WindowStore | None = None) -> OAuth:
        keyring = KeyRing(settings)  # generated into the state folder on first start
        status = StatusCache(settings.hub_oauth_status_cache_s)
        return cls(
            settings=settings,
            keyring=keyring,
            status=status,
            throttle=FailureThrottle(
                settings.hub_oauth_max_failures,
                settings.hub_oauth_failure_window_s,
                store=store or WindowStore(settings.hub_redis_url),
            ),
            server=HubAuthorizationServer(settings, keyring, status),
        )

    def bind(self, graph: Graph) -> None:
        self.server.graph = graph

    @property
    def graph(self) -> Graph:
        if self.server.graph is None:
            raise Unavailable("the hub is starting")
        return self.server.graph

    async def refuse_demo_credentials_in_production(self) -> None:
        if self.settings.is_development:
            return
        names = await self.graph.read(registry.demo_credential_names)
        if names:
            shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
            message = (
                f"HUB_ENV=production but the registry holds {len(names)} demo credentials "
                f"({shown}); remove them with `hub demo remove` before starting"
            )
            log.critical(message)
            raise DemoCredentialsInProduction(message)

    async def principal_for_bearer(self, authorization: str) -> Principal:
        """The principal of an `Authorization: Bearer` header, or `Unauthenticated`."""
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("send the access token as 'Authorization: Bearer <token>'")
        try:
            checked = self.server.verifier.check(token)
        except InvalidToken as exc:
            raise Unauthenticated(exc.message) from None
        try:
            status = await self.status.status(
                self.graph, checked.client_id, checked.username, checked.jti
            )
        except (ServiceUnavailable, Neo4jError, OSError) as exc:
            log.warning("token status unavailable", extra={"fields": {"error": type(exc).__name__}})
            raise Unavailable("the hub cannot check tokens right now") from None
        if status.revoked:
            raise Unauthenticated("the token has been revoked")
        if not status.client_enabled:
            raise Unauthenticated("the token's client is disabled or unknown")
        if not status.user_enabled:
            raise Unauthenticated("the token's account is disabled or unknown")
        if status.demo and not self.settings.is_development:
            raise Unauthenticated("demo credentials are not accepted in production")
        return checked.principal()
