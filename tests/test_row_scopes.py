"""The catalog's row scopes are data; hub/graph/row_scopes.py writes their Cypher, and the policy
says which apply to a caller. No server: the statements themselves run in the neo4j tier."""

from __future__ import annotations

import pytest

from hub.access import policy
from hub.access.principal import Principal, Role
from hub.catalog import API_TYPES
from hub.catalog.scopes import (
    IN_DISTRICT_E,
    IN_DISTRICT_H,
    MINE,
    AllOf,
    AnyOf,
    Bound,
    Own,
    Reaches,
    RoleListed,
    RowScope,
    Step,
    Unlinked,
    all_of,
    any_of,
    describe,
    in_,
    out,
    reaches,
)
from hub.graph.model import RELATIONSHIPS
from hub.graph.row_scopes import cypher, predicate, visible


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (Own("district", "district"), "n1.district = $scopeDistrict"),
        (
            reaches(out("OWNED_BY"), to=MINE),
            "EXISTS { (n1)-[:OWNED_BY]->(:Enterprise {uscc: $scopeEnterprise}) }",
        ),
        (
            reaches(in_("OF", through=("Shipment", "Sale")), out("FROM", "AT"), to=MINE),
            "EXISTS { (n1)<-[:OF]-(:Shipment|Sale)-[:FROM|AT]->(:Enterprise {uscc: "
            "$scopeEnterprise}) }",
        ),
        (reaches(out("DRIVES"), to="Vehicle"), "EXISTS { (n1)-[:DRIVES]->(:Vehicle) }"),
        (Unlinked(out("LOCATED_AT")), "NOT EXISTS { (n1)-[:LOCATED_AT]->() }"),
        (RoleListed(Role.POLICE, "departments"), "'police' IN n1.departments"),
        (
            any_of(
                reaches(out("LOCATED_AT"), to=IN_DISTRICT_H),
                all_of(Unlinked(out("LOCATED_AT")), reaches(out("OWNED_BY"), to=IN_DISTRICT_E)),
            ),
            "EXISTS { (n1)-[:LOCATED_AT]->(:Household {district: $scopeDistrict}) } OR "
            "(NOT EXISTS { (n1)-[:LOCATED_AT]->() } AND "
            "EXISTS { (n1)-[:OWNED_BY]->(:Enterprise {district: $scopeDistrict}) })",
        ),
    ],
)
def test_each_term_of_the_vocabulary_is_written_as_its_predicate(
    scope: RowScope, expected: str
) -> None:
    assert cypher(scope, "n1") == expected


def test_a_district_bound_client_gets_the_types_district_scope_and_nothing_it_lacks() -> None:
    market = Principal(subject="m", role=Role.MARKET, district="350102")
    assert predicate(policy.row_scopes(market, "Incident"), "n1") == (
        "(n1.district = $scopeDistrict)"
    )
    # Rewards have no district scope: a district-bound reader has none of them.
    assert predicate(policy.row_scopes(market, "Reward"), "n1") == "(false)"


def test_an_unbound_reader_passes_every_row_and_a_non_reader_none() -> None:
    police = Principal(subject="p", role=Role.POLICE)
    assert predicate(policy.row_scopes(police, "Cylinder"), "n1") is None
    assert visible(policy.visible_scopes(police, "Cylinder"), "n1") == "true"
    assert visible(policy.visible_scopes(police, "Tip"), "n1") == "false"  # market only


def test_an_enterprise_role_without_its_binding_reads_no_row() -> None:
    unbound = Principal(subject="e", role=Role.ENTERPRISE)
    assert predicate(policy.row_scopes(unbound, "Cylinder"), "n1") == "(false)"


def test_a_role_scope_joins_the_binding_scopes() -> None:
    police = Principal(subject="p", role=Role.POLICE, district="350102")
    assert predicate(policy.row_scopes(police, "Alert"), "a") == (
        "(a.district = $scopeDistrict) AND ('police' IN a.departments)"
    )


def _scopes() -> list[tuple[str, RowScope]]:
    out_: list[tuple[str, RowScope]] = []
    for name, entry in API_TYPES.items():
        out_ += [(name, s) for s in (entry.by_enterprise, entry.by_district) if s is not None]
        out_ += [(name, s) for s in entry.by_role.values()]
    return out_


def _walks(start: str, scope: RowScope) -> list[str]:
    """What in `scope` the graph does not have: a relationship of a step that leaves none of the
    labels the walk stands on, or an end label no step reaches."""
    if isinstance(scope, AnyOf | AllOf):
        return [bad for t in scope.terms for bad in _walks(start, t)]
    steps: tuple[Step, ...] = ()
    if isinstance(scope, Reaches):
        steps = scope.steps
    elif isinstance(scope, Unlinked):
        steps = (scope.step,)
    here, bad = {start}, []
    for step in steps:
        ends: set[str] = set()
        for rel in step.rels:
            found = [
                (r.end if step.direction == "out" else r.start)
                for r in RELATIONSHIPS
                if r.type == rel and (r.start if step.direction == "out" else r.end) in here | {"*"}
            ]
            if not found:
                bad.append(f"{start}: no {rel} {step.direction} of {sorted(here)}")
            ends |= set(found)
        here = set(step.labels) or ends
    if isinstance(scope, Reaches) and scope.to:
        label = scope.to.label if isinstance(scope.to, Bound) else scope.to
        if label not in here and "*" not in here:
            bad.append(f"{start}: no step reaches {label}")
    return bad


@pytest.mark.parametrize(("name", "scope"), _scopes())
def test_every_scope_of_the_catalog_walks_relationships_the_graph_has(
    name: str, scope: RowScope
) -> None:
    assert _walks(name, scope) == []
    assert "$" not in describe(scope)
    assert "{" not in describe(scope)
