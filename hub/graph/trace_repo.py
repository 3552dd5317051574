"""The statements of the two traces: a cylinder's life with the flags an investigator acts on,
and a food batch's chain with its shipments, tests and sales. One statement each.

The policy arrives as fragments (`TraceView`): a row rule per type (None when the caller may not
read the type at all, and then that part of the trace is left out), and the projection of a row's
selected fields. Every value is a `$parameter`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Protocol

from hub.graph.mapping import TYPES

# A cylinder whose due date is within this many days is DUE (docs/domain.md; a setting, not a fact).
DUE_WITHIN_DAYS = 30


class TraceView(Protocol):
    def rule(self, type_name: str, var: str) -> str | None: ...


Project = Callable[[str, str], str]  # (type, var) -> a map of the selected fields, or "null"


def gid(type_name: str, var: str) -> str:
    m = TYPES[type_name]
    return "'" + type_name + ":' + " + var + "." + m.global_key


def _entry(kind: str, date: str, time: str, node: str, status: str = "null") -> str:
    return (
        "{kind: '" + kind + "', date: " + date + ", time: " + time + ", status: " + status
        + ", node: " + node + "}"
    )  # fmt: skip


def _party(view: TraceView, rel: str, var: str, project: Project) -> str:
    rule = view.rule("Enterprise", var)
    if rule is None:
        return "null"
    return (
        "COLLECT { MATCH (c)-[:" + rel + "]->(" + var + ":Enterprise) WHERE " + rule
        + " RETURN " + project("Enterprise", var) + " LIMIT 1 }[0]"
    )  # fmt: skip


# kind -> (event type, the pattern from the cylinder `c` to the event `e`)
EVENTS: dict[str, tuple[str, str]] = {
    "INSPECTED": ("Inspection", "(c)<-[:OF]-(e:Inspection)"),
    "FILLED": ("Filling", "(c)<-[:OF]-(e:Filling)"),
    "DELIVERED": ("Delivery", "(c)<-[:OF]-(e:Delivery)"),
    "INCIDENT": ("Incident", "(c)<-[:INVOLVES]-(e:Incident)"),
}

_STATUS = (
    "CASE c.status"
    " WHEN 'SCRAPPED' THEN [" + _entry("STATUS", "toString(c.scrapDate)", "null", "null",
                                       "'SCRAPPED'") + "]"
    " WHEN 'OVERDUE' THEN [" + _entry("STATUS", "toString(c.nextInspection + duration('P1D'))",
                                      "null", "null", "'OVERDUE'") + "]"
    " WHEN 'SEIZED' THEN [" + _entry("STATUS", "null", "null", "null", "'SEIZED'") + "]"
    " ELSE [] END"
)  # fmt: skip


def cylinder_timeline(view: TraceView, project: Project) -> str:
    """Made, registered, inspections, fillings, deliveries, incidents and status changes of `c`,
    as a list of entries (unordered: the resolver orders them by date and time)."""
    parts = [
        "[" + _entry("MADE", "toString(c.madeOn)", "null", _party(view, "MADE_BY", "m", project))
        + "]",
        "[" + _entry("REGISTERED", "toString(c.registeredOn)", "null",
                     _party(view, "OWNED_BY", "o", project)) + "]",
    ]  # fmt: skip
    for kind, (type_name, pattern) in EVENTS.items():
        rule = view.rule(type_name, "e")
        if rule is None:
            continue
        entry = _entry(kind, "toString(date(e.time))", "toString(e.time)", project(type_name, "e"))
        parts.append("COLLECT { MATCH " + pattern + " WHERE " + rule + " RETURN " + entry + " }")
    parts.append(_STATUS)
    return " + ".join(parts)


def _flag(kind: str, date: str, time: str, event: str) -> str:
    return "{kind: '" + kind + "', date: " + date + ", time: " + time + ", event: " + event + "}"


def _overdue_at_filling(view: TraceView) -> str:
    """The due date in force when filling `e` was made: the next due of the last inspection
    before it (when the caller may read inspections: over `inspections`, which
    `_inspections_of_c` lists once per trace), else the cylinder's own due date for a filling made
    after its last inspection."""
    fallback = "CASE WHEN date(e.time) >= c.lastInspection THEN c.nextInspection END"
    if view.rule("Inspection", "i") is None:
        return fallback
    # The latest inspection at or before the filling, found in the list rather than by matching
    # the cylinder's inspections again for every filling (fillings x events db hits before).
    last = (
        "reduce(latest = null, i IN inspections | CASE WHEN i.time <= e.time"
        " AND (latest IS NULL OR i.time > latest.time) THEN i ELSE latest END).nextDue"
    )  # fmt: skip
    return "coalesce(" + last + ", " + fallback + ")"


def _inspections_of_c(view: TraceView) -> str:
    """`WITH` the times and next dues of the inspections of `c` the caller may read, as
    `inspections` (nothing when the caller may read none)."""
    rule = view.rule("Inspection", "i")
    if rule is None:
        return ""
    return (
        "WITH c, COLLECT { MATCH (c)<-[:OF]-(i:Inspection) WHERE " + rule
        + " RETURN i {.time, .nextDue} } AS inspections "
    )  # fmt: skip


def cylinder_flags(view: TraceView, kinds: Collection[str]) -> str:
    """The flags of `c` among `kinds` (those the caller may be given)."""

    def rule(type_name: str, var: str) -> str:
        return view.rule(type_name, var) or "false"

    event_time = "toString(date(e.time))", "toString(e.time)"
    parts: list[str] = []
    if "OVERDUE" in kinds:
        parts.append(
            "CASE WHEN c.status = 'OVERDUE' OR (NOT c.status IN ['SCRAPPED', 'SEIZED']"
            " AND c.nextInspection < $today) THEN ["
            + _flag("OVERDUE", "toString(c.nextInspection)", "null", "null") + "] ELSE [] END"
        )  # fmt: skip
    if "FILLED_WHILE_OVERDUE" in kinds:
        parts.append(
            "COLLECT { " + _inspections_of_c(view) + "MATCH (c)<-[:OF]-(e:Filling) WHERE "
            + rule("Filling", "e")
            + " WITH e, " + _overdue_at_filling(view) + " AS due WHERE date(e.time) > due"
            + " RETURN " + _flag("FILLED_WHILE_OVERDUE", *event_time, gid("Filling", "e")) + " }"
        )  # fmt: skip
    if "FILLED_OUTSIDE_OWNER" in kinds:
        parts.append(
            "COLLECT { MATCH (o:Enterprise)<-[:OWNED_BY]-(c)<-[:OF]-(e:Filling)-[:AT]->"
            "(s:Enterprise) WHERE s <> o AND " + rule("Filling", "e") + " AND "
            + rule("Enterprise", "s") + " AND " + rule("Enterprise", "o")
            + " RETURN " + _flag("FILLED_OUTSIDE_OWNER", *event_time, gid("Filling", "e")) + " }"
        )  # fmt: skip
    if "DELIVERED_WITHOUT_VALID_PERMIT" in kinds:
        parts.append(
            "COLLECT { MATCH (c)<-[:OF]-(e:Delivery)-[:VIA]->(v:Vehicle) WHERE "
            + rule("Delivery", "e") + " AND " + rule("Vehicle", "v")
            + " AND (v.permitExpiry IS NULL OR v.permitExpiry < date(e.time)) RETURN "
            + _flag("DELIVERED_WITHOUT_VALID_PERMIT", *event_time, gid("Delivery", "e")) + " }"
        )  # fmt: skip
    if "DELIVERED_TO_UNREGISTERED_HOUSEHOLD" in kinds:
        parts.append(
            "COLLECT { MATCH (c)<-[:OF]-(e:Delivery)-[:TO]->(h:Household) WHERE "
            + rule("Delivery", "e") + " AND " + rule("Household", "h")
            + " AND (h.status = 'UNREGISTERED'"
            " OR NOT EXISTS { (h)-[:REGISTERED_TO]->(:Person|PersonClaim) })"
            " RETURN " + _flag("DELIVERED_TO_UNREGISTERED_HOUSEHOLD", *event_time,
                               gid("Delivery", "e")) + " }"
        )  # fmt: skip
    return " + ".join(parts) if parts else "[]"


def cylinder_trace(view: TraceView, entries: dict[str, str]) -> str:
    """The cylinder `$code` (when the caller may read it) as one map of `entries`."""
    rule = view.rule("Cylinder", "c") or "false"
    body = ", ".join(k + ": " + v for k, v in entries.items())
    return (
        "MATCH (c:Cylinder {code: $code}) WHERE " + rule + " RETURN {" + body + "} AS result"
    )  # fmt: skip


def _chain(view: TraceView, event: str, match: str, fields: str, node: Project) -> str:
    """The events of one kind on batch `p` with the enterprise at their far end (`m`), when the
    caller may read both and each row passes its rule."""
    rule_e, rule_m = view.rule(event, "e"), view.rule("Enterprise", "m")
    if rule_e is None or rule_m is None:
        return "[]"
    return (
        "COLLECT { MATCH " + match + " WHERE " + rule_e + " AND " + rule_m
        + " WITH e, m ORDER BY e.time LIMIT $cap RETURN {id: " + gid(event, "e") + ", at: "
        + gid("Enterprise", "m") + ", time: toString(e.time), kg: " + fields + ", node: "
        + node(event, "e") + ", atNode: " + node("Enterprise", "m") + "} }"
    )  # fmt: skip


def product_trace(view: TraceView, node: Project, recipient: Project, head: dict[str, str]) -> str:
    """The batch `$code` (when the caller may read it): its producer, shipments (sender and
    receiver), tests and sales, each capped at `$cap`, with the projections the caller selected:
    `node` for the subgraph, `recipient` for the recall list, `head` for the batch itself."""
    rule_p = view.rule("Product", "p") or "false"
    rule_e = view.rule("Enterprise", "e")
    producer = (
        "COLLECT { MATCH (p)-[:PRODUCED_BY]->(e:Enterprise) WHERE " + rule_e + " RETURN {id: "
        + gid("Enterprise", "e") + ", node: " + node("Enterprise", "e") + "} LIMIT 1 }[0]"
        if rule_e is not None
        else "null"
    )  # fmt: skip
    rule_s, rule_a, rule_b = (
        view.rule("Shipment", "e"), view.rule("Enterprise", "a"), view.rule("Enterprise", "m")
    )  # fmt: skip
    shipments = (
        "COLLECT { MATCH (p)<-[:OF]-(e:Shipment)-[:FROM]->(a:Enterprise) MATCH (e)-[:TO]->"
        "(m:Enterprise) WHERE " + rule_s + " AND " + rule_a + " AND " + rule_b
        + " WITH e, a, m ORDER BY e.time LIMIT $cap RETURN {id: " + gid("Shipment", "e")
        + ", from_: " + gid("Enterprise", "a") + ", at: " + gid("Enterprise", "m")
        + ", time: toString(e.time), kg: e.quantityKg, node: " + node("Shipment", "e")
        + ", fromNode: " + node("Enterprise", "a") + ", atNode: " + node("Enterprise", "m")
        + ", recipient: " + recipient("Enterprise", "m") + "} }"
        if rule_s is not None and rule_a is not None and rule_b is not None
        else "[]"
    )  # fmt: skip
    entries = {
        **head,
        "id": gid("Product", "p"),
        "node": node("Product", "p"),
        "producer": producer,
        "shipments": shipments,
        "tests": _chain(view, "BatchTest", "(p)<-[:OF]-(e:BatchTest)-[:AT]->(m:Enterprise)",
                        "null", node),
        "sales": _chain(view, "Sale", "(p)<-[:OF]-(e:Sale)-[:AT]->(m:Enterprise)",
                        "e.quantityKg", node),
    }  # fmt: skip
    body = ", ".join(k + ": " + v for k, v in entries.items())
    return (
        "MATCH (p:Product {traceCode: $code}) WHERE " + rule_p + " RETURN {" + body + "} AS result"
    )  # fmt: skip
