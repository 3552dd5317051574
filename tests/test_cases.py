"""Cases: saved, reopened and listed inside the saver's department only, validated, audited."""

from __future__ import annotations

import json
from typing import Any

import httpx

from hub.graph.driver import Graph
from tests.audit_support import one_entry, request_id
from tests.graphql import cypher, error_codes, gql, principal_header

EXPLORE = {"scopes": "graph:read investigate"}
SAVE = """mutation($in: CaseInput!) { saveCase(input: $in) {
    caseId department title purpose notes scene createdBy updatedAt } }"""
OPEN = "query($id: String!) { case(caseId: $id) { caseId title scene } }"
LIST = "{ cases { caseId title } }"
SCENE = json.dumps({
    "nodes": [{"id": "Cylinder:FZ0000000001", "type": "Cylinder", "label": "气瓶\\nFZ0000000001",
               "position": {"x": 10, "y": -4.5}}],
    "edges": [],
})  # fmt: skip


def _case(**more: Any) -> dict[str, Any]:
    return {"in": {"title": "超期气瓶", "purpose": "case T-2026-11", "notes": "n", "scene": SCENE,
                   **more}}  # fmt: skip


async def test_a_case_is_saved_reopened_and_shared_inside_its_department_only(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    body = await gql(client, SAVE, "police", _case(), **EXPLORE, district="350102")
    saved = body["data"]["saveCase"]
    assert saved["department"] == "police@district:350102"
    assert json.loads(saved["scene"])["nodes"][0]["position"] == {"x": 10, "y": -4.5}
    case_id = saved["caseId"]
    # Another person of the same department opens it and sees it listed.
    opened = await gql(client, OPEN, "police", {"id": case_id}, **EXPLORE, district="350102")
    assert opened["data"]["case"]["title"] == "超期气瓶"
    listed = await gql(client, LIST, "police", {}, **EXPLORE, district="350102")
    assert case_id in [c["caseId"] for c in listed["data"]["cases"]]
    # Outside the department it does not exist: not opened, not listed, not overwritten.
    for role, claims in [("police", {"district": "350104"}), ("market", {}), ("police", {})]:
        other = await gql(client, OPEN, role, {"id": case_id}, **EXPLORE, **claims)
        assert other["data"]["case"] is None
        others = await gql(client, LIST, role, {}, **EXPLORE, **claims)
        assert case_id not in [c["caseId"] for c in others["data"]["cases"]]
        overwrite = await gql(client, SAVE, role, _case(caseId=case_id), **EXPLORE, **claims)
        assert error_codes(overwrite) == ["BAD_USER_INPUT"]
    [row] = await cypher(graph, "MATCH (c:Case {id: $id}) RETURN c.title AS t", id=case_id)
    assert row["t"] == "超期气瓶"
    # A new version by the department keeps the id.
    again = await gql(client, SAVE, "police", _case(caseId=case_id, title="v2"), **EXPLORE,
                      district="350102")  # fmt: skip
    assert again["data"]["saveCase"]["caseId"] == case_id
    assert again["data"]["saveCase"]["title"] == "v2"


async def test_a_bad_case_is_refused_naming_the_field(client: httpx.AsyncClient) -> None:
    for more, field in [
        ({"title": " "}, "title"),
        ({"purpose": "x" * 201}, "purpose"),
        ({"scene": "not json"}, "scene"),
        ({"scene": json.dumps({"nodes": [{"id": "x", "position": {}}], "edges": []})}, "scene"),
    ]:
        body = await gql(client, SAVE, "market", _case(**more), **EXPLORE)
        assert error_codes(body) == ["BAD_USER_INPUT"], body
        assert body["errors"][0]["extensions"]["field"] == field


async def test_cases_need_the_investigate_scope(client: httpx.AsyncClient) -> None:
    body = await gql(client, SAVE, "market", _case(), scopes="graph:read graph:write")
    assert error_codes(body) == ["FORBIDDEN"]
    body = await gql(client, LIST, "market", scopes="graph:read")
    assert error_codes(body) == ["FORBIDDEN"]


async def test_every_save_and_open_is_audited_with_the_case_and_its_purpose(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    headers = principal_header("market", **EXPLORE)
    saved_rid, opened_rid = request_id("case-save"), request_id("case-open")
    saved = await client.post(
        "/graphql", json={"query": SAVE, "variables": _case()},
        headers={**headers, "X-Request-Id": saved_rid},
    )  # fmt: skip
    case_id = saved.json()["data"]["saveCase"]["caseId"]
    await client.post(
        "/graphql", json={"query": OPEN, "variables": {"id": case_id}},
        headers={**headers, "X-Request-Id": opened_rid},
    )  # fmt: skip
    for rid in (saved_rid, opened_rid):
        entry = await one_entry(graph, rid)
        assert entry.decision == "allowed"
        assert entry.purpose == "case T-2026-11"
        assert entry.entityIds == ["Case:" + case_id]
