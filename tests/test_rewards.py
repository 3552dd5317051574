"""Faceless rewards: granted and approved by two different officials, claimed by claim code with a
sealed payout instruction that only the finance step opens, erased once paid."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from graph_seed.generate import Generation
from hub.graph.driver import Graph
from hub.whistle.claim_codes import new_claim_code
from tests.graphql import cypher, error_codes, principal_header, scalar
from tests.whistle_support import STATUS, TRIAGE, call, submit, whistle_client

GRANT = """mutation($t: String!, $a: Float!) {
    grantReward(tip: $t, amountYuan: $a, reason: "属实") { rewardId status amountYuan } }"""
APPROVE = "mutation($r: String!) { approveReward(reward: $r) { rewardId status } }"
CLAIM = """mutation($c: String!, $r: String!, $p: String!) {
    claimReward(claimCode: $c, reward: $r, payoutInstruction: $p) {
      rewards { rewardId status amountYuan } } }"""
PAYOUT = "query($r: String!) { rewardPayout(reward: $r) { amountYuan payoutInstruction } }"
PAID = "mutation($r: String!) { confirmRewardPaid(reward: $r) { status } }"
REWARD_READ = """query($id: ID!) { node(id: $id) { ... on Reward {
    status amountYuan grantedBy approvedBy } } }"""

OFFICIAL_A = principal_header("market", scopes="graph:read graph:write", sub="official-a")
OFFICIAL_B = principal_header("market", scopes="graph:read graph:write", sub="official-b")
FINANCE = principal_header("market", scopes="graph:read reward:pay", sub="finance-1")
INSTRUCTION = "支付宝 账号 pay-7f3k9 (test)"


@pytest.fixture(scope="module")
async def http(tiny_seed: Generation) -> AsyncIterator[httpx.AsyncClient]:
    async with whistle_client("198.51.100.71") as client:
        yield client


async def _substantiated(http: httpx.AsyncClient, graph: Graph) -> tuple[str, str]:
    text = f"属实的举报 {new_claim_code()}"
    code = await submit(http, text)
    tip_id = str(await scalar(graph, "MATCH (t:Tip {text: $x}) RETURN t.id", x=text))
    body = await call(
        http, TRIAGE, {"i": [{"tipId": tip_id, "status": "SUBSTANTIATED"}]}, OFFICIAL_A
    )
    assert body["data"]["triageTips"][0]["ok"], body
    return code, tip_id


async def _granted(http: httpx.AsyncClient, graph: Graph) -> tuple[str, str]:
    code, tip_id = await _substantiated(http, graph)
    granted = await call(http, GRANT, {"t": tip_id, "a": 500}, OFFICIAL_A)
    return code, granted["data"]["grantReward"]["rewardId"]


async def test_the_whole_faceless_reward(http: httpx.AsyncClient, graph: Graph) -> None:
    code, reward = await _granted(http, graph)
    approved = await call(http, APPROVE, {"r": reward}, OFFICIAL_B)
    assert approved["data"]["approveReward"]["status"] == "APPROVED"
    seen = (await call(http, STATUS, {"c": code}))["data"]["tipStatus"]["rewards"]
    assert seen == [{"rewardId": reward, "amountYuan": 500.0, "status": "APPROVED",
                     "claimedOn": None, "paidOn": None}]  # fmt: skip
    claimed = await call(http, CLAIM, {"c": code, "r": reward, "p": INSTRUCTION})
    assert claimed["data"]["claimReward"]["rewards"][0]["status"] == "CLAIMED"
    sealed = await scalar(graph, "MATCH (r:Reward {id: $id}) RETURN r.payoutSealed", id=reward)
    assert sealed
    assert INSTRUCTION not in sealed
    assert "pay-7f3k9" not in sealed
    opened = await call(http, PAYOUT, {"r": reward}, FINANCE)
    assert opened["data"]["rewardPayout"] == {"amountYuan": 500.0, "payoutInstruction": INSTRUCTION}
    paid = await call(http, PAID, {"r": reward}, FINANCE)
    assert paid["data"]["confirmRewardPaid"]["status"] == "PAID"
    rows = await cypher(graph, "MATCH (r:Reward {id: $id}) RETURN properties(r) AS p", id=reward)
    assert "payoutSealed" not in rows[0]["p"]
    assert "pay-7f3k9" not in str(rows[0]["p"])
    again = await call(http, PAYOUT, {"r": reward}, FINANCE)
    assert error_codes(again) == ["BAD_USER_INPUT"]  # gone
    final = (await call(http, STATUS, {"c": code}))["data"]["tipStatus"]
    assert final["status"] == "REWARDED"
    assert final["rewards"][0]["status"] == "PAID"


async def test_the_official_who_granted_cannot_approve(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    _, reward = await _granted(http, graph)
    body = await call(http, APPROVE, {"r": reward}, OFFICIAL_A)
    assert error_codes(body) == ["FORBIDDEN"]
    assert await scalar(graph, "MATCH (r:Reward {id: $id}) RETURN r.status", id=reward) == "GRANTED"


async def test_a_reward_needs_a_substantiated_tip(http: httpx.AsyncClient, graph: Graph) -> None:
    text = f"未核实 {new_claim_code()}"
    await submit(http, text)
    tip_id = str(await scalar(graph, "MATCH (t:Tip {text: $x}) RETURN t.id", x=text))
    body = await call(http, GRANT, {"t": tip_id, "a": 200}, OFFICIAL_A)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_an_unapproved_reward_cannot_be_claimed_nor_by_another_tips_code(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    code, reward = await _granted(http, graph)
    body = await call(http, CLAIM, {"c": code, "r": reward, "p": INSTRUCTION})
    assert error_codes(body) == ["BAD_USER_INPUT"]
    await call(http, APPROVE, {"r": reward}, OFFICIAL_B)
    other = await submit(http, f"另一条 {new_claim_code()}")
    body = await call(http, CLAIM, {"c": other, "r": reward, "p": INSTRUCTION})
    assert error_codes(body) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    "headers",
    [
        OFFICIAL_A,
        principal_header("police", scopes="graph:read reward:pay"),
        principal_header("auditor", scopes="audit:read"),
        {},
    ],
)
async def test_no_one_but_the_finance_step_reads_the_payout_instruction(
    http: httpx.AsyncClient, graph: Graph, headers: dict[str, str]
) -> None:
    code, reward = await _granted(http, graph)
    await call(http, APPROVE, {"r": reward}, OFFICIAL_B)
    await call(http, CLAIM, {"c": code, "r": reward, "p": INSTRUCTION})
    for query in (PAYOUT, PAID):
        body = await call(http, query, {"r": reward}, headers)
        assert error_codes(body) == ["FORBIDDEN"], body
    read = await call(
        http, REWARD_READ.replace("payoutSealed", ""), {"id": "Reward:" + reward}, headers
    )
    assert INSTRUCTION not in str(read)
    sealed = await call(
        http,
        '{ node(id: "Reward:' + reward + '") { ... on Reward { payoutSealed } } }',
        {},
        headers,
    )
    assert "errors" in sealed  # the field does not exist for anyone


async def test_market_reads_a_reward_and_its_two_officials(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    _, reward = await _granted(http, graph)
    await call(http, APPROVE, {"r": reward}, OFFICIAL_B)
    body = await call(http, REWARD_READ, {"id": "Reward:" + reward}, OFFICIAL_A)
    expected = {"status": "APPROVED", "amountYuan": 500.0}
    assert body["data"]["node"] == expected | {
        "grantedBy": "official-a",
        "approvedBy": "official-b",
    }
