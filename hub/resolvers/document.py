"""What the read compiler reads of a request: the schema, the fragments, the coerced variables
and the root field's nodes, whoever parsed the document.

A resolver hands over `document(info)`; the unit tests build one from a query string
(`parsed`), so the compiler runs and is checked without a server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values

if TYPE_CHECKING:
    from hub.context import Info


class Document(Protocol):
    @property
    def schema(self) -> GraphQLSchema: ...
    @property
    def fragments(self) -> dict[str, FragmentDefinitionNode]: ...
    @property
    def variable_values(self) -> Any: ...
    @property
    def field_nodes(self) -> list[FieldNode]: ...


def document(info: Info) -> Document:
    """The request's document as graphql-core holds it. Strawberry's public `Info` has no
    `field_nodes` and no `fragments`: it offers the selection only as its own `selected_fields`
    (arguments neither coerced nor defaulted), so this is the one place of the hub that reads
    the GraphQLResolveInfo it wraps (`_raw_info`); everything else uses the public `Info`."""
    return info._raw_info


@dataclass(frozen=True)
class Parsed:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variable_values: Any  # as graphql-core coerced them
    field_nodes: list[FieldNode]


def parsed(schema: GraphQLSchema, query: str, variables: dict[str, Any] | None = None) -> Parsed:
    """The document of the first root field of `query`, validated against `schema`, with its
    variables coerced as for execution."""
    ast = parse(query)
    errors = validate(schema, ast)
    if errors:
        raise ValueError("; ".join(e.message for e in errors))
    ops = [d for d in ast.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in ast.definitions if isinstance(d, FragmentDefinitionNode)}
    coerced = get_variable_values(schema, ops[0].variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        raise ValueError("; ".join(e.message for e in coerced))
    root = ops[0].selection_set.selections[0]
    assert isinstance(root, FieldNode)
    return Parsed(schema, fragments, coerced, [root])
