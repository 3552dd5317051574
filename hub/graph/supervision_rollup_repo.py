"""The supervision rollup 监管汇总: the heavy figures counted once per refresh, not per request.

The figures that count every cylinder, household, delivery, filling and tested batch of the
city (hub/graph/supervision_repo.py's statements for them cost 69 million db hits on the city
graph) are counted by the statements below into cells: one `(:SupervisionCell {gen, figure,
district})` per district and figure, whose parallel list properties hold the counts at the
finest grain a question can ask for (the street, the day, the stored status, the breach
stamps), so that any level, any area and any window, and the hub clock's "today" for the
date-dependent statuses, are answered from them exactly as the live statements answer over the
graph as of the refresh (hub/resolvers/supervision_cells.py folds them).

A refresh writes a new generation beside the current one, then switches
`(:SupervisionRollup {name})` to it (the generation before stays until the next switch, for the
requests reading it meanwhile). The rollup records when it was counted (`asOf`) and the graph's
fingerprint then (`FINGERPRINT`): what a refresh compares to skip when nothing changed.
Every value is a `$parameter`; labels and relationship types are the fixed ones below.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from hub.graph.driver import fetch_all

ROLLUP = "figures"  # the name of the one rollup node
NEVER = date(9999, 12, 31)  # a missing day in a cell: after any today, in no window
EPOCH = date(1970, 1, 1)  # a cell's days are counted from it
# The cells' layout: part of the fingerprint, so that a hub counting them otherwise counts again.
LAYOUT = "cells-4"
FUZHOU_OFFSET = "+08:00"  # an event's day is its day in Fuzhou

# The Fuzhou day of an event's time (times carry +08:00; one that does not is converted), and
# a day as a number (days since 1970-01-01, `$epoch`), which the cells store.
_DAY: LiteralString = "date(datetime({datetime: e.time, timezone: $tz}))"


def _days(expr: LiteralString) -> LiteralString:
    return "duration.inDays($epoch, " + expr + ").days"


# A cell's groups' entries, one group after another: `gSize` (how many each has), and each of
# `lists` (`day`, `n`, ...) flattened in that order.
def _flat(groups: LiteralString, *lists: LiteralString) -> LiteralString:
    out = "gSize: [x IN " + groups + " | size(x.day)]"
    for name in lists:
        out += ", " + name + ": reduce(a = [], g IN " + groups + " | a + g." + name + ")"
    return out


BUILD: dict[str, LiteralString] = {
    # Each cylinder where it stands (a household's district and street), or, placed nowhere,
    # in its owner's district and no street; grouped by street, stored status (SCRAPPED,
    # SEIZED, OVERDUE, DUE kept, any other as ''), and placed nowhere or not; counted per day
    # of its next inspection.
    "cylinders": (
        "MATCH (c:Cylinder) OPTIONAL MATCH (c)-[:LOCATED_AT]->(h:Household)"
        " WITH c, h, CASE WHEN h IS NULL THEN COLLECT { MATCH (c)-[:OWNED_BY]->(o:Enterprise)"
        " RETURN o.district }[0] ELSE h.district END AS d"
        " WITH coalesce(d, '') AS d, coalesce(h.street, '') AS s,"
        " CASE WHEN c.status IN ['SCRAPPED', 'SEIZED', 'OVERDUE', 'DUE'] THEN c.status"
        " ELSE '' END AS st, h IS NULL AS nowhere,"
        " " + _days("coalesce(c.nextInspection, $never)") + " AS day, count(*) AS n"
        " WITH d, s, st, nowhere, collect(day) AS day, collect(n) AS n"
        " WITH d, collect({s: s, st: st, nowhere: nowhere, day: day, n: n}) AS g"
        " CREATE (:SupervisionCell {gen: $gen, figure: 'cylinders', district: d,"
        " gStreet: [x IN g | x.s], gStatus: [x IN g | x.st], gNowhere: [x IN g | x.nowhere], "
        + _flat("g", "day", "n")
        + "})"
        " RETURN count(*) AS cells"
    ),
    # Households not closed, by street and registered under a real name or not, counted per
    # day they registered.
    "households": (
        "MATCH (h:Household) WHERE coalesce(h.status, '') <> 'CLOSED'"
        " WITH coalesce(h.district, '') AS d, coalesce(h.street, '') AS s,"
        " coalesce(h.status, '') <> 'UNREGISTERED' AND (EXISTS { (h)-[:REGISTERED_TO]->(:Person) }"
        " OR EXISTS { (h)-[:REGISTERED_TO]->(:PersonClaim) }) AS reg,"
        " " + _days("coalesce(h.registeredOn, $never)") + " AS day, count(*) AS n"
        " WITH d, s, reg, collect(day) AS day, collect(n) AS n"
        " WITH d, collect({s: s, reg: reg, day: day, n: n}) AS g"
        " CREATE (:SupervisionCell {gen: $gen, figure: 'households', district: d,"
        " gStreet: [x IN g | x.s], gRegistered: [x IN g | x.reg], " + _flat("g", "day", "n") + "})"
        " RETURN count(*) AS cells"
    ),
    # Deliveries by their household's street, stamped toUnregistered or not, counted per day.
    "deliveries": (
        "MATCH (e:Delivery)-[:TO]->(h:Household) WHERE e.time IS NOT NULL"
        " WITH coalesce(h.district, '') AS d, coalesce(h.street, '') AS s,"
        " e.toUnregistered IS NOT NULL AS unreg, " + _days(_DAY) + " AS day, count(*) AS n"
        " WITH d, s, unreg, collect(day) AS day, collect(n) AS n"
        " WITH d, collect({s: s, unreg: unreg, day: day, n: n}) AS g"
        " CREATE (:SupervisionCell {gen: $gen, figure: 'deliveries', district: d,"
        " gStreet: [x IN g | x.s], gUnregistered: [x IN g | x.unreg], "
        + _flat("g", "day", "n")
        + "}) RETURN count(*) AS cells"
    ),
    # Each household a stamped delivery reached, and the days: how many distinct ones a
    # window holds (few: the closed loop's breaches).
    "unregistered": (
        "MATCH (e:Delivery)-[:TO]->(h:Household) WHERE e.toUnregistered IS NOT NULL"
        " AND e.time IS NOT NULL"
        " WITH DISTINCT coalesce(h.district, '') AS d, coalesce(h.street, '') AS s,"
        " elementId(h) AS home, " + _days(_DAY) + " AS day"
        " WITH d, collect(s) AS street, collect(home) AS home, collect(day) AS day"
        " CREATE (:SupervisionCell {gen: $gen, figure: 'unregistered', district: d,"
        " street: street, home: home, day: day})"
        " RETURN count(*) AS cells"
    ),
    # Fillings by their station's district, grouped by the district their cylinder belongs to
    # (where it stands, or, placed nowhere, its owner's; '' for none): a district-bound caller
    # counts only the fillings of its own district's cylinders; counted per day, with the
    # stamps.
    "fillings": (
        "MATCH (e:Filling)-[:AT]->(s:Enterprise) WHERE e.time IS NOT NULL"
        " OPTIONAL MATCH (e)-[:OF]->(c:Cylinder)"
        " WITH e, s, CASE WHEN c IS NULL THEN '' WHEN EXISTS { (c)-[:LOCATED_AT]->() } THEN"
        " coalesce(COLLECT { MATCH (c)-[:LOCATED_AT]->(h:Household) RETURN h.district }[0], '')"
        " ELSE coalesce(COLLECT { MATCH (c)-[:OWNED_BY]->(o:Enterprise) RETURN o.district }[0],"
        " '') END AS cd"
        " WITH coalesce(s.district, '') AS d, cd, " + _days(_DAY) + " AS day, count(e) AS n,"
        " count(e.whileOverdue) AS wo, count(e.outsideOwner) AS oo"
        " WITH d, cd, collect(day) AS day, collect(n) AS n, collect(wo) AS wo,"
        " collect(oo) AS oo"
        " WITH d, collect({cd: cd, day: day, n: n, wo: wo, oo: oo}) AS g"
        " CREATE (:SupervisionCell {gen: $gen, figure: 'fillings', district: d,"
        " gCylinder: [x IN g | x.cd], " + _flat("g", "day", "n") + ","
        " whileOverdue: reduce(a = [], x IN g | a + x.wo),"
        " outsideOwner: reduce(a = [], x IN g | a + x.oo)})"
        " RETURN count(*) AS cells"
    ),
    # Batches tested at market entry, by the market's district and the month of the test. A
    # batch tested once there that month (every batch of the seed) is counted per day in the
    # group of its verdicts: failed, recalled (that market shipped it on after the test),
    # traced (each enterprise a shipment reached sold it or sent it on). One tested more than
    # once is kept test by test (`m...` lists), since a window may take some of its tests only.
    "food": (
        "MATCH (p:Product)<-[:OF]-(t:BatchTest)-[:AT]->(m:Enterprise) WHERE t.time IS NOT NULL"
        " WITH p, t, m, coalesce(t.result = 'FAIL', false) AS failed,"
        " date(datetime({datetime: t.time, timezone: $tz})) AS day"
        " WITH p, coalesce(m.district, '') AS d, substring(toString(day), 0, 7) AS month,"
        " collect({day: " + _days("day") + ", failed: failed, recalled: failed AND EXISTS {"
        " MATCH (p)<-[:OF]-(sh:Shipment)-[:FROM]->(m) WHERE sh.time > t.time }}) AS tests"
        " WITH p, collect({d: d, tests: tests}) AS places"
        " WITH p, places, COLLECT { MATCH (p)<-[:OF]-(x:Shipment|Sale)"
        " OPTIONAL MATCH (x)-[:TO]->(r:Enterprise) WHERE x:Shipment"
        " OPTIONAL MATCH (x)-[:AT|FROM]->(dn:Enterprise) RETURN {to: r, done: dn} } AS moves"
        " WITH p, places, [x IN moves WHERE x.to IS NOT NULL | x.to] AS dests,"
        " [x IN moves WHERE x.done IS NOT NULL | x.done] AS done, size(moves) AS nMoves"
        " WITH p, places, nMoves > 0 AND all(r IN dests WHERE r IN done) AS traced"
        " UNWIND places AS place"
        " WITH p, place.d AS d, traced, place.tests AS tests"
        " WITH d, collect(CASE WHEN size(tests) = 1 THEN {failed: tests[0].failed,"
        " recalled: tests[0].recalled, traced: traced, day: tests[0].day} END) AS once,"
        " collect(CASE WHEN size(tests) > 1 THEN {batch: elementId(p), traced: traced,"
        " tests: tests} END) AS again"
        " CALL (once) { UNWIND once AS x"
        " WITH x.failed AS failed, x.recalled AS recalled, x.traced AS traced, x.day AS day,"
        " count(*) AS n WITH failed, recalled, traced, collect(day) AS day, collect(n) AS n"
        " RETURN collect({failed: failed, recalled: recalled, traced: traced, day: day, n: n})"
        " AS g }"
        " CALL (again) { UNWIND again AS b UNWIND b.tests AS x"
        " RETURN collect(b.batch) AS mBatch, collect(b.traced) AS mTraced,"
        " collect(x.day) AS mDay, collect(x.failed) AS mFailed, collect(x.recalled) AS mRecalled }"
        " CREATE (:SupervisionCell {gen: $gen, figure: 'food', district: d,"
        " gFailed: [x IN g | x.failed], gRecalled: [x IN g | x.recalled],"
        " gTraced: [x IN g | x.traced], " + _flat("g", "day", "n") + ","
        " mBatch: mBatch, mTraced: mTraced, mDay: mDay, mFailed: mFailed, mRecalled: mRecalled})"
        " RETURN count(*) AS cells"
    ),
}

# What a refresh compares: the count store's counts of the labels and relationship types the
# cells count (every create and delete moves one), and the latest `updatedAt` of each label
# (every update through the hub, its ingest and its linkage scan, sets it; an index answers).
COUNTED_LABELS = (
    "Cylinder", "Household", "Person", "PersonClaim", "Enterprise", "Delivery", "Filling",
    "BatchTest", "Product", "Shipment", "Sale",
)  # fmt: skip
COUNTED_RELS = ("LOCATED_AT", "OWNED_BY", "REGISTERED_TO", "TO", "AT", "OF", "FROM")
UPDATED_LABELS = (
    "Cylinder", "Household", "Enterprise", "Delivery", "Filling", "BatchTest", "Product",
    "Shipment", "Sale",
)  # fmt: skip


def _fingerprint_statement() -> LiteralString:
    parts: list[str] = []
    for label in COUNTED_LABELS:
        parts.append("CALL () { MATCH (n:" + label + ") RETURN count(n) AS n" + label + " }")
    for rel in COUNTED_RELS:
        parts.append("CALL () { MATCH ()-[r:" + rel + "]->() RETURN count(r) AS r" + rel + " }")
    for label in UPDATED_LABELS:
        parts.append(
            "CALL () { OPTIONAL MATCH (n:" + label + ") WHERE n.updatedAt IS NOT NULL"
            " WITH n.updatedAt AS at ORDER BY at DESC LIMIT 1 RETURN toString(at) AS u"
            + label
            + " }"
        )
    names = (
        ["n" + x for x in COUNTED_LABELS]
        + ["r" + x for x in COUNTED_RELS]
        + ["u" + x for x in UPDATED_LABELS]
    )
    text = " ".join(parts) + " RETURN [" + ", ".join("toString(" + n + ")" for n in names) + "]"
    return text + " AS parts"  # fixed labels only


FINGERPRINT: LiteralString = _fingerprint_statement()


async def fingerprint(tx: AsyncManagedTransaction) -> str:
    """The graph's state as far as the cells count it, as one comparable string."""
    record = await (await tx.run(FINGERPRINT)).single()
    return "|".join([LAYOUT, *(str(p) for p in record["parts"])]) if record else ""


async def build(tx: AsyncManagedTransaction, figure: str, gen: str) -> int:
    """Count one figure's cells of generation `gen`; returns how many cells (districts)."""
    result = await tx.run(BUILD[figure], gen=gen, never=NEVER, tz=FUZHOU_OFFSET, epoch=EPOCH)
    record = await result.single()
    return int(record["cells"]) if record else 0


async def switch(
    tx: AsyncManagedTransaction, gen: str, as_of: datetime, print_: str, seconds: float
) -> None:
    """Make `gen` the rollup's current generation; drop every generation but it and the one
    before."""
    await (
        await tx.run(
            "MERGE (r:SupervisionRollup {name: $name})"
            " SET r.previous = r.gen, r.gen = $gen, r.asOf = $asOf, r.fingerprint = $print,"
            " r.seconds = $seconds"
            " WITH r MATCH (c:SupervisionCell) WHERE NOT c.gen IN [r.gen, r.previous]"
            " DELETE c",
            name=ROLLUP, gen=gen, asOf=as_of, print=print_, seconds=seconds,
        )
    ).consume()  # fmt: skip


async def drop_generation(tx: AsyncManagedTransaction, gen: str) -> None:
    """The cells of a generation that was never switched to (a refresh that failed)."""
    await (await tx.run("MATCH (c:SupervisionCell {gen: $gen}) DELETE c", gen=gen)).consume()


async def current(tx: AsyncManagedTransaction) -> dict[str, Any] | None:
    """The rollup's current generation, when it was counted and its fingerprint; None when
    the graph has never been rolled up."""
    rows = await fetch_all(
        tx,
        "MATCH (r:SupervisionRollup {name: $name}) WHERE r.gen IS NOT NULL"
        " RETURN r.gen AS gen, r.asOf AS asOf, r.fingerprint AS fingerprint",
        name=ROLLUP,
    )
    return rows[0] if rows else None


async def cells(
    tx: AsyncManagedTransaction, gen: str, figures: tuple[str, ...], district: str | None
) -> list[dict[str, Any]]:
    """The cells of `figures` of generation `gen`: every district's, or one district's."""
    return await fetch_all(
        tx,
        "MATCH (c:SupervisionCell {gen: $gen}) WHERE c.figure IN $figures"
        " AND ($district IS NULL OR c.district = $district) RETURN c {.*} AS cell",
        gen=gen, figures=list(figures), district=district,
    )  # fmt: skip
