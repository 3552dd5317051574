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
FUZHOU_OFFSET = "+08:00"  # an event's day is its day in Fuzhou

# The Fuzhou day of an event's time (times carry +08:00; one that does not is converted).
_DAY: LiteralString = "date(datetime({datetime: e.time, timezone: $tz}))"

BUILD: dict[str, LiteralString] = {
    # Each cylinder where it stands (a household's district and street), or, placed nowhere,
    # in its owner's district and no street; by stored status (SCRAPPED, SEIZED, OVERDUE, DUE
    # kept, any other as ''), placed nowhere or not, and the day of its next inspection.
    "cylinders": (
        "MATCH (c:Cylinder) OPTIONAL MATCH (c)-[:LOCATED_AT]->(h:Household)"
        " WITH c, h, CASE WHEN h IS NULL THEN COLLECT { MATCH (c)-[:OWNED_BY]->(o:Enterprise)"
        " RETURN o.district }[0] ELSE h.district END AS d"
        " WITH coalesce(d, '') AS d, coalesce(h.street, '') AS s,"
        " CASE WHEN c.status IN ['SCRAPPED', 'SEIZED', 'OVERDUE', 'DUE'] THEN c.status"
        " ELSE '' END AS st, h IS NULL AS nowhere, coalesce(c.nextInspection, $never) AS day,"
        " count(*) AS n"
        " WITH d, collect(s) AS street, collect(st) AS status, collect(nowhere) AS nowhere,"
        " collect(day) AS day, collect(n) AS n"
        " CREATE (:SupervisionCell {gen: $gen, figure: 'cylinders', district: d,"
        " street: street, status: status, nowhere: nowhere, day: day, n: n})"
        " RETURN count(*) AS cells"
    ),
    # Households not closed, registered under a real name or not, by the day they registered.
    "households": (
        "MATCH (h:Household) WHERE coalesce(h.status, '') <> 'CLOSED'"
        " WITH coalesce(h.district, '') AS d, coalesce(h.street, '') AS s,"
        " coalesce(h.status, '') <> 'UNREGISTERED' AND (EXISTS { (h)-[:REGISTERED_TO]->(:Person) }"
        " OR EXISTS { (h)-[:REGISTERED_TO]->(:PersonClaim) }) AS reg,"
        " coalesce(h.registeredOn, $never) AS day, count(*) AS n"
        " WITH d, collect(s) AS street, collect(reg) AS registered, collect(day) AS day,"
        " collect(n) AS n"
        " CREATE (:SupervisionCell {gen: $gen, figure: 'households', district: d,"
        " street: street, registered: registered, day: day, n: n})"
        " RETURN count(*) AS cells"
    ),
    # Deliveries by their household's street and their day, stamped toUnregistered or not.
    "deliveries": (
        "MATCH (e:Delivery)-[:TO]->(h:Household) WHERE e.time IS NOT NULL"
        " WITH coalesce(h.district, '') AS d, coalesce(h.street, '') AS s, " + _DAY + " AS day,"
        " e.toUnregistered IS NOT NULL AS unreg, count(*) AS n"
        " WITH d, collect(s) AS street, collect(day) AS day, collect(unreg) AS unreg,"
        " collect(n) AS n"
        " CREATE (:SupervisionCell {gen: $gen, figure: 'deliveries', district: d,"
        " street: street, day: day, unreg: unreg, n: n})"
        " RETURN count(*) AS cells"
    ),
    # Each household a stamped delivery reached, and the days: how many distinct ones a
    # window holds.
    "unregistered": (
        "MATCH (e:Delivery)-[:TO]->(h:Household) WHERE e.toUnregistered IS NOT NULL"
        " AND e.time IS NOT NULL"
        " WITH DISTINCT coalesce(h.district, '') AS d, coalesce(h.street, '') AS s,"
        " elementId(h) AS home, " + _DAY + " AS day"
        " WITH d, collect(s) AS street, collect(home) AS home, collect(day) AS day"
        " CREATE (:SupervisionCell {gen: $gen, figure: 'unregistered', district: d,"
        " street: street, home: home, day: day})"
        " RETURN count(*) AS cells"
    ),
    # Fillings by their station's district and their day, with the breach stamps counted.
    "fillings": (
        "MATCH (e:Filling)-[:AT]->(s:Enterprise) WHERE e.time IS NOT NULL"
        " WITH coalesce(s.district, '') AS d, " + _DAY + " AS day, count(e) AS n,"
        " count(e.whileOverdue) AS wo, count(e.outsideOwner) AS oo"
        " WITH d, collect(day) AS day, collect(n) AS n, collect(wo) AS whileOverdue,"
        " collect(oo) AS outsideOwner"
        " CREATE (:SupervisionCell {gen: $gen, figure: 'fillings', district: d, day: day,"
        " n: n, whileOverdue: whileOverdue, outsideOwner: outsideOwner})"
        " RETURN count(*) AS cells"
    ),
    # Each test at market entry: its market's district, its day, its batch, whether it failed
    # and whether that market shipped the batch on after it; and whether the batch was traced
    # to every destination (each enterprise a shipment reached sold it or sent it on).
    "food": (
        "MATCH (p:Product)<-[:OF]-(t:BatchTest)-[:AT]->(m:Enterprise) WHERE t.time IS NOT NULL"
        " WITH p, t, m, coalesce(t.result = 'FAIL', false) AS failed"
        " WITH p, collect({d: coalesce(m.district, ''), day: date(datetime({datetime: t.time,"
        " timezone: $tz})), failed: failed, recalled: failed AND EXISTS { MATCH (p)<-[:OF]-"
        "(sh:Shipment)-[:FROM]->(m) WHERE sh.time > t.time }}) AS tests"
        " WITH p, tests, COLLECT { MATCH (p)<-[:OF]-(x:Shipment|Sale)"
        " OPTIONAL MATCH (x)-[:TO]->(r:Enterprise) WHERE x:Shipment"
        " OPTIONAL MATCH (x)-[:AT|FROM]->(dn:Enterprise) RETURN {to: r, done: dn} } AS moves"
        " WITH p, tests, [x IN moves WHERE x.to IS NOT NULL | x.to] AS dests,"
        " [x IN moves WHERE x.done IS NOT NULL | x.done] AS done, size(moves) AS nMoves"
        " WITH p, tests, nMoves > 0 AND all(r IN dests WHERE r IN done) AS traced"
        " UNWIND tests AS x"
        " WITH x.d AS d, collect(x.day) AS day, collect(elementId(p)) AS batch,"
        " collect(x.failed) AS failed, collect(x.recalled) AS recalled, collect(traced) AS traced"
        " CREATE (:SupervisionCell {gen: $gen, figure: 'food', district: d, day: day,"
        " batch: batch, failed: failed, recalled: recalled, traced: traced})"
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
    return "|".join(str(p) for p in record["parts"]) if record else ""


async def build(tx: AsyncManagedTransaction, figure: str, gen: str) -> int:
    """Count one figure's cells of generation `gen`; returns how many cells (districts)."""
    record = await (await tx.run(BUILD[figure], gen=gen, never=NEVER, tz=FUZHOU_OFFSET)).single()
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
