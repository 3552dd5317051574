"""The read compiler without a server: the (cypher, params) each document compiles to for each
principal, against snapshots in tests/snapshots/compiler.json.

A change in the Cypher the hub sends shows here as a diff to review; after a deliberate one,
`HUB_UPDATE_SNAPSHOTS=1 pytest tests/test_compiler_snapshots.py` rewrites the file. What the
statements answer is asserted against the real Neo4j elsewhere (test_read_api, test_policy_matrix,
test_row_scoping); these pin what is sent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import strawberry
from graphql import GraphQLObjectType
from graphql.execution.values import get_argument_values

from hub.access.principal import Principal, Role, Scope
from hub.errors import HubError
from hub.resolvers import entities
from hub.resolvers.compiler import Compiler, Limits, statement
from hub.resolvers.document import parsed
from hub.schema import schema

SNAPSHOTS = Path(__file__).parent / "snapshots" / "compiler.json"
GQL = schema._schema

PRINCIPALS = {
    "police": Principal("police-1", Role.POLICE, frozenset({Scope.GRAPH_READ})),
    "housing": Principal("housing-1", Role.HOUSING, frozenset({Scope.GRAPH_READ})),
    "enterprise": Principal(
        "station-1", Role.ENTERPRISE, frozenset({Scope.GRAPH_READ}), enterprise="91350100STATION1"
    ),
    "market-district": Principal(
        "market-gulou", Role.MARKET, frozenset({Scope.GRAPH_READ}), district="350102"
    ),
}

DOCUMENTS: dict[str, tuple[str, dict[str, Any]]] = {
    "cylinder-with-owner-location-and-deliveries": (
        """query($code: String!) { cylinder(code: $code) {
             id code status nextInspection owner { name district }
             location { householdId address person { name idNumber phone } }
             deliveries(first: 2) { totalCount edges { cursor node { time supplier { name } } } }
           } }""",
        {"code": "FZ0001"},
    ),
    "cylinders-filtered-sorted-after-a-cursor": (
        """{ cylinders(filter: {status: [OVERDUE, DUE], district: "350102", owner: "9135X"},
                      orderBy: {field: NEXT_INSPECTION, direction: DESC},
                      first: 5, after: "Cylinder:FZ0009") {
             totalCount pageInfo { hasNextPage endCursor }
             edges { cursor node { code owner { uscc } } } } }""",
        {},
    ),
    "person-by-global-id-with-fragments-and-skip": (
        """query($skip: Boolean!) { node(id: "Person:p-1") { __typename id
             ... on Person { ...who households(first: 3) @skip(if: $skip) {
                 edges { node { address } } } } }
           }
           fragment who on Person { name phone idNumber verified }""",
        {"skip": False},
    ),
    "incidents-involving-anything": (
        """{ incidents(first: 3, filter: {severity: ["HIGH"]}) { edges { node { incidentId
             involves { __typename id ... on Cylinder { code } ... on Household { address }
                        ... on Person { name } } } } } }""",
        {},
    ),
    "products-failing-a-test-counted": (
        """{ products(filter: {testResult: FAIL}) { totalCount } }""",
        {},
    ),
    "deliveries-in-a-time-range": (
        """{ deliveries(filter: {since: "2026-01-01T00:00:00+08:00", district: "350102"},
                        first: 10) {
             edges { node { eventId time vehicle { plate } driver { name } } } } }""",
        {},
    ),
}

# Root field -> how it compiles: ("one", type, key argument), ("page", type), ("node",).
ROOTS: dict[str, tuple[str, ...]] = {
    "cylinder": ("one", "Cylinder", "code"),
    "node": ("node",),
    "cylinders": ("page", "Cylinder"),
    "incidents": ("page", "Incident"),
    "products": ("page", "Product"),
    "deliveries": ("page", "Delivery"),
}


def _plain(value: Any) -> Any:
    """Arguments as the resolvers hand them over: inputs as dicts (hub/schema/queries.py)."""
    return strawberry.asdict(value) if hasattr(value, "__strawberry_definition__") else value


def compile_document(query: str, variables: dict[str, Any], principal: Principal) -> Any:
    doc = parsed(GQL, query, variables)
    c = Compiler(doc, principal, Limits())
    root = doc.field_nodes[0]
    name = root.name.value
    how = ROOTS[name]
    query_type = GQL.query_type
    assert isinstance(query_type, GraphQLObjectType)
    args = {
        k: _plain(v)
        for k, v in get_argument_values(query_type.fields[name], root, c.variables).items()
    }
    try:
        if how[0] == "one":
            expr: str | None = entities.one_expression(
                c, how[1], args[how[2]], doc.field_nodes, name
            )
        elif how[0] == "node":
            expr = entities.node_expression(c, args["id"], doc.field_nodes)
        else:
            expr = entities.page_expression(c, how[1], args, doc.field_nodes, name)
    except HubError as exc:
        return {"error": exc.message, "extensions": exc.extensions}
    if expr is None:
        return {"answer": None}
    params = json.loads(json.dumps(c.params, default=str))
    return {"cypher": statement(expr), "params": params}


CASES = sorted(f"{doc}/{who}" for doc in DOCUMENTS for who in PRINCIPALS)


def _compiled(case: str) -> Any:
    doc, who = case.split("/")
    query, variables = DOCUMENTS[doc]
    return compile_document(query, variables, PRINCIPALS[who])


def test_the_snapshots_cover_every_case_and_nothing_else() -> None:
    if os.environ.get("HUB_UPDATE_SNAPSHOTS"):
        SNAPSHOTS.write_text(
            json.dumps({case: _compiled(case) for case in CASES}, indent=1, ensure_ascii=False)
            + "\n"
        )
    assert sorted(json.loads(SNAPSHOTS.read_text())) == CASES


@pytest.mark.parametrize("case", CASES)
def test_a_document_compiles_to_its_snapshot(case: str) -> None:
    assert _compiled(case) == json.loads(SNAPSHOTS.read_text())[case]
