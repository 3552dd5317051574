"""Nothing is looked up, filtered or sorted by a value the caller sees masked."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from hub.graph.driver import Graph
from hub.identifiers import make_resident_id
from tests.graphql import cypher, error_codes, gql

MASKED_ID_ROLES = ["market", "housing", "transport", "emergency"]


@pytest.fixture
async def known(graph: Graph, tiny_seed: object) -> dict[str, str]:
    [row] = await cypher(
        graph,
        "MATCH (d:Person)-[:DRIVES]->() RETURN d.idNumber AS id, d.pid AS pid "
        "ORDER BY d.idNumber LIMIT 1",
    )
    return {"id": row["id"], "global": "Person:" + row["pid"]}


def _aliased_lookups(guesses: list[str]) -> str:
    return "{ " + " ".join(
        f'g{i}: person(idNumber: "{g}") {{ id }}' for i, g in enumerate(guesses)
    ) + " }"  # fmt: skip


def _guesses(real: str) -> list[str]:
    """The real number among wrong ones that share its area code."""
    wrong = [make_resident_id(real[:6], date(1970, 1, 1 + i), int(real[14:17])) for i in range(5)]
    return [w for w in wrong if w != real] + [real]


@pytest.mark.parametrize("role", MASKED_ID_ROLES)
async def test_a_role_that_sees_the_identity_number_masked_cannot_look_people_up_by_it(
    client: httpx.AsyncClient, known: dict[str, str], role: str
) -> None:
    guesses = _guesses(known["id"])
    body = await gql(client, _aliased_lookups(guesses), role)
    assert body["data"] is None or all(v is None for v in body["data"].values())
    assert set(error_codes(body)) == {"FORBIDDEN"}
    # The right guess and the wrong ones answer alike: nothing to learn from the answer.
    messages = {e["message"] for e in body["errors"]}
    assert len(messages) == 1
    assert known["id"] not in str(body)


async def test_police_sees_the_number_in_full_and_may_look_people_up_by_it(
    client: httpx.AsyncClient, known: dict[str, str]
) -> None:
    guesses = _guesses(known["id"])
    body = await gql(client, _aliased_lookups(guesses), "police")
    assert "errors" not in body
    found = [v for v in body["data"].values() if v is not None]
    assert found == [{"id": known["global"]}]


@pytest.mark.parametrize("role", ["market", "police"])
async def test_staff_are_ordered_by_a_value_the_role_sees_in_full(
    client: httpx.AsyncClient, graph: Graph, tiny_seed: object, role: str
) -> None:
    [row] = await cypher(
        graph,
        "MATCH (e:Enterprise)<-[:EMPLOYED_BY]-(p:Person) WITH e, count(p) AS n WHERE n >= 4 "
        "RETURN e.uscc AS uscc ORDER BY n DESC, uscc LIMIT 1",
    )
    staff = await cypher(
        graph,
        "MATCH (:Enterprise {uscc: $u})<-[:EMPLOYED_BY]-(p:Person) "
        "RETURN 'Person:' + p.pid AS id, p.idNumber AS idNumber",
        u=row["uscc"],
    )
    body = await gql(
        client,
        "query($u: String!) { enterprise(uscc: $u) { staff(first: 50) { edges { node { id } } "
        "} } }",
        role,
        {"u": row["uscc"]},
    )
    got = [e["node"]["id"] for e in body["data"]["enterprise"]["staff"]["edges"]]
    by_number = [s["id"] for s in sorted(staff, key=lambda s: s["idNumber"])]
    by_global_id = [s["id"] for s in sorted(staff, key=lambda s: s["id"])]
    assert by_number != by_global_id  # the seed makes the two orders differ
    # Police sees the number in full; market sees it masked, so its order tells no digit.
    assert got == (by_number if role == "police" else by_global_id)
