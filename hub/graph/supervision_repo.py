"""The supervision aggregates 多级监管: one statement per figure, counted by the database.

Each statement groups its rows by area (a district's code at the city level, a street's name at
the district and street levels) and by month, and returns one row per area with its counts and
its monthly cells. The policy arrives as `Scope`: the predicate of the rows of a type the caller
may read (hub/access/policy.py `visible`), spliced in on every variable. Every value is a
`$parameter`: `$today`, `$dueBy`, `$since` / `$until` (dates), `$sinceT` / `$untilT` (times),
`$district` and `$street` (the area asked for), and the caller's row-scope bindings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from neo4j import AsyncManagedTransaction

from hub.graph.driver import fetch_all
from hub.graph.trace_repo import DUE_WITHIN_DAYS

__all__ = ["DUE_WITHIN_DAYS", "Area", "Scope", "run"]

Scope = Callable[[str, str], str]  # (type, var) -> the caller's predicate over var ("false": none)

CITY, DISTRICT, STREET = "CITY", "DISTRICT", "STREET"


@dataclass(frozen=True)
class Area:
    """Where a statement looks and how it groups: `district` and `street` take the level's
    parameters; a place is a `(district, street)` pair of Cypher expressions."""

    level: str

    def key(self, district: str, street: str) -> str:
        return district if self.level == CITY else street

    def where(self, district: str, street: str) -> str:
        if self.level == CITY:
            return "true"
        if self.level == DISTRICT:
            return district + " = $district"
        return district + " = $district AND " + street + " = $street"


def _month(expr: str) -> str:
    return "substring(toString(" + expr + "), 0, 7)"


def _in_window_date(expr: str) -> str:
    return expr + " >= $since AND " + expr + " <= $until"


def _in_window_time(expr: str) -> str:
    return expr + " >= $sinceT AND " + expr + " < $untilT"


def cylinders(area: Area, scope: Scope) -> str:
    """Cylinders by effective status (the clock's today decides overdue and due), those with no
    known location, and per month those whose inspection fell due in the window. A cylinder is
    where it stands; one placed nowhere counts in its owner's district (and no street)."""
    status = (
        "CASE WHEN c.status IN ['SCRAPPED', 'SEIZED'] THEN c.status"
        " WHEN c.status = 'OVERDUE' OR c.nextInspection < $today THEN 'OVERDUE'"
        " WHEN c.status = 'DUE' OR c.nextInspection <= $dueBy THEN 'DUE'"
        " ELSE 'IN_SERVICE' END"
    )
    return (
        "MATCH (c:Cylinder) WHERE " + scope("Cylinder", "c")
        + " OPTIONAL MATCH (c)-[:LOCATED_AT]->(h:Household) WHERE " + scope("Household", "h")
        + " OPTIONAL MATCH (c)-[:OWNED_BY]->(o:Enterprise) WHERE " + scope("Enterprise", "o")
        + " WITH c, h, coalesce(h.district, o.district) AS d, h.street AS s"
        " WHERE " + area.where("d", "s")
        + " WITH " + area.key("d", "s") + " AS area, c, h, " + status + " AS st,"
        " CASE WHEN " + _in_window_date("c.nextInspection")
        + " AND NOT c.status IN ['SCRAPPED', 'SEIZED'] THEN " + _month("c.nextInspection")
        + " END AS month"
        " WITH area, month, count(c) AS total,"
        " count(CASE WHEN st = 'IN_SERVICE' THEN 1 END) AS inService,"
        " count(CASE WHEN st = 'DUE' THEN 1 END) AS due,"
        " count(CASE WHEN st = 'OVERDUE' THEN 1 END) AS overdue,"
        " count(CASE WHEN st = 'SCRAPPED' THEN 1 END) AS scrapped,"
        " count(CASE WHEN st = 'SEIZED' THEN 1 END) AS seized,"
        " count(CASE WHEN h IS NULL AND NOT st IN ['SCRAPPED', 'SEIZED'] THEN 1 END) AS unlocated"
        " RETURN area, sum(total) AS total, sum(inService) AS inService, sum(due) AS due,"
        " sum(overdue) AS overdue, sum(scrapped) AS scrapped, sum(seized) AS seized,"
        " sum(unlocated) AS unlocated,"
        " collect(CASE WHEN month IS NOT NULL THEN {month: month, count: total} END) AS months"
        " ORDER BY area"
    )  # fmt: skip


def households(area: Area, scope: Scope) -> str:
    """Households using gas (not closed), those registered under a real name (a readable person
    and not marked unregistered), and per month the households registered in the window."""
    return (
        "MATCH (h:Household) WHERE " + scope("Household", "h")
        + " AND coalesce(h.status, '') <> 'CLOSED' AND " + area.where("h.district", "h.street")
        + " WITH " + area.key("h.district", "h.street") + " AS area, h,"
        " coalesce(h.status, '') <> 'UNREGISTERED' AND EXISTS { MATCH (h)-[:REGISTERED_TO]->"
        "(p:Person) WHERE " + scope("Person", "p") + " } AS registered,"
        " CASE WHEN " + _in_window_date("h.registeredOn") + " THEN " + _month("h.registeredOn")
        + " END AS month"
        " WITH area, month, count(h) AS n, count(CASE WHEN registered THEN 1 END) AS reg"
        " RETURN area, sum(n) AS households, sum(reg) AS registered,"
        " collect(CASE WHEN month IS NOT NULL THEN {month: month, count: n} END) AS months"
        " ORDER BY area"
    )  # fmt: skip


def deliveries(area: Area, scope: Scope) -> str:
    """Deliveries in the window to the area's households, and those to households with no
    real-name registration (with how many such households), per month."""
    unregistered = (
        "(coalesce(h.status, '') = 'UNREGISTERED' OR NOT EXISTS { MATCH (h)-[:REGISTERED_TO]->"
        "(p:Person) WHERE " + scope("Person", "p") + " })"
    )
    return (
        "MATCH (e:Delivery)-[:TO]->(h:Household) WHERE " + scope("Delivery", "e")
        + " AND " + scope("Household", "h") + " AND " + _in_window_time("e.time")
        + " AND " + area.where("h.district", "h.street")
        + " WITH " + area.key("h.district", "h.street") + " AS area, " + _month("e.time")
        + " AS month, h, " + unregistered + " AS unreg"
        " WITH area, count(*) AS deliveries, count(CASE WHEN unreg THEN 1 END) AS toUnregistered,"
        " count(DISTINCT CASE WHEN unreg THEN h END) AS unregisteredHouseholds,"
        " collect({month: month, unreg: unreg}) AS rows"
        " UNWIND rows AS r"
        " WITH area, deliveries, toUnregistered, unregisteredHouseholds, r.month AS month,"
        " count(*) AS n, count(CASE WHEN r.unreg THEN 1 END) AS u"
        " RETURN area, deliveries, toUnregistered, unregisteredHouseholds,"
        " collect({month: month, count: n, toUnregistered: u}) AS months ORDER BY area"
    )  # fmt: skip


def fillings(area: Area, scope: Scope, due_at_filling: str) -> str:
    """Fillings in the window at the area's stations that the closed loop should have refused:
    of a cylinder overdue at the time, or at a station that does not own it. Stations have a
    district and no street, so a street has no fillings of its own."""
    return (
        "MATCH (c:Cylinder)<-[:OF]-(e:Filling)-[:AT]->(s:Enterprise) WHERE "
        + scope("Filling", "e") + " AND " + scope("Cylinder", "c") + " AND "
        + scope("Enterprise", "s") + " AND " + _in_window_time("e.time")
        + " AND " + area.where("s.district", "null")
        + " WITH " + area.key("s.district", "s.district") + " AS area, " + _month("e.time")
        + " AS month, e, c, s, " + due_at_filling + " AS due,"
        " EXISTS { MATCH (c)-[:OWNED_BY]->(o:Enterprise) WHERE o <> s AND "
        + scope("Enterprise", "o") + " } AS foreign"
        " WITH area, month, count(e) AS n,"
        " count(CASE WHEN date(e.time) > due THEN 1 END) AS whileOverdue,"
        " count(CASE WHEN foreign THEN 1 END) AS outsideOwner"
        " RETURN area, sum(n) AS fillings, sum(whileOverdue) AS whileOverdue,"
        " sum(outsideOwner) AS outsideOwner,"
        " collect({month: month, count: n, whileOverdue: whileOverdue,"
        " outsideOwner: outsideOwner}) AS months ORDER BY area"
    )  # fmt: skip


def incidents(area: Area, scope: Scope) -> str:
    """Incidents in the window by kind, severity and month: the database counts each cell. An
    incident's district is its own; its street is that of a household it involves, if any."""
    street = (
        "COLLECT { MATCH (i)-[:INVOLVES]->(h:Household) WHERE "
        + scope("Household", "h")
        + " RETURN h.street ORDER BY h.street LIMIT 1 }[0]"
    )
    return (
        "MATCH (i:Incident) WHERE " + scope("Incident", "i") + " AND " + _in_window_time("i.time")
        + " WITH i, " + (street if area.level != CITY else "null") + " AS s"
        " WHERE " + area.where("i.district", "s")
        + " WITH " + area.key("i.district", "s") + " AS area, i.kind AS kind,"
        " i.severity AS severity, " + _month("i.time") + " AS month, count(i) AS n"
        " RETURN area, collect({kind: kind, severity: severity, month: month, count: n}) AS cells"
        " ORDER BY area"
    )  # fmt: skip


def food(area: Area, scope: Scope) -> str:
    """Batches tested at entry in the window at the area's markets, those that failed, those
    traced to every destination (each enterprise a shipment reached recorded a sale or sent it
    on), and recalls (failed batches shipped on all the same), per month of the test."""
    traced = (
        "EXISTS { MATCH (p)<-[:OF]-(x:Shipment|Sale) WHERE " + scope("Shipment", "x") + " }"
        " AND NOT EXISTS { MATCH (p)<-[:OF]-(sh:Shipment)-[:TO]->(r:Enterprise) WHERE "
        + scope("Shipment", "sh")
        + " AND NOT EXISTS { MATCH (p)<-[:OF]-(y:Sale)-[:AT]->(r)"
        " WHERE " + scope("Sale", "y") + " } AND NOT EXISTS { MATCH (p)<-[:OF]-(z:Shipment)"
        "-[:FROM]->(r) WHERE " + scope("Shipment", "z") + " } }"
    )
    recalled = (
        "EXISTS { MATCH (p)<-[:OF]-(sh:Shipment)-[:FROM]->(m) WHERE "
        + scope("Shipment", "sh")
        + " AND sh.time > t.time }"
    )
    return (
        "MATCH (p:Product)<-[:OF]-(t:BatchTest)-[:AT]->(m:Enterprise) WHERE "
        + scope("BatchTest", "t") + " AND " + scope("Product", "p") + " AND "
        + scope("Enterprise", "m") + " AND " + _in_window_time("t.time")
        + " AND " + area.where("m.district", "null")
        + " WITH " + area.key("m.district", "m.district") + " AS area, " + _month("t.time")
        + " AS month, p, t, m, t.result = 'FAIL' AS failed"
        " WITH area, month, p, max(CASE WHEN failed THEN 1 ELSE 0 END) = 1 AS failed,"
        " max(CASE WHEN failed AND " + recalled + " THEN 1 ELSE 0 END) = 1 AS recalled"
        " WITH area, month, count(p) AS tested, count(CASE WHEN failed THEN 1 END) AS failed,"
        " count(CASE WHEN recalled THEN 1 END) AS recalls,"
        " count(CASE WHEN " + traced + " THEN 1 END) AS traced"
        " RETURN area, sum(tested) AS tested, sum(failed) AS failed, sum(traced) AS traced,"
        " sum(recalls) AS recalls,"
        " collect({month: month, count: tested, failed: failed}) AS months ORDER BY area"
    )  # fmt: skip


# The worst ten: a documented score per kind of enterprise (docs/supervision.md), over the window.
WORST_LIMIT = 10


def _enterprise_where(area: Area, scope: Scope) -> str:
    """The enterprises of an area: of its district; for a street, those whose customers live
    there (an enterprise has a district and no street)."""
    if area.level != STREET:
        return area.where("w.district", "null")
    return (
        "EXISTS { MATCH (w)<-[:CUSTOMER_OF]-(hh:Household) WHERE hh.district = $district"
        " AND hh.street = $street AND " + scope("Household", "hh") + " }"
    )


def _worst(match: str, score: str, parts: str) -> str:
    return (
        match + " WITH w, " + parts + " WITH w, parts, " + score + " AS score WHERE score > 0"
        " RETURN 'Enterprise:' + w.uscc AS id, w.uscc AS uscc, w.name AS name,"
        " w.district AS district, score, parts ORDER BY score DESC, uscc LIMIT $worstLimit"
    )


def worst_stations(area: Area, scope: Scope, due_at_filling: str) -> str:
    """Filling stations: 3 per filling of an overdue cylinder, 3 per filling of a cylinder it
    does not own (both in the window), 1 per cylinder it owns that is overdue today."""
    return _worst(
        "MATCH (w:Enterprise {kind: 'FILLING_STATION'}) WHERE " + scope("Enterprise", "w")
        + " AND " + _enterprise_where(area, scope),
        "3 * parts.whileOverdue + 3 * parts.outsideOwner + parts.overdueOwned",
        "{whileOverdue: COUNT { MATCH (c:Cylinder)<-[:OF]-(e:Filling)-[:AT]->(w) WHERE "
        + scope("Filling", "e") + " AND " + scope("Cylinder", "c") + " AND "
        + _in_window_time("e.time") + " AND date(e.time) > "
        + due_at_filling + " },"
        " outsideOwner: COUNT { MATCH (o:Enterprise)<-[:OWNED_BY]-(c:Cylinder)<-[:OF]-"
        "(e:Filling)-[:AT]->(w) WHERE o <> w AND " + scope("Filling", "e") + " AND "
        + scope("Cylinder", "c") + " AND " + _in_window_time("e.time") + " },"
        " overdueOwned: COUNT { MATCH (c:Cylinder)-[:OWNED_BY]->(w) WHERE "
        + scope("Cylinder", "c") + " AND NOT c.status IN ['SCRAPPED', 'SEIZED'] AND"
        " (c.status = 'OVERDUE' OR c.nextInspection < $today) } } AS parts",
    )  # fmt: skip


def worst_distributors(area: Area, scope: Scope) -> str:
    """Whoever delivers cylinders: 3 per delivery to a household with no real-name
    registration, 3 per delivery by a vehicle without a valid dangerous-goods permit."""
    return _worst(
        "MATCH (w:Enterprise) WHERE " + scope("Enterprise", "w")
        + " AND " + _enterprise_where(area, scope)
        + " AND EXISTS { (w)<-[:FROM]-(:Delivery) }",
        "3 * parts.toUnregistered + 3 * parts.withoutPermit",
        "{toUnregistered: COUNT { MATCH (w)<-[:FROM]-(d:Delivery)-[:TO]->(h:Household) WHERE "
        + scope("Delivery", "d") + " AND " + scope("Household", "h") + " AND "
        + _in_window_time("d.time") + " AND (coalesce(h.status, '') = 'UNREGISTERED'"
        " OR NOT EXISTS { (h)-[:REGISTERED_TO]->(:Person) }) },"
        " withoutPermit: COUNT { MATCH (w)<-[:FROM]-(d:Delivery)-[:VIA]->(v:Vehicle) WHERE "
        + scope("Delivery", "d") + " AND " + scope("Vehicle", "v") + " AND "
        + _in_window_time("d.time")
        + " AND (v.permitExpiry IS NULL OR v.permitExpiry < date(d.time)) } } AS parts",
    )  # fmt: skip


def worst_markets(area: Area, scope: Scope) -> str:
    """Markets that test at entry: 1 per failed test, 3 per failed batch shipped on after it."""
    return _worst(
        "MATCH (w:Enterprise) WHERE " + scope("Enterprise", "w")
        + " AND " + _enterprise_where(area, scope)
        + " AND w.kind IN ['WHOLESALE_MARKET', 'FARMERS_MARKET', 'SUPERMARKET']",
        "parts.failedTests + 3 * parts.shippedAfterFail",
        "{failedTests: COUNT { MATCH (w)<-[:AT]-(t:BatchTest {result: 'FAIL'}) WHERE "
        + scope("BatchTest", "t") + " AND " + _in_window_time("t.time") + " },"
        " shippedAfterFail: COUNT { MATCH (w)<-[:AT]-(t:BatchTest {result: 'FAIL'})-[:OF]->"
        "(p:Product)<-[:OF]-(s:Shipment)-[:FROM]->(w) WHERE " + scope("BatchTest", "t")
        + " AND " + scope("Product", "p") + " AND " + scope("Shipment", "s") + " AND "
        + _in_window_time("t.time") + " AND s.time > t.time } } AS parts",
    )  # fmt: skip


async def run(
    tx: AsyncManagedTransaction, statement: str, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """One figure's statement (built above from fixed fragments and the policy's predicates)."""
    return await fetch_all(tx, statement, **params)
