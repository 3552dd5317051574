"""The row scopes' vocabulary: which rows of a type a bound client (or a role) reads, as data.

A scope is a condition on the row, built from a few terms:

- `Own(prop, binding)`: the row's own property equals the client's binding;
- `Reaches(steps, to)`: from the row, along the steps (relationship types, direction, and the
  label of each node passed through), to a node `to`: a `Bound` node (its property equals the
  binding), any node of a label, or any node at all;
- `Unlinked(step)`: the row has no such relationship;
- `RoleListed(role, prop)`: the role is listed in the row's list property;
- `AnyOf(terms)`, `AllOf(terms)`.

A binding is the uscc an enterprise client is bound to ("enterprise") or the district code a
district-bound client is limited to ("district", hub/access/principal.py). The policy says which
scopes apply to a caller (hub/access/policy.py); hub/graph/row_scopes.py writes their Cypher for
the read compiler and the repositories; `describe` writes them in the compact notation of
docs/access-policy.md. Nothing here is Cypher.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hub.catalog.roles import Role

Binding = Literal["enterprise", "district"]
Direction = Literal["out", "in"]


@dataclass(frozen=True)
class Step:
    """One hop: along one of `rels`, `direction` from the node before, to a node of one of
    `labels` (any label when empty; the last step of a `Reaches` ends at its `to`)."""

    rels: tuple[str, ...]
    direction: Direction
    labels: tuple[str, ...] = ()


def out(*rels: str, through: tuple[str, ...] | str = ()) -> Step:
    """A hop along an outgoing relationship (one of `rels`), through a node of `through`."""
    return Step(rels, "out", (through,) if isinstance(through, str) else through)


def in_(*rels: str, through: tuple[str, ...] | str = ()) -> Step:
    """A hop along an incoming relationship (one of `rels`), through a node of `through`."""
    return Step(rels, "in", (through,) if isinstance(through, str) else through)


@dataclass(frozen=True)
class Bound:
    """A node of `label` whose `prop` equals the client's `binding`."""

    label: str
    prop: str
    binding: Binding


MINE = Bound("Enterprise", "uscc", "enterprise")  # the enterprise the client is bound to
IN_DISTRICT_E = Bound("Enterprise", "district", "district")  # an enterprise of its district
IN_DISTRICT_H = Bound("Household", "district", "district")  # a household of its district


@dataclass(frozen=True)
class Own:
    prop: str
    binding: Binding


@dataclass(frozen=True)
class Reaches:
    steps: tuple[Step, ...]
    to: Bound | str  # a bound node, any node of a label, or "" (any node)


@dataclass(frozen=True)
class Unlinked:
    step: Step


@dataclass(frozen=True)
class RoleListed:
    role: Role
    prop: str


@dataclass(frozen=True)
class AnyOf:
    terms: tuple[RowScope, ...]


@dataclass(frozen=True)
class AllOf:
    terms: tuple[RowScope, ...]


@dataclass(frozen=True)
class NoRows:
    """No row at all: a binding the type gives no scope for (policy, never in an entry)."""


RowScope = Own | Reaches | Unlinked | RoleListed | AnyOf | AllOf | NoRows


def reaches(*steps: Step, to: Bound | str = "") -> Reaches:
    return Reaches(steps, to)


def any_of(*terms: RowScope) -> AnyOf:
    return AnyOf(terms)


def all_of(*terms: RowScope) -> AllOf:
    return AllOf(terms)


# --- the compact notation of docs/access-policy.md -------------------------------------------


def _bound(b: Bound) -> str:
    return b.label + "[" + b.prop + " = bound " + b.binding + "]"


def _step(s: Step) -> str:
    rels = "|".join(s.rels)
    return ("-" + rels + "->") if s.direction == "out" else ("<-" + rels + "-")


def _path(steps: tuple[Step, ...], to: Bound | str) -> str:
    parts: list[str] = []
    for i, s in enumerate(steps):
        parts.append(_step(s))
        if i < len(steps) - 1 and s.labels:
            parts.append("|".join(s.labels))
    if isinstance(to, Bound):
        parts.append(_bound(to))
    elif to:
        parts.append(to)
    return " ".join(parts)


def describe(scope: RowScope, *, nested: bool = False) -> str:
    """The scope in the compact notation: `-OWNED_BY-> Enterprise[uscc = bound enterprise]`."""
    if isinstance(scope, AnyOf | AllOf):
        sep = " or " if isinstance(scope, AnyOf) else " and "
        text = sep.join(describe(t, nested=True) for t in scope.terms)
        return "(" + text + ")" if nested else text
    if isinstance(scope, Own):
        return scope.prop + " = bound " + scope.binding
    if isinstance(scope, Reaches):
        return _path(scope.steps, scope.to)
    if isinstance(scope, Unlinked):
        return "no " + _step(scope.step)
    if isinstance(scope, RoleListed):
        return '"' + scope.role.value + '" in ' + scope.prop
    return "none"
