"""Typed filters and sort keys, compiled to Cypher predicates with parameters.

The filters are declared in the catalog (hub/catalog/). A filter that looks at a related type
needs that type readable (policy.FILTER_NEEDS) and only considers related rows the principal may
see, and no filter compares a value the principal sees masked (policy.sees_in_full), so no filter
can serve as an oracle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from hub.access import policy
from hub.catalog import API_TYPES, Filter
from hub.errors import Forbidden
from hub.graph.mapping import TYPES, relationship
from hub.graph.model import PROPERTIES
from hub.resolvers.cursors import parse_global_id


class Builder(Protocol):
    """What a predicate needs of the statement it joins (hub/resolvers/compiler.py Compiler)."""

    def param(self, value: Any) -> str: ...
    def var(self) -> str: ...
    def readable(self, type_name: str) -> bool: ...
    def row_rule(self, type_name: str, var: str) -> str | None: ...
    def require_type(self, type_name: str, field_path: str) -> None: ...
    def require_full(self, type_name: str, prop: str, path: str, use: str) -> None: ...


# A predicate builder: (compiler, row variable, value) -> Cypher predicate.
Predicate = Callable[[Builder, str, Any], str]


def _plain(value: Any) -> Any:
    """Enum members to their values, lists element by element."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return getattr(value, "value", value)


def _equals(prop: str) -> Predicate:
    return lambda c, v, value: v + "." + prop + " = " + c.param(_plain(value))


def _one_of(prop: str) -> Predicate:
    return lambda c, v, value: v + "." + prop + " IN " + c.param(_plain(value))


def _compare(prop: str, op: str, kind: str) -> Predicate:
    return lambda c, v, value: v + "." + prop + " " + op + " " + kind + "(" + c.param(value) + ")"


def _contains(prop: str) -> Predicate:
    return lambda c, v, value: (
        "toLower(" + v + "." + prop + ") CONTAINS toLower(" + c.param(value) + ")"
    )


def _related(pattern: str, label: str, prop: str) -> Predicate:
    """Rows with a related `label` row whose `prop` equals the value, and that is in scope."""

    def build(c: Builder, v: str, value: Any) -> str:
        r = c.var()
        conditions = [r + "." + prop + " = " + c.param(_plain(value))]
        rule = c.row_rule(label, r)
        if rule:
            conditions.append(rule)
        return (
            "EXISTS { MATCH (" + v + ")" + pattern + "(" + r + ":" + label + ") WHERE "
            + " AND ".join(conditions) + " }"
        )  # fmt: skip

    return build


def _about(c: Builder, v: str, value: Any) -> str:
    """Rows ABOUT the row of a global id, when the principal may read its type and row; an id
    of a type it may not read, or malformed, matches nothing, as a missing row would."""
    parsed = parse_global_id(str(value))
    if parsed is None or not c.readable(parsed[0]):
        return "false"
    label, key = parsed
    r = c.var()
    conditions = [r + "." + TYPES[label].global_key + " = " + c.param(key)]
    rule = c.row_rule(label, r)
    if rule:
        conditions.append(rule)
    return (
        "EXISTS { MATCH (" + v + ")-[:ABOUT]->(" + r + ":" + label + ") WHERE "
        + " AND ".join(conditions) + " }"
    )  # fmt: skip


def _build(f: Filter) -> Predicate:
    """The predicate builder of a catalog filter."""
    if f.op == "equals":
        return _equals(f.prop)
    if f.op == "one_of":
        return _one_of(f.prop)
    if f.op == "before":
        return _compare(f.prop, "<", f.kind)
    if f.op == "after":
        return _compare(f.prop, ">", f.kind)
    if f.op == "contains":
        return _contains(f.prop)
    if f.op == "about":
        return _about
    return _related(relationship(f.rel, f.direction), f.label, f.prop)


# type -> filter -> its catalog entry, and its predicate builder.
SPECS: dict[str, dict[str, Filter]] = {
    name: {f.name: f for f in entry.filters} for name, entry in API_TYPES.items() if entry.filters
}
FILTERS: dict[str, dict[str, Predicate]] = {
    name: {f_name: _build(f) for f_name, f in specs.items()} for name, specs in SPECS.items()
}
# Every list of events (and incidents) takes a time range.
TIME_RANGE: dict[str, Predicate] = {
    "since": _compare("time", ">=", "datetime"),
    "until": _compare("time", "<", "datetime"),
}


def filter_predicates(
    c: Builder, label: str, var: str, given: dict[str, Any], path: str
) -> list[str]:
    out: list[str] = []
    for name, value in given.items():
        if value is None:
            continue
        builder = FILTERS.get(label, {}).get(name) or TIME_RANGE.get(name)
        needs = policy.FILTER_NEEDS.get((label, name), policy.FILTER_NEEDS.get(("*", name)))
        if builder is None or needs is None:
            raise Forbidden(f"{path}: the filter {name} is not open to any role", field=path)
        where = path + "(filter: " + name + ")"
        for needed in needs:
            c.require_type(needed, where)
        spec = SPECS.get(label, {}).get(name)
        # The value compared must be one the role sees in full (a global key always is).
        if spec is not None and spec.op != "about":
            target = spec.label if spec.op == "related" else label
            c.require_full(target, spec.prop, where, "filter")
        out.append(builder(c, var, value))
    return out


_SENTINELS = {
    "date": "date('0001-01-01')",
    "datetime": "datetime('0001-01-01T00:00:00Z')",
    "float": "-1.0e308",
    "int": "-9223372036854775808",
}


def sort_expression(label: str, var: str, prop: str) -> str:
    """The sort key of a row: its property, with missing values first, so paging has no gaps."""
    kind = PROPERTIES[label].get(prop, "string")
    return "coalesce(" + var + "." + prop + ", " + _SENTINELS.get(kind, "''") + ")"
