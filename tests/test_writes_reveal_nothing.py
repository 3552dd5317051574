"""A registration naming a person another client recorded reveals nothing and changes nothing:
the writer gets the answer it would get for an unknown person, the canonical person is neither
linked nor altered, and what the writer asserted is held as its own claim, pending."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from hub.graph.driver import Graph
from tests.graphql import cypher, gql
from tests.ingest_support import (
    World,
    Writer,
    ago,
    codes,
    cylinder,
    employee,
    enterprise,
    filling,
    forget,
    household,
    new_id_number,
    new_key,
    new_plate,
    new_uscc,
    truck,
)


@pytest.fixture
async def stations(client: httpx.AsyncClient, graph: Graph) -> object:
    """Two stations, each writing as its own client: A has a customer B will name."""
    a, b = Writer(client, "t-reveal-a-" + new_key("")), Writer(client, "t-reveal-b-" + new_key(""))
    ua, ub = new_uscc(), new_uscc()
    await a.ok("registerEnterprises", [enterprise(ua, "FILLING_STATION")], "market")
    await a.ok("registerEnterprises", [enterprise(ub, "FILLING_STATION")], "market")
    yield (a, ua), (b, ub)
    for w in (a, b):
        await graph.write(_cleanup, w.subject)
    await graph.write(_drop_enterprises, [ua, ub])


async def _cleanup(tx: object, by: str) -> None:
    for query in (
        "MATCH (n {recordedBy: $by}) DETACH DELETE n",
        "MATCH (n:PersonClaim {claimedBy: $by}) DETACH DELETE n",
    ):
        await (await tx.run(query, by=by)).consume()  # type: ignore[attr-defined]


async def _drop_enterprises(tx: object, usccs: list[str]) -> None:
    query = "MATCH (e:Enterprise) WHERE e.uscc IN $u DETACH DELETE e"
    await (await tx.run(query, u=usccs)).consume()  # type: ignore[attr-defined]


def _forged(home: str, id_number: str) -> dict[str, object]:
    item = household(home, id_number)
    item["person"] = {"idNumber": id_number, "name": "冒名", "phone": "13800000000"}
    return item


def _strip(results: list[dict[str, object]]) -> list[dict[str, object]]:
    """An answer without the keys the writer itself chose (ids name the writer's own key)."""
    return [{k: v for k, v in r.items() if k != "id"} for r in results]


async def test_registering_a_household_for_another_stations_customer_answers_as_for_a_stranger(
    stations: tuple[tuple[Writer, str], tuple[Writer, str]], graph: Graph
) -> None:
    (a, ua), (b, ub) = stations
    customer = new_id_number()
    await a.ok("registerHouseholds", [household(new_key("H"), customer)], enterprise=ua)
    [before] = await cypher(
        graph, "MATCH (p:Person {idNumber: $k}) RETURN p.name AS name, p.phone AS phone",
        k=customer,
    )  # fmt: skip
    home_known, home_new = new_key("H"), new_key("H")
    known = await b.results("registerHouseholds", [_forged(home_known, customer)], enterprise=ub)
    unknown = await b.results(
        "registerHouseholds", [_forged(home_new, new_id_number())], enterprise=ub
    )
    assert _strip(known) == _strip(unknown)  # the same answer either way
    # Never linked, never altered on B's word...
    linked = await cypher(
        graph, "MATCH (:Household {id: $h})-[:REGISTERED_TO]->(p:Person) RETURN p", h=home_known
    )
    assert linked == []
    [after] = await cypher(
        graph, "MATCH (p:Person {idNumber: $k}) RETURN p.name AS name, p.phone AS phone",
        k=customer,
    )  # fmt: skip
    assert after == before
    # ...and what B asserted is B's own claim, pending.
    [claim] = await cypher(
        graph,
        "MATCH (:Household {id: $h})-[:REGISTERED_TO]->(c:PersonClaim) "
        "RETURN c.claimedBy AS by, c.name AS name, c.status AS status",
        h=home_known,
    )
    assert claim == {"by": b.subject, "name": "冒名", "status": "PENDING"}
    # B reads back only what it asserted, through its household as through a stranger's.
    seen = [await _person_of(b, home, ub) for home in (home_known, home_new)]
    assert seen[0] is not None
    assert seen[1] is not None
    assert seen[0] == seen[1] | {"idNumber": customer[:6] + "********" + customer[-4:]}
    assert seen[0]["name"] == "冒*"  # B's own word, masked as B sees every name


_PERSON = """query($h: String!) { household(id: $h) { person {
    name phone idNumber verified qualifications households(first: 5) { totalCount } } } }"""


async def _person_of(w: Writer, home: str, uscc: str) -> dict[str, object] | None:
    body = await gql(w.client, _PERSON, "enterprise", {"h": home}, enterprise=uscc, sub=w.subject)
    assert "errors" not in body, body
    person: dict[str, object] | None = body["data"]["household"]["person"]
    return person


async def test_registering_an_employee_who_exists_answers_as_for_a_stranger(
    stations: tuple[tuple[Writer, str], tuple[Writer, str]], graph: Graph
) -> None:
    (a, ua), (b, ub) = stations
    clerk = new_id_number()
    await a.ok("registerEmployees", [employee(clerk, [])], enterprise=ua)
    known = await b.results("registerEmployees", [employee(clerk, [])], enterprise=ub)
    unknown = await b.results("registerEmployees", [employee(new_id_number(), [])], enterprise=ub)
    assert _strip(known) == _strip(unknown)
    assert all(r["ok"] for r in known)
    again = await b.results("registerEmployees", [employee(clerk, [])], enterprise=ub)
    assert again[0]["replayed"] is True  # B's own history: its claim, replayed
    # The id answered is the opaque one every read uses (never the identity number), the same
    # on a replay, and it opens what B asserted.
    for result in (known[0], unknown[0]):
        assert result["id"].startswith("Person:")
        assert clerk not in result["id"]
        opened = await gql(
            b.client, "query($id: ID!) { node(id: $id) { ... on Person { name } } }",
            "enterprise", {"id": result["id"]}, enterprise=ub, sub=b.subject,
        )  # fmt: skip
        assert opened["data"]["node"] == {"name": "测*"}
    assert again[0]["id"] == known[0]["id"]
    employers = await cypher(
        graph, "MATCH (:Person {idNumber: $k})-[:EMPLOYED_BY]->(e) RETURN e.uscc AS u", k=clerk
    )
    assert employers == [{"u": ua}]  # the canonical person was not linked to B
    # B's staff lists the clerk as B asserted it, like the stranger.
    body = await gql(
        b.client,
        "query($u: String!) { enterprise(uscc: $u) { staff(first: 10) { totalCount "
        "edges { node { id name qualifications verified employer { uscc } } } } } }",
        "enterprise", {"u": ub}, enterprise=ub, sub=b.subject,
    )  # fmt: skip
    staff = body["data"]["enterprise"]["staff"]
    assert staff["totalCount"] == 2
    nodes = [e["node"] for e in staff["edges"]]
    assert all(n["id"].startswith("Person:") and n["id"][7:] not in (clerk, "") for n in nodes)
    assert [{k: v for k, v in n.items() if k != "id"} for n in nodes] == [
        {"name": "测*", "qualifications": [], "verified": False, "employer": {"uscc": ub}}
    ] * 2
    # ...and each id opens the same view.
    for n in nodes:
        again_ = await gql(
            b.client, "query($id: ID!) { node(id: $id) { ... on Person { name verified } } }",
            "enterprise", {"id": n["id"]}, enterprise=ub, sub=b.subject,
        )  # fmt: skip
        assert again_["data"]["node"] == {"name": "测*", "verified": False}


@pytest.fixture
async def world(client: httpx.AsyncClient, graph: Graph) -> AsyncIterator[World]:
    writer = Writer(client, "t-reveal-w-" + new_key(""))
    yield await World(writer).build()
    await forget(graph, writer.subject)


async def test_a_follow_up_write_naming_a_claimed_person_answers_as_for_the_writers_own(
    world: World, client: httpx.AsyncClient, graph: Graph
) -> None:
    """Station B names A's certified filler as its own uncertified clerk: B's fillings by that
    person answer exactly like fillings by a stranger B registered the same way."""
    b = Writer(client, "t-reveal-b-" + new_key(""))
    station = new_uscc()
    try:
        await b.ok("registerEnterprises", [enterprise(station, "FILLING_STATION")], "market")
        stranger = new_id_number()
        for who in (world.filler, stranger):  # A's filler (a claim for B) and a new person
            await b.ok("registerEmployees", [employee(who, [])], enterprise=station)
        codes_ = [new_key("C"), new_key("C")]
        await b.ok("registerCylinders", [cylinder(c, world.maker) for c in codes_],
                   enterprise=station)  # fmt: skip
        answers = [
            await b.results("recordFillings", [filling(c, filler=who)], enterprise=station)
            for c, who in zip(codes_, (world.filler, stranger), strict=True)
        ]
        assert _strip(answers[0]) == _strip(answers[1])
        assert [codes(r) for r in answers[0]] == [[("filler", "FILLER_NOT_CERTIFIED")]]
    finally:
        await forget(graph, b.subject)
        await graph.write(_cleanup, b.subject)
        await graph.write(_drop_enterprises, [station])


async def test_delivering_to_a_household_with_a_claimed_person_answers_as_for_a_stranger(
    stations: tuple[tuple[Writer, str], tuple[Writer, str]], graph: Graph
) -> None:
    """B's household names A's customer (B's claim) or a stranger: deliveries to either, and
    the traces of the cylinders delivered, answer alike (no HOUSEHOLD_UNREGISTERED, no flag)."""
    (a, ua), (b, ub) = stations
    customer = new_id_number()
    await a.ok("registerHouseholds", [household(new_key("H"), customer)], enterprise=ua)
    plate, driver, escort = new_plate(), new_id_number(), new_id_number()
    await b.ok("registerVehicles", [truck(plate)], enterprise=ub)
    crew = [employee(driver, ["DG_DRIVER"], [plate]), employee(escort, ["DG_ESCORT"])]
    await b.ok("registerEmployees", crew, enterprise=ub)
    homes = [new_key("H"), new_key("H")]
    for home, who in zip(homes, (customer, new_id_number()), strict=True):
        await b.ok("registerHouseholds", [_forged(home, who)], enterprise=ub)
    maker = new_uscc()
    await b.ok("registerEnterprises", [enterprise(maker, "CYLINDER_MANUFACTURER")], "market")
    try:
        codes_ = [new_key("C"), new_key("C")]
        await b.ok("registerCylinders", [cylinder(c, maker) for c in codes_], enterprise=ub)
        answers = []
        for code, home in zip(codes_, homes, strict=True):
            item = {"eventId": new_key("D"), "cylinder": code, "household": home,
                    "vehicle": plate, "driver": driver, "escort": escort,
                    "time": ago(minutes=5)}  # fmt: skip
            answers.append(await b.results("recordDeliveries", [item], enterprise=ub))
        assert _strip(answers[0]) == _strip(answers[1])
        assert all(r["ok"] for r in answers[0]), answers[0]
        flags = []
        for code in codes_:
            body = await gql(
                b.client, "query($c: String!) { traceCylinder(code: $c) { flags { kind } "
                "location { person { name } } } }", "enterprise", {"c": code}, enterprise=ub,
                sub=b.subject,
            )  # fmt: skip
            flags.append(body["data"]["traceCylinder"])
        assert flags[0] == flags[1] == {"flags": [], "location": {"person": {"name": "冒*"}}}
    finally:
        await graph.write(_drop_enterprises, [maker])
