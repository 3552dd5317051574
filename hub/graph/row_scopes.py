"""The Cypher of the row scopes: the catalog's scope terms (hub/catalog/scopes.py) as predicates
over one row variable.

The read policy (hub/access/policy.py) says, as data, which scopes a principal's rows of a type
must pass; this module writes them, for the read compiler (hub/resolvers/compiler.py and its
filters and traversals) and for the repositories' statements that read rows for a principal
(alerts, webhooks, the supervision figures, the state a write is judged against). The bindings
are the parameters `$scopeEnterprise` and `$scopeDistrict`; labels, properties and relationship
types come from the catalog, never from input.
"""

from __future__ import annotations

from collections.abc import Sequence

from hub.catalog.scopes import (
    AllOf,
    AnyOf,
    Binding,
    Bound,
    Own,
    Reaches,
    RoleListed,
    RowScope,
    Step,
    Unlinked,
)
from hub.graph.mapping import relationship

PARAMETERS: dict[Binding, str] = {"enterprise": "$scopeEnterprise", "district": "$scopeDistrict"}


def _node(to: Bound | str) -> str:
    if isinstance(to, Bound):
        return "(:" + to.label + " {" + to.prop + ": " + PARAMETERS[to.binding] + "})"
    return "(:" + to + ")" if to else "()"


def _path(steps: tuple[Step, ...], to: Bound | str) -> str:
    out: list[str] = []
    for i, step in enumerate(steps):
        out.append(relationship(step.rels, step.direction))
        if i < len(steps) - 1:
            out.append("(:" + "|".join(step.labels) + ")" if step.labels else "()")
    return "".join(out) + _node(to)


def cypher(scope: RowScope, var: str, *, nested: bool = False) -> str:
    """The predicate of `scope` over the row `var`."""
    if isinstance(scope, AnyOf | AllOf):
        sep = " OR " if isinstance(scope, AnyOf) else " AND "
        text = sep.join(cypher(t, var, nested=True) for t in scope.terms)
        return "(" + text + ")" if nested else text
    if isinstance(scope, Own):
        return var + "." + scope.prop + " = " + PARAMETERS[scope.binding]
    if isinstance(scope, Reaches):
        return "EXISTS { (" + var + ")" + _path(scope.steps, scope.to) + " }"
    if isinstance(scope, Unlinked):
        return "NOT " + cypher(Reaches((scope.step,), ""), var)
    if isinstance(scope, RoleListed):
        return "'" + scope.role.value + "' IN " + var + "." + scope.prop
    return "false"


def predicate(scopes: Sequence[RowScope], var: str) -> str | None:
    """The predicate every row must pass: all of `scopes` over `var`; None when there are none."""
    if not scopes:
        return None
    return " AND ".join("(" + cypher(s, var) + ")" for s in scopes)


def visible(scopes: Sequence[RowScope] | None, var: str) -> str:
    """The predicate over `var` of the rows a principal may read: "false" when `scopes` is None
    (a type it may not read), "true" where no scope applies."""
    if scopes is None:
        return "false"
    return predicate(scopes, var) or "true"
