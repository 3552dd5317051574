"""What a principal may see of the graph's nodes when a statement walks it, as Cypher over one
variable: which nodes it may stand on, their global ids, and their selected fields.

Traces, neighbourhoods and paths reach nodes of any type. Each node passes the same policy as a
row read by the compiler (readable label AND the row rules), so no answer and no path runs
through a node the role may not see; fields are projected by the compiler, so masks and field
rules stay in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import FieldNode

from hub.context import Info
from hub.errors import LimitExceeded
from hub.graph.mapping import TYPES
from hub.resolvers.compiler import Compiler, Limits
from hub.resolvers.document import document

COMMON_FIELDS = frozenset({"id", "__typename"})


class Visible:
    """The nodes a compiler's principal may see, as Cypher fragments."""

    def __init__(self, compiler: Compiler) -> None:
        self.c = compiler
        self.types = [t for t in TYPES if compiler.readable(t)]

    def can_see(self, type_name: str) -> bool:
        return type_name in self.types

    def rule(self, type_name: str, var: str) -> str | None:
        """`var` (known to be of `type_name`) is readable: the type's row rule, or "true"; None
        when the role may not read the type at all."""
        if not self.can_see(type_name):
            return None
        rule = self.c.row_rule(type_name, var)
        return "(" + rule + ")" if rule else "true"

    def check_fragments(self, nodes: list[FieldNode], path: str) -> None:
        """Selecting fields of a type the role may not read is refused, naming the field."""
        for t in TYPES:
            if not self.can_see(t):
                selected = set(self.c.collect(self.c.object_type(t), nodes))
                if selected - COMMON_FIELDS:
                    self.c.require_type(t, path + " on " + t)

    def predicate(self, var: str, among: Iterable[str] | None = None) -> str:
        """`var` is a node of a readable type (one of `among`, when given) that passes that
        type's row rules."""
        types = self.types if among is None else [t for t in self.types if t in set(among)]
        if not types:
            return "false"
        parts = []
        for t in types:
            rule = self.c.row_rule(t, var)
            parts.append("(" + var + ":" + TYPES[t].label + (" AND " + rule if rule else "") + ")")
        return "(" + " OR ".join(parts) + ")"

    def global_id(self, var: str) -> str:
        """The global id (`Type:key`) of `var`, null for a node of no API type."""
        cases = [
            "WHEN " + var + ":" + m.label + " THEN '" + t + ":' + " + var + "." + m.global_key
            for t, m in TYPES.items()
        ]
        return "CASE " + " ".join(cases) + " END"

    def project(self, var: str, nodes: list[FieldNode], path: str) -> str:
        """The selected fields of `var` through the Node interface (inline fragments per type),
        for readable types only; selecting fields of a type the role may not read is refused."""
        self.check_fragments(nodes, path)
        cases: list[str] = []
        for t, m in TYPES.items():
            if not self.can_see(t):
                continue
            cases.append(
                "WHEN " + var + ":" + m.label + " THEN "
                + self.c.project(t, var, nodes, typename=True)
            )  # fmt: skip
        return "CASE " + " ".join(cases) + " END" if cases else "null"

    def project_bounded(self, var: str, nodes: list[FieldNode], path: str, rows: int) -> str:
        """`project` for up to `rows` nodes: nested pages count once per node against the cost
        limit of one statement."""
        before = self.c.cost
        expr = self.project(var, nodes, path)
        if (self.c.cost - before) * rows > self.c.limits.max_cost:
            raise LimitExceeded(
                f"{path}: the nested lists would read more than {self.c.limits.max_cost} rows "
                "for this many nodes; select fewer nested rows or lower the limit",
                field=path,
            )
        return expr

    def project_as(
        self, type_name: str, var: str, nodes: list[FieldNode], path: str, rows: int
    ) -> str:
        """`project_bounded` for `var` known to be a node of `type_name` (a readable type): its
        own projection only, without the CASE over every type (a much smaller statement)."""
        self.check_fragments(nodes, path)
        before = self.c.cost
        expr = self.c.project(type_name, var, nodes, typename=True)
        if (self.c.cost - before) * rows > self.c.limits.max_cost:
            raise LimitExceeded(
                f"{path}: the nested lists would read more than {self.c.limits.max_cost} rows "
                "for this many nodes; select fewer nested rows or lower the limit",
                field=path,
            )
        return expr


def compiler_for(info: Info) -> Compiler:
    ctx = info.context
    return Compiler(document(info), ctx.principal, Limits(max_page=ctx.settings.hub_max_page))


def sub_fields(c: Compiler, type_name: str, nodes: list[FieldNode]) -> dict[str, list[FieldNode]]:
    """The selected sub-fields of one of our own object types, by name."""
    return c.collect(c.object_type(type_name), nodes)


def returned(info: Info, result: Any) -> Any:
    """Hands the rows to the request's audit trail (the people and households returned), when
    the audit trail is wired into the context."""
    trail = getattr(info.context, "audit", None)
    if trail is not None:
        trail.note_rows(result)
    return result
