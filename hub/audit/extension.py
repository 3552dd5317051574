"""A schema extension that tells the request's audit trail what GraphQL did: the operation's
name, the error codes met (validation errors included) and how many rows were returned."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import FieldNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

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


class AuditExtension(SchemaExtension):
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
