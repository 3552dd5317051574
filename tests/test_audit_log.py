"""Every request leaves one audit entry; auditors, and only they, read the log."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from hub.audit.entry import canonical
from hub.graph.driver import Graph
from hub.schema import schema
from tests.audit_support import a_person, one_entry, records_for, request_id
from tests.graphql import error_codes, principal_header
from tests.graphql import scalar as graph_scalar
from tests.oauth_support import Registrar, token_for

PERSON = "query Who($id: String!) { person(idNumber: $id) { id name phone } }"
AUDIT_QUERY = (
    "query Log($f: AuditFilter) { auditLog(filter: $f, first: 50) { totalCount edges { node { "
    "seq client role purpose operation entityIds decision resultCount kind } } } }"
)


@pytest.fixture
async def reg(graph: Graph) -> AsyncIterator[Registrar]:
    registrar = Registrar(graph)
    yield registrar
    await registrar.cleanup()


async def _post(
    client: httpx.AsyncClient, rid: str, headers: dict[str, str] | None = None, **kwargs: Any
) -> httpx.Response:
    return await client.post("/graphql", headers={"X-Request-Id": rid, **(headers or {})}, **kwargs)


async def test_an_answered_query_records_who_what_and_the_people_returned(
    client: httpx.AsyncClient, graph: Graph, tiny_seed: object
) -> None:
    person = await a_person(graph)
    rid = request_id("allowed")
    variables = {"id": person}
    response = await _post(
        client, rid, {**principal_header("police"), "X-Purpose": "case FZ-2026-0042"},
        json={"query": PERSON, "variables": variables},
    )  # fmt: skip
    assert response.status_code == 200
    pid = await graph_scalar(graph, "MATCH (p:Person {idNumber: $k}) RETURN p.pid", k=person)
    assert response.json()["data"]["person"]["id"] == "Person:" + pid  # the API's opaque id
    entry = await one_entry(graph, rid)
    assert (entry.kind, entry.decision, entry.status) == ("graphql", "allowed", 200)
    assert (entry.client, entry.role) == ("dev-police", "police")
    assert entry.purpose == "case FZ-2026-0042"
    assert entry.operation == "Who"
    assert entry.entityIds == ["Person:" + person]
    assert entry.resultCount == 1
    assert entry.queryHash == hashlib.sha256(PERSON.encode()).hexdigest()
    assert entry.variablesHash == hashlib.sha256(canonical(variables)).hexdigest()


async def test_the_log_holds_hashes_and_ids_never_the_personal_values(
    client: httpx.AsyncClient, graph: Graph, tiny_seed: object
) -> None:
    person = await a_person(graph)
    rid = request_id("values")
    response = await _post(
        client, rid, principal_header("police"), json={"query": PERSON, "variables": {"id": person}}
    )
    shown = response.json()["data"]["person"]
    stored = str((await one_entry(graph, rid)).properties())
    assert shown["name"] not in stored
    assert shown["phone"] not in stored


@pytest.mark.parametrize(
    ("case", "headers", "body", "status", "decision", "code"),
    [
        ("bad-token", {"Authorization": "Bearer not-a-token"}, {"query": "{ me { role } }"},
         401, "refused", None),
        ("forbidden", principal_header("housing"), {"query": "{ incidents { totalCount } }"},
         200, "refused", "FORBIDDEN"),
        ("validation", principal_header("police"), {"query": "{ nope }"},
         200, "invalid", "BAD_USER_INPUT"),
        ("page-too-big", principal_header("police"),
         {"query": "{ cylinders(first: 5000) { totalCount } }"}, 200, "invalid", "BAD_USER_INPUT"),
        ("public-me", {}, {"query": "{ me { role } }"}, 200, "allowed", None),
    ],
)  # fmt: skip
async def test_refused_and_invalid_requests_are_recorded_too(
    client: httpx.AsyncClient, graph: Graph, case: str, headers: dict[str, str],
    body: dict[str, Any], status: int, decision: str, code: str | None,
) -> None:  # fmt: skip
    rid = request_id(case)
    response = await _post(client, rid, headers, json=body)
    assert response.status_code == status
    if code:
        assert code in error_codes(response.json())
    entry = await one_entry(graph, rid)
    assert (entry.decision, entry.status) == (decision, status)
    assert entry.entityIds == []


async def test_a_body_that_is_not_json_is_recorded_as_invalid(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    rid = request_id("not-json")
    response = await _post(client, rid, {"content-type": "application/json"}, content=b"{not json")
    assert response.status_code == 400
    entry = await one_entry(graph, rid)
    assert (entry.decision, entry.status, entry.queryHash) == (
        "invalid", 400, hashlib.sha256(b"{not json").hexdigest()
    )  # fmt: skip


async def test_a_token_issued_and_a_token_refused_each_leave_an_entry(
    client: httpx.AsyncClient, graph: Graph, reg: Registrar
) -> None:
    police = await reg.client("police", "graph:read")
    issued, refused = request_id("token-ok"), request_id("token-no")
    assert police.secret is not None
    await client.post(
        "/oauth/token", headers={"X-Request-Id": issued},
        data={"grant_type": "client_credentials"}, auth=(police.client.client_id, police.secret),
    )  # fmt: skip
    bad = await client.post(
        "/oauth/token", headers={"X-Request-Id": refused},
        data={"grant_type": "client_credentials"}, auth=(police.client.client_id, "wrong"),
    )  # fmt: skip
    assert bad.status_code in (400, 401)
    good = await one_entry(graph, issued)
    assert (good.kind, good.decision, good.client, good.role, good.resultCount) == (
        "token", "allowed", police.client.client_id, "police", 1
    )  # fmt: skip
    assert good.operation == "token:client_credentials"
    no = await one_entry(graph, refused)
    assert (no.kind, no.decision, no.client, no.role) == (
        "token", "refused", police.client.client_id, None
    )  # fmt: skip


async def test_an_auditor_lists_who_read_a_person_and_why(
    client: httpx.AsyncClient, graph: Graph, reg: Registrar, tiny_seed: object
) -> None:
    person = await a_person(graph)
    police = await reg.client("police", "graph:read")
    housing = await reg.client("housing", "graph:read")
    auditor = await reg.client("auditor", "audit:read")
    pid = await graph_scalar(graph, "MATCH (p:Person {idNumber: $k}) RETURN p.pid", k=person)
    by_id = "query($id: ID!) { person: node(id: $id) { id } }"  # housing sees the number masked
    asked = ((police, PERSON, person, "case FZ-2026-0042"),
             (housing, by_id, "Person:" + pid, "gas safety visit"))  # fmt: skip
    for new, query, key, purpose in asked:
        token = await token_for(client, new)
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": {"id": key}, "extensions": {"purpose": purpose}},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.json()["data"]["person"] is not None
    token = await token_for(client, auditor)
    response = await client.post(
        "/graphql",
        json={"query": AUDIT_QUERY, "variables": {"f": {"entityId": "Person:" + person}}},
        headers={"Authorization": f"Bearer {token}"},
    )
    log = response.json()["data"]["auditLog"]
    readers = {(e["node"]["client"], e["node"]["role"], e["node"]["purpose"]) for e in log["edges"]}
    assert (police.client.client_id, "police", "case FZ-2026-0042") in readers
    assert (housing.client.client_id, "housing", "gas safety visit") in readers
    assert log["totalCount"] >= 2
    masked = "Person:" + person[:6] + "********" + person[-4:]
    assert all(e["node"]["entityIds"] == [masked] for e in log["edges"])
    seqs = [e["node"]["seq"] for e in log["edges"]]
    assert seqs == sorted(seqs, reverse=True)


async def test_the_log_filters_by_decision_and_client_and_pages_with_cursors(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    rids = [request_id("page") for _ in range(3)]
    for rid in rids:
        await _post(
            client, rid, principal_header("market", sub="i8-pager"), json={"query": "{ x }"}
        )
    auditor = principal_header("auditor", scopes="audit:read")
    query = (
        "query P($after: String) { auditLog(first: 2, after: $after, filter: {client: "
        '"i8-pager", decision: INVALID}) { edges { cursor node { requestId decision } } '
        "pageInfo { hasNextPage endCursor } } }"
    )
    first = await _post(client, request_id("auditor"), auditor, json={"query": query})
    page = first.json()["data"]["auditLog"]
    assert [e["node"]["decision"] for e in page["edges"]] == ["INVALID", "INVALID"]
    assert page["pageInfo"]["hasNextPage"]
    after = page["pageInfo"]["endCursor"]
    second = await _post(
        client, request_id("auditor"), auditor, json={"query": query, "variables": {"after": after}}
    )
    seen = [e["node"]["requestId"] for e in page["edges"]]
    seen += [e["node"]["requestId"] for e in second.json()["data"]["auditLog"]["edges"]]
    assert set(rids) <= set(seen)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize(
    "who",
    ["role=market", "role=housing", "role=transport", "role=police", "role=emergency",
     "role=enterprise; enterprise=91350100MA00000010", "role=admin; scopes=admin audit:read",
     "role=auditor; scopes=graph:read", None],
)  # fmt: skip
async def test_only_an_auditor_with_audit_read_may_read_the_log(
    client: httpx.AsyncClient, who: str | None
) -> None:
    headers = {"X-Hub-Principal": who} if who else {}
    response = await client.post(
        "/graphql", json={"query": "{ auditLog { totalCount edges { node { seq } } } }"},
        headers=headers,
    )  # fmt: skip
    body = response.json()
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"] is None


def test_nothing_in_the_api_can_change_or_delete_an_entry() -> None:
    mutation = schema._schema.mutation_type
    names = list(mutation.fields) if mutation is not None else []
    assert [name for name in names if "audit" in name.lower()] == []


async def test_each_request_gets_its_own_entry_even_under_a_reused_request_id(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    rid = request_id("repeat")
    for _ in range(3):
        await _post(client, rid, principal_header("police"), json={"query": "{ me { role } }"})
    assert len(await records_for(graph, rid, 3)) == 3
