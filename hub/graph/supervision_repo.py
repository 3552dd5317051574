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
        + " WITH c, h, CASE WHEN h IS NULL THEN COLLECT { MATCH (c)-[:OWNED_BY]->(o:Enterprise)"
        " WHERE " + scope("Enterprise", "o") + " RETURN o.district }[0] ELSE h.district END AS d,"
        " h.street AS s"
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
    or a station's pending claim on one, and not marked unregistered), and per month the
    households registered in the window."""
    return (
        "MATCH (h:Household) WHERE " + scope("Household", "h")
        + " AND coalesce(h.status, '') <> 'CLOSED' AND " + area.where("h.district", "h.street")
        + " WITH " + area.key("h.district", "h.street") + " AS area, h,"
        " coalesce(h.status, '') <> 'UNREGISTERED' AND (EXISTS { MATCH (h)-[:REGISTERED_TO]->"
        "(p:Person) WHERE " + scope("Person", "p") + " }"
        # a station's pending claim on a person is its household's real-name registration
        " OR EXISTS { (h)-[:REGISTERED_TO]->(:PersonClaim) }) AS registered,"
        " CASE WHEN " + _in_window_date("h.registeredOn") + " THEN " + _month("h.registeredOn")
        + " END AS month"
        " WITH area, month, count(h) AS n, count(CASE WHEN registered THEN 1 END) AS reg"
        " RETURN area, sum(n) AS households, sum(reg) AS registered,"
        " collect(CASE WHEN month IS NOT NULL THEN {month: month, count: n} END) AS months"
        " ORDER BY area"
    )  # fmt: skip


def deliveries(area: Area, scope: Scope) -> str:
    """Deliveries in the window to the area's households, and those made to a household with no
    real-name registration at the time (the delivery's `toUnregistered` stamp), with how many
    such households, per month."""
    return (
        "MATCH (e:Delivery)-[:TO]->(h:Household) WHERE " + scope("Delivery", "e")
        + " AND " + scope("Household", "h") + " AND " + _in_window_time("e.time")
        + " AND " + area.where("h.district", "h.street")
        + " WITH " + area.key("h.district", "h.street") + " AS area, " + _month("e.time")
        + " AS month, h, e.toUnregistered IS NOT NULL AS unreg"
        " WITH area, count(*) AS deliveries, count(CASE WHEN unreg THEN 1 END) AS toUnregistered,"
        " count(DISTINCT CASE WHEN unreg THEN h END) AS unregisteredHouseholds,"
        " collect({month: month, unreg: unreg}) AS rows"
        " UNWIND rows AS r"
        " WITH area, deliveries, toUnregistered, unregisteredHouseholds, r.month AS month,"
        " count(*) AS n, count(CASE WHEN r.unreg THEN 1 END) AS u"
        " RETURN area, deliveries, toUnregistered, unregisteredHouseholds,"
        " collect({month: month, count: n, toUnregistered: u}) AS months ORDER BY area"
    )  # fmt: skip


def _cylinder_of(event: str, scope: Scope) -> str:
    """That the event's cylinder is one the caller reads (no walk to it where every one is)."""
    rule = scope("Cylinder", "c")
    if rule == "(true)":
        return "true"
    return "EXISTS { MATCH (" + event + ")-[:OF]->(c:Cylinder) WHERE " + rule + " }"


def fillings(area: Area, scope: Scope) -> str:
    """Fillings in the window at the area's stations, and those the closed loop would have
    refused: of a cylinder overdue at the time, or at a station that does not own it (the
    filling's `whileOverdue` and `outsideOwner` stamps). Stations have a district and no street,
    so a street has no fillings of its own."""
    return (
        "MATCH (e:Filling)-[:AT]->(s:Enterprise) WHERE "
        + scope("Filling", "e") + " AND " + _cylinder_of("e", scope) + " AND "
        + scope("Enterprise", "s") + " AND " + _in_window_time("e.time")
        + " AND " + area.where("s.district", "null")
        + " WITH " + area.key("s.district", "null") + " AS area, " + _month("e.time")
        + " AS month, e"
        " WITH area, month, count(e) AS n,"
        " count(e.whileOverdue) AS whileOverdue, count(e.outsideOwner) AS outsideOwner"
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


def alerts(area: Area, scope: Scope) -> str:
    """Alerts 预警 raised in the window by each linkage rule (the closed loop's refusals among
    them), per month: those routed to the caller's department. An alert has a district and no
    street, so a street has none of its own."""
    return (
        "MATCH (a:Alert) WHERE " + scope("Alert", "a") + " AND " + _in_window_time("a.time")
        + " AND " + area.where("a.district", "null")
        + " WITH " + area.key("a.district", "null") + " AS area, a.rule AS key, "
        + _month("a.time") + " AS month, count(a) AS n"
        " RETURN area, collect({key: key, month: month, count: n}) AS cells ORDER BY area"
    )  # fmt: skip


def tips(area: Area, scope: Scope) -> str:
    """Whistleblower tips 举报 received in the window (`receivedOn`, a day: a tip keeps no hour) by
    category, per month, where what they concern is: an enterprise's district (no street), a
    household's district and street. A tip about several places counts once in each area."""
    return (
        "MATCH (t:Tip)-[:CONCERNS]->(x) WHERE " + scope("Tip", "t") + " AND "
        + _in_window_date("t.receivedOn") + " AND (x:Enterprise AND " + scope("Enterprise", "x")
        + " OR x:Household AND " + scope("Household", "x") + ")"
        " WITH t, x.district AS d, CASE WHEN x:Household THEN x.street END AS s"
        " WHERE " + area.where("d", "s")
        + " WITH " + area.key("d", "s") + " AS area, t.category AS key, "
        + _month("t.receivedOn") + " AS month, count(DISTINCT t) AS n"
        " RETURN area, collect({key: key, month: month, count: n}) AS cells ORDER BY area"
    )  # fmt: skip


def food(area: Area, scope: Scope) -> str:
    """Batches tested at entry in the window at the area's markets, those that failed, those
    traced to every destination (each enterprise a shipment reached recorded a sale or sent it
    on), and recalls (failed batches shipped on all the same), per month of the test. A batch's
    shipments and sales are read once: its destinations against the enterprises that sold it or
    sent it on."""
    traced = (
        "COLLECT { MATCH (p)<-[:OF]-(x:Shipment|Sale) WHERE (x:Shipment AND "
        + scope("Shipment", "x")
        + " OR x:Sale AND "
        + scope("Sale", "x")
        + ")"
        + " OPTIONAL MATCH (x)-[:TO]->(r:Enterprise) WHERE x:Shipment"
        " OPTIONAL MATCH (x)-[:AT|FROM]->(d:Enterprise)"
        " RETURN {to: r, done: d} }"
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
        + " WITH " + area.key("m.district", "null") + " AS area, " + _month("t.time")
        + " AS month, p, t, m, t.result = 'FAIL' AS failed"
        " WITH area, month, p, max(CASE WHEN failed THEN 1 ELSE 0 END) = 1 AS failed,"
        " max(CASE WHEN failed THEN CASE WHEN " + recalled + " THEN 1 ELSE 0 END"
        " ELSE 0 END) = 1 AS recalled"
        " WITH area, month, p, failed, recalled, " + traced + " AS moves"
        " WITH area, month, p, failed, recalled,"
        " [x IN moves WHERE x.to IS NOT NULL | x.to] AS dests,"
        " [x IN moves WHERE x.done IS NOT NULL | x.done] AS done, size(moves) AS nMoves"
        " WITH area, month, count(p) AS tested, count(CASE WHEN failed THEN 1 END) AS failed,"
        " count(CASE WHEN recalled THEN 1 END) AS recalls,"
        " count(CASE WHEN nMoves > 0 AND all(r IN dests WHERE r IN done) THEN 1 END) AS traced"
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


def _worst(
    rows: str, area: Area, scope: Scope, kinds: str, score: str, parts: tuple[str, ...]
) -> str:
    """The ten highest scores of the area's enterprises of `kinds`: `rows` yields one row per
    scored event (w, part), each part counted per enterprise (an enterprise with none is not
    listed). A street's enterprises are asked for once per enterprise scored, after the count
    (asked per scored event, the walk to the customers outran the deadline on the city
    graph)."""
    counts = ", ".join(p + ": count(CASE WHEN part = '" + p + "' THEN 1 END)" for p in parts)
    street = area.level == STREET
    return (
        "CALL () { " + rows + " }"
        " WITH w, part WHERE "
        + ("w.kind IN " + kinds if kinds else "true")
        + " AND " + scope("Enterprise", "w")
        + ("" if street else " AND " + _enterprise_where(area, scope))
        + " WITH w, {" + counts + "} AS parts"
        " WITH w, parts, " + score + " AS score WHERE score > 0"
        + (" AND " + _enterprise_where(area, scope) if street else "")
        + " RETURN 'Enterprise:' + w.uscc AS id, w.uscc AS uscc, w.name AS name,"
        " w.district AS district, score, parts ORDER BY score DESC, uscc LIMIT $worstLimit"
    )  # fmt: skip


def _stamped_fillings(stamp: str, scope: Scope) -> str:
    return (
        "MATCH (c:Cylinder)<-[:OF]-(e:Filling)-[:AT]->(w:Enterprise) WHERE e." + stamp + " = true"
        " AND "
        + _in_window_time("e.time")
        + " AND "
        + scope("Filling", "e")
        + " AND "
        + scope("Cylinder", "c")
        + " RETURN w, '"
        + stamp
        + "' AS part"
    )


def worst_stations(area: Area, scope: Scope) -> str:
    """Filling stations: 3 per filling of an overdue cylinder, 3 per filling of a cylinder it
    does not own (both in the window, by the fillings' stamps), 1 per cylinder it owns that is
    overdue today (the indexes on status and nextInspection find those)."""
    overdue_owned = (
        "MATCH (c:Cylinder)-[:OWNED_BY]->(w:Enterprise) WHERE c.nextInspection < $today"
        " AND NOT c.status IN ['SCRAPPED', 'SEIZED'] AND "
        + scope("Cylinder", "c")
        + " RETURN w, 'overdueOwned' AS part"
        " UNION ALL MATCH (c:Cylinder {status: 'OVERDUE'})-[:OWNED_BY]->(w:Enterprise) WHERE"
        " NOT coalesce(c.nextInspection < $today, false) AND "
        + scope("Cylinder", "c")
        + " RETURN w, 'overdueOwned' AS part"
    )
    return _worst(
        _stamped_fillings("whileOverdue", scope) + " UNION ALL "
        + _stamped_fillings("outsideOwner", scope) + " UNION ALL " + overdue_owned,
        area, scope, "['FILLING_STATION']",
        "3 * parts.whileOverdue + 3 * parts.outsideOwner + parts.overdueOwned",
        ("whileOverdue", "outsideOwner", "overdueOwned"),
    )  # fmt: skip


def worst_distributors(area: Area, scope: Scope) -> str:
    """Whoever delivers cylinders: 3 per delivery to a household with no real-name
    registration, 3 per delivery by a vehicle without a valid dangerous-goods permit (in the
    window, by the deliveries' stamps)."""

    def stamped(stamp: str, via: str) -> str:
        return (
            "MATCH (w:Enterprise)<-[:FROM]-(d:Delivery)" + via + " WHERE d." + stamp + " = true"
            " AND "
            + _in_window_time("d.time")
            + " AND "
            + scope("Delivery", "d")
            + " AND "
            + (scope("Household", "x") if "Household" in via else scope("Vehicle", "x"))
            + " RETURN w, '"
            + stamp
            + "' AS part"
        )

    return _worst(
        stamped("toUnregistered", "-[:TO]->(x:Household)") + " UNION ALL "
        + stamped("withoutPermit", "-[:VIA]->(x:Vehicle)"),
        area, scope, "",
        "3 * parts.toUnregistered + 3 * parts.withoutPermit",
        ("toUnregistered", "withoutPermit"),
    )  # fmt: skip


def worst_markets(area: Area, scope: Scope) -> str:
    """Markets that test at entry: 1 per failed test, 3 per failed batch shipped on after it."""
    failed = (
        "MATCH (t:BatchTest)-[:AT]->(w:Enterprise) WHERE "
        + _in_window_time("t.time")
        + " AND t.result = 'FAIL' AND "
        + scope("BatchTest", "t")
    )
    return _worst(
        failed + " RETURN w, 'failedTests' AS part UNION ALL " + failed
        + " MATCH (t)-[:OF]->(p:Product)<-[:OF]-(s:Shipment)-[:FROM]->(w) WHERE "
        + scope("Product", "p") + " AND " + scope("Shipment", "s") + " AND s.time > t.time"
        " RETURN w, 'shippedAfterFail' AS part",
        area, scope, "['WHOLESALE_MARKET', 'FARMERS_MARKET', 'SUPERMARKET']",
        "parts.failedTests + 3 * parts.shippedAfterFail",
        ("failedTests", "shippedAfterFail"),
    )  # fmt: skip


async def run(
    tx: AsyncManagedTransaction, statement: str, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """One figure's statement (built above from fixed fragments and the policy's predicates)."""
    return await fetch_all(tx, statement, **params)
