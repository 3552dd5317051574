"""personByIdNumber: the explicit, purpose-stated lookup by full identity number for the
departments that see it masked, with a daily quota per client, an audit entry with the purpose,
and the ID_LOOKUP_ENUMERATION alert on enumeration patterns."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from hub.app import create_app
from hub.config import Settings
from hub.graph.driver import Graph
from hub.identifiers import make_resident_id
from hub.linkage.lookups import RULE
from tests.audit_support import entries_for, one_entry, records_for, request_id, run_write
from tests.graphql import cypher, error_codes, principal_header, scalar

ClientFactory = Callable[[Starlette], AsyncIterator[httpx.AsyncClient]]
PURPOSE = "real-name registration check, case ZJ-2026-0117"
LOOKUP = (
    "query($n: String!, $p: String!) { personByIdNumber(idNumber: $n, purpose: $p) "
    "{ id idNumber name phone } }"
)


SUB_PREFIX = "t-lookup-"


def _sub(role: str) -> str:
    return SUB_PREFIX + role + "-" + secrets.token_hex(4)


@pytest.fixture(autouse=True)
async def _forget_alerts(graph: Graph) -> AsyncIterator[None]:
    """The alerts these tests raise are about no graph row: removed afterwards, with any
    webhook delivery of them, so that no other test meets them."""
    yield
    await run_write(
        graph,
        "MATCH (a:Alert {rule: $rule}) WHERE a.openKey STARTS WITH $key "
        "OPTIONAL MATCH (d:WebhookDelivery {alert: a.id}) DETACH DELETE a, d",
        rule=RULE,
        key=RULE + "|OAuthClient:" + SUB_PREFIX,
    )


def _nobody(i: int) -> str:
    """A valid identity number that names nobody in the seed (born in 1900)."""
    return make_resident_id("350102", date(1900, 1, 1 + i % 28), 100 + i)


def _aliased(numbers: list[str], purpose: str = PURPOSE) -> str:
    return "{ " + " ".join(
        f'l{i}: personByIdNumber(idNumber: "{n}", purpose: "{purpose}") {{ id }}'
        for i, n in enumerate(numbers)
    ) + " }"  # fmt: skip


async def _post(
    client: httpx.AsyncClient, query: str, headers: dict[str, str], **variables: Any
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
async def person(graph: Graph, tiny_seed: object) -> dict[str, Any]:
    """A seeded person registered to a household, with the districts it belongs to."""
    [row] = await cypher(
        graph,
        "MATCH (:Household {recordedBy: 'graph_seed'})-[:REGISTERED_TO]->(p:Person) "
        "WHERE NOT (p)-[:EMPLOYED_BY]->() WITH DISTINCT p "
        "WITH p, [(p)<-[:REGISTERED_TO]-(h:Household) | h.district] AS districts "
        "WHERE all(d IN districts WHERE d = districts[0]) "
        "WITH p, districts ORDER BY p.idNumber LIMIT 1 "
        "RETURN p.idNumber AS number, 'Person:' + p.pid AS id, p.name AS name, p.phone AS phone, "
        "districts[0] AS district",
    )
    nobody = [_nobody(i) for i in range(20)]
    assert await scalar(graph, "RETURN count { (p:Person) WHERE p.idNumber IN $n }", n=nobody) == 0
    return row


@pytest.fixture
async def quota_of(settings: Settings, make_client: ClientFactory) -> Any:
    """A client over an app whose quota is `n` lookups a day."""

    async def make(n: int) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(settings.model_copy(update={"hub_id_lookup_quota": n}))
        async for c in make_client(app):
            yield c

    return make


async def test_housing_finds_a_person_by_full_number_with_a_purpose_and_sees_the_masked_view(
    client: httpx.AsyncClient, graph: Graph, person: dict[str, Any]
) -> None:
    rid = request_id("lookup")
    headers = {**principal_header("housing", sub=_sub("housing")), "X-Request-Id": rid}
    body = await _post(client, LOOKUP, headers, n=person["number"], p=PURPOSE)
    assert "errors" not in body
    found = body["data"]["personByIdNumber"]
    assert found["id"] == person["id"]
    n = person["number"]
    assert found["idNumber"] == n[:6] + "********" + n[-4:]  # no more than the caller typed
    assert found["name"] == person["name"][0] + "*"
    assert found["phone"] == person["phone"][:3] + "****" + person["phone"][-4:]
    # Read at once: the purpose came in a field, after the intent went ahead without it, so
    # the answer waited for the outcome that names it.
    entries = await entries_for(graph, rid)
    assert [(e.phase, e.purpose) for e in entries] == [("intent", None), ("outcome", PURPOSE)]
    entry = await one_entry(graph, rid)
    assert (entry.decision, entry.purpose, entry.resultCount) == ("allowed", PURPOSE, 1)
    assert entry.variablesHash is not None  # the number only as part of a hash


async def test_a_lookup_that_finds_nobody_is_audited_with_its_purpose_too(
    client: httpx.AsyncClient, graph: Graph, person: dict[str, Any]
) -> None:
    rid = request_id("lookup-miss")
    headers = {**principal_header("emergency", sub=_sub("emergency")), "X-Request-Id": rid}
    number = _nobody(0)
    body = await _post(client, LOOKUP, headers, n=number, p="incident 2026-1201, ID card found")
    assert body == {"data": {"personByIdNumber": None}}
    entry = await one_entry(graph, rid)
    assert (entry.decision, entry.purpose) == ("allowed", "incident 2026-1201, ID card found")
    assert number not in str(entry.properties())


async def test_a_number_in_the_purpose_is_kept_masked_in_the_entry(
    client: httpx.AsyncClient, graph: Graph, person: dict[str, Any]
) -> None:
    rid = request_id("lookup-purpose")
    headers = {**principal_header("housing", sub=_sub("housing")), "X-Request-Id": rid}
    n = person["number"]
    await _post(client, LOOKUP, headers, n=n, p="checking " + n)
    entry = await one_entry(graph, rid)
    assert entry.purpose == "checking " + n[:6] + "********" + n[-4:]


@pytest.mark.parametrize("purpose", ["", "   ", "x" * 201])
async def test_a_lookup_without_a_purpose_is_refused(
    client: httpx.AsyncClient, person: dict[str, Any], purpose: str
) -> None:
    headers = principal_header("housing", sub=_sub("housing"))
    body = await _post(client, LOOKUP, headers, n=person["number"], p=purpose)
    assert body["data"]["personByIdNumber"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "purpose"}


async def test_a_lookup_with_no_purpose_argument_is_not_a_valid_document(
    client: httpx.AsyncClient, person: dict[str, Any]
) -> None:
    query = f'{{ personByIdNumber(idNumber: "{person["number"]}") {{ id }} }}'
    body = await _post(client, query, principal_header("housing", sub=_sub("housing")))
    assert body["data"] is None
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_malformed_numbers_are_refused_before_any_quota_is_spent(
    quota_of: Any, graph: Graph, person: dict[str, Any]
) -> None:
    n = person["number"]
    wrong_check = n[:17] + ("0" if n[17] != "0" else "1")
    malformed = [wrong_check, n[:17], n[:6] + "19991341" + n[14:], "35010219760711122Y"]
    headers = principal_header("housing", sub=_sub("housing"))
    rid = request_id("lookup-malformed")
    async for c in quota_of(1):
        for number in malformed:
            body = await _post(c, LOOKUP, {**headers, "X-Request-Id": rid}, n=number, p=PURPOSE)
            [error] = body["errors"]
            assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "idNumber"}
        # The one lookup of the day is still there, and then it is spent.
        body = await _post(c, LOOKUP, headers, n=n, p=PURPOSE)
        assert body["data"]["personByIdNumber"]["id"] == person["id"]
        body = await _post(c, LOOKUP, headers, n=n, p=PURPOSE)
        assert error_codes(body) == ["LIMIT_EXCEEDED"]
    # A refused lookup is audited with its purpose too.
    entries = await records_for(graph, rid, len(malformed))
    assert [(e.decision, e.purpose) for e in entries] == [("invalid", PURPOSE)] * len(malformed)


async def test_thirty_aliased_lookups_spend_thirty_of_the_quota(
    quota_of: Any, graph: Graph, person: dict[str, Any]
) -> None:
    headers = principal_header("housing", sub=_sub("housing"))
    async for c in quota_of(31):
        body = await _post(c, _aliased([person["number"]] * 30), headers)
        assert "errors" not in body
        assert [v["id"] for v in body["data"].values()] == [person["id"]] * 30
        body = await _post(c, _aliased([person["number"]] * 2), headers)
        # One lookup was left: the first alias gets it, the second is refused.
        assert sorted(error_codes(body)) == ["LIMIT_EXCEEDED"]
        assert sorted(str(v) for v in body["data"].values()) == sorted(
            ["None", str({"id": person["id"]})]
        )


async def test_a_spent_quota_refuses_and_looks_nothing_up(
    quota_of: Any, graph: Graph, person: dict[str, Any]
) -> None:
    sub = _sub("market")
    async for c in quota_of(2):
        headers = principal_header("market", sub=sub)
        for _ in range(2):
            body = await _post(c, LOOKUP, headers, n=person["number"], p=PURPOSE)
            assert body["data"]["personByIdNumber"]["id"] == person["id"]
        rid = request_id("lookup-spent")
        body = await _post(c, LOOKUP, {**headers, "X-Request-Id": rid}, n=person["number"],
                           p=PURPOSE)  # fmt: skip
    assert body["data"]["personByIdNumber"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "LIMIT_EXCEEDED", "field": "personByIdNumber"}
    assert "00:00 Fuzhou time" in error["message"]
    entry = await one_entry(graph, rid)
    assert (entry.decision, entry.entityIds, entry.purpose) == ("invalid", [], PURPOSE)
    # Asking past the quota raises the day's enumeration alert for the client, to police.
    alerts = await _alerts(graph, sub)
    assert [(a["departments"], a["occurrences"]) for a in alerts] == [(["police"], 1)]


async def test_a_district_bound_client_finds_only_people_of_its_district(
    client: httpx.AsyncClient, graph: Graph, person: dict[str, Any]
) -> None:
    own = person["district"]
    other = await scalar(
        graph,
        "MATCH (h:Household) WHERE h.district <> $d RETURN h.district ORDER BY h.district LIMIT 1",
        d=own,
    )
    inside = principal_header("housing", sub=_sub("housing"), district=own)
    outside = principal_header("housing", sub=_sub("housing"), district=other)
    found = await _post(client, LOOKUP, inside, n=person["number"], p=PURPOSE)
    assert found["data"]["personByIdNumber"]["id"] == person["id"]
    out_of_scope = await _post(client, LOOKUP, outside, n=person["number"], p=PURPOSE)
    missing = await _post(client, LOOKUP, outside, n=_nobody(1), p=PURPOSE)
    assert out_of_scope == missing == {"data": {"personByIdNumber": None}}


async def _alerts(graph: Graph, client_id: str) -> list[dict[str, Any]]:
    return await cypher(
        graph,
        "MATCH (a:Alert {rule: $rule}) WHERE a.openKey STARTS WITH $key "
        "RETURN a.id AS id, a.departments AS departments, a.occurrences AS occurrences, "
        "a.summary AS summary",
        rule=RULE,
        key=RULE + "|OAuthClient:" + client_id + "|",
    )


async def test_misses_past_the_threshold_raise_one_enumeration_alert_routed_to_police(
    client: httpx.AsyncClient, graph: Graph, person: dict[str, Any], settings: Settings
) -> None:
    threshold = settings.hub_id_lookup_misses_alert
    sub = _sub("housing")
    headers = principal_header("housing", sub=sub)
    body = await _post(client, _aliased([_nobody(i) for i in range(threshold - 1)]), headers)
    assert "errors" not in body
    assert await _alerts(graph, sub) == []  # one miss short of it; hits never count
    await _post(client, _aliased([person["number"]] * 3), headers)
    assert await _alerts(graph, sub) == []
    await _post(client, _aliased([_nobody(i) for i in range(threshold, threshold + 3)]), headers)
    [alert] = await _alerts(graph, sub)
    assert (alert["departments"], alert["occurrences"]) == (["police"], 1)
    assert sub in alert["summary"]
    assert person["number"] not in alert["summary"]
    query = '{ node(id: "Alert:' + alert["id"] + '") { ... on Alert { rule } } }'
    police = await _post(client, query, principal_header("police"))
    assert police["data"]["node"] == {"rule": RULE}
    for role in ("housing", "market", "emergency"):  # not even the client's own department
        other = await _post(client, query, principal_header(role))
        assert other["data"]["node"] is None


@pytest.mark.parametrize("role", ["transport", "police", "enterprise", "auditor"])
async def test_a_role_without_the_grant_is_forbidden(
    client: httpx.AsyncClient, person: dict[str, Any], role: str
) -> None:
    body = await _post(client, LOOKUP, principal_header(role), n=person["number"], p=PURPOSE)
    assert (body["data"] or {}).get("personByIdNumber") is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "FORBIDDEN", "field": "personByIdNumber"}


async def test_police_still_looks_people_up_by_the_key_itself(
    client: httpx.AsyncClient, person: dict[str, Any]
) -> None:
    query = "query($n: String!) { person(idNumber: $n) { id idNumber name } }"
    body = await _post(client, query, principal_header("police"), n=person["number"])
    full = {"id": person["id"], "idNumber": person["number"], "name": person["name"]}
    assert body == {"data": {"person": full}}


async def test_one_request_states_one_purpose_for_its_lookups(
    client: httpx.AsyncClient, person: dict[str, Any]
) -> None:
    n = person["number"]
    query = (
        f'{{ a: personByIdNumber(idNumber: "{n}", purpose: "case 1") {{ id }} '
        f'b: personByIdNumber(idNumber: "{n}", purpose: "case 2") {{ id }} }}'
    )
    body = await _post(client, query, principal_header("housing", sub=_sub("housing")))
    # The first lookup to run states the request's purpose; the other is refused.
    assert sorted(str(v) for v in body["data"].values()) == ["None", str({"id": person["id"]})]
    assert [e["extensions"] for e in body["errors"]] == [
        {"code": "BAD_USER_INPUT", "field": "purpose"}
    ]


async def test_the_quota_holds_across_replicas_sharing_redis(
    settings: Settings, make_client: ClientFactory, redis_url: str, person: dict[str, Any]
) -> None:
    shared = settings.model_copy(update={"hub_id_lookup_quota": 3, "hub_redis_url": redis_url})
    headers = principal_header("housing", sub=_sub("housing"))
    async for one in make_client(create_app(shared)):
        async for two in make_client(create_app(shared)):
            answers = [
                await _post(r, LOOKUP, headers, n=person["number"], p=PURPOSE)
                for r in (one, two, one, two)
            ]
    assert [error_codes(a) for a in answers] == [[], [], [], ["LIMIT_EXCEEDED"]]


async def test_the_quota_is_for_the_day_in_fuzhou_not_on_the_machine(
    settings: Settings, make_client: ClientFactory, redis_url: str, person: dict[str, Any]
) -> None:
    """23:59 on 1 December and 00:00 on 2 December in Fuzhou are the same UTC day: two days of
    quota all the same."""
    headers = principal_header("housing", sub=_sub("housing"))
    answers = []
    for pin in ("2026-12-01T23:59:00+08:00", "2026-12-02T00:01:00+08:00"):
        pinned = settings.model_copy(
            update={"hub_id_lookup_quota": 1, "hub_redis_url": redis_url,
                    "hub_clock_pin": datetime.fromisoformat(pin)}
        )  # fmt: skip
        async for c in make_client(create_app(pinned)):
            for _ in range(2):
                answers.append(error_codes(await _post(c, LOOKUP, headers, n=person["number"],
                                                       p=PURPOSE)))  # fmt: skip
    assert answers == [[], ["LIMIT_EXCEEDED"], [], ["LIMIT_EXCEEDED"]]
