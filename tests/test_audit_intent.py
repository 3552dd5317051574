"""A read is recorded in two entries: its intent (caller, operation, purpose), durable before
the answer leaves and written while the read runs, and its outcome after the answer; an intent
whose outcome never came is named by the verifier."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from hub.audit import repo
from hub.audit.entry import Decision, Draft, Kind, Phase
from hub.audit.verify import UNFINISHED_AFTER_S, verify_chain
from hub.clock import stamp
from hub.config import Settings
from hub.graph.driver import Graph
from hub.resolvers import entities
from tests.audit_support import a_person, drop_chain, entries_for, records_for, request_id
from tests.graphql import principal_header

PERSON = "query Who($id: String!) { person(idNumber: $id) { id name } }"


async def test_a_read_answers_after_its_intent_is_durable_and_its_outcome_follows(
    client: httpx.AsyncClient, graph: Graph, tiny_seed: object
) -> None:
    rid = request_id("intent")
    headers = {**principal_header("police"), "X-Purpose": "case FZ-2026-0077", "X-Request-Id": rid}
    body = {"query": PERSON, "variables": {"id": await a_person(graph)}}
    response = await client.post("/graphql", json=body, headers=headers)
    assert response.status_code == 200
    first = await entries_for(graph, rid)  # read at once: the intent is in before the answer
    assert first
    assert first[0].phase == "intent"
    intent = first[0]
    assert (intent.decision, intent.status, intent.client, intent.role) == (
        "pending",
        0,
        "dev-police",
        "police",
    )
    assert (intent.purpose, intent.operation) == ("case FZ-2026-0077", "Who")
    assert intent.entityIds == []
    assert intent.variablesHash is not None
    (outcome,) = await records_for(graph, rid, 1)
    assert (outcome.phase, outcome.intentSeq, outcome.decision, outcome.status) == (
        "outcome",
        intent.seq,
        "allowed",
        200,
    )
    assert len(outcome.entityIds) == 1  # the person returned, by the audit's own reference
    assert outcome.entityIds[0].startswith("Person:")


async def test_a_read_cancelled_after_its_intent_still_gets_its_outcome(
    client: httpx.AsyncClient, graph: Graph, tiny_seed: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its client gone or the server stopping, a read is cancelled between its intent and its
    answer: no answer leaves, and the intent is closed by an outcome saying so, where the
    verifier would otherwise report a crash."""
    rid = request_id("cancelled")
    headers = {**principal_header("police"), "X-Request-Id": rid}
    body = {"query": PERSON, "variables": {"id": await a_person(graph)}}
    reading = asyncio.Event()

    async def stalled(*args: Any, **kwargs: Any) -> Any:
        reading.set()
        await asyncio.Event().wait()  # the graph never answers

    with monkeypatch.context() as m:
        m.setattr(entities, "_read", stalled)  # the root field's read, not the audit's writes
        request = asyncio.create_task(client.post("/graphql", json=body, headers=headers))
        await asyncio.wait_for(reading.wait(), timeout=10)
        request.cancel()
        with pytest.raises(asyncio.CancelledError):
            await request
    (outcome,) = await records_for(graph, rid, 1)
    assert (outcome.phase, outcome.decision, outcome.status) == ("outcome", "error", 499)
    assert (outcome.client, outcome.role, outcome.operation) == ("dev-police", "police", "Who")
    assert outcome.entityIds == []


async def test_a_mutation_and_a_document_error_are_each_one_whole_entry(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    for query in ("{ nosuchfield }", "mutation { __typename }"):
        rid = request_id("whole")
        headers = {**principal_header("police"), "X-Request-Id": rid}
        await client.post("/graphql", json={"query": query}, headers=headers)
        (entry,) = await entries_for(graph, rid)
        assert entry.phase is None
        assert entry.decision != "pending"


@pytest.fixture
async def chain(graph: Graph) -> AsyncIterator[str]:
    chain_id = f"t-intent-{secrets.token_hex(4)}"
    yield chain_id
    await drop_chain(graph, chain_id)


async def _append(graph: Graph, chain: str, draft: Draft) -> int:
    (entry,) = await graph.write(repo.append_batch, chain, [draft], None, graph.clock.stamp())
    return entry.seq


async def test_the_verifier_names_a_read_whose_outcome_never_came(
    graph: Graph, settings: Settings, chain: str
) -> None:
    long_ago = stamp(graph.clock.now() - timedelta(seconds=UNFINISHED_AFTER_S + 5))
    intent = Draft(Kind.GRAPHQL, "r-crashed", Decision.PENDING, 0, client="c", role="police",
                   operation="Who", time=long_ago, phase=Phase.INTENT)  # fmt: skip
    seq = await _append(graph, chain, intent)
    await _append(graph, chain, Draft(Kind.GRAPHQL, "r-young", Decision.PENDING, 0,
                                      phase=Phase.INTENT))  # fmt: skip
    report = await verify_chain(graph, settings, chain)
    assert report.ok
    assert report.unfinished == [seq]
    assert "1 reads without an outcome (intents at seq 1)" in report.summary()

    outcome = Draft(Kind.GRAPHQL, "r-crashed", Decision.ALLOWED, 200, client="c", role="police",
                    phase=Phase.OUTCOME, intentSeq=seq)  # fmt: skip
    await _append(graph, chain, outcome)
    report = await verify_chain(graph, settings, chain)
    assert report.ok
    assert report.unfinished == []

    await _append(graph, chain, outcome)  # a second outcome of the same intent
    report = await verify_chain(graph, settings, chain)
    assert not report.ok
    assert report.first_broken_seq == 4
    assert "outcome of seq 1, which is no open intent" in (report.problem or "")
