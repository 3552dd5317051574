"""Tampering in the store is found and the first broken entry named: on throwaway chains, so the
shared log stays whole for everyone else."""

from __future__ import annotations

import asyncio
import secrets
import sys
from collections.abc import AsyncIterator

import pytest

from hub.audit import repo
from hub.audit.entry import Decision, Draft, Entry, Kind, chained
from hub.audit.signing import load_signer
from hub.audit.verify import verify_chain
from hub.config import Settings
from hub.graph.driver import Graph
from tests.audit_support import drop_chain, run_write
from tests.graphql import cypher

ENTRIES = 10
SIGN_EVERY = 4  # signed heads at seqs 1, 5 and 9; seq 10 is after the last one


@pytest.fixture
async def chain(graph: Graph, settings: Settings) -> AsyncIterator[str]:
    chain_id = f"t-tamper-{secrets.token_hex(4)}"
    sign = repo.SignPolicy(load_signer(settings), every=SIGN_EVERY, interval_s=3600)
    for i in range(ENTRIES):
        draft = Draft(Kind.GRAPHQL, f"r{i}", Decision.ALLOWED, 200, client=f"client-{i}",
                      role="police", entityIds=(f"Household:H{i}",), resultCount=1)  # fmt: skip
        await graph.write(repo.append_batch, chain_id, [draft], sign, graph.clock.stamp())
    yield chain_id
    await drop_chain(graph, chain_id)


async def _entry(graph: Graph, chain: str, seq: int) -> Entry:
    rows = await cypher(
        graph,
        "MATCH (a:AuditEntry {chain: $chain, seq: $seq}) RETURN properties(a) AS a",
        chain=chain,
        seq=seq,
    )
    return Entry.from_properties(rows[0]["a"])


async def _broken(graph: Graph, settings: Settings, chain: str) -> tuple[int | None, str]:
    report = await verify_chain(graph, settings, chain)
    assert not report.ok
    return report.first_broken_seq, report.problem or ""


async def test_an_untouched_chain_verifies_with_its_signed_heads(
    graph: Graph, settings: Settings, chain: str
) -> None:
    report = await verify_chain(graph, settings, chain)
    assert report.ok, report.summary()
    assert (report.entries, report.head_seq, report.signatures) == (ENTRIES, ENTRIES, 3)
    assert report.last_signed is not None
    assert report.last_signed["seq"] == 9


async def test_an_edited_entry_is_named(graph: Graph, settings: Settings, chain: str) -> None:
    await run_write(
        graph, "MATCH (a:AuditEntry {chain: $c, seq: 4}) SET a.client = 'nobody'", c=chain
    )
    seq, problem = await _broken(graph, settings, chain)
    assert seq == 4
    assert "hash mismatch at seq 4" in problem


async def test_a_deleted_entry_is_named(graph: Graph, settings: Settings, chain: str) -> None:
    await run_write(graph, "MATCH (a:AuditEntry {chain: $c, seq: 6}) DELETE a", c=chain)
    seq, problem = await _broken(graph, settings, chain)
    assert seq == 6
    assert "seq 6 is missing" in problem


async def test_two_swapped_entries_are_named(graph: Graph, settings: Settings, chain: str) -> None:
    for old, new in ((3, -3), (4, 3), (-3, 4)):  # through -3: seqs are unique at every step
        await run_write(
            graph, "MATCH (a:AuditEntry {chain: $c, seq: $old}) SET a.seq = $new",
            c=chain, old=old, new=new,
        )  # fmt: skip
    seq, problem = await _broken(graph, settings, chain)
    assert seq == 3
    assert "prev-hash mismatch at seq 3" in problem


async def test_a_tail_cut_after_the_last_signed_head_is_named(
    graph: Graph, settings: Settings, chain: str
) -> None:
    await run_write(graph, "MATCH (a:AuditEntry {chain: $c}) WHERE a.seq > 9 DELETE a", c=chain)
    seq, problem = await _broken(graph, settings, chain)
    assert seq == 10
    assert "ends at seq 9 but the head says seq 10" in problem


async def test_a_tail_cut_with_the_head_rewound_is_named_by_a_signed_head(
    graph: Graph, settings: Settings, chain: str
) -> None:
    seventh = await _entry(graph, chain, 7)
    await run_write(graph, "MATCH (a:AuditEntry {chain: $c}) WHERE a.seq > 7 DELETE a", c=chain)
    await run_write(
        graph, "MATCH (h:AuditHead {chain: $c}) SET h.seq = 7, h.hash = $hash",
        c=chain, hash=seventh.hash,
    )  # fmt: skip
    seq, problem = await _broken(graph, settings, chain)
    assert seq == 8
    assert "a signed head says seq 9" in problem


async def test_a_chain_rewritten_without_the_key_fails_at_the_next_signed_head(
    graph: Graph, settings: Settings, chain: str
) -> None:
    # An edit with every later hash recomputed: the links hold, the signature at 5 does not.
    prev = (await _entry(graph, chain, 3)).hash
    for seq in range(4, ENTRIES + 1):
        old = await _entry(graph, chain, seq)
        draft = Draft(Kind(old.kind), old.requestId, Decision(old.decision), old.status,
                      client="nobody" if seq == 4 else old.client, role=old.role,
                      entityIds=tuple(old.entityIds), resultCount=old.resultCount,
                      time=old.time)  # fmt: skip
        forged = chained(chain, seq, prev, draft, old.time)
        await run_write(
            graph, "MATCH (a:AuditEntry {chain: $c, seq: $seq}) SET a = $props",
            c=chain, seq=seq, props=forged.properties(),
        )  # fmt: skip
        prev = forged.hash
    await run_write(graph, "MATCH (h:AuditHead {chain: $c}) SET h.hash = $h", c=chain, h=prev)
    broken, problem = await _broken(graph, settings, chain)
    assert broken == 5
    assert "signed head at seq 5 does not verify" in problem


async def test_the_command_passes_on_an_untouched_chain_and_names_a_tampered_entry(
    graph: Graph, chain: str
) -> None:
    async def verify() -> tuple[int, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "hub.cli", "audit", "verify", "--chain", chain,
            stdout=asyncio.subprocess.PIPE,  # on the suite's instance, inherited
        )  # fmt: skip
        out, _ = await proc.communicate()
        return proc.returncode or 0, out.decode()

    code, out = await verify()
    assert code == 0, out
    assert "OK, 10 entries" in out
    await run_write(graph, "MATCH (a:AuditEntry {chain: $c, seq: 2}) SET a.purpose = 'x'", c=chain)
    code, out = await verify()
    assert code == 1
    assert "BROKEN at seq 2: hash mismatch at seq 2" in out
