"""The workloads: the same logical request to the hub, the peer and raw, and how answers compare.

Each system answers in its own shape (the hub's Relay connections, the peer's `...Connection`
fields and UTC times, raw's maps in the hub's shape); `canonical` maps all three to one form, so
the answers are compared for equality before anything is timed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bench.tokens import Caller

MARKET = Caller("market", "market")

_W1_HUB = """query W1($code: String!) { cylinder(code: $code) {
  code status model nextInspection owner { uscc name } location { householdId district street }
  fillings(first: 3) { edges { node { eventId time quantityKg station { name } } } }
  deliveries(first: 3) { edges { node { eventId time vehicle { plate } } } }
  inspections(first: 3) { edges { node { eventId time result } } } } }"""
_NEWEST = "sort: [{ node: { time: DESC } }, { node: { eventId: DESC } }]"
_W1_PEER = (
    """query W1($code: String!) { cylinders(where: { code: { eq: $code } }) {
  code status model nextInspection owner { uscc name } location { householdId district street }
  fillingsConnection(first: 3, SORT) { edges { node { eventId time quantityKg station { name } } } }
  deliveriesConnection(first: 3, SORT) { edges { node { eventId time vehicle { plate } } } }
  inspectionsConnection(first: 3, SORT) { edges { node { eventId time result } } } } }"""
).replace("SORT", _NEWEST)

_DELIVERY = (
    "eventId time vehicle { plate kind } supplier { uscc name } household { householdId district }"
)
_W2_HUB = (
    """query W2($district: String!, $since: DateTime!, $until: DateTime!) {
  deliveries(first: 100, filter: { district: $district, since: $since, until: $until },
             orderBy: { field: TIME, direction: DESC }) { edges { node { FIELDS } } } }"""
).replace("FIELDS", _DELIVERY)
_W2_PEER = (
    """query W2($district: String!, $since: DateTime!, $until: DateTime!) {
  deliveriesConnection(first: 100,
    where: { household: { district: { eq: $district } }, time: { gte: $since, lt: $until } },
    sort: [{ time: DESC }, { eventId: DESC }]) { edges { node { FIELDS } } } }"""
).replace("FIELDS", _DELIVERY)

_SALE = "eventId time quantityKg priceYuan product { traceCode name } seller { uscc name }"
_W3_HUB = "query W3($first: Int!) { sales(first: $first) { edges { node { " + _SALE + " } } } }"
# The peer's list form: its connection form collects every sale before paging and ran out of the
# 1 GiB transaction memory on this request (see NOTES.md).
_W3_PEER = (
    "query W3($first: Int!) { sales(limit: $first, "
    "sort: [{ time: DESC }, { eventId: DESC }]) { " + _SALE + " } }"
)


@dataclass
class Workload:
    key: str  # "W1", "W6-enterprise"...
    title: str
    hub: str
    peer: str
    raw: str  # the hand-written statement's name in bench/systems/raw.py
    caller: Caller = MARKET
    variables: list[dict[str, Any]] = field(default_factory=list)  # filled by `choose`
    # Answers as compared (writes: what was written), after `canonical`'s own normalising.
    normalise: Callable[[Any], Any] | None = None
    concurrency: int | None = None  # the closed loop's requests in flight, if not the method's
    slice_s: float | None = None  # the closed loop's slice, if not the method's
    # W8: the requests cycle through these (workload, variables index) slots.
    mix: list[tuple[Workload, int]] = field(default_factory=list)

    def body(self, system: str, i: int) -> dict[str, Any]:
        variables = self.variables[i % len(self.variables)]
        if system.startswith("raw"):  # raw, raw+audit
            return {"statement": self.raw, "variables": variables}
        query = self.hub if system.startswith("hub") else self.peer  # hub, hub-noaudit
        return {"query": query, "variables": variables}

    def requests(self, system: str) -> list[tuple[Caller, dict[str, Any]]]:
        """Every request the load cycles through, with who sends it."""
        if self.mix:
            return [(w.caller, w.body(system, i)) for w, i in self.mix]
        return [(self.caller, self.body(system, i)) for i in range(len(self.variables))]


def workloads() -> list[Workload]:
    return [
        Workload(
            "W1",
            "a cylinder by code: owner, location, last 3 fillings, deliveries and inspections",
            _W1_HUB,
            _W1_PEER,
            "W1",
        ),
        Workload(
            "W2",
            "100 deliveries to a district in a time range, newest first, with vehicle, "
            "supplier and household",
            _W2_HUB,
            _W2_PEER,
            "W2",
        ),
        Workload(
            "W3",
            "5,000 sales, newest first, with product and seller (one request)",
            _W3_HUB,
            _W3_PEER,
            "W3",
        ),
    ]


def scoped(w2: Workload, district: str, enterprise: str) -> list[Workload]:
    """W6: W2 as the unscoped market regulator, bound to a district, and as an enterprise."""
    callers = [
        Caller("market-district", "market", district=district),
        Caller("enterprise", "enterprise", enterprise=enterprise),
    ]
    out = [
        Workload(
            "W6-unscoped",
            "W2 as the market regulator (no binding)",
            w2.hub,
            w2.peer,
            "W2",
            MARKET,
            w2.variables,
        )
    ]
    for c in callers:
        title = f"W2 as {c.role}" + (f" bound to district {c.district}" if c.district else "")
        title += f" bound to enterprise {c.enterprise}" if c.enterprise else ""
        out.append(Workload("W6-" + c.name, title, w2.hub, w2.peer, "W2", c, w2.variables))
    return out


# --- parameters, chosen from the loaded graph -------------------------------------------------

W1_CODES = """MATCH (c:Cylinder)-[:LOCATED_AT]->(:Household)
WHERE COUNT { (c)<-[:OF]-(:Filling) } >= 3 AND COUNT { (c)<-[:OF]-(:Delivery) } >= 1
  AND COUNT { (c)<-[:OF]-(:Inspection) } >= 1
RETURN c.code AS code ORDER BY code LIMIT 50"""
W2_DISTRICT = """MATCH (d:Delivery)-[:TO]->(h:Household)
RETURN h.district AS district, count(*) AS n ORDER BY n DESC, district LIMIT 1"""
W2_WINDOW = "MATCH (d:Delivery) RETURN toString(max(d.time)) AS last"
W6_ENTERPRISE = """MATCH (e:Enterprise)<-[:FROM]-(d:Delivery)
      -[:TO]->(:Household {district: $district})
RETURN e.uscc AS uscc, count(*) AS n ORDER BY n DESC, uscc LIMIT 1"""


# --- comparing answers ------------------------------------------------------------------------

_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")


def canonical(data: Any) -> str:
    """One system's `data` as comparable JSON: the only root value, connections as lists of
    nodes, `xConnection` named `x`, instants in UTC, a one-row list as its row."""
    (root,) = data.values()
    if (
        isinstance(root, list)
        and len(root) == 1
        and isinstance(root[0], dict)
        and "code" in root[0]
    ):  # W1: one cylinder
        root = root[0]
    return json.dumps(_norm(root), sort_keys=True, ensure_ascii=False)


def _norm(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"edges"}:
            return [_norm(e["node"]) for e in value["edges"]]
        return {k.removesuffix("Connection"): _norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, str) and _TIME.match(value):
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return round(float(value), 6)  # JSON from Node writes 5.0 as 5
    return value
