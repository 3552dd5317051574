"""Compiles a root field's whole selection into one parameterised Cypher statement.

The statement returns exactly the selected fields as nested maps, so a read costs one round trip
whatever its depth. The access policy is enforced here and nowhere else: hidden types and fields
are refused by name, masks are Cypher expressions, and row rules are predicates on every row at
every depth and inside filters. Labels, properties and relationship patterns come only from
hub/graph/mapping.py; every value is a `$parameter`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from hub.access import policy
from hub.access.principal import Principal
from hub.audit.trail import AUDITED_TYPES, REF_KEY
from hub.errors import BadUserInput, Forbidden, LimitExceeded
from hub.graph.mapping import ANY, ANY_LIMIT, TYPES, Link, TypeMap
from hub.graph.model import PROPERTIES
from hub.graph.row_scopes import predicate
from hub.resolvers.cursors import decode_cursor
from hub.resolvers.document import Document
from hub.resolvers.filters import filter_predicates, sort_expression
from hub.resolvers.masks import masked
from hub.resolvers.selection import Selection

CONNECTION_FIELDS = {"edges", "pageInfo", "totalCount"}

# What a writer asserted of a person another client recorded is its claim (written by
# hub/graph/ingest_write_repo.py, linked where the person would be): to that writer, and to no
# one else, its claims are persons, so it reads back what it sent and nothing of the canonical
# record, exactly as for a person it registered itself.
CLAIM_LABEL = "PersonClaim"


@dataclass(frozen=True)
class Limits:
    max_page: int = 100
    default_page: int = 20
    max_cost: int = 20_000  # rows a statement may project, counting nested pages


@dataclass(frozen=True)
class Order:
    """A list's order: by `prop` of its rows (missing values first, unless the list is `ranged`
    in time, where every row has one), then by the key."""

    label: str
    prop: str
    descending: bool
    ranged: bool

    def expression(self, var: str) -> str:
        return var + "." + self.prop if self.ranged else sort_expression(self.label, var, self.prop)


def statement(expression: str) -> str:
    """The statement of a root field whose answer is `expression` (one of the Compiler's)."""
    return "RETURN " + expression + " AS result"


class Compiler(Selection):
    """Writes the statement of one root field for one principal; reads the document through
    `Selection`."""

    def __init__(self, doc: Document, principal: Principal, limits: Limits) -> None:
        super().__init__(doc)
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
        self.claims = bool(principal.enterprise)  # only enterprise clients write people
        self._values = len(self.params) - 1  # value parameters are $p<n>, numbered on

    # --- names and parameters -----------------------------------------------------------

    def param(self, value: Any) -> str:
        self._values += 1
        name = "p" + str(self._values)
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
        try:
            self.require_full(type_name, prop, type_name, "sort")
        except Forbidden:
            return TYPES[type_name].global_key
        return prop

    def row_rule(self, type_name: str, var: str) -> str | None:
        """The predicate every row of `type_name` must pass for this principal, if any."""
        rule = predicate(policy.row_scopes(self.principal, type_name), var)
        if self.claims and type_name == "Person":
            self.params["claimant"] = self.principal.subject
            return (
                "((" + var + ":Person AND (" + (rule or "true") + ")) OR (" + var + ":"
                + CLAIM_LABEL + " AND " + var + ".claimedBy = $claimant))"
            )  # fmt: skip
        return rule

    def label(self, type_name: str) -> str:
        """The label expression the rows of `type_name` are matched by (row_rule tells them
        apart): a writer's own claims stand with the persons."""
        label = TYPES[type_name].label
        return label + "|" + CLAIM_LABEL if self.claims and type_name == "Person" else label

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
            label = self.label(type_name)
            allowed.append("(" + x + ":" + label + (" AND " + rule if rule else "") + ")")
            cases.append(
                "WHEN " + x + ":" + label + " THEN "
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
            "COLLECT { MATCH (" + var + ")" + link.pattern + "(" + target + ":"
            + self.label(link.target) + ")"
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
        the label at the root), as one Cypher expression: its rows (match and where), then the
        count and the page the selection asks for."""
        label = link.target
        first = self._page_size(args, path)
        t = self.var()
        match = (
            "MATCH (" + parent_var + ")" + link.pattern + "(" + t + ":" + self.label(label) + ")"
            if parent_var
            else "MATCH (" + t + ":" + self.label(label) + ")"
        )
        conditions = self._where(label, t, args, path)
        selected = self.collect(self.object_type(label + "Connection"), nodes)
        parts: list[str] = []
        if "totalCount" in selected:
            parts.append(self._count(match, conditions))
        if "edges" in selected or "pageInfo" in selected:
            sort = self._order(link, args, order, path)
            return self._page(label, t, match, conditions, sort, first, args, selected, parts, path)
        return "{" + ", ".join(parts) + "}"

    def _page_size(self, args: dict[str, Any], path: str) -> int:
        first = args.get("first")
        first = self.limits.default_page if first is None else first
        if not 0 <= first <= self.limits.max_page:
            raise BadUserInput(
                f"{path}: first must be between 0 and {self.limits.max_page}", field=path
            )
        return int(first)

    def _where(self, label: str, t: str, args: dict[str, Any], path: str) -> list[str]:
        """The predicates every listed row passes: the filters, the time range, the row rule."""
        conditions = filter_predicates(self, label, t, args.get("filter") or {}, path)
        for key in ("since", "until"):
            if args.get(key) is not None:
                conditions += filter_predicates(self, label, t, {key: args[key]}, path)
        row = self.row_rule(label, t)
        if row:
            conditions.append(row)
        return conditions

    @staticmethod
    def _count(match: str, conditions: list[str]) -> str:
        where = " WHERE " + " AND ".join(conditions) if conditions else ""
        return "totalCount: COUNT { " + match + where + " }"

    def _order(
        self, link: Link, args: dict[str, Any], order: tuple[str, bool] | None, path: str
    ) -> Order:
        """The asked order, by a property this role sees in full; else the list's own (by the
        opaque global key where the role sees that property masked)."""
        label = link.target
        if order is not None:
            self.require_full(label, order[0], path, "sort")
            prop, descending = order
        else:
            prop = self.full_sort(label, link.order or TYPES[label].key)
            descending = link.order == "time"
        # A time range already excludes rows without a time: sort on the bare property, so
        # Neo4j walks the time index in order and stops at the page instead of sorting all.
        ranged = prop == "time" and any(
            (args.get("filter") or {}).get(k) is not None or args.get(k) is not None
            for k in ("since", "until")
        )
        return Order(label, prop, descending, ranged)

    def _after(self, label: str, t: str, sort: Order, cursor: str, path: str) -> str:
        """The rows after the cursor's row, in the list's order (ties broken by the global key,
        unique and seen in full by every reader)."""
        tmap = TYPES[label]
        anchor_key = decode_cursor(cursor, label, path)
        a = self.var()
        op = "<" if sort.descending else ">"
        key = t + "." + tmap.global_key
        row_sort, anchor_sort = sort.expression(t), sort.expression(a)
        # The cursor's row must be in scope too, or a page would tell where an unseen row
        # sorts (its date, its name) by where the page starts.
        anchor_rule = self.row_rule(label, a)
        return (
            "EXISTS { MATCH (" + a + ":" + self.label(label) + " {" + tmap.global_key + ": "
            + self.param(anchor_key) + "}) WHERE ("
            + (anchor_rule + ") AND (" if anchor_rule else "")
            + row_sort + " " + op + " " + anchor_sort
            + " OR (" + row_sort + " = " + anchor_sort + " AND " + key + " " + op + " "
            + a + "." + tmap.global_key + ")) }"
        )  # fmt: skip

    def _page(
        self,
        label: str,
        t: str,
        match: str,
        conditions: list[str],
        sort: Order,
        first: int,
        args: dict[str, Any],
        selected: dict[str, list[FieldNode]],
        parts: list[str],
        path: str,
    ) -> str:
        """One page of the rows (one more, to tell whether there is a next), as edges and
        pageInfo beside `parts` (the count)."""
        tmap = TYPES[label]
        paging = list(conditions)
        if args.get("after"):
            paging.append(self._after(label, t, sort, args["after"], path))
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
        key = t + "." + tmap.global_key  # unique, and seen in full by every reader
        direction = " DESC" if sort.descending else ""
        items = (
            "COLLECT { " + match + (" WHERE " + " AND ".join(paging) if paging else "")
            + " WITH " + t + " ORDER BY " + sort.expression(t) + direction + ", " + key
            + direction + " LIMIT " + self.param(first + 1)
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
        return (
            "COLLECT { MATCH (" + t + ":" + self.label(type_name) + " {" + prop + ": "
            + self.param(key) + "})" + (" WHERE " + where if where else "")
            + " RETURN " + self.project(type_name, t, nodes, typename=typename) + " LIMIT 1 }[0]"
        )  # fmt: skip
