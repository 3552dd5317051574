"""How each GraphQL type maps onto the graph: its label, natural key, properties and links.

The read compiler builds Cypher only from this table (labels, properties and relationship
patterns are code, never input), so it doubles as the allow-list for generated statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from hub.graph.model import PROPERTIES


@dataclass(frozen=True)
class Link:
    """A relationship field: `pattern` joins the parent (left) to the target (right)."""

    pattern: str  # e.g. "-[:OWNED_BY]->"
    target: str  # GraphQL type name, which is also the target's label
    many: bool  # a connection (True) or a single object (False)
    order: str = ""  # the default order of a connection: a property of the target


@dataclass(frozen=True)
class TypeMap:
    label: str
    key: str  # the natural key property
    # GraphQL field -> graph property, where the names differ (Household.householdId -> id)
    renamed: dict[str, str] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)
    # The property behind the global id when it is not the natural key (Person: a surrogate).
    id_key: str = ""

    @property
    def global_key(self) -> str:
        return self.id_key or self.key

    @cached_property
    def properties(self) -> dict[str, str]:
        """Every scalar GraphQL field of the type and the graph property it reads."""
        props = {p: p for p in PROPERTIES[self.label] if p not in self.renamed.values()}
        props.update(self.renamed)
        props.pop("claimCodeHash", None)  # never leaves the graph
        props.pop("pid", None)  # read only through `id`
        return props | {"recordedBy": "recordedBy", "recordedAt": "recordedAt"}


ANY = "Node"  # a link whose target may be any type of the graph
ANY_LIMIT = 50


def _events(label: str, pattern: str) -> Link:
    return Link(pattern, label, many=True, order="time")


TYPES: dict[str, TypeMap] = {
    "Enterprise": TypeMap(
        "Enterprise",
        "uscc",
        links={
            "cylinders": Link("<-[:OWNED_BY]-", "Cylinder", True, "code"),
            "vehicles": Link("<-[:OPERATED_BY]-", "Vehicle", True, "plate"),
            "products": Link("<-[:PRODUCED_BY]-", "Product", True, "traceCode"),
            "staff": Link("<-[:EMPLOYED_BY]-", "Person", True, "idNumber"),
            "customers": Link("<-[:CUSTOMER_OF]-", "Household", True, "id"),
            "fillings": _events("Filling", "<-[:AT]-"),
            "deliveries": _events("Delivery", "<-[:FROM]-"),
            "shipmentsSent": _events("Shipment", "<-[:FROM]-"),
            "shipmentsReceived": _events("Shipment", "<-[:TO]-"),
            "tests": _events("BatchTest", "<-[:AT]-"),
            "sales": _events("Sale", "<-[:AT]-"),
            "tips": _events("Tip", "<-[:CONCERNS]-"),
        },
    ),
    "Cylinder": TypeMap(
        "Cylinder",
        "code",
        links={
            "owner": Link("-[:OWNED_BY]->", "Enterprise", False),
            "maker": Link("-[:MADE_BY]->", "Enterprise", False),
            "location": Link("-[:LOCATED_AT]->", "Household", False),
            "fillings": _events("Filling", "<-[:OF]-"),
            "deliveries": _events("Delivery", "<-[:OF]-"),
            "inspections": _events("Inspection", "<-[:OF]-"),
            "incidents": _events("Incident", "<-[:INVOLVES]-"),
        },
    ),
    "Household": TypeMap(
        "Household",
        "id",
        renamed={"householdId": "id"},
        links={
            "person": Link("-[:REGISTERED_TO]->", "Person", False),
            "supplier": Link("-[:CUSTOMER_OF]->", "Enterprise", False),
            "cylinders": Link("<-[:LOCATED_AT]-", "Cylinder", True, "code"),
            "deliveries": _events("Delivery", "<-[:TO]-"),
            "incidents": _events("Incident", "<-[:INVOLVES]-"),
        },
    ),
    "Person": TypeMap(
        "Person",
        "idNumber",
        id_key="pid",
        links={
            "employer": Link("-[:EMPLOYED_BY]->", "Enterprise", False),
            "households": Link("<-[:REGISTERED_TO]-", "Household", True, "id"),
            "vehicles": Link("-[:DRIVES]->", "Vehicle", True, "plate"),
        },
    ),
    "Vehicle": TypeMap(
        "Vehicle",
        "plate",
        links={
            "operator": Link("-[:OPERATED_BY]->", "Enterprise", False),
            "drivers": Link("<-[:DRIVES]-", "Person", True, "idNumber"),
            "deliveries": _events("Delivery", "<-[:VIA]-"),
        },
    ),
    "Product": TypeMap(
        "Product",
        "traceCode",
        links={
            "producer": Link("-[:PRODUCED_BY]->", "Enterprise", False),
            "tests": _events("BatchTest", "<-[:OF]-"),
            "shipments": _events("Shipment", "<-[:OF]-"),
            "sales": _events("Sale", "<-[:OF]-"),
        },
    ),
    "Filling": TypeMap(
        "Filling",
        "eventId",
        links={
            "cylinder": Link("-[:OF]->", "Cylinder", False),
            "station": Link("-[:AT]->", "Enterprise", False),
            "filler": Link("-[:BY]->", "Person", False),
        },
    ),
    "Delivery": TypeMap(
        "Delivery",
        "eventId",
        links={
            "cylinder": Link("-[:OF]->", "Cylinder", False),
            "supplier": Link("-[:FROM]->", "Enterprise", False),
            "household": Link("-[:TO]->", "Household", False),
            "vehicle": Link("-[:VIA]->", "Vehicle", False),
            "driver": Link("-[:BY]->", "Person", False),
            "escort": Link("-[:ESCORTED_BY]->", "Person", False),
        },
    ),
    "Inspection": TypeMap(
        "Inspection",
        "eventId",
        links={
            "cylinder": Link("-[:OF]->", "Cylinder", False),
            "agency": Link("-[:BY]->", "Enterprise", False),
        },
    ),
    "Shipment": TypeMap(
        "Shipment",
        "eventId",
        links={
            "product": Link("-[:OF]->", "Product", False),
            "sender": Link("-[:FROM]->", "Enterprise", False),
            "receiver": Link("-[:TO]->", "Enterprise", False),
        },
    ),
    "BatchTest": TypeMap(
        "BatchTest",
        "eventId",
        links={
            "product": Link("-[:OF]->", "Product", False),
            "market": Link("-[:AT]->", "Enterprise", False),
        },
    ),
    "Sale": TypeMap(
        "Sale",
        "eventId",
        links={
            "product": Link("-[:OF]->", "Product", False),
            "seller": Link("-[:AT]->", "Enterprise", False),
        },
    ),
    "Incident": TypeMap(
        "Incident",
        "id",
        renamed={"incidentId": "id"},
        # Anything may be involved: the target is the Node interface, capped at ANY_LIMIT rows.
        links={"involves": Link("-[:INVOLVES]->", ANY, True)},
    ),
    "Tip": TypeMap(
        "Tip",
        "id",
        renamed={"tipId": "id"},
        links={"concerns": Link("-[:CONCERNS]->", "Enterprise", False)},
    ),
}
