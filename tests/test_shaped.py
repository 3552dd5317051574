"""The compiler's answers completed in one walk (hub/schema/shaped.py): every response the same,
byte for byte, as graphql-core's own completion gives, and graphql-core's completion not run
where the walk can do it."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import strawberry
from graphql.execution.executor import Executor
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from hub.graph.driver import Graph
from hub.schema import schema
from hub.schema.graph import read_key
from hub.schema.shaped import ShapedExecutor
from tests.graphql import cypher, gql, principal_header

SALES = """query Sales($first: Int!) { sales(first: $first) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { __typename id time quantityKg priceYuan
    product { traceCode name category producedOn }
    seller { uscc name kind district } } } } }"""
CYLINDER = """query C($code: String!, $with: Boolean!) { cylinder(code: $code) {
  ...Basics status madeOn recordedAt
  holder: owner { __typename name licenceExpiry }
  location @include(if: $with) { address person { name phone idNumber } }
  fillings(first: 3) { edges { node { time quantityKg station { name } } } }
  inspections(first: 2) @skip(if: $with) { totalCount } } }
fragment Basics on Cylinder { id code volumeL }"""
NODE = """query N($id: ID!) { node(id: $id) { __typename id
  ... on Person { name phone idNumber qualifications
    households(first: 2) { edges { node { id } } } }
  ... on Household { address } } }"""
FIRST = """{ cylinders(first: 50) {
  edges { node { code location { person { id } } } } }
  households(first: 1) { edges { node { id } } } }"""
PEOPLE = (
    """{ households(first: 5) { edges { node { id householdId person { id name phone } } } } }"""
)


@pytest.fixture(autouse=True)
def _seeded(tiny_seed: object) -> None:
    """Every test here reads the tiny graph."""


@pytest.fixture
def graphql_core_completions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The root fields graphql-core's own completion was called for."""
    calls: list[str] = []
    original = Executor.complete_value

    def counted(
        self: Executor[Any], return_type: Any, details: Any, info: Any, path: Any, *a: Any
    ) -> Any:
        if path.prev is None and return_type is info.return_type:  # not a non-null's inner type
            calls.append(str(path.key))
        return original(self, return_type, details, info, path, *a)

    monkeypatch.setattr(Executor, "complete_value", counted)
    return calls


async def _both(
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    completions: list[str],
    case: tuple[str, str, dict[str, Any]],
) -> tuple[bytes, bytes, list[str]]:
    """The answer's bytes with the walk, then with graphql-core's completion alone, and the root
    fields graphql-core completed in the walked run."""
    role, query, variables = case
    body = {"query": query, "variables": variables}
    headers = principal_header(role)
    completions.clear()
    shaped = await client.post("/graphql", json=body, headers=headers)
    completed_by_graphql_core = list(completions)
    with monkeypatch.context() as m:
        m.setattr(schema, "execution_context_class", StrawberryGraphQLCoreExecutionContext)
        plain = await client.post("/graphql", json=body, headers=headers)
    assert shaped.status_code == plain.status_code == 200
    return shaped.content, plain.content, completed_by_graphql_core


async def _cases(client: httpx.AsyncClient) -> list[tuple[str, str, dict[str, Any]]]:
    found = await gql(client, FIRST, "police")
    cylinder = next(
        e["node"]
        for e in found["data"]["cylinders"]["edges"]
        if (e["node"]["location"] or {}).get("person")
    )
    code, person = cylinder["code"], cylinder["location"]["person"]["id"]
    household = found["data"]["households"]["edges"][0]["node"]["id"]
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("market", SALES, {"first": 50}),
        ("emergency", PEOPLE, {}),
        ("housing", PEOPLE, {}),
    ]
    for role in ("police", "housing", "emergency", "market", "transport"):
        cases += [
            (role, CYLINDER, {"code": code, "with": True}),
            (role, CYLINDER, {"code": code, "with": False}),
            (role, NODE, {"id": person}),
            (role, NODE, {"id": household}),
        ]
    return cases


async def test_every_answer_is_the_same_bytes_as_graphql_cores_and_its_completion_is_skipped(
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    graphql_core_completions: list[str],
) -> None:
    cases = await _cases(client)
    walked = 0
    for case in cases:
        shaped, plain, completed = await _both(client, monkeypatch, graphql_core_completions, case)
        assert shaped == plain, case
        answer = json.loads(shaped)
        if "errors" not in answer and None not in answer["data"].values():
            assert completed == [], (case, completed)
            walked += 1
    assert walked >= len(cases) // 2  # most roles read these in full or masked, without errors
    first = await _both(client, monkeypatch, graphql_core_completions, cases[0])
    assert b'"edges":[{"cursor"' in first[0]


REFUSED_FILLINGS = """mutation F($items: [FillingInput!]!) { recordFillings(items: $items) {
  written replayed failed results { index ok id replayed errors { field code message } } } }"""


async def test_a_write_result_is_the_same_bytes_as_graphql_cores_and_its_completion_is_skipped(
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    graphql_core_completions: list[str],
    graph: Graph,
) -> None:
    # Refused items (a cylinder that does not exist, a time that is not one), so sending the
    # batch twice changes nothing and both answers must be the same.
    [station] = await cypher(
        graph, "MATCH (e:Enterprise {kind: 'FILLING_STATION'}) RETURN e.uscc AS uscc LIMIT 1"
    )
    items = [
        {"eventId": "shaped-1", "cylinder": "FZ9999999999", "time": "2026-10-01T08:00:00+08:00",
         "quantityKg": 14.5},
        {"eventId": "shaped-2", "cylinder": "FZ9999999998", "time": "not a time",
         "quantityKg": 14.5},
    ]  # fmt: skip
    body = {"query": REFUSED_FILLINGS, "variables": {"items": items}}
    headers = principal_header(
        "enterprise", enterprise=station["uscc"], scopes="graph:read graph:write"
    )
    graphql_core_completions.clear()
    shaped = await client.post("/graphql", json=body, headers=headers)
    completed = list(graphql_core_completions)
    with monkeypatch.context() as m:
        m.setattr(schema, "execution_context_class", StrawberryGraphQLCoreExecutionContext)
        plain = await client.post("/graphql", json=body, headers=headers)
    assert shaped.status_code == plain.status_code == 200
    assert shaped.content == plain.content
    answer = json.loads(shaped.content)["data"]["recordFillings"]
    assert answer["failed"] == 2
    assert all(r["errors"] for r in answer["results"])
    assert completed == []


# --- where the walk gives up: graphql-core completes the value, with its own errors ---------


@strawberry.type
class Row:
    name: str
    tags: list[str]


@strawberry.type
class Query:
    @strawberry.field
    def rows(self, kind: str) -> list[Row]:
        shapes: dict[str, Any] = {
            "whole": [{"name": "a", "tags": ["x"]}],
            "null name": [{"name": None, "tags": []}],
            "missing tags": [{"name": "a"}],
            "not a map": ["a"],
            "null tag": [{"name": "a", "tags": [None]}],
        }
        return shapes[kind]  # type: ignore[no-any-return]


@pytest.mark.parametrize("kind", ["whole", "null name", "missing tags", "not a map", "null tag"])
def test_a_value_the_walk_does_not_expect_gets_graphql_cores_answer(
    kind: str, graphql_core_completions: list[str]
) -> None:
    def run(executor: type) -> dict[str, Any]:
        small = strawberry.Schema(
            query=Query,
            execution_context_class=executor,
            config=StrawberryConfig(default_resolver=read_key),  # as the hub's schema reads rows
        )
        result = small.execute_sync("query($k: String!) { rows(kind: $k) { name tags } }",
                                    variable_values={"k": kind})  # fmt: skip
        return {"data": result.data, "errors": [e.formatted for e in result.errors or []]}

    plain = run(StrawberryGraphQLCoreExecutionContext)
    graphql_core_completions.clear()
    shaped = run(ShapedExecutor)
    assert shaped == plain
    assert bool(plain["errors"]) == (kind != "whole")
    assert graphql_core_completions == ([] if kind == "whole" else ["rows"])
