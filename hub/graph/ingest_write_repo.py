"""Every Cypher statement that writes a batch: one UNWIND per mutation kind, then the derived
state (where a cylinder stands, its inspection dates and status), all in the caller's one
managed transaction.

Creating is a MERGE on the node's unique key. A node this statement did not create (a replay, or
a concurrent batch that won the race) is left untouched, and its stored content hash goes back
to the caller, which reports a replay or a CONFLICT. Besides the model's properties, written
nodes carry `contentHash` (the idempotency check) and updated ones `updatedBy` / `updatedAt`:
bookkeeping that the API does not expose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, LiteralString, cast

from neo4j import AsyncManagedTransaction

from hub.graph.migrations import NATURAL_KEYS
from hub.graph.model import PROPERTIES, RELATIONSHIPS, Rel


@dataclass(frozen=True)
class Link:
    field: str  # the key list in `row.links`
    rel: str
    target: str


INVOLVABLE = ("Cylinder", "Household", "Person", "Vehicle", "Enterprise", "Product")

LINKS: dict[str, tuple[Link, ...]] = {
    "Enterprise": (),
    "Cylinder": (Link("maker", "MADE_BY", "Enterprise"), Link("owner", "OWNED_BY", "Enterprise")),
    "Household": (Link("supplier", "CUSTOMER_OF", "Enterprise"),),
    "Vehicle": (Link("operator", "OPERATED_BY", "Enterprise"),),
    "Person": (Link("employer", "EMPLOYED_BY", "Enterprise"), Link("drives", "DRIVES", "Vehicle")),
    "Product": (Link("producer", "PRODUCED_BY", "Enterprise"),),
    "Filling": (
        Link("cylinder", "OF", "Cylinder"),
        Link("station", "AT", "Enterprise"),
        Link("filler", "BY", "Person"),
    ),
    "Delivery": (
        Link("cylinder", "OF", "Cylinder"),
        Link("supplier", "FROM", "Enterprise"),
        Link("household", "TO", "Household"),
        Link("vehicle", "VIA", "Vehicle"),
        Link("driver", "BY", "Person"),
        Link("escort", "ESCORTED_BY", "Person"),
    ),
    "Inspection": (Link("cylinder", "OF", "Cylinder"), Link("agency", "BY", "Enterprise")),
    "Shipment": (
        Link("product", "OF", "Product"),
        Link("sender", "FROM", "Enterprise"),
        Link("receiver", "TO", "Enterprise"),
    ),
    "BatchTest": (Link("product", "OF", "Product"), Link("market", "AT", "Enterprise")),
    "Sale": (Link("product", "OF", "Product"), Link("seller", "AT", "Enterprise")),
    "Incident": tuple(Link(label, "INVOLVES", label) for label in INVOLVABLE),
}

for _label, _links in LINKS.items():  # every link is a relationship of the model
    for _link in _links:
        assert Rel(_label, _link.rel, _link.target) in RELATIONSHIPS or (
            Rel(_label, _link.rel, "*") in RELATIONSHIPS
        ), (_label, _link)

# A household is registered to a real-name person: a person unknown to the graph is created with
# it, one the writer itself recorded is reused. A person another client recorded is never linked
# or changed on this writer's word: what it asserted is held as its claim, pending a match or a
# police verification, and the writer's answer is the same as for an unknown person. The claim
# stands where the person would (REGISTERED_TO, EMPLOYED_BY, DRIVES, the events' BY), with the
# same defaults, so the writer reads it back (hub/resolvers/compiler.py) like a person of its own.
_HOUSEHOLD_PERSON = (
    "CALL { WITH e, row, created WITH e, row WHERE created "
    "OPTIONAL MATCH (known:Person {idNumber: row.extra.person.idNumber}) "
    "WITH e, row, known "
    "CALL { WITH e, row, known WITH e, row, known "
    "WHERE known IS NULL OR known.recordedBy = $by "
    "MERGE (p:Person {idNumber: row.extra.person.idNumber}) "
    "ON CREATE SET p.pid = randomUUID(), "
    "p.name = row.extra.person.name, p.phone = row.extra.person.phone, "
    "p.qualifications = [], p.verified = false, p.recordedBy = $by, p.recordedAt = $now "
    "MERGE (e)-[:REGISTERED_TO]->(p) } "
    "CALL { WITH e, row, known WITH e, row, known "
    "WHERE known IS NOT NULL AND known.recordedBy <> $by "
    "MERGE (c:PersonClaim {claimedBy: $by, idNumber: row.extra.person.idNumber}) "
    "ON CREATE SET c.pid = randomUUID(), "
    "c.name = row.extra.person.name, c.phone = row.extra.person.phone, "
    "c.qualifications = [], c.verified = false, c.status = 'PENDING', c.claimedAt = $now "
    "MERGE (e)-[:REGISTERED_TO]->(c) } } "
)

# registerEmployees naming a person another client recorded: the writer's own claim, with its
# links, created or replayed exactly like a person of its own (same answers either way).
_PERSON_CLAIM = (
    "UNWIND $rows AS row MERGE (e:PersonClaim {claimedBy: $by, idNumber: row.key}) "
    "ON CREATE SET e += row.props, e.contentHash = row.hash, e.status = 'PENDING', "
    "e.pid = randomUUID(), e.verified = false, e.claimedAt = $now, e.ingestPending = true "
    "WITH e, row, coalesce(e.ingestPending, false) AS created REMOVE e.ingestPending "
    "WITH e, row, created "
)


def _zoned(label: str) -> list[str]:
    """The label's DateTime properties: sent as ISO text and built by Cypher, because the driver
    packs a Python datetime with a fixed offset in pure Python (~0.13 ms each; 1,000 per batch)."""
    return [name for name, kind in PROPERTIES.get(label, {}).items() if kind == "datetime"]


def _times_as_text(label: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = [n for n in _zoned(label) if any(isinstance(r["props"].get(n), datetime) for r in rows)]
    if not names:
        return rows
    out = []
    for row in rows:
        props = dict(row["props"])
        for name in names:
            if isinstance(props.get(name), datetime):
                props[name] = props[name].isoformat()
        out.append({**row, "props": props})
    return out


def link_clause(link: Link) -> str:
    """The clause linking a created node `e` to the nodes its row names for `link`. A person the
    writer holds a claim on is named by that claim, never by the canonical record."""
    target = "MATCH (t:" + link.target + " {" + NATURAL_KEYS[link.target] + ": k}) "
    if link.target == "Person":
        target = (
            "OPTIONAL MATCH (own:PersonClaim {claimedBy: $by, idNumber: k}) "
            "OPTIONAL MATCH (known:Person {idNumber: k}) "
            "WITH e, coalesce(own, known) AS t WHERE t IS NOT NULL "
        )
    return (
        "CALL { WITH e, row, created WITH e, row WHERE created "
        "UNWIND row.links." + link.field + " AS k " + target
        + "MERGE (e)-[:" + link.rel + "]->(t) } "
    )  # fmt: skip


@cache
def create_statement(label: str) -> LiteralString:
    key = NATURAL_KEYS[label]
    zoned = "".join(", e." + n + " = datetime(row.props." + n + ")" for n in _zoned(label))
    query = (
        "UNWIND $rows AS row MERGE (e:" + label + " {" + key + ": row.key}) "
        "ON CREATE SET e += row.props"
        + zoned
        + ", e.contentHash = row.hash, e.recordedBy = $by, "
        + ("e.pid = randomUUID(), " if label == "Person" else "")
        + "e.recordedAt = $now, e.ingestPending = true "
        "WITH e, row, coalesce(e.ingestPending, false) AS created REMOVE e.ingestPending "
        "WITH e, row, created "
    )
    query += "".join(link_clause(link) for link in LINKS[label])
    if label == "Household":
        query += _HOUSEHOLD_PERSON
    query += "RETURN row.key AS key, created, e.contentHash AS hash"
    return cast(LiteralString, query)  # type: ignore[redundant-cast]


async def create_nodes(
    tx: AsyncManagedTransaction, label: str, rows: list[dict[str, Any]], by: str, now: datetime
) -> dict[str, tuple[bool, str | None]]:
    """MERGE each row's node and, for those created, its relationships: key -> (created, hash)."""
    if not rows:
        return {}
    rows = _times_as_text(label, rows)
    done: dict[str, tuple[bool, str | None]] = {}
    if label == "Person":
        foreign = await _recorded_by_others(tx, [r["key"] for r in rows], by)
        claims = [r for r in rows if r["key"] in foreign]
        rows = [r for r in rows if r["key"] not in foreign]
        if claims:
            result = await tx.run(claim_statement(), rows=claims, by=by, now=now)
            done |= {r["key"]: (r["created"], r["hash"]) async for r in result}
    if rows:
        result = await tx.run(create_statement(label), rows=rows, by=by, now=now)
        done |= {r["key"]: (r["created"], r["hash"]) async for r in result}
    return done


async def person_global_keys(
    tx: AsyncManagedTransaction, keys: list[str], by: str
) -> dict[str, str]:
    """Identity number -> the `pid` of the writer's view of that person: its own claim if it holds
    one, else the person (hub/resolvers/compiler.py reads the same)."""
    result = await tx.run(
        "UNWIND $keys AS k OPTIONAL MATCH (c:PersonClaim {claimedBy: $by, idNumber: k}) "
        "OPTIONAL MATCH (p:Person {idNumber: k}) RETURN k, coalesce(c.pid, p.pid) AS pid",
        keys=keys,
        by=by,
    )
    return {r["k"]: r["pid"] async for r in result if r["pid"] is not None}


async def _recorded_by_others(tx: AsyncManagedTransaction, keys: list[str], by: str) -> set[str]:
    result = await tx.run(
        "MATCH (p:Person) WHERE p.idNumber IN $keys AND coalesce(p.recordedBy, '') <> $by "
        "RETURN p.idNumber AS k",
        keys=keys,
        by=by,
    )
    return {r["k"] async for r in result}


@cache
def claim_statement() -> LiteralString:
    query = _PERSON_CLAIM + "".join(link_clause(link) for link in LINKS["Person"])
    query += "RETURN row.key AS key, created, e.contentHash AS hash"
    return cast(LiteralString, query)  # type: ignore[redundant-cast]


async def move_cylinders(
    tx: AsyncManagedTransaction, codes: list[str], by: str, now: datetime
) -> None:
    """A cylinder stands where its latest delivery took it. The SET locks the cylinder first, so
    two batches delivering it at once take turns."""
    query: LiteralString = (
        "UNWIND $codes AS code MATCH (c:Cylinder {code: code}) "
        "SET c.updatedBy = $by, c.updatedAt = $now "
        "WITH c CALL { WITH c MATCH (d:Delivery)-[:OF]->(c) "
        "  RETURN d ORDER BY d.time DESC, d.eventId DESC LIMIT 1 } "
        "MATCH (d)-[:TO]->(h:Household) "
        "CALL { WITH c, h OPTIONAL MATCH (c)-[old:LOCATED_AT]->(x) WHERE x <> h DELETE old } "
        "MERGE (c)-[:LOCATED_AT]->(h)"
    )
    await (await tx.run(query, codes=codes, by=by, now=now)).consume()


async def apply_inspections(
    tx: AsyncManagedTransaction, codes: list[str], by: str, now: datetime, today: date
) -> None:
    """A cylinder's last and next inspection follow its latest inspection; a failed one scraps
    it (and a scrapped cylinder stands nowhere)."""
    query: LiteralString = (
        "UNWIND $codes AS code MATCH (c:Cylinder {code: code}) "
        "SET c.updatedBy = $by, c.updatedAt = $now "
        "WITH c CALL { WITH c MATCH (i:Inspection)-[:OF]->(c) "
        "  RETURN i ORDER BY i.time DESC, i.eventId DESC LIMIT 1 } "
        "SET c.lastInspection = date(i.time), c.nextInspection = i.nextDue, "
        "c.status = CASE WHEN c.status IN ['SCRAPPED', 'SEIZED'] THEN c.status "
        "  WHEN i.result = 'FAIL' OR c.scrapDate <= $today THEN 'SCRAPPED' "
        "  WHEN i.nextDue < $today THEN 'OVERDUE' "
        "  WHEN i.nextDue <= $today + duration('P30D') THEN 'DUE' ELSE 'IN_SERVICE' END "
        "WITH c WHERE c.status = 'SCRAPPED' "
        "OPTIONAL MATCH (c)-[l:LOCATED_AT]->() DELETE l"
    )
    await (await tx.run(query, codes=codes, by=by, now=now, today=today)).consume()


async def set_cylinder_status(
    tx: AsyncManagedTransaction, rows: list[dict[str, Any]], by: str, now: datetime, today: date
) -> dict[str, tuple[bool, str | None]]:
    """Seize, scrap or release; a seized or scrapped cylinder stands nowhere. Each change is
    a `(:StatusChange {eventId})-[:OF]->(Cylinder)` (not a graph type: no read reaches it), made
    once: an eventId already stored changes nothing. key -> (created, the stored hash)."""
    query: LiteralString = (
        "UNWIND $rows AS row MATCH (c:Cylinder {code: row.key}) "
        "MERGE (e:StatusChange {eventId: row.extra.eventId}) "
        "ON CREATE SET e.contentHash = row.hash, e.cylinder = row.key, "
        "  e.status = row.props.status, e.reason = row.props.statusReason, "
        "  e.time = row.props.statusChangedAt, e.recordedBy = $by, e.recordedAt = $now, "
        "  e.ingestPending = true "
        "WITH c, row, e, coalesce(e.ingestPending, false) AS created REMOVE e.ingestPending "
        "WITH c, row, e, created, CASE row.props.status WHEN 'RELEASED' THEN CASE "
        "  WHEN c.status <> 'SEIZED' THEN c.status "
        "  WHEN c.nextInspection < $today THEN 'OVERDUE' "
        "  WHEN c.nextInspection <= $today + duration('P30D') THEN 'DUE' ELSE 'IN_SERVICE' END "
        "  ELSE row.props.status END AS next "
        "WITH c, row, e, created, next, created AND c.status <> next AS changed "
        "CALL { WITH c, e, created, changed WITH c, e, changed WHERE created "
        "  MERGE (e)-[:OF]->(c) SET e.changed = changed } "
        "CALL { WITH c, row, next, changed WITH c, row, next WHERE changed "
        "  SET c.status = next, c.statusReason = row.props.statusReason, "
        "  c.statusChangedAt = row.props.statusChangedAt, c.updatedBy = $by, c.updatedAt = $now, "
        "  c.scrapDate = CASE WHEN next = 'SCRAPPED' "
        "    AND c.scrapDate > date(row.props.statusChangedAt) "
        "    THEN date(row.props.statusChangedAt) ELSE c.scrapDate END "
        "  WITH c, next WHERE next IN ['SCRAPPED', 'SEIZED'] "
        "  OPTIONAL MATCH (c)-[l:LOCATED_AT]->() DELETE l } "
        "RETURN row.key AS key, created, e.contentHash AS hash"
    )  # fmt: skip
    result = await tx.run(query, rows=rows, by=by, now=now, today=today)
    return {r["key"]: (r["created"], r["hash"]) async for r in result}


@cache
def update_statement(label: str) -> LiteralString:
    key = NATURAL_KEYS[label]
    return cast(  # type: ignore[redundant-cast]
        LiteralString,
        "UNWIND $rows AS row MATCH (e:" + label + " {" + key + ": row.key}) "
        "WITH e, row, any(k IN keys(row.props) WHERE e[k] IS NULL OR e[k] <> row.props[k]) "
        "  AS changed "
        "CALL { WITH e, row, changed WITH e, row WHERE changed "
        "  SET e += row.props, e.updatedBy = $by, e.updatedAt = $now } "
        "RETURN row.key AS key, changed",
    )


async def update_nodes(
    tx: AsyncManagedTransaction, label: str, rows: list[dict[str, Any]], by: str, now: datetime
) -> dict[str, bool]:
    """Set the rows' properties where they differ; key -> changed (False: a replay)."""
    result = await tx.run(update_statement(label), rows=rows, by=by, now=now)
    return {r["key"]: r["changed"] async for r in result}
