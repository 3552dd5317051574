"""The assembled GraphQL schema: one Query built from the per-domain classes."""

from __future__ import annotations

from functools import cache
from typing import Any

import strawberry
from graphql.validation import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as aliases_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.schema.config import StrawberryConfig

from hub.audit.extension import AuditExtension
from hub.schema.alerts import AlertMutation
from hub.schema.audit import AuditQuery
from hub.schema.cases import CaseMutation, CaseQuery
from hub.schema.graph import GRAPH_TYPES, read_key
from hub.schema.guards import IntrospectionNeedsToken, OneOperationOrNamed
from hub.schema.investigation import InvestigationQuery
from hub.schema.mutations import Mutation as GraphMutation
from hub.schema.permissions import root_access
from hub.schema.platforms import PlatformMutation, PlatformQuery
from hub.schema.public import PublicQuery
from hub.schema.queries import EntityQuery
from hub.schema.scalars import SCALARS
from hub.schema.search import SearchQuery
from hub.schema.shaped import ShapedExecutor
from hub.schema.subscriptions import Subscription
from hub.schema.supervision import SupervisionQuery
from hub.schema.system import SystemQuery
from hub.schema.webhooks import WebhookMutation, WebhookQuery
from hub.schema.whistleblowing import WhistleMutation, WhistleQuery


@strawberry.type
class Query(
    EntityQuery,
    InvestigationQuery,
    SearchQuery,
    CaseQuery,
    PublicQuery,
    SystemQuery,
    AuditQuery,
    SupervisionQuery,
    WhistleQuery,
    PlatformQuery,
    WebhookQuery,
):
    pass


@strawberry.type(name="Mutation")
class RootMutation(
    GraphMutation, CaseMutation, AlertMutation, WhistleMutation, PlatformMutation, WebhookMutation
):
    pass


LIMIT_RULES: list[type[ASTValidationRule]] = [
    depth_validator(max_depth=12, should_ignore=None),
    aliases_validator(30),
]


class HubSchema(strawberry.Schema):
    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        """Expected errors are answers, not incidents; hub.app logs the unexpected ones once,
        with the request id, when it masks them."""


@cache
def _named_query_fields() -> frozenset[str]:
    """The Query fields whose audit entry names the caller: all but the whistleblower's."""
    return frozenset(
        name.removeprefix("Query.")
        for name, access in root_access(schema).items()
        if name.startswith("Query.") and access is not None and not access.names_nobody
    )


schema = HubSchema(
    query=Query,
    mutation=RootMutation,
    subscription=Subscription,
    types=GRAPH_TYPES,
    execution_context_class=ShapedExecutor,  # the compiler's answers completed in one walk
    # Field names are written as the API spells them (camelCase), which is also how the graph
    # names its properties, so one name runs from the graph to the client.
    config=StrawberryConfig(
        auto_camel_case=False,
        default_resolver=read_key,
        disable_field_suggestions=True,
        scalar_map=SCALARS,
    ),
    extensions=[
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        IntrospectionNeedsToken,  # after the cache, which would overwrite its verdict
        OneOperationOrNamed,
        # The limits' rules are made once: the validation cache keys on the rule classes, and a
        # limiter made per request would bring new classes and miss the cache every time.
        lambda: AddValidationRules(LIMIT_RULES),
        lambda: MaxTokensLimiter(max_token_count=2000),
        # Tells the request's audit entry what GraphQL did; a read's intent goes ahead.
        lambda: AuditExtension(ahead=_named_query_fields()),
    ],
)


def sdl() -> str:
    """The schema as SDL, as committed in schema.graphql."""
    return schema.as_str() + "\n"
