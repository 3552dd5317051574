"""supervision(level, area, since, until): each figure against a count made by hand from the
seed's raw rows, the small-cell suppression, district scoping and the role matrix."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from typing import Any, LiteralString

import httpx
import pytest
from neo4j import AsyncManagedTransaction

from graph_seed.generate import Generation
from graph_seed.world import RECORDED_BY
from hub.access import policy
from hub.app import create_app
from hub.catalog.roles import Role
from hub.clock import FUZHOU
from hub.config import Settings
from hub.graph.driver import Graph
from hub.resolvers.supervision import FIGURES
from tests.graphql import cypher, error_codes, gql

TODAY = date(2026, 11, 1)  # the seed's "today"; the hub's clock is pinned on it
PIN = datetime(2026, 11, 1, 12, 0, tzinfo=FUZHOU)
SINCE, UNTIL = "2024-01-01", "2026-11-30"
WINDOW = {"since": SINCE, "until": UNTIL}
T0 = datetime(2024, 1, 1, tzinfo=FUZHOU)
T1 = datetime(2026, 12, 1, tzinfo=FUZHOU)
MIN_CELL = 5
DEPARTMENTS = ("market", "housing", "transport", "police", "emergency")

Q = """query($level: SupervisionLevel!, $area: String, $since: Date, $until: Date) {
  supervision(level: $level, area: $area, since: $since, until: $until) {
    level area since until minCell withheld
    cylinders { area total { value text suppressed } inService { value } due { value }
      overdue { value } scrapped { value } seized { value } unlocated { value } onTimeShare
      series { name points { month count { value } } } }
    households { area households { value text suppressed } registered { value text }
      unregistered { value text } registeredShare registeredShareText }
    deliveries { area deliveries { value } toUnregistered { value text }
      unregisteredHouseholds { value } series { name points { month count { value } } } }
    fillings { area fillings { value } whileOverdue { value } outsideOwner { value } }
    incidents { area total { value } byKind { key count { value } } }
    alerts { area total { value } byRule { key count { value } } }
    tips { area total { value text suppressed } byCategory { key count { value text } } }
    food { area tested { value } failed { value } traced { value } recalls { value } }
    worstStations { id uscc score parts { key value } }
    worstDistributors { id score }
    worstMarkets { id score }
  }
}"""


async def _hub(make_client: Any, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    config = Settings(
        hub_clock_pin=PIN,
        hub_supervision_min_cell=MIN_CELL,
        neo4j_tx_timeout_s=60,
        hub_request_deadline_s=60,
        **settings,
    )
    async for client in make_client(create_app(config)):
        yield client


@pytest.fixture(scope="module")
async def hub(make_client: Any, tiny_seed: Generation) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _hub(make_client):
        yield client


async def _ask(
    client: httpx.AsyncClient,
    role: str,
    level: str = "CITY",
    area: str | None = None,
    **claims: str,
) -> dict[str, Any]:
    body = await gql(client, Q, role, {"level": level, "area": area, **WINDOW}, **claims)
    assert "errors" not in body, body
    return dict(body["data"]["supervision"])


def _by_area(rows: list[dict[str, Any]]) -> dict[str | None, dict[str, Any]]:
    return {r["area"]: r for r in rows}


async def test_cylinders_by_status_match_a_count_of_the_raw_rows(
    hub: httpx.AsyncClient, graph: Graph
) -> None:
    rows = await cypher(
        graph,
        "MATCH (c:Cylinder) OPTIONAL MATCH (c)-[:LOCATED_AT]->(h:Household) "
        "OPTIONAL MATCH (c)-[:OWNED_BY]->(o:Enterprise) RETURN c.status AS status, "
        "c.nextInspection AS next, h.district AS hd, o.district AS od, h IS NULL AS nowhere",
    )
    want: dict[str, Counter[str]] = {}
    for r in rows:
        if r["status"] in ("SCRAPPED", "SEIZED"):
            st = r["status"]
        elif r["status"] == "OVERDUE" or r["next"].to_native() < TODAY:
            st = "overdue"
        elif r["status"] == "DUE" or r["next"].to_native() <= TODAY + timedelta(days=30):
            st = "due"
        else:
            st = "inService"
        cell = want.setdefault(r["hd"] or r["od"], Counter())
        cell[st] += 1
        cell["total"] += 1
        cell["unlocated"] += int(r["nowhere"] and st not in ("SCRAPPED", "SEIZED"))
    got = _by_area((await _ask(hub, "police"))["cylinders"])
    assert set(got) == set(want)
    for district, cell in want.items():
        row = got[district]
        assert row["total"]["value"] == cell["total"]
        assert row["inService"]["value"] == cell["inService"]
        assert row["due"]["value"] == cell["due"]
        assert row["overdue"]["value"] == cell["overdue"]
        assert row["scrapped"]["value"] == cell["SCRAPPED"]
        assert row["seized"]["value"] == cell["SEIZED"]
        assert row["unlocated"]["value"] == cell["unlocated"]
        live = cell["inService"] + cell["due"] + cell["overdue"]
        if live:
            on_time = (cell["inService"] + cell["due"]) / live
            assert row["onTimeShare"] == pytest.approx(on_time, abs=1e-4)


async def test_households_and_real_name_registration_match_the_raw_rows(
    hub: httpx.AsyncClient, graph: Graph
) -> None:
    rows = await cypher(
        graph,
        "MATCH (h:Household) WHERE coalesce(h.status, '') <> 'CLOSED' RETURN h.district AS d, "
        "h.status <> 'UNREGISTERED' AND EXISTS { (h)-[:REGISTERED_TO]->(:Person) } AS reg",
    )
    total = Counter(r["d"] for r in rows)
    registered = Counter(r["d"] for r in rows if r["reg"])
    got = _by_area((await _ask(hub, "police"))["households"])
    assert {d: r["households"]["value"] for d, r in got.items()} == dict(total)
    assert {d: r["registered"]["value"] for d, r in got.items()} == {
        d: registered[d] for d in total
    }
    assert sum(total.values()) > sum(registered.values())  # the seed plants unregistered homes


async def test_deliveries_to_unregistered_households_include_every_planted_one(
    hub: httpx.AsyncClient, graph: Graph, tiny_seed: Generation
) -> None:
    rows = await cypher(
        graph,
        "MATCH (e:Delivery)-[:TO]->(h:Household) WHERE e.time >= $t0 AND e.time < $t1 "
        "AND (h.status = 'UNREGISTERED' OR NOT EXISTS { (h)-[:REGISTERED_TO]->(:Person) }) "
        "RETURN e.eventId AS id, h.street AS street, h.district AS d",
        t0=T0,
        t1=T1,
    )
    planted = set(tiny_seed.manifest.planted["unregistered_household_delivery"])
    assert planted
    assert planted <= {r["id"] for r in rows}
    got = (await _ask(hub, "police"))["deliveries"]
    assert sum(r["toUnregistered"]["value"] for r in got) == len(rows)
    # the worst street of the worst district, as a lead drills down
    district = Counter(r["d"] for r in rows).most_common(1)[0][0]
    streets = Counter(r["street"] for r in rows if r["d"] == district)
    drilled = _by_area((await _ask(hub, "police", "DISTRICT", district))["deliveries"])
    assert {s: drilled[s]["toUnregistered"]["value"] for s in streets} == dict(streets)
    street = streets.most_common(1)[0][0]
    one = (await _ask(hub, "police", "STREET", f"{district}/{street}"))["deliveries"]
    assert [r["area"] for r in one] == [street]
    assert one[0]["toUnregistered"]["value"] == streets[street]


async def test_closed_loop_breaches_at_filling_include_the_planted_ones(
    hub: httpx.AsyncClient, graph: Graph, tiny_seed: Generation
) -> None:
    foreign = await cypher(
        graph,
        "MATCH (o:Enterprise)<-[:OWNED_BY]-(:Cylinder)<-[:OF]-(e:Filling)-[:AT]->(s:Enterprise) "
        "WHERE o <> s AND e.time >= $t0 AND e.time < $t1 AND e.recordedBy = $seed "
        "RETURN e.eventId AS id",
        t0=T0,
        t1=T1,
        seed=RECORDED_BY,
    )
    got = (await _ask(hub, "market"))["fillings"]
    assert sum(r["outsideOwner"]["value"] for r in got) == len(foreign)
    planted = tiny_seed.manifest.planted
    assert set(planted["foreign_filling"]) <= {r["id"] for r in foreign}
    assert sum(r["whileOverdue"]["value"] for r in got) >= len(planted["overdue_filling"])
    fillings = await cypher(
        graph,
        "MATCH (e:Filling) WHERE e.time >= $t0 AND e.time < $t1 RETURN count(e) AS n",
        t0=T0,
        t1=T1,
    )
    assert sum(r["fillings"]["value"] for r in got) == fillings[0]["n"]


async def test_food_figures_match_the_tests_at_market_entry(
    hub: httpx.AsyncClient, graph: Graph, tiny_seed: Generation
) -> None:
    rows = await cypher(
        graph,
        "MATCH (p:Product)<-[:OF]-(t:BatchTest)-[:AT]->(m:Enterprise) WHERE t.time >= $t0 "
        "AND t.time < $t1 RETURN p.traceCode AS p, t.result AS result",
        t0=T0,
        t1=T1,
    )
    failed = {r["p"] for r in rows if r["result"] == "FAIL"}
    got = (await _ask(hub, "market"))["food"]
    assert sum(r["tested"]["value"] for r in got) == len({r["p"] for r in rows})
    assert sum(r["failed"]["value"] for r in got) == len(failed)
    shipped = await cypher(
        graph,
        "MATCH (s:Shipment) WHERE s.eventId IN $ids MATCH (s)-[:OF]->(p:Product) "
        "RETURN count(DISTINCT p) AS n",
        ids=tiny_seed.manifest.planted["failed_batch_shipped"],
    )
    assert sum(r["recalls"]["value"] for r in got) >= shipped[0]["n"]


async def test_incidents_by_kind_match_the_raw_rows(hub: httpx.AsyncClient, graph: Graph) -> None:
    rows = await cypher(
        graph,
        "MATCH (i:Incident) WHERE i.time >= $t0 AND i.time < $t1 RETURN i.kind AS kind",
        t0=T0,
        t1=T1,
    )
    got = (await _ask(hub, "police"))["incidents"]
    kinds: Counter[str] = Counter()
    for r in got:
        for k in r["byKind"]:
            kinds[k["key"]] += k["count"]["value"]
    assert kinds == Counter(r["kind"] for r in rows)


async def test_the_worst_stations_are_ranked_by_their_documented_score(
    hub: httpx.AsyncClient,
) -> None:
    worst = (await _ask(hub, "market"))["worstStations"]
    assert 0 < len(worst) <= 10
    for w in worst:
        parts = {p["key"]: p["value"] for p in w["parts"]}
        assert (
            w["score"]
            == 3 * parts["whileOverdue"] + 3 * parts["outsideOwner"] + parts["overdueOwned"]
        )
        assert w["id"] == "Enterprise:" + w["uscc"]
    assert [w["score"] for w in worst] == sorted((w["score"] for w in worst), reverse=True)


async def test_small_cells_show_as_fewer_than_n_to_every_role_but_the_police(
    hub: httpx.AsyncClient,
) -> None:
    police = _by_area((await _ask(hub, "police"))["households"])
    market = _by_area((await _ask(hub, "market"))["households"])
    small = [d for d, r in police.items() if r["unregistered"]["value"] < MIN_CELL]
    assert small, "the tiny seed has districts with few unregistered homes"
    for d in small:
        assert market[d]["unregistered"] == {"value": None, "text": f"< {MIN_CELL}"}
        assert market[d]["registeredShare"] is None  # it would give the small cell away
        whole = police[d]["households"]["value"]
        if whole >= 2 * MIN_CELL:  # only the bound the "< 5" gives: at most 4 unregistered
            bound = math.floor((whole - MIN_CELL + 1) / whole * 1000) / 10
            assert market[d]["registeredShareText"] == f"≥ {bound:.1f}%"
        assert police[d]["registeredShareText"].endswith("%")
        assert not police[d]["registeredShareText"].startswith("≥")
        assert police[d]["unregistered"]["text"] == str(police[d]["unregistered"]["value"])
    for r in market.values():
        for cell in (r["households"], r["registered"], r["unregistered"]):
            assert cell["value"] is None or cell["value"] >= MIN_CELL


async def test_the_threshold_is_a_setting(make_client: Any, tiny_seed: Generation) -> None:
    async for client in make_client(
        create_app(
            Settings(hub_clock_pin=PIN, hub_supervision_min_cell=1000, neo4j_tx_timeout_s=60)
        )
    ):
        answer = await _ask(client, "housing")
        assert answer["minCell"] == 1000
        cells = [r["households"] for r in answer["households"]]
        assert cells
        assert all(c == {"value": None, "text": "< 1000", "suppressed": True} for c in cells)


async def test_a_district_bound_client_counts_its_own_district_only(
    hub: httpx.AsyncClient, graph: Graph
) -> None:
    [top] = await cypher(
        graph,
        "MATCH (h:Household) RETURN h.district AS d, count(*) AS n ORDER BY n DESC, d LIMIT 1",
    )
    district = top["d"]
    city = _by_area((await _ask(hub, "housing"))["households"])
    bound = await _ask(hub, "housing", district=district)
    assert [r["area"] for r in bound["households"]] == [district]
    assert bound["households"][0]["households"] == city[district]["households"]
    assert {r["area"] for r in bound["cylinders"]} <= {district}
    other = next(d for d in city if d != district)
    elsewhere = await _ask(hub, "housing", "DISTRICT", other, district=district)
    assert elsewhere["households"] == []
    assert elsewhere["cylinders"] == []
    missing = await _ask(hub, "housing", "DISTRICT", "350199")
    assert missing["households"] == []


@pytest.mark.parametrize("role", DEPARTMENTS)
async def test_each_department_gets_exactly_the_figures_its_types_allow(
    hub: httpx.AsyncClient, role: str
) -> None:
    answer = await _ask(hub, role)
    given = {n for n in FIGURES if policy.can_derive(Role(role), "supervision:" + n)}
    assert set(answer["withheld"]) == set(FIGURES) - given
    fields = {"stations": "worstStations", "distributors": "worstDistributors",
              "markets": "worstMarkets"}  # fmt: skip
    for name in FIGURES:
        value = answer[fields.get(name, name)]
        assert (value is not None) == (name in given), name


@pytest.mark.parametrize("role", ["enterprise", "auditor", "admin", None])
async def test_other_callers_are_refused(hub: httpx.AsyncClient, role: str | None) -> None:
    body = await gql(hub, "{ supervision(level: CITY) { area } }", role)
    assert error_codes(body) == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("level", "area", "field"),
    [("DISTRICT", None, "area"), ("DISTRICT", "3501xx", "area"), ("STREET", "350102", "area"),
     ("CITY", "350102", "area")],
)  # fmt: skip
async def test_a_bad_area_is_a_clear_error(
    hub: httpx.AsyncClient, level: str, area: str | None, field: str
) -> None:
    body = await gql(hub, Q, "market", {"level": level, "area": area})
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "supervision." + field}


async def test_the_default_window_is_twelve_months_to_the_hubs_today(
    hub: httpx.AsyncClient,
) -> None:
    body = await gql(hub, "{ supervision(level: CITY) { since until } }", "market")
    assert body["data"]["supervision"] == {"since": "2025-12-01", "until": "2026-11-01"}
    late = await gql(
        hub,
        '{ supervision(level: CITY, since: "2026-11-02", until: "2026-11-01") { area } }',
        "market",
    )
    assert error_codes(late) == ["BAD_USER_INPUT"]


# The closed loop judged live, over the seed's own events (other tests write events of their own
# through the hub, which refuses every breach): the stamps the figures count must say the same.
LIVE_BREACHES = {
    "whileOverdue": "MATCH (c:Cylinder)<-[:OF]-(e:Filling) WHERE e.recordedBy = $seed"
    " WITH e, c, COLLECT { MATCH (c)<-[:OF]-(i:Inspection) WHERE i.time <= e.time"
    " RETURN i.nextDue ORDER BY i.time DESC LIMIT 1 }[0] AS last"
    " WITH e, coalesce(last, CASE WHEN date(e.time) >= c.lastInspection"
    " THEN c.nextInspection END) AS due WHERE date(e.time) > due RETURN e.eventId AS id",
    "outsideOwner": "MATCH (o:Enterprise)<-[:OWNED_BY]-(:Cylinder)<-[:OF]-(e:Filling)"
    "-[:AT]->(s:Enterprise) WHERE o <> s AND e.recordedBy = $seed RETURN e.eventId AS id",
    "toUnregistered": "MATCH (e:Delivery)-[:TO]->(h:Household) WHERE e.recordedBy = $seed"
    " AND (h.status = 'UNREGISTERED' OR NOT EXISTS { (h)-[:REGISTERED_TO]->(:Person) })"
    " RETURN e.eventId AS id",
    "withoutPermit": "MATCH (e:Delivery)-[:VIA]->(v:Vehicle) WHERE e.recordedBy = $seed"
    " AND (v.permitExpiry IS NULL OR v.permitExpiry < date(e.time)) RETURN e.eventId AS id",
}


@pytest.mark.parametrize("stamp", sorted(LIVE_BREACHES))
async def test_the_closed_loop_stamps_agree_with_the_breaches_judged_live(
    graph: Graph, tiny_seed: Generation, stamp: str
) -> None:
    live = await cypher(graph, LIVE_BREACHES[stamp], seed=RECORDED_BY)
    label = "Filling" if stamp in ("whileOverdue", "outsideOwner") else "Delivery"
    stamped = await cypher(
        graph,
        f"MATCH (e:{label}) WHERE e.{stamp} = true AND e.recordedBy = $seed RETURN e.eventId AS id",
        seed=RECORDED_BY,
    )
    assert live
    assert sorted(r["id"] for r in stamped) == sorted(r["id"] for r in live)


async def test_each_worst_station_scores_its_hand_counted_breaches(
    hub: httpx.AsyncClient, graph: Graph
) -> None:
    worst = (await _ask(hub, "market"))["worstStations"]
    assert worst
    for w in worst:
        rows = await cypher(
            graph,
            "MATCH (s:Enterprise {uscc: $uscc}) RETURN"
            " COUNT { MATCH (s)<-[:AT]-(e:Filling) WHERE e.whileOverdue AND e.time >= $t0"
            " AND e.time < $t1 } AS whileOverdue,"
            " COUNT { MATCH (s)<-[:AT]-(e:Filling)-[:OF]->(:Cylinder)-[:OWNED_BY]->(o)"
            " WHERE o <> s AND e.time >= $t0 AND e.time < $t1 } AS outsideOwner,"
            " COUNT { MATCH (s)<-[:OWNED_BY]-(c:Cylinder) WHERE NOT c.status IN"
            " ['SCRAPPED', 'SEIZED'] AND (c.status = 'OVERDUE' OR c.nextInspection < $today)"
            " } AS overdueOwned",
            uscc=w["uscc"],
            t0=T0,
            t1=T1,
            today=TODAY,
        )
        assert {p["key"]: p["value"] for p in w["parts"]} == rows[0]


async def test_traced_batches_match_a_hand_count_of_every_destination(
    hub: httpx.AsyncClient, graph: Graph
) -> None:
    rows = await cypher(
        graph,
        "MATCH (p:Product)<-[:OF]-(t:BatchTest) WHERE t.time >= $t0 AND t.time < $t1"
        " WITH DISTINCT p WHERE EXISTS { (p)<-[:OF]-(:Shipment|Sale) }"
        " AND NOT EXISTS { MATCH (p)<-[:OF]-(:Shipment)-[:TO]->(r:Enterprise)"
        " WHERE NOT EXISTS { (p)<-[:OF]-(:Sale)-[:AT]->(r) }"
        " AND NOT EXISTS { (p)<-[:OF]-(:Shipment)-[:FROM]->(r) } } RETURN count(p) AS n",
        t0=T0,
        t1=T1,
    )
    got = (await _ask(hub, "market"))["food"]
    assert rows[0]["n"] > 0
    assert sum(r["traced"]["value"] for r in got) == rows[0]["n"]


async def _write(graph: Graph, query: LiteralString, **params: Any) -> None:
    async def work(tx: AsyncManagedTransaction) -> None:
        await (await tx.run(query, **params)).consume()

    await graph.write(work)


async def test_alerts_by_rule_match_the_raw_rows_routed_to_the_department(
    hub: httpx.AsyncClient, graph: Graph
) -> None:
    marker = "supervision-test"
    await _write(
        graph,
        "UNWIND range(1, 3) AS i CREATE (:Alert {id: $m + '-' + i, rule: 'TEST_RULE',"
        " time: $t, district: '350102', departments: ['police'], status: 'OPEN',"
        " recordedBy: $m})",
        m=marker,
        t=datetime(2026, 6, 1, 9, tzinfo=FUZHOU),
    )
    try:
        rows = await cypher(
            graph,
            "MATCH (a:Alert) WHERE a.time >= $t0 AND a.time < $t1 AND 'police' IN a.departments"
            " RETURN a.rule AS rule, a.district AS d",
            t0=T0,
            t1=T1,
        )
        got = (await _ask(hub, "police"))["alerts"]
        rules: Counter[tuple[str, str]] = Counter()
        for r in got:
            for k in r["byRule"]:
                rules[(r["area"], k["key"])] += k["count"]["value"]
        assert rules == Counter((r["d"], r["rule"]) for r in rows)
        assert rules[("350102", "TEST_RULE")] == 3
        # routed to the police only: the market department counts none of them
        market = (await _ask(hub, "market"))["alerts"]
        assert all(k["key"] != "TEST_RULE" for r in market for k in r["byRule"])
    finally:
        await _write(graph, "MATCH (a:Alert {recordedBy: $m}) DELETE a", m=marker)


async def test_tips_by_category_match_the_raw_rows_and_small_cells_are_hidden(
    hub: httpx.AsyncClient, graph: Graph
) -> None:
    rows = await cypher(
        graph,
        "MATCH (t:Tip)-[:CONCERNS]->(x) WHERE (x:Enterprise OR x:Household)"
        " AND t.receivedOn >= $d0 AND t.receivedOn <= $d1"
        " RETURN DISTINCT t.id AS t, t.category AS c, x.district AS d",
        d0=date.fromisoformat(SINCE),
        d1=date.fromisoformat(UNTIL),
    )
    assert rows
    want = Counter((r["d"], r["c"]) for r in rows)
    got = (await _ask(hub, "market"))["tips"]
    for r in got:
        for k in r["byCategory"]:
            n = want[(r["area"], k["key"])]
            if n < MIN_CELL:
                assert k["count"] == {"value": None, "text": f"< {MIN_CELL}"}
            else:
                assert k["count"]["value"] == n
    assert {(r["area"], k["key"]) for r in got for k in r["byCategory"]} == set(want)


def _counts(value: Any) -> Iterator[dict[str, Any]]:
    """Every Count cell inside an answer (figures, keyed counts, series points)."""
    if isinstance(value, dict):
        if set(value) >= {"value", "text"}:
            yield value
        for inner in value.values():
            yield from _counts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _counts(inner)


PERSONAL_FIELDS = ("cylinders", "households", "deliveries", "incidents", "tips")


@pytest.mark.parametrize("role", ["market", "housing", "emergency"])
async def test_no_cell_of_homes_or_people_counts_fewer_than_the_threshold_but_for_police(
    hub: httpx.AsyncClient, graph: Graph, role: str
) -> None:
    [top] = await cypher(
        graph,
        "MATCH (h:Household) RETURN h.district AS d, count(*) AS n ORDER BY n DESC, d LIMIT 1",
    )
    answers = [await _ask(hub, role), await _ask(hub, role, "DISTRICT", top["d"])]
    answers.append(await _ask(hub, role, district=top["d"]))
    seen = 0
    for answer in answers:
        for name in PERSONAL_FIELDS:
            for cell in _counts(answer.get(name)):
                seen += 1
                assert cell["value"] is None or cell["value"] == 0 or cell["value"] >= MIN_CELL
                if cell["value"] is None:
                    assert cell["text"] == f"< {MIN_CELL}"
    assert seen > 0
    police = [c["value"] for c in _counts((await _ask(hub, "police"))["households"])]
    assert any(v is not None and 0 < v < MIN_CELL for v in police)


async def test_a_district_bound_client_gets_no_row_of_another_district_in_any_figure(
    hub: httpx.AsyncClient, graph: Graph
) -> None:
    [top] = await cypher(
        graph,
        "MATCH (h:Household) RETURN h.district AS d, count(*) AS n ORDER BY n DESC, d LIMIT 1",
    )
    for role in ("housing", "market"):
        bound = await _ask(hub, role, district=top["d"])
        for name in FIGURES:
            field = {"stations": "worstStations", "distributors": "worstDistributors",
                     "markets": "worstMarkets"}.get(name, name)  # fmt: skip
            rows = bound[field] or []
            key = "district" if field.startswith("worst") else "area"
            assert {r[key] for r in rows} <= {top["d"]}, (role, name)
