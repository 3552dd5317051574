"""Raw's hand-written Cypher for W4 (a cylinder's trace), W5 (a shortest path) and W7 (1,000
fillings in one UNWIND), for the callers those workloads use: the market role unbound (W4, W5:
every type readable, no row rule) and an enterprise writing about itself (W7).

The peer runs the same W4 and W5 statements as `@cypher` fields (bench/peer/index.mjs). "Today"
and "now" are the hub clock's (hub/clock.py), passed as `$today` and `$now` (raw: its own
parameters; the peer: claims of the bench's token), never Cypher's zone-less date()/datetime().
"""

from __future__ import annotations

# Every label the market role reads (hub/access/policy.py TYPE_READERS) with its global-id key.
KEYS = {
    "Enterprise": "uscc", "Cylinder": "code", "Household": "id", "Person": "pid",
    "Vehicle": "plate", "Product": "traceCode", "Filling": "eventId", "Delivery": "eventId",
    "Inspection": "eventId", "Shipment": "eventId", "BatchTest": "eventId", "Sale": "eventId",
    "Incident": "id", "Tip": "id",
}  # fmt: skip
RELS = (
    "ABOUT|AT|BY|CONCERNS|CUSTOMER_OF|DRIVES|EMPLOYED_BY|ESCORTED_BY|FROM|INVOLVES|LOCATED_AT|"
    "MADE_BY|OF|OPERATED_BY|OWNED_BY|PRODUCED_BY|REGISTERED_TO|TO|VIA"
)


def _gid(var: str) -> str:
    cases = " ".join(
        f"WHEN {var}:{label} THEN '{label}:' + {var}.{key}" for label, key in KEYS.items()
    )
    return f"CASE {cases} END"


def _visible(var: str) -> str:
    return "(" + " OR ".join(f"{var}:{label}" for label in KEYS) + ")"


def _event(kind: str, label: str, key: str) -> str:
    return (
        f"{{kind: '{kind}', date: toString(date(e.time)), time: toString(e.time), status: null,"
        f" node: {{id: '{label}:' + e.{key}}}}}"
    )


def _flag(kind: str, label: str) -> str:
    return (
        f"{{kind: '{kind}', date: toString(date(e.time)), time: toString(e.time),"
        f" event: '{label}:' + e.eventId}}"
    )


# The timeline (made, registered, inspections, fillings, deliveries, incidents, status) oldest
# first, and the five flags, as docs/domain.md defines them.
W4 = (
    """MATCH (c:Cylinder {code: $code})
WITH c, [{kind: 'MADE', date: toString(c.madeOn), time: null, status: null,
          node: head([(c)-[:MADE_BY]->(m:Enterprise) | {id: 'Enterprise:' + m.uscc}])},
         {kind: 'REGISTERED', date: toString(c.registeredOn), time: null, status: null,
          node: head([(c)-[:OWNED_BY]->(o:Enterprise) | {id: 'Enterprise:' + o.uscc}])}]
  + [(c)<-[:OF]-(e:Inspection) | INSPECTED]
  + [(c)<-[:OF]-(e:Filling) | FILLED]
  + [(c)<-[:OF]-(e:Delivery) | DELIVERED]
  + [(c)<-[:INVOLVES]-(e:Incident) | INCIDENT]
  + CASE c.status
      WHEN 'SCRAPPED' THEN [{kind: 'STATUS', date: toString(c.scrapDate), time: null,
                             status: 'SCRAPPED', node: null}]
      WHEN 'OVERDUE' THEN [{kind: 'STATUS', date: toString(c.nextInspection + duration('P1D')),
                            time: null, status: 'OVERDUE', node: null}]
      WHEN 'SEIZED' THEN [{kind: 'STATUS', date: null, time: null, status: 'SEIZED', node: null}]
      ELSE [] END AS entries,
  CASE WHEN c.status = 'OVERDUE' OR (NOT c.status IN ['SCRAPPED', 'SEIZED']
            AND c.nextInspection < date($today))
       THEN [{kind: 'OVERDUE', date: toString(c.nextInspection), time: null, event: null}]
       ELSE [] END
  + [(c)<-[:OF]-(e:Filling) WHERE date(e.time) > coalesce(
       COLLECT { MATCH (c)<-[:OF]-(i:Inspection) WHERE i.time <= e.time
                 RETURN i.nextDue ORDER BY i.time DESC LIMIT 1 }[0],
       CASE WHEN date(e.time) >= c.lastInspection THEN c.nextInspection END) | F_OVERDUE]
  + [(o:Enterprise)<-[:OWNED_BY]-(c)<-[:OF]-(e:Filling)-[:AT]->(s:Enterprise)
     WHERE s <> o | F_OUTSIDE]
  + [(c)<-[:OF]-(e:Delivery)-[:VIA]->(v:Vehicle)
     WHERE v.permitExpiry IS NULL OR v.permitExpiry < date(e.time) | F_PERMIT]
  + [(c)<-[:OF]-(e:Delivery)-[:TO]->(h:Household)
     WHERE h.status = 'UNREGISTERED' OR NOT EXISTS { (h)-[:REGISTERED_TO]->(:Person) }
     | F_UNREGISTERED] AS flags
RETURN {
  timeline: COLLECT { UNWIND entries AS t
    RETURN t ORDER BY t.date IS NULL, t.date, coalesce(t.time, '') },
  flags: COLLECT { UNWIND flags AS t
    RETURN t ORDER BY t.date IS NULL, t.date, coalesce(t.time, '') }} AS result""".replace(
        "INSPECTED]", _event("INSPECTED", "Inspection", "eventId") + "]"
    )
    .replace("FILLED]", _event("FILLED", "Filling", "eventId") + "]")
    .replace("DELIVERED]", _event("DELIVERED", "Delivery", "eventId") + "]")
    .replace("INCIDENT]", _event("INCIDENT", "Incident", "id") + "]")
    .replace("F_OVERDUE]", _flag("FILLED_WHILE_OVERDUE", "Filling") + "]")
    .replace("F_OUTSIDE]", _flag("FILLED_OUTSIDE_OWNER", "Filling") + "]")
    .replace("F_PERMIT]", _flag("DELIVERED_WITHOUT_VALID_PERMIT", "Delivery") + "]")
    .replace("F_UNREGISTERED]", _flag("DELIVERED_TO_UNREGISTERED_HOUSEHOLD", "Delivery") + "]")
)

# One shortest path of at most 6 hops, either direction, through nodes the caller reads, from a
# cylinder to a vehicle given by global ids ("Cylinder:<code>", "Vehicle:<plate>").
W5 = (
    """MATCH (a:Cylinder {code: substring($from, 9)}), (b:Vehicle {plate: substring($to, 8)})
MATCH p = shortestPath((a)-[:RELS*0..6]-(b))
WHERE all(x IN nodes(p) WHERE VISIBLE)
RETURN {nodes: [x IN nodes(p) | {id: GID_X}],
  edges: [r IN relationships(p) | {from: GID_U, to: GID_V, type: type(r)}]} AS result
LIMIT 1""".replace("RELS", RELS)
    .replace("VISIBLE", _visible("x"))
    .replace("GID_X", _gid("x"))
    .replace("GID_U", _gid("startNode(r)"))
    .replace("GID_V", _gid("endNode(r)"))
)

# The fillings of the calling station (`$se`) for cylinders it owns that may be filled (not
# scrapped, past the scrap date, seized or overdue on the day; hub/ingest/rules.py): the hub's
# closed-loop rules for a filling, without
# the per-item error answers, the content hash (idempotency) and the optional filler check.
W7 = """UNWIND $items AS row
MATCH (s:Enterprise {uscc: $se})
MATCH (c:Cylinder {code: row.cylinder})-[:OWNED_BY]->(s)
WHERE NOT c.status IN ['SCRAPPED', 'SEIZED', 'OVERDUE']
  AND c.nextInspection >= date(datetime(row.time))
  AND (c.scrapDate IS NULL OR c.scrapDate > date(datetime(row.time)))
MERGE (f:Filling {eventId: row.eventId})
ON CREATE SET f.time = datetime(row.time), f.quantityKg = row.quantityKg,
  f.recordedBy = $sub, f.recordedAt = datetime($now)
MERGE (f)-[:OF]->(c)
MERGE (f)-[:AT]->(s)
RETURN {written: count(f), failed: size($items) - count(f)} AS result"""

# Each statement's result is the data of this root field (the hub's name for it).
ROOTS = {"W4": "traceCylinder", "W5": "shortestPath", "W7": "recordFillings"}
STATEMENTS = {("W4", "all"): W4, ("W5", "all"): W5, ("W7", "enterprise"): W7}
WRITES = frozenset({"W7"})
