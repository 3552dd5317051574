"""The hostile reading: a tip sent over HTTP with a real token, a forwarded address, a user agent
and a peer address of its own; then every property of every node the tip touched, every log line
and the request's audit entry are read, and none of them holds any of those values."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from graph_seed.generate import Generation
from hub.graph.driver import Graph
from hub.observability import JsonFormatter
from hub.whistle.claim_codes import new_claim_code
from tests.audit_support import one_entry, request_id
from tests.graphql import cypher, scalar
from tests.oauth_support import Registrar, token_for
from tests.whistle_support import ANSWER, STATUS, SUBMIT, whistle_client

PEER = "198.51.100.61"
FORWARDED = "203.0.113.207"
AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel 7) WhistleTest/7.61"


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
async def reg(graph: Graph) -> AsyncIterator[Registrar]:
    registrar = Registrar(graph)
    yield registrar
    await registrar.cleanup()


def _values(props: dict[str, Any]) -> str:
    return " ".join(f"{k}={v!s}" for k, v in props.items())


async def test_nothing_stored_logged_or_audited_names_or_locates_the_reporter(
    tiny_seed: Generation, graph: Graph, reg: Registrar
) -> None:
    uscc = await scalar(
        graph, "MATCH (e:Enterprise {kind: 'RESTAURANT'}) RETURN e.uscc ORDER BY e.uscc LIMIT 1"
    )
    lines = _Lines()
    root, driver_log = logging.getLogger(), logging.getLogger("neo4j")
    levels = root.level, driver_log.level
    marker = new_claim_code()
    rids = [request_id("tip"), request_id("tip"), request_id("tip")]
    try:
        async with whistle_client(PEER) as http:
            new = await reg.client("market", "graph:read graph:write")
            token = await token_for(http, new)
            # Every line from here on, at every level of the hub's own loggers; the driver's
            # at WARNING, as hub.observability.configure_logging sets it.
            root.addHandler(lines)
            root.setLevel(logging.DEBUG)
            driver_log.setLevel(logging.WARNING)
            headers = {
                "Authorization": f"Bearer {token}",
                "X-Forwarded-For": FORWARDED,
                "Forwarded": f"for={FORWARDED}",
                "X-Real-IP": FORWARDED,
                "User-Agent": AGENT,
            }
            tip = {"category": "GAS_SAFETY", "text": f"气瓶放在路边 {marker}", "concernsUscc": uscc}
            sent = await http.post(
                "/graphql",
                json={"query": SUBMIT, "variables": {"t": tip}},
                headers={**headers, "X-Request-Id": rids[0]},
            )
            assert sent.status_code == 200
            assert "errors" not in sent.json(), sent.text
            code = sent.json()["data"]["submitTip"]["claimCode"]
            for rid, query, variables in (
                (rids[1], STATUS, {"c": code}),
                (rids[2], ANSWER, {"c": code, "x": "是的"}),
            ):
                answer = await http.post(
                    "/graphql",
                    json={"query": query, "variables": variables},
                    headers={**headers, "X-Request-Id": rid},
                )
                assert "errors" not in answer.json(), answer.text
    finally:
        root.removeHandler(lines)
        root.setLevel(levels[0])
        driver_log.setLevel(levels[1])

    subject = new.client.client_id
    secrets_of_the_sender = (PEER, FORWARDED, AGENT, "WhistleTest", subject, token)

    rows = await cypher(
        graph,
        "MATCH (t:Tip) WHERE t.text CONTAINS $m "
        "OPTIONAL MATCH (t)-[r]-(x) "
        "RETURN properties(t) AS tip, collect(properties(r)) AS rels, "
        "collect(properties(x)) AS neighbours, count(x) AS touched",
        m=marker,
    )
    assert len(rows) == 1
    assert rows[0]["touched"] == 1  # the enterprise it names, nothing else
    stored = [rows[0]["tip"], *rows[0]["rels"], *rows[0]["neighbours"]]
    entries = [await one_entry(graph, rid) for rid in rids]
    audited = [e.__dict__ for e in entries]
    for_the_request = [line for line in lines.lines if any(rid in line for rid in rids)]
    assert for_the_request  # the access lines were written, and are read below
    for text in [*(_values(p) for p in stored), *(_values(a) for a in audited), *lines.lines]:
        for secret in secrets_of_the_sender:
            assert secret not in text, f"{secret!r} found in {text[:300]}"
    tip_props = rows[0]["tip"]
    assert (tip_props["recordedAt"].hour, tip_props["recordedAt"].minute) == (0, 0)
    assert set(tip_props) >= {"receivedOn", "claimCodeHash"}
    assert "time" not in tip_props
    for entry in entries:
        assert entry.client is None
        assert entry.role == "public"
        assert entry.variablesHash is None
        assert entry.purpose is None
        assert entry.time.split("T")[1].startswith("00:00:00")  # the day, not the hour
    # The neighbours' own properties were not touched by the tip: no provenance of the sender.
    assert all(p.get("recordedBy") != subject for p in stored)
