"""A schema extension that tells the request's audit trail what GraphQL did: the operation's
name, the error codes met (validation errors included) and how many rows were returned.

It also starts a read's intent entry as the read starts, so that writing it and reading the graph
overlap: a valid query whose root fields are all plain fields (no fragment at the root, none of
the whistleblower's fields, whose entries name nobody) gets an intent naming the caller, the
operation and the purpose stated so far; the middleware holds the answer until it is durable
and appends the outcome after it (hub.audit.middleware).
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
)
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from hub.audit.entry import Decision, Draft, Kind, Phase
from hub.audit.trail import AuditTrail, result_count
from hub.errors import ErrorCode, HubError


def error_code(error: GraphQLError) -> str:
    original = error.original_error
    if isinstance(original, HubError):
        return original.code.value
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    if original is None:  # about the document: syntax, validation, variables
        return ErrorCode.BAD_USER_INPUT.value
    return ErrorCode.INTERNAL.value


def operation_label(definition: OperationDefinitionNode) -> str:
    """An operation's name, or for an unnamed one its type and root fields:
    `query{person,vehicle}`."""
    if definition.name is not None:
        return definition.name.value
    selections = definition.selection_set.selections
    fields = sorted({s.name.value for s in selections if isinstance(s, FieldNode)})
    return definition.operation.value + "{" + ",".join(fields) + "}"


def _anonymous(ctx: ExecutionContext) -> str | None:
    document = ctx.graphql_document
    if document is None:
        return None
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            return operation_label(definition)
    return None


def _ahead(ctx: ExecutionContext, fields: frozenset[str]) -> bool:
    """Whether this operation's intent may be written while it runs: a query whose root
    selections are all among `fields`."""
    if ctx.graphql_document is None:
        return False
    operation = get_operation_ast(ctx.graphql_document, ctx.operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return False
    return all(
        isinstance(s, FieldNode) and s.name.value in fields
        for s in operation.selection_set.selections
    )


def intent_draft(ctx: ExecutionContext, trail: AuditTrail) -> Draft:
    principal = ctx.context.principal
    return Draft(
        kind=Kind.GRAPHQL,
        requestId=ctx.context.request_id,
        decision=Decision.PENDING,
        status=0,
        client=principal.subject,
        role=principal.role.value,
        purpose=trail.purpose,
        operation=ctx.operation_name or _anonymous(ctx),
        queryHash=trail.query_hash,
        variablesHash=trail.variables_hash,
        phase=Phase.INTENT,
    )


class AuditExtension(SchemaExtension):
    def __init__(self, ahead: frozenset[str] = frozenset()) -> None:
        # The Query fields whose entries name their caller (hub.schema gives them): only
        # operations made of these get an intent ahead; with none, every entry is whole.
        self.ahead = ahead

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        trail = getattr(ctx.context, "audit", None)
        if isinstance(trail, AuditTrail) and trail.announce is not None and _ahead(ctx, self.ahead):
            draft = intent_draft(ctx, trail)
            trail.intent = (draft, trail.announce(draft))
        yield

    def on_operation(self) -> Iterator[None]:
        yield
        ctx = self.execution_context
        trail = getattr(ctx.context, "audit", None)
        if not isinstance(trail, AuditTrail):
            return
        trail.operation = trail.operation or ctx.operation_name or _anonymous(ctx)
        errors = list(ctx.pre_execution_errors or [])
        if ctx.result is not None:
            errors += ctx.result.errors or []
            trail.result_count = result_count(ctx.result.data)
        trail.codes.update(error_code(e) for e in errors)
