"""Typed filters and sort keys, compiled to Cypher predicates with parameters.

A filter that looks at a related type needs that type readable (policy.FILTER_NEEDS) and only
considers related rows the principal may see, and no filter compares a value the principal sees
masked (policy.sees_in_full), so no filter can serve as an oracle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hub.auth import policy
from hub.errors import Forbidden
from hub.graph.model import PROPERTIES

if TYPE_CHECKING:
    from hub.resolvers.compiler import Compiler

# A predicate builder: (compiler, row variable, value) -> Cypher predicate.
Predicate = Callable[["Compiler", str, Any], str]


def _plain(value: Any) -> Any:
    """Enum members to their values, lists element by element."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return getattr(value, "value", value)


def _reading(prop: str, build: Predicate) -> Predicate:
    """`build`, marked with the property of the row it compares: a role that sees a field of that
    property masked may not filter by it (Compiler.require_full)."""
    build.reads = prop  # type: ignore[attr-defined]
    return build


def _equals(prop: str) -> Predicate:
    return _reading(prop, lambda c, v, value: v + "." + prop + " = " + c.param(_plain(value)))


def _one_of(prop: str) -> Predicate:
    return _reading(prop, lambda c, v, value: v + "." + prop + " IN " + c.param(_plain(value)))


def _compare(prop: str, op: str, kind: str) -> Predicate:
    return _reading(
        prop,
        lambda c, v, value: v + "." + prop + " " + op + " " + kind + "(" + c.param(value) + ")",
    )


def _contains(prop: str) -> Predicate:
    return _reading(
        prop,
        lambda c, v, value: (
            "toLower(" + v + "." + prop + ") CONTAINS toLower(" + c.param(value) + ")"
        ),
    )


def _related(pattern: str, label: str, prop: str) -> Predicate:
    """Rows with a related `label` row whose `prop` equals the value, and that is in scope."""

    def build(c: Compiler, v: str, value: Any) -> str:
        c.require_full(label, prop, label + "." + prop, "filter")
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


FILTERS: dict[str, dict[str, Predicate]] = {
    "Cylinder": {
        "status": _one_of("status"),
        "model": _equals("model"),
        "nextInspectionBefore": _compare("nextInspection", "<", "date"),
        "nextInspectionAfter": _compare("nextInspection", ">", "date"),
        "district": _related("-[:LOCATED_AT]->", "Household", "district"),
        "owner": _related("-[:OWNED_BY]->", "Enterprise", "uscc"),
    },
    "Enterprise": {
        "kind": _one_of("kind"),
        "district": _equals("district"),
        "nameContains": _contains("name"),
    },
    "Household": {
        "district": _equals("district"),
        "street": _equals("street"),
        "status": _one_of("status"),
    },
    "Vehicle": {
        "operator": _related("-[:OPERATED_BY]->", "Enterprise", "uscc"),
        "permitExpiresBefore": _compare("permitExpiry", "<", "date"),
        "permitExpiresAfter": _compare("permitExpiry", ">", "date"),
    },
    "Product": {
        "category": _one_of("category"),
        "origin": _equals("origin"),
        "producer": _related("-[:PRODUCED_BY]->", "Enterprise", "uscc"),
        "testResult": _related("<-[:OF]-", "BatchTest", "result"),
    },
    "Delivery": {
        "district": _related("-[:TO]->", "Household", "district"),
    },
    "Incident": {
        "kind": _one_of("kind"),
        "severity": _one_of("severity"),
        "district": _equals("district"),
    },
}
# Every list of events (and incidents) takes a time range.
TIME_RANGE: dict[str, Predicate] = {
    "since": _compare("time", ">=", "datetime"),
    "until": _compare("time", "<", "datetime"),
}


def filter_predicates(
    c: Compiler, label: str, var: str, given: dict[str, Any], path: str
) -> list[str]:
    out: list[str] = []
    for name, value in given.items():
        if value is None:
            continue
        builder = FILTERS.get(label, {}).get(name) or TIME_RANGE.get(name)
        needs = policy.FILTER_NEEDS.get((label, name), policy.FILTER_NEEDS.get(("*", name)))
        if builder is None or needs is None:
            raise Forbidden(f"{path}: the filter {name} is not open to any role", field=path)
        for needed in needs:
            c.require_type(needed, path + "(filter: " + name + ")")
        reads = getattr(builder, "reads", None)
        if reads is not None:
            c.require_full(label, reads, path + "(filter: " + name + ")", "filter")
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
