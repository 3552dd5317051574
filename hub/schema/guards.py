"""Per-request guards on the document: introspection needs a token; a document of several
operations runs only the one `operationName` names (GraphQL spec, 6.1: no name, no guess)."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import FieldNode, GraphQLError, OperationDefinitionNode, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

from hub.errors import ErrorCode


class _FindIntrospection(Visitor):
    found = False

    def enter_field(self, node: FieldNode, *_: object) -> None:
        if node.name.value in ("__schema", "__type"):
            self.found = True


class IntrospectionNeedsToken(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        principal = getattr(ctx.context, "principal", None)
        if ctx.graphql_document is not None and (principal is None or principal.is_public):
            finder = _FindIntrospection()
            visit(ctx.graphql_document, finder)
            if finder.found:
                # Set before validation runs, so the document is refused as a whole.
                ctx.pre_execution_errors = [
                    GraphQLError(
                        "introspection needs a token",
                        extensions={"code": ErrorCode.UNAUTHENTICATED.value},
                    )
                ]
        yield


class OneOperationOrNamed(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        # strawberry's `operation_name` falls back to the first operation's: ask what was sent.
        provided = getattr(ctx, "_provided_operation_name", None)
        if document is not None and not provided:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:
                ctx.pre_execution_errors = [
                    *(ctx.pre_execution_errors or []),
                    GraphQLError(
                        "the document holds several operations: name one with operationName",
                        extensions={"code": ErrorCode.BAD_USER_INPUT.value},
                    ),
                ]
        yield
