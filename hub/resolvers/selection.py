"""Reading a root field's selection out of the document: sub-fields by name (fragments, type
conditions, @skip / @include honoured), their coerced arguments, and the schema's object types.
The read compiler (hub/resolvers/compiler.py) writes Cypher from what this reads."""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.execution.values import (
    VariableValues,
    get_argument_values,
    get_directive_values,
)

from hub.errors import BadUserInput
from hub.resolvers.document import Document


class Selection:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        # strawberry hands resolvers the coerced variables as a plain dict; graphql-core's
        # argument helpers want its container.
        raw = doc.variable_values
        self.variables = VariableValues({}, raw) if isinstance(raw, dict) else raw

    def collect(
        self, object_type: GraphQLObjectType, nodes: list[FieldNode]
    ) -> dict[str, list[FieldNode]]:
        """The sub-fields of `nodes` on `object_type`, grouped by field name, honouring
        fragments, type conditions and @skip / @include."""
        grouped: dict[str, list[FieldNode]] = {}
        for node in nodes:
            if node.selection_set:
                self._visit(object_type, node.selection_set, grouped, set())
        return grouped

    def _visit(
        self,
        object_type: GraphQLObjectType,
        selection_set: SelectionSetNode,
        grouped: dict[str, list[FieldNode]],
        seen_fragments: set[str],
    ) -> None:
        variables = self.variables
        for selection in selection_set.selections:
            if get_directive_values(GraphQLSkipDirective, selection, variables) == {"if": True}:
                continue
            include = get_directive_values(GraphQLIncludeDirective, selection, variables)
            if include is not None and not include["if"]:
                continue
            if isinstance(selection, FieldNode):
                grouped.setdefault(selection.name.value, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._matches(object_type, condition.name.value):
                    self._visit(object_type, selection.selection_set, grouped, seen_fragments)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment: FragmentDefinitionNode | None = self.doc.fragments.get(name)
                if fragment is None or name in seen_fragments:
                    continue
                if self._matches(object_type, fragment.type_condition.name.value):
                    seen_fragments.add(name)
                    self._visit(object_type, fragment.selection_set, grouped, seen_fragments)

    @staticmethod
    def _matches(object_type: GraphQLObjectType, condition: str) -> bool:
        return condition == object_type.name or any(
            i.name == condition for i in object_type.interfaces
        )

    def arguments(self, parent: GraphQLObjectType, nodes: list[FieldNode]) -> dict[str, Any]:
        """The coerced arguments of a field; the same field selected twice must agree."""
        field_def = parent.fields[nodes[0].name.value]
        first = get_argument_values(field_def, nodes[0], self.variables)
        for other in nodes[1:]:
            if get_argument_values(field_def, other, self.variables) != first:
                raise BadUserInput(
                    f"{parent.name}.{nodes[0].name.value} is selected twice with different "
                    "arguments; use one selection per argument set",
                    field=nodes[0].name.value,
                )
        return first

    def object_type(self, name: str) -> GraphQLObjectType:
        gql_type = self.doc.schema.get_type(name)
        assert isinstance(gql_type, GraphQLObjectType)
        return gql_type
