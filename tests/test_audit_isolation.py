"""One request's audit entry can fail only that request, and a write commits with its entry."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Sequence

import httpx
import pytest
from neo4j.exceptions import ClientError

from hub.app import create_app
from hub.audit.entry import Decision, Draft, Entry, Kind
from hub.audit.writer import AuditUnavailable, AuditWriter
from hub.config import Settings
from hub.graph.driver import Graph
from tests.audit_support import drop_chain, entries_for, request_id, run_write
from tests.graphql import principal_header, scalar
from tests.ingest_support import WRITE_SCOPES, enterprise, new_uscc
from tests.oauth_support import ClientFactory

LONE_SURROGATE_PURPOSE = b'{"query": "{ __typename }", "extensions": {"purpose": "\\ud800"}}'


async def test_a_lone_surrogate_in_one_request_fails_no_other_request(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    prefix = request_id("poison")
    bad = client.post(
        "/graphql", content=LONE_SURROGATE_PURPOSE,
        headers={"content-type": "application/json", "X-Request-Id": prefix + "-bad"},
    )  # fmt: skip
    good = [
        client.post(
            "/graphql",
            json={"query": "{ __typename }"},
            headers={**principal_header("market"), "X-Request-Id": f"{prefix}-{i}"},
        )
        for i in range(24)
    ]
    answers = await asyncio.gather(bad, *good)
    assert [r.status_code for r in answers[1:]] == [200] * 24
    assert answers[0].status_code < 500
    (entry,) = await entries_for(graph, prefix + "-bad")
    assert entry.status == answers[0].status_code
    for i in range(24):
        assert len(await entries_for(graph, f"{prefix}-{i}")) == 1


def test_a_draft_is_storable_whatever_it_was_given() -> None:
    draft = Draft(
        kind=Kind.GRAPHQL, requestId="r\ud800", decision=Decision.INVALID, status=2**80,
        purpose="x" * 100_000 + "\udfff", operation="\ud83d", entityIds=("Person:\ud800",),
        resultCount=-(2**90),
    )  # fmt: skip
    for text in (draft.requestId, draft.purpose, draft.operation, *draft.entityIds):
        assert text is not None
        text.encode("utf-8")  # strict: no lone surrogate is left
    assert draft.purpose is not None
    assert len(draft.purpose) <= 256
    assert -(2**63) < draft.resultCount < 0 < draft.status < 2**63


class _OneBadMember(AuditWriter):
    """The store refuses any transaction that carries the draft whose purpose is `refused`."""

    async def _write(self, drafts: list[Draft]) -> list[Entry]:
        if any(d.purpose == "refused" for d in drafts):
            raise ClientError("refused by the store")
        return await super()._write(drafts)


@pytest.fixture
async def chain(graph: Graph) -> AsyncIterator[str]:
    name = f"t-isolation-{secrets.token_hex(4)}"
    yield name
    await drop_chain(graph, name)


async def test_a_group_that_fails_is_written_member_by_member(
    settings: Settings, graph: Graph, chain: str
) -> None:
    writer = _OneBadMember(
        settings.model_copy(update={"hub_audit_chain": chain, "hub_audit_batch_window_ms": 20.0})
    )
    writer.bind(graph)
    await writer.start()
    try:

        def draft(i: int, purpose: str | None = None) -> Draft:
            return Draft(Kind.GRAPHQL, f"r{i}", Decision.ALLOWED, 200, purpose=purpose)

        drafts: Sequence[Draft] = [draft(i) for i in range(10)] + [draft(10, "refused")]
        outcomes = await asyncio.gather(*(writer.record(d) for d in drafts), return_exceptions=True)
    finally:
        await writer.stop()
    assert all(isinstance(o, Entry) for o in outcomes[:10]), outcomes
    assert isinstance(outcomes[10], AuditUnavailable)
    stored = await scalar(graph, "MATCH (a:AuditEntry {chain: $c}) RETURN count(a)", c=chain)
    assert stored == 10


@pytest.fixture
async def blocked_chain(graph: Graph) -> AsyncIterator[str]:
    """A chain whose next seq is already taken: every append to it fails in the store."""
    name = f"t-blocked-{secrets.token_hex(4)}"
    await run_write(graph, "CREATE (:AuditEntry {chain: $chain, seq: 1})", chain=name)
    yield name
    await drop_chain(graph, name)


REGISTER = (
    "mutation($items: [EnterpriseInput!]!) { registerEnterprises(items: $items) { written } }"
)


async def test_a_write_whose_entry_cannot_be_stored_is_not_written(
    settings: Settings, make_client: ClientFactory, graph: Graph, blocked_chain: str
) -> None:
    uscc = new_uscc()
    blocked = settings.model_copy(update={"hub_audit_chain": blocked_chain})
    headers = principal_header("market", scopes=WRITE_SCOPES, sub="t-isolation")
    async for c in make_client(create_app(blocked)):
        response = await c.post(
            "/graphql", headers=headers,
            json={"query": REGISTER, "variables": {"items": [enterprise(uscc, "RESTAURANT")]}},
        )  # fmt: skip
        assert response.status_code == 503
        assert response.headers["retry-after"]
        assert "retry with the same" in response.text
    stored = await scalar(graph, "MATCH (e:Enterprise {uscc: $u}) RETURN count(e)", u=uscc)
    assert stored == 0


async def test_a_write_and_its_entry_commit_together(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    uscc = new_uscc()
    rid = request_id("atomic")
    headers = {**principal_header("market", scopes=WRITE_SCOPES, sub="t-isolation"),
               "X-Request-Id": rid, "X-Purpose": "registration drive"}  # fmt: skip
    try:
        response = await client.post(
            "/graphql", headers=headers,
            json={"query": REGISTER, "variables": {"items": [enterprise(uscc, "RESTAURANT")]}},
        )  # fmt: skip
        assert response.status_code == 200, response.text
        assert response.json()["data"]["registerEnterprises"]["written"] == 1
        (entry,) = await entries_for(graph, rid)
        assert (entry.decision, entry.client, entry.purpose) == (
            "allowed",
            "t-isolation",
            "registration drive",
        )
        assert entry.resultCount == 1
        assert entry.queryHash is not None
        assert entry.variablesHash is not None
    finally:
        await run_write(graph, "MATCH (e:Enterprise {uscc: $u}) DETACH DELETE e", u=uscc)


SUBMIT_TIP = "mutation($t: TipInput!) { submitTip(tip: $t) { claimCode } }"


async def test_a_tip_whose_entry_cannot_be_stored_is_not_stored(
    settings: Settings, make_client: ClientFactory, graph: Graph, blocked_chain: str
) -> None:
    # Every field that writes outside the batch mutations appends its entry in its own
    # transaction too (hub.audit.atomic.audited_write): an anonymous tip is no exception.
    text = "后厨有老鼠 " + secrets.token_hex(6)
    blocked = settings.model_copy(update={"hub_audit_chain": blocked_chain})
    async for c in make_client(create_app(blocked)):
        response = await c.post(
            "/graphql",
            json={"query": SUBMIT_TIP, "variables": {"t": {"category": "HYGIENE", "text": text}}},
        )
        assert "claimCode" not in response.text
        assert "the audit log cannot be written" in response.text
    assert await scalar(graph, "MATCH (t:Tip {text: $x}) RETURN count(t)", x=text) == 0


async def test_a_tip_and_its_anonymous_entry_commit_together(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    text = "后厨有老鼠 " + secrets.token_hex(6)
    rid = request_id("tip")
    response = await client.post(
        "/graphql",
        headers={"X-Request-Id": rid, "X-Purpose": "my name is Lin"},
        json={"query": SUBMIT_TIP, "variables": {"t": {"category": "HYGIENE", "text": text}}},
    )
    assert response.json()["data"]["submitTip"]["claimCode"]
    try:
        (entry,) = await entries_for(graph, rid)
        assert (entry.decision, entry.client, entry.role, entry.purpose) == (
            "allowed", None, "public", None
        )  # fmt: skip
        assert entry.variablesHash is None
        assert entry.time.endswith("T00:00:00.000000+08:00")  # the day only
    finally:
        await run_write(graph, "MATCH (t:Tip {text: $x}) DETACH DELETE t", x=text)
