"""The whistleblower channel end to end against the real graph: submitting without a name, the
reporter's side by claim code only, and market regulation's side."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest

from graph_seed.generate import Generation
from hub.graph.driver import Graph
from hub.whistle.claim_codes import new_claim_code
from tests.graphql import cypher, error_codes, gql, principal_header, scalar
from tests.whistle_support import ANSWER, STATUS, TRIAGE, call, submit, whistle_client

TIPS = """query($f: TipFilter) { tips(filter: $f, first: 50) { totalCount edges { node {
    tipId text status receivedOn concerns { uscc } messageFrom messageText } } } }"""
MARKET = principal_header("market", scopes="graph:read graph:write", sub="official-a")


@pytest.fixture(scope="module")
async def http(tiny_seed: Generation) -> AsyncIterator[httpx.AsyncClient]:
    async with whistle_client() as client:
        yield client


async def _restaurant(graph: Graph) -> str:
    return str(
        await scalar(
            graph,
            "MATCH (e:Enterprise {kind: 'RESTAURANT'}) RETURN e.uscc ORDER BY e.uscc LIMIT 1",
        )
    )


async def _tip_id(graph: Graph, text: str) -> str:
    return str(await scalar(graph, "MATCH (t:Tip {text: $x}) RETURN t.id", x=text))


async def test_a_tip_is_received_with_a_claim_code_and_only_its_day(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    text = f"无证后厨 {new_claim_code()}"
    code = await submit(http, text, category="UNLICENSED_KITCHEN", channel="INSIDER")
    rows = await cypher(graph, "MATCH (t:Tip {text: $x}) RETURN properties(t) AS p", x=text)
    props = rows[0]["p"]
    assert props["status"] == "RECEIVED"
    assert props["channel"] == "INSIDER"
    assert props["claimCodeHash"] != code
    assert code.replace("-", "") not in str(props)
    assert props["receivedOn"] == graph.clock.today()
    assert (props["recordedAt"].hour, props["recordedAt"].minute) == (0, 0)
    assert props["recordedBy"] == "public"
    status = (await call(http, STATUS, {"c": code}))["data"]["tipStatus"]
    assert status["status"] == "RECEIVED"
    assert status["receivedOn"] == str(graph.clock.today())


async def test_a_uscc_named_in_the_tip_links_it_to_the_registered_enterprise(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    uscc = await _restaurant(graph)
    text = f"过期食材 {new_claim_code()}"
    await submit(http, text, category="FOOD_SAFETY", concernsUscc=uscc)
    linked = await scalar(
        graph, "MATCH (t:Tip {text: $x})-[:CONCERNS]->(e:Enterprise) RETURN e.uscc", x=text
    )
    assert linked == uscc


async def test_bad_input_is_named_by_field(http: httpx.AsyncClient) -> None:
    for tip, field in (
        ({"category": "HYGIENE", "text": "  "}, "text"),
        ({"category": "HYGIENE", "text": "x" * 4001}, "text"),
        (
            {"category": "HYGIENE", "text": "x", "concernsUscc": "91350100MA0000000X"},
            "concernsUscc",
        ),
    ):
        body = await call(
            http, "mutation($t: TipInput!) { submitTip(tip: $t) { claimCode } }", {"t": tip}
        )
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert body["errors"][0]["extensions"]["field"] == field


async def test_numbers_in_the_text_are_flagged_and_masked_but_for_market(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    marker = new_claim_code()
    text = f"老板电话13812345678 身份证350102199001011234 {marker}"
    body = await call(
        http,
        "mutation($t: TipInput!) { submitTip(tip: $t) { numbersFlagged } }",
        {"t": {"category": "OTHER", "text": text}},
    )
    assert body["data"]["submitTip"]["numbersFlagged"] is True
    stored = await scalar(graph, "MATCH (t:Tip {text: $x}) RETURN t.textMasked", x=text)
    assert "138****5678" in stored
    assert "350102********1234" in stored
    seen = await call(http, TIPS, {"f": {"category": ["OTHER"]}}, MARKET)
    texts = [e["node"]["text"] for e in seen["data"]["tips"]["edges"]]
    assert text in texts  # market regulation reads it in full


async def test_a_wrong_code_and_an_unknown_code_answer_alike_and_a_typo_is_caught_first(
    http: httpx.AsyncClient,
) -> None:
    code = await submit(http)
    unknown = await call(http, STATUS, {"c": new_claim_code()})
    symbols = code.replace("-", "")
    typo = symbols[:3] + ("A" if symbols[3] != "A" else "B") + symbols[4:]
    typed = await call(http, STATUS, {"c": typo})
    assert error_codes(unknown) == ["BAD_USER_INPUT"]
    assert unknown["errors"][0]["message"] == "no tip answers this claim code"
    assert "typo" in typed["errors"][0]["message"]


async def test_wrong_codes_are_throttled_and_then_even_a_right_code_waits(
    tiny_seed: Generation,
) -> None:
    async with whistle_client("198.51.100.99", hub_tip_claim_failures_per_window=3) as http:
        code = await submit(http)
        answers = [await call(http, STATUS, {"c": new_claim_code()}) for _ in range(3)]
        assert {error_codes(a)[0] for a in answers} == {"BAD_USER_INPUT"}
        assert len({a["errors"][0]["message"] for a in answers}) == 1
        right = await call(http, STATUS, {"c": code})
        wrong = await call(http, STATUS, {"c": new_claim_code()})
        assert error_codes(right) == error_codes(wrong) == ["LIMIT_EXCEEDED"]
        said = [a["errors"][0]["message"].rstrip("0123456789 s") for a in (right, wrong)]
        assert said[0] == said[1] == "too many attempts: retry after"


async def test_submitting_is_limited_per_address(tiny_seed: Generation) -> None:
    async with whistle_client("198.51.100.98", hub_tip_submit_per_window=2) as http:
        await submit(http)
        await submit(http)
        body = await call(
            http,
            "mutation($t: TipInput!) { submitTip(tip: $t) { claimCode } }",
            {"t": {"category": "OTHER", "text": "x"}},
        )
        assert error_codes(body) == ["LIMIT_EXCEEDED"]


async def test_market_asks_a_question_and_the_reporter_answers_by_claim_code(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    text = f"卫生问题 {new_claim_code()}"
    code = await submit(http, text)
    tip_id = await _tip_id(graph, text)
    uscc = await _restaurant(graph)
    household = await scalar(graph, "MATCH (h:Household) RETURN h.id ORDER BY h.id LIMIT 1")
    item = {"tipId": tip_id, "status": "UNDER_REVIEW", "assignee": "official-a"}
    items = [item | {"enterprises": [uscc], "households": [household], "question": "几点看到的?"}]
    body = await call(http, TRIAGE, {"i": items}, MARKET)
    assert body["data"]["triageTips"] == [
        {"index": 0, "ok": True, "id": "Tip:" + tip_id, "errors": []}
    ]
    answered = await call(http, ANSWER, {"c": code, "x": "晚上十点"})
    progress = answered["data"]["answerTip"]
    assert progress["status"] == "UNDER_REVIEW"
    assert [(m["sender"], m["text"]) for m in progress["messages"]] == [
        ("MARKET", "几点看到的?"), ("REPORTER", "晚上十点")
    ]  # fmt: skip
    assert all(date.fromisoformat(m["on"]) == graph.clock.today() for m in progress["messages"])
    seen = await call(http, TIPS, {"f": {"enterprise": uscc, "status": ["UNDER_REVIEW"]}}, MARKET)
    nodes = [e["node"] for e in seen["data"]["tips"]["edges"]]
    assert any(
        n["tipId"] == tip_id and n["messageText"] == ["几点看到的?", "晚上十点"] for n in nodes
    )


async def test_linking_a_tip_to_an_enterprise_alerts_market_and_never_the_enterprise(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    text = f"无证经营 {new_claim_code()}"
    await submit(http, text)
    tip_id = await _tip_id(graph, text)
    uscc = await _restaurant(graph)
    items = [{"tipId": tip_id, "enterprises": [uscc]}]
    assert (await call(http, TRIAGE, {"i": items}, MARKET))["data"]["triageTips"][0]["ok"]
    rows = await cypher(
        graph,
        "MATCH (a:Alert {rule: 'TIP_LINKED'})-[:ABOUT]->(:Tip {id: $id}) "
        "MATCH (a)-[:ABOUT]->(e:Enterprise) RETURN a.id AS id, a.departments AS departments, "
        "a.enterprise AS addressee, a.summary AS summary, e.uscc AS uscc",
        id=tip_id,
    )
    assert [(r["departments"], r["addressee"], r["uscc"]) for r in rows] == [
        (["market"], None, uscc)
    ]
    assert text not in rows[0]["summary"]
    query = "query($id: ID!) { node(id: $id) { ... on Alert { rule } } }"
    gid = {"id": "Alert:" + rows[0]["id"]}
    market = await call(http, query, gid, MARKET)
    assert market["data"]["node"] == {"rule": "TIP_LINKED"}
    concerned = principal_header("enterprise", scopes="graph:read", enterprise=uscc)
    assert (await call(http, query, gid, concerned))["data"]["node"] is None


async def test_triage_of_an_unknown_link_writes_nothing_and_says_what(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    text = f"未知 {new_claim_code()}"
    await submit(http, text)
    tip_id = await _tip_id(graph, text)
    items = [{"tipId": tip_id, "status": "CLOSED", "households": ["no-such-household"]},
             {"tipId": "TIP-none", "status": "CLOSED"}]  # fmt: skip
    results = (await call(http, TRIAGE, {"i": items}, MARKET))["data"]["triageTips"]
    assert [r["ok"] for r in results] == [False, False]
    assert results[1]["errors"][0]["field"] == "tipId"
    assert await scalar(graph, "MATCH (t:Tip {id: $id}) RETURN t.status", id=tip_id) == "RECEIVED"


@pytest.mark.parametrize("role", ["police", "housing", "emergency", "transport", "auditor", None])
async def test_no_other_department_nor_the_public_reads_tips(
    http: httpx.AsyncClient, role: str | None
) -> None:
    body = await gql(http, "{ tips(first: 1) { totalCount } }", role)
    assert error_codes(body) == ["FORBIDDEN"]


async def test_the_enterprise_concerned_never_reads_its_tips(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    uscc = await _restaurant(graph)
    await submit(http, f"x {new_claim_code()}", concernsUscc=uscc)
    for query in (
        "{ tips(first: 1) { totalCount } }",
        '{ enterprise(uscc: "' + uscc + '") { tips(first: 5) { totalCount } } }',
    ):
        body = await gql(http, query, "enterprise", enterprise=uscc)
        assert error_codes(body) == ["FORBIDDEN"], body


async def test_only_market_triages(http: httpx.AsyncClient) -> None:
    items = [{"tipId": "TIP-x", "status": "CLOSED"}]
    police = principal_header("police", scopes="graph:read graph:write")
    body = await call(http, TRIAGE, {"i": items}, police)
    assert error_codes(body) == ["FORBIDDEN"]
