"""`hub seed --check`: Cypher assertions over the loaded graph. Each rule returns the keys that
break it; a rule with a planted violation kind must find exactly the manifest's keys, every other
rule nothing. Only records written by graph_seed are judged (other clients' records are theirs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import LiteralString

from neo4j import AsyncManagedTransaction

from graph_seed.rows import rel_allowed
from graph_seed.world import RECORDED_BY, at
from hub.graph.driver import Graph
from hub.identifiers import check_mobile, check_plate, check_resident_id, check_uscc
from hub.linkage.scan import SCANNER


@dataclass(frozen=True)
class Rule:
    name: str
    query: LiteralString  # returns one column, `key`
    planted: str | None = None  # the manifest kind it must find exactly


RULES: tuple[Rule, ...] = (
    Rule(
        "filling at a station that does not own the cylinder",
        "MATCH (f:Filling {recordedBy: $by})-[:OF]->(:Cylinder)-[:OWNED_BY]->(owner:Enterprise) "
        "MATCH (f)-[:AT]->(station:Enterprise) WHERE station <> owner RETURN f.eventId AS key",
        "foreign_filling",
    ),
    Rule(
        "filling of a cylinder overdue for inspection or past its scrap date",
        "MATCH (f:Filling {recordedBy: $by})-[:OF]->(c:Cylinder) "
        "WHERE date(f.time) >= c.scrapDate OR NOT EXISTS { MATCH (i:Inspection)-[:OF]->(c) "
        "  WHERE i.time <= f.time AND i.nextDue >= date(f.time) } "
        "RETURN f.eventId AS key",
        "overdue_filling",
    ),
    Rule(
        "delivery by a vehicle whose permit had expired",
        "MATCH (d:Delivery {recordedBy: $by})-[:VIA]->(v:Vehicle) "
        "WHERE v.permitExpiry IS NULL OR v.permitExpiry < date(d.time) RETURN d.eventId AS key",
        "expired_permit_delivery",
    ),
    Rule(
        "delivery to a household without real-name registration",
        "MATCH (d:Delivery {recordedBy: $by})-[:TO]->(h:Household) "
        "WHERE NOT EXISTS { (h)-[:REGISTERED_TO]->(:Person) } RETURN d.eventId AS key",
        "unregistered_household_delivery",
    ),
    Rule(
        "shipment of a batch that failed its test",
        "MATCH (t:BatchTest {recordedBy: $by, result: 'FAIL'})-[:OF]->(p:Product) "
        "MATCH (s:Shipment)-[:OF]->(p) WHERE s.time > t.time RETURN s.eventId AS key",
        "failed_batch_shipped",
    ),
    Rule(
        "delivery crew: the station's truck, its certified driver and a certified escort",
        "MATCH (d:Delivery {recordedBy: $by})-[:FROM]->(s:Enterprise {kind: 'FILLING_STATION'}) "
        "MATCH (d)-[:VIA]->(v:Vehicle), (d)-[:BY]->(drv:Person), (d)-[:ESCORTED_BY]->(esc:Person) "
        "WHERE NOT (v)-[:OPERATED_BY]->(s) OR NOT (drv)-[:DRIVES]->(v) "
        "  OR NOT 'DG_DRIVER' IN drv.qualifications OR NOT (drv)-[:EMPLOYED_BY]->(s) "
        "  OR NOT 'DG_ESCORT' IN esc.qualifications OR NOT (esc)-[:EMPLOYED_BY]->(s) "
        "RETURN d.eventId AS key",
    ),
    Rule(
        "delivery follows a filling of the same cylinder at the same station, within a day",
        "MATCH (d:Delivery {recordedBy: $by})-[:OF]->(c:Cylinder), (d)-[:FROM]->(s:Enterprise) "
        "MATCH (d)-[:TO]->(h:Household) "
        "WHERE NOT (c)-[:LOCATED_AT]->(h) OR NOT EXISTS { MATCH (f:Filling)-[:OF]->(c) "
        "  WHERE (f)-[:AT]->(s) AND d.time > f.time AND d.time <= f.time + duration('P1D') } "
        "RETURN d.eventId AS key",
    ),
    Rule(
        "filler: a certified employee of the station",
        "MATCH (f:Filling {recordedBy: $by})-[:AT]->(s:Enterprise), (f)-[:BY]->(p:Person) "
        "WHERE s.kind <> 'FILLING_STATION' OR NOT 'FILLER' IN p.qualifications "
        "  OR NOT (p)-[:EMPLOYED_BY]->(s) RETURN f.eventId AS key",
    ),
    Rule(
        "manufacture, registration, then events, none after the as-of date",
        "MATCH (e)-[:OF]->(c:Cylinder) WHERE e.recordedBy = $by AND (date(e.time) < c.madeOn "
        "  OR e.time >= $asOfEnd OR (NOT e:Inspection AND date(e.time) <= c.registeredOn)) "
        "RETURN e.eventId AS key",
    ),
    Rule(
        "inspections every 4 years (3 for 50 kg), by an inspection agency, never late",
        "MATCH (i:Inspection {recordedBy: $by})-[:OF]->(c:Cylinder) "
        "WITH i, c, CASE c.model WHEN 'YSP118' THEN 3 ELSE 4 END AS years "
        "WHERE i.result <> 'PASS' OR i.nextDue <> date(i.time) + duration({years: years}) "
        "  OR NOT (i)-[:BY]->(:Enterprise {kind: 'INSPECTION_AGENCY'}) "
        "  OR (EXISTS { MATCH (j:Inspection)-[:OF]->(c) WHERE j.time > i.time } "
        "    AND NOT EXISTS { MATCH (j:Inspection)-[:OF]->(c) "
        "      WHERE j.time > i.time AND date(j.time) <= i.nextDue }) "
        "RETURN i.eventId AS key",
    ),
    Rule(
        "cylinder record: scrap at 12 or 15 years, inspection dates and status agree",
        "MATCH (c:Cylinder {recordedBy: $by}) OPTIONAL MATCH (i:Inspection)-[:OF]->(c) "
        "WITH c, max(i.time) AS lastTime, collect(i) AS inspections "
        "WITH c, lastTime, [x IN inspections WHERE x.time = lastTime][0] AS last, "
        "  c.madeOn + CASE WHEN c.madeOn >= date('2007-02-01') THEN duration('P12Y') "
        "  ELSE duration('P15Y') END AS scrap "
        # A status is judged as of the day it was last set: the seed's as-of date, or the day
        # of the hub's scan that refreshed it since (its updatedAt carries Fuzhou's +08:00).
        "WITH c, last, scrap, CASE WHEN c.updatedBy = $scanner THEN date(c.updatedAt) "
        "  ELSE $asOf END AS day "
        "WITH c, last, scrap, CASE WHEN scrap <= day THEN 'SCRAPPED' "
        "  WHEN c.status = 'SEIZED' THEN 'SEIZED' WHEN c.nextInspection < day THEN 'OVERDUE' "
        "  WHEN c.nextInspection <= day + duration('P30D') THEN 'DUE' ELSE 'IN_SERVICE' END "
        "  AS expected "
        "WHERE last IS NULL OR c.scrapDate <> scrap OR c.lastInspection <> date(last.time) "
        "  OR c.nextInspection <> last.nextDue OR c.status <> expected "
        "  OR (c.status IN ['SCRAPPED', 'SEIZED'] AND EXISTS { (c)-[:LOCATED_AT]->() }) "
        "  OR COUNT { (c)-[:OWNED_BY]->(:Enterprise {kind: 'FILLING_STATION'}) } <> 1 "
        "  OR COUNT { (c)-[:MADE_BY]->(:Enterprise {kind: 'CYLINDER_MANUFACTURER'}) } <> 1 "
        "RETURN c.code AS key",
    ),
    Rule(
        "household: registered to one person (unless UNREGISTERED), buys from its cylinders' owner",
        "MATCH (h:Household {recordedBy: $by}) "
        "WHERE (h.status = 'UNREGISTERED') = EXISTS { (h)-[:REGISTERED_TO]->(:Person) } "
        "  OR COUNT { (h)-[:REGISTERED_TO]->() } > 1 "
        "  OR COUNT { (h)-[:CUSTOMER_OF]->(:Enterprise {kind: 'FILLING_STATION'}) } <> 1 "
        "  OR EXISTS { MATCH (c:Cylinder)-[:LOCATED_AT]->(h) "
        "    WHERE NOT (c)-[:OWNED_BY]->()<-[:CUSTOMER_OF]-(h) } "
        "  OR (h.kind = 'COMMERCIAL' AND (COUNT { (:Cylinder)-[:LOCATED_AT]->(h) } < 3 OR NOT "
        "    EXISTS { (h)-[:REGISTERED_TO]->(:Person)-[:EMPLOYED_BY]->(:Enterprise "
        "    {kind: 'RESTAURANT'}) })) "
        "RETURN h.id AS key",
    ),
    Rule(
        "batch: one producer, into a wholesale market before its one test there",
        "MATCH (p:Product {recordedBy: $by}) "
        "WHERE COUNT { (:BatchTest)-[:OF]->(p) } <> 1 OR NOT EXISTS { "
        "  MATCH (t:BatchTest)-[:OF]->(p), (t)-[:AT]->(m:Enterprise {kind: 'WHOLESALE_MARKET'}), "
        "    (p)-[:PRODUCED_BY]->(maker:Enterprise {kind: 'FOOD_PRODUCER'}), "
        "    (s:Shipment)-[:OF]->(p), (s)-[:FROM]->(maker), (s)-[:TO]->(m) "
        "  WHERE s.time < t.time AND date(s.time) >= p.producedOn } "
        "RETURN p.traceCode AS key",
    ),
    Rule(
        "shipment: producer to market, or tested market to a retailer after the test",
        "MATCH (s:Shipment {recordedBy: $by})-[:FROM]->(src:Enterprise) "
        "MATCH (s)-[:TO]->(dst:Enterprise), (s)-[:OF]->(p:Product) "
        "WHERE NOT ((src.kind = 'FOOD_PRODUCER' AND dst.kind = 'WHOLESALE_MARKET') "
        "  OR (src.kind = 'WHOLESALE_MARKET' "
        "    AND dst.kind IN ['SUPERMARKET', 'FARMERS_MARKET', 'RESTAURANT'] "
        "    AND EXISTS { MATCH (t:BatchTest)-[:OF]->(p) "
        "      WHERE (t)-[:AT]->(src) AND t.time < s.time })) "
        "RETURN s.eventId AS key",
    ),
    Rule(
        "sale: where the batch was shipped to, after it arrived",
        "MATCH (x:Sale {recordedBy: $by})-[:OF]->(p:Product), (x)-[:AT]->(e:Enterprise) "
        "WHERE NOT EXISTS { MATCH (s:Shipment)-[:OF]->(p) "
        "  WHERE (s)-[:TO]->(e) AND s.time < x.time } "
        "RETURN x.eventId AS key",
    ),
    Rule(
        "tips concern one restaurant; incidents involve something",
        "MATCH (n) WHERE (n:Tip OR n:Incident) AND n.recordedBy = $by "
        "  AND ((n:Tip AND COUNT { (n)-[:CONCERNS]->(:Enterprise {kind: 'RESTAURANT'}) } <> 1) "
        "  OR (n:Incident AND NOT EXISTS { (n)-[:INVOLVES]->() })) "
        "RETURN n.id AS key",
    ),
)

# Every event's parties, exactly one each (the links of hub/catalog/).
EVENT_PARTIES: dict[str, tuple[tuple[str, str], ...]] = {
    "Filling": (("OF", "Cylinder"), ("AT", "Enterprise"), ("BY", "Person")),
    "Delivery": (
        ("OF", "Cylinder"),
        ("FROM", "Enterprise"),
        ("TO", "Household"),
        ("VIA", "Vehicle"),
        ("BY", "Person"),
        ("ESCORTED_BY", "Person"),
    ),
    "Inspection": (("OF", "Cylinder"), ("BY", "Enterprise")),
    "Shipment": (("OF", "Product"), ("FROM", "Enterprise"), ("TO", "Enterprise")),
    "BatchTest": (("OF", "Product"), ("AT", "Enterprise")),
    "Sale": (("OF", "Product"), ("AT", "Enterprise")),
}


def party_rule(label: str) -> Rule:
    conditions = []
    for rel_type, end in EVENT_PARTIES[label]:
        assert rel_allowed(label, rel_type, end)
        conditions.append("COUNT { (e)-[:" + rel_type + "]->(:" + end + ") } <> 1")
    query = (
        "MATCH (e:"
        + label
        + " {recordedBy: $by}) WHERE "
        + " OR ".join(conditions)
        + " RETURN e.eventId AS key"
    )
    return Rule(f"{label}: one of each party", query)


async def _keys(
    tx: AsyncManagedTransaction, query: LiteralString, params: dict[str, object]
) -> set[str]:
    result = await tx.run(query, params)
    return {record["key"] async for record in result}


async def _identifiers(tx: AsyncManagedTransaction) -> list[tuple[str, str]]:
    query: LiteralString = (
        "MATCH (n:Enterprise {recordedBy: $by}) RETURN 'uscc' AS kind, n.uscc AS value "
        "UNION ALL MATCH (n:Person {recordedBy: $by}) "
        "  RETURN 'idNumber' AS kind, n.idNumber AS value "
        "UNION ALL MATCH (n:Person {recordedBy: $by}) RETURN 'phone' AS kind, n.phone AS value "
        "UNION ALL MATCH (n:Vehicle {recordedBy: $by}) RETURN 'plate' AS kind, n.plate AS value"
    )
    result = await tx.run(query, by=RECORDED_BY)
    return [(record["kind"], record["value"]) async for record in result]


def invalid_identifiers(pairs: list[tuple[str, str]], as_of: date) -> set[str]:
    bad = set()
    for kind, value in pairs:
        if kind == "uscc":
            reason = check_uscc(value)
        elif kind == "idNumber":
            reason = check_resident_id(value, as_of)
        elif kind == "phone":
            reason = check_mobile(value)
        else:
            reason = check_plate(value)
        if reason:
            bad.add(f"{kind} {value}: {reason}")
    return bad


async def run_checks(
    graph: Graph, as_of: date, planted: dict[str, set[str]], emit: Callable[[str], None]
) -> list[str]:
    """Runs every rule, emits a summary line for each, and returns the names of failed ones."""
    params: dict[str, object] = {
        "by": RECORDED_BY,
        "asOf": as_of,
        "asOfEnd": at(as_of + timedelta(days=1), 0),
        "scanner": SCANNER,
    }
    long = graph.with_timeout(1800.0)
    failed: list[str] = []
    rules = [*RULES, *(party_rule(label) for label in EVENT_PARTIES)]
    for rule in rules:
        found = await long.read(_keys, rule.query, params)
        expected = planted.get(rule.planted, set()) if rule.planted else set()
        failed += _report(rule.name, found, expected, emit)
    bad = invalid_identifiers(await long.read(_identifiers), as_of)
    failed += _report("every uscc, resident id, phone and plate valid", bad, set(), emit)
    emit(f"check: {len(rules) + 1 - len(failed)} rules passed, {len(failed)} failed")
    return failed


def _report(
    name: str, found: set[str], expected: set[str], emit: Callable[[str], None]
) -> list[str]:
    missing, extra = expected - found, found - expected
    ok = not missing and not extra
    line = f"  {'ok  ' if ok else 'FAIL'} {name}: {len(found)} found, {len(expected)} planted"
    if missing:
        line += f"; planted but absent: {sorted(missing)[:5]}"
    if extra:
        line += f"; not planted: {sorted(extra)[:5]}"
    emit(line)
    return [] if ok else [name]
