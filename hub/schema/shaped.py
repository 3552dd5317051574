"""Completing an answer that is already shaped like its selection, in one walk.

A root field's statement returns each object as a map of exactly its selected fields, masked and
filtered already (hub/resolvers/compiler.py). graphql-core would still resolve and complete every
field of every row: a resolver call, an info object and argument coercion per field, which on a
page of 5,000 sales was most of the request's CPU. `ShapedExecutor` completes such an answer in
one walk doing what graphql-core's completion does for these fields and nothing else: the same
collection of sub-fields (fragments, @skip and @include), the same `is_type_of` checks, the same
output coercion of every leaf, the same order, so the response is the same byte for byte.

The walk gives up on anything else (a null where the schema forbids one, a leaf that does not
coerce, a row that is not a map, a runtime type it cannot name, a field with a resolver, a
permission or an extension of its own, @defer), and graphql-core then completes the whole root
value as before, with its own errors.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from graphql import (
    GraphQLAbstractType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from hub.schema.graph import KEY_RESOLVERS, read_key

DEFINITION = "strawberry-definition"  # where strawberry keeps a GraphQL field's own field


class _Unshaped(Exception):  # a signal, not an error
    """The value is not one the walk completes exactly as graphql-core would."""


@cache
def key_read_fields(schema: GraphQLSchema) -> frozenset[tuple[str, str]]:
    """The (type, field) pairs whose value is the row's own key of that name: a plain field,
    where the schema's default resolver is hub.schema.graph.read_key, or one of the relationship
    fields whose resolver only reads its key, with no permission or extension of its own."""
    strawberry_schema = getattr(schema, "_strawberry_schema", None)
    plain_reads_key = strawberry_schema is not None and (
        strawberry_schema.config.default_resolver is read_key
    )
    fields: set[tuple[str, str]] = set()
    for type_name, gql_type in schema.type_map.items():
        if not isinstance(gql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for name, field in gql_type.fields.items():
            definition = (field.extensions or {}).get(DEFINITION)
            if definition is None or definition.python_name != name:
                continue
            if definition.permission_classes or definition.extensions:
                continue
            resolver = definition.base_resolver
            if (resolver is None and plain_reads_key) or (
                resolver is not None and resolver.wrapped_func in KEY_RESOLVERS
            ):
                fields.add((type_name, name))
    return frozenset(fields)


class ShapedExecutor(StrawberryGraphQLCoreExecutionContext):
    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        # A root field's map or list, where no middleware (an extension's `resolve`) wraps the
        # fields' resolvers; once per field (graphql-core completes a non-null type by calling
        # this again for the type inside, at the same path).
        middleware = self.middleware_manager
        if (
            path.prev is None
            and return_type is info.return_type
            and type(result) in (dict, list)
            and (middleware is None or not middleware.middlewares)
        ):
            try:
                return self._shaped(return_type, field_details_list, result)
            except _Unshaped:
                pass
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _shaped(self, return_type: GraphQLOutputType, details: FieldDetailsList, value: Any) -> Any:
        if isinstance(return_type, GraphQLNonNull):
            completed = self._shaped(return_type.of_type, details, value)
            if completed is None:
                raise _Unshaped
            return completed
        if value is None:
            return None
        if isinstance(return_type, GraphQLList):
            if type(value) is not list:
                raise _Unshaped
            item_type = return_type.of_type
            return [self._shaped(item_type, details, item) for item in value]
        if is_leaf_type(return_type):
            try:
                coerced = return_type.coerce_output_value(value)
            except Exception:
                raise _Unshaped from None
            if coerced is None or coerced is Undefined:
                raise _Unshaped
            return coerced
        if type(value) is not dict:
            raise _Unshaped
        if isinstance(return_type, GraphQLAbstractType):
            return_type = self._runtime_type(return_type, value)
        assert isinstance(return_type, GraphQLObjectType)
        return self._object(return_type, details, value)

    def _runtime_type(self, abstract: GraphQLAbstractType, value: dict[str, Any]) -> Any:
        """The object type a row under an interface names in its `__typename` (the compiler
        writes it there), if it is one of the interface's."""
        runtime = self.schema.get_type(value.get("__typename") or "")
        if not isinstance(runtime, GraphQLObjectType) or not self.schema.is_sub_type(
            abstract, runtime
        ):
            raise _Unshaped
        return runtime

    def _object(
        self, object_type: GraphQLObjectType, details: FieldDetailsList, row: dict[str, Any]
    ) -> dict[str, Any]:
        if object_type.is_type_of is not None:
            try:
                is_type = object_type.is_type_of(row, None)  # type: ignore[arg-type]
            except Exception:
                raise _Unshaped from None
            if is_type is not True:
                raise _Unshaped
        grouped, deferred, _forbidden = self.collect_subfields(object_type, details)
        if deferred:
            raise _Unshaped
        key_read = key_read_fields(self.schema)
        type_name = object_type.name
        completed: dict[str, Any] = {}
        for response_key, sub_details in grouped.items():
            name = sub_details[0].node.name.value
            if name == "__typename":
                completed[response_key] = type_name
                continue
            if (type_name, name) not in key_read or name not in row:
                raise _Unshaped
            field_type = object_type.fields[name].type
            completed[response_key] = self._shaped(field_type, sub_details, row[name])
        return completed
