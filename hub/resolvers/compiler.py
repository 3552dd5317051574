"""Compiles a root field's whole selection into one parameterised Cypher statement.

The statement returns exactly the selected fields as nested maps, so a read costs one round trip
whatever its depth. The access policy is enforced here and nowhere else: hidden types and fields
are refused by name, masks are Cypher expressions, and row rules are predicates on every row at
every depth and inside filters. Labels, properties and relationship patterns come only from
hub/graph/mapping.py; every value is a `$parameter`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.execution.values import (
    VariableValues,
    get_argument_values,
    get_directive_values,
)

from hub.audit.trail import AUDITED_TYPES, REF_KEY
from hub.auth import policy
from hub.auth.masking import masked
from hub.auth.principal import Principal
from hub.errors import BadUserInput, Forbidden, LimitExceeded
from hub.graph.mapping import ANY, ANY_LIMIT, TYPES, Link, TypeMap
from hub.graph.model import PROPERTIES
from hub.resolvers.cursors import decode_cursor
from hub.resolvers.filters import filter_predicates, sort_expression

CONNECTION_FIELDS = {"edges", "pageInfo", "totalCount"}


@dataclass(frozen=True)
class Limits:
    max_page: int = 100
    default_page: int = 20
    max_cost: int = 20_000  # rows a statement may project, counting nested pages


@dataclass
class Statement:
    cypher: str
    params: dict[str, Any] = field(default_factory=dict)


class Compiler:
    def __init__(self, info: GraphQLResolveInfo[Any], principal: Principal, limits: Limits) -> None:
        self.info = info
        # strawberry hands resolvers the coerced variables as a plain dict; graphql-core's
        # argument helpers want its container.
        raw = info.variable_values
        self.variables = VariableValues({}, raw) if isinstance(raw, dict) else raw
        self.principal = principal
        self.limits = limits
        self.params: dict[str, Any] = {}
        self.cost = 0
        self._vars = 0
        self._depth_factor = 1  # how many parent rows a nested page repeats for (for the cost)
        if principal.enterprise:
            self.params["scopeEnterprise"] = principal.enterprise
        if principal.district:
            self.params["scopeDistrict"] = principal.district

    # --- names and parameters -----------------------------------------------------------

    def param(self, value: Any) -> str:
        name = "p" + str(len(self.params))
        self.params[name] = value
        return "$" + name

    def var(self) -> str:
        self._vars += 1
        return "n" + str(self._vars)

    # --- the policy -----------------------------------------------------------------------

    def readable(self, type_name: str) -> bool:
        return policy.can_read(self.principal.role, type_name)

    def require_type(self, type_name: str, field_path: str) -> None:
        if not self.readable(type_name):
            raise Forbidden(
                f"the {self.principal.role.value} role may not read {type_name} ({field_path})",
                field=field_path,
            )

    def require_full(self, type_name: str, prop: str, path: str, use: str) -> None:
        """Refuse to use the property `prop` of `type_name` as a key, filter or sort unless this
        role sees every field that reads it in full (policy.sees_in_full)."""
        tmap = TYPES[type_name]
        for field_name, read in tmap.properties.items():
            if read == prop and not policy.sees_in_full(self.principal.role, type_name, field_name):
                raise Forbidden(
                    f"the {self.principal.role.value} role sees {type_name}.{field_name} masked "
                    f"and may not {use} by it ({path})",
                    field=path,
                )

    def full_sort(self, type_name: str, prop: str) -> str:
        """`prop`, or the row's opaque global key when this role sees `prop` masked (an order
        by hidden digits would tell them)."""
        tmap = TYPES[type_name]
        try:
            self.require_full(type_name, prop, type_name, "sort")
        except Forbidden:
            return tmap.global_key
        return prop

    def row_rule(self, type_name: str, var: str) -> str | None:
        """The predicate every row of `type_name` must pass for this principal, if any."""
        return policy.row_rule(self.principal, type_name, var)

    # --- selections -----------------------------------------------------------------------

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
                fragment: FragmentDefinitionNode | None = self.info.fragments.get(name)
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
        gql_type = self.info.schema.get_type(name)
        assert isinstance(gql_type, GraphQLObjectType)
        return gql_type

    # --- projections ----------------------------------------------------------------------

    def project(
        self, type_name: str, var: str, nodes: list[FieldNode], *, typename: bool = False
    ) -> str:
        """A Cypher map of the selected fields of the row `var` of `type_name`."""
        tmap = TYPES[type_name]
        gql_type = self.object_type(type_name)
        entries: list[str] = ["__typename: '" + type_name + "'"] if typename else []
        if type_name in AUDITED_TYPES:  # for the audit entry only: no GraphQL field reads it
            entries.append(REF_KEY + ": '" + tmap.label + ":' + " + var + "." + tmap.key)
        for name, sub_nodes in self.collect(gql_type, nodes).items():
            if name == "__typename":
                continue
            path = type_name + "." + name
            rule = policy.field_rule(type_name, name)
            if rule is False:
                raise Forbidden(f"{path} is not open to any role", field=path)
            if name in tmap.links and tmap.links[name].target == ANY:
                expr = self.any_of(tmap.links[name], var, sub_nodes, path)
            elif name in tmap.links:
                link = tmap.links[name]
                self.require_type(link.target, path)
                args = self.arguments(gql_type, sub_nodes)
                expr = (
                    self.connection(link, var, sub_nodes, args, path)
                    if link.many
                    else self.single(link, var, sub_nodes)
                )
            else:
                expr = self.scalar(tmap, var, name, rule)
            entries.append(name + ": " + expr)
        return "{" + ", ".join(entries) + "}"

    def any_of(self, link: Link, var: str, nodes: list[FieldNode], path: str) -> str:
        """The rows of any type `link` reaches, as a list: only types the role may read, each
        through its own row rule, each projected with the fields its fragment selects."""
        x = self.var()
        allowed: list[str] = []
        cases: list[str] = []
        common = {"id", "__typename"}
        for type_name in TYPES:
            selected = set(self.collect(self.object_type(type_name), nodes))
            if not self.readable(type_name):
                if selected - common:
                    self.require_type(type_name, path + " on " + type_name)
                continue
            rule = self.row_rule(type_name, x)
            allowed.append("(" + x + ":" + type_name + (" AND " + rule if rule else "") + ")")
            cases.append(
                "WHEN " + x + ":" + type_name + " THEN "
                + self.project(type_name, x, nodes, typename=True)
            )  # fmt: skip
        self.cost += ANY_LIMIT * self._depth_factor
        if not allowed:
            return "[]"
        return (
            "COLLECT { MATCH (" + var + ")" + link.pattern + "(" + x + ") WHERE "
            + " OR ".join(allowed) + " RETURN CASE " + " ".join(cases) + " END LIMIT "
            + str(ANY_LIMIT) + " }"
        )  # fmt: skip

    def scalar(self, tmap: TypeMap, var: str, name: str, rule: policy.Rule | bool) -> str:
        if name == "id":
            return "'" + tmap.label + ":' + " + var + "." + tmap.global_key
        prop = tmap.properties[name]
        kind = PROPERTIES[tmap.label].get(prop, "datetime" if prop == "recordedAt" else "string")
        value = var + "." + prop
        if kind in ("date", "datetime"):
            value = "toString(" + value + ")"
        if isinstance(rule, policy.Masked) and self.principal.role not in rule.full_for:
            return masked(rule.mask, value, var)
        return value

    def single(self, link: Link, var: str, nodes: list[FieldNode]) -> str:
        target = self.var()
        self.cost += 1
        where = self.row_rule(link.target, target)
        return (
            "COLLECT { MATCH (" + var + ")" + link.pattern + "(" + target + ":" + link.target + ")"
            + (" WHERE " + where if where else "")
            + " RETURN " + self.project(link.target, target, nodes) + " LIMIT 1 }[0]"
        )  # fmt: skip

    def connection(
        self,
        link: Link,
        parent_var: str | None,
        nodes: list[FieldNode],
        args: dict[str, Any],
        path: str,
        *,
        order: tuple[str, bool] | None = None,
    ) -> str:
        """A Relay connection over the rows `link` reaches (from `parent_var`, or every row of
        the label at the root), as one Cypher expression."""
        label = link.target
        tmap = TYPES[label]
        first = args.get("first")
        first = self.limits.default_page if first is None else first
        if not 0 <= first <= self.limits.max_page:
            raise BadUserInput(
                f"{path}: first must be between 0 and {self.limits.max_page}", field=path
            )
        t = self.var()
        match = (
            "MATCH (" + parent_var + ")" + link.pattern + "(" + t + ":" + label + ")"
            if parent_var
            else "MATCH (" + t + ":" + label + ")"
        )
        conditions = filter_predicates(self, label, t, args.get("filter") or {}, path)
        for key in ("since", "until"):
            if args.get(key) is not None:
                conditions += filter_predicates(self, label, t, {key: args[key]}, path)
        row = self.row_rule(label, t)
        if row:
            conditions.append(row)
        where = " WHERE " + " AND ".join(conditions) if conditions else ""

        conn_type = self.object_type(label + "Connection")
        selected = self.collect(conn_type, nodes)
        parts: list[str] = []
        if "totalCount" in selected:
            parts.append("totalCount: COUNT { " + match + where + " }")
        if "edges" in selected or "pageInfo" in selected:
            if order is not None:
                self.require_full(label, order[0], path, "sort")
                sort_prop, descending = order
            else:
                sort_prop = self.full_sort(label, link.order or tmap.key)
                descending = link.order == "time"
            # A time range already excludes rows without a time: sort on the bare property, so
            # Neo4j walks the time index in order and stops at the page instead of sorting all.
            ranged = sort_prop == "time" and any(
                (args.get("filter") or {}).get(k) is not None or args.get(k) is not None
                for k in ("since", "until")
            )
            sort = t + "." + sort_prop if ranged else sort_expression(label, t, sort_prop)
            key = t + "." + tmap.global_key  # unique, and seen in full by every reader
            direction = " DESC" if descending else ""
            paging = list(conditions)
            if args.get("after"):
                anchor_key = decode_cursor(args["after"], label, path)
                a = self.var()
                op = "<" if descending else ">"
                anchor_sort = (
                    a + "." + sort_prop if ranged else sort_expression(label, a, sort_prop)
                )
                # The cursor's row must be in scope too, or a page would tell where an
                # unseen row sorts (its date, its name) by where the page starts.
                anchor_rule = self.row_rule(label, a)
                paging.append(
                    "EXISTS { MATCH (" + a + ":" + label + " {" + tmap.global_key + ": "
                    + self.param(anchor_key) + "}) WHERE ("
                    + (anchor_rule + ") AND (" if anchor_rule else "")
                    + sort + " " + op + " " + anchor_sort
                    + " OR (" + sort + " = " + anchor_sort + " AND " + key + " " + op + " "
                    + a + "." + tmap.global_key + ")) }"
                )  # fmt: skip
            self.cost += first * max(1, self._depth_factor)
            if self.cost > self.limits.max_cost:
                raise LimitExceeded(
                    f"{path}: the query would read more than {self.limits.max_cost} rows; "
                    "ask for smaller pages",
                    field=path,
                )
            edge_type = self.object_type(label + "Edge")
            node_nodes = self.collect(edge_type, selected.get("edges", [])).get("node", [])
            outer = self._depth_factor
            self._depth_factor = max(1, outer * first)
            try:
                projection = self.project(label, t, node_nodes) if node_nodes else "{}"
            finally:
                self._depth_factor = outer
            items = (
                "COLLECT { " + match + (" WHERE " + " AND ".join(paging) if paging else "")
                + " WITH " + t + " ORDER BY " + sort + direction + ", " + key + direction
                + " LIMIT " + self.param(first + 1)
                + " RETURN {c: '" + label + ":' + " + t + "." + tmap.global_key + ", n: "
                + projection + "} }"
            )  # fmt: skip
            page = self.param(first)
            rows, x = "rows_" + t, "x_" + t  # names of their own: connections nest
            parts.append("edges: [" + x + " IN " + rows + "[0.." + page + "] | {cursor: "
                         + x + ".c, node: " + x + ".n}]")  # fmt: skip
            parts.append(
                "pageInfo: {hasNextPage: size(" + rows + ") > " + page
                + ", hasPreviousPage: " + ("true" if args.get("after") else "false")
                + ", startCursor: head(" + rows + ").c, endCursor: last(" + rows + "[0.."
                + page + "]).c}"
            )  # fmt: skip
            return "[" + rows + " IN [" + items + "] | {" + ", ".join(parts) + "}][0]"
        return "{" + ", ".join(parts) + "}"

    def one(
        self,
        type_name: str,
        key: str,
        nodes: list[FieldNode],
        *,
        typename: bool = False,
        by_global_key: bool = False,
    ) -> str:
        """The row of `type_name` whose natural key (or, `by_global_key`, the key of its global
        id) is `key`, as a map, or null."""
        t = self.var()
        self.cost += 1
        tmap = TYPES[type_name]
        where = self.row_rule(type_name, t)
        prop = tmap.global_key if by_global_key else tmap.key
        if not by_global_key:
            self.require_full(type_name, prop, self.info.field_name, "look rows up")
        return (
            "COLLECT { MATCH (" + t + ":" + tmap.label + " {" + prop + ": "
            + self.param(key) + "})" + (" WHERE " + where if where else "")
            + " RETURN " + self.project(type_name, t, nodes, typename=typename) + " LIMIT 1 }[0]"
        )  # fmt: skip
