"""The graph's shape (DESIGN.md section 3): labels, their properties, and the relationships.

This is the allow-list every generated Cypher statement draws labels, properties and relationship
types from; the seeder writes exactly these names. Dates are Neo4j `Date`, times are zoned
`DateTime` (Asia/Shanghai offsets, +08:00); everything else is a string, integer, float, boolean or
a list of strings. Every node also carries its provenance: `recordedBy` (a client id, or
"graph_seed") and `recordedAt` (a DateTime).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PropType = Literal["string", "int", "float", "bool", "date", "datetime", "strings"]

PROVENANCE: dict[str, PropType] = {"recordedBy": "string", "recordedAt": "datetime"}

PROPERTIES: dict[str, dict[str, PropType]] = {
    "Enterprise": {
        "uscc": "string",
        "name": "string",
        "kind": "string",  # ENTERPRISE_KINDS
        "district": "string",  # GB/T 2260 code, e.g. 350102
        "address": "string",
        "licenceNo": "string",  # the operating licence (gas operation, food business...)
        "licenceExpiry": "date",
    },
    "Cylinder": {
        "code": "string",  # tag / QR identity
        "serialNo": "string",
        "model": "string",  # YSP35.5, YSP118, ...
        "volumeL": "float",
        "fillKg": "float",
        "tareKg": "float",
        "medium": "string",  # LPG
        "nominalPressureMPa": "float",
        "madeOn": "date",
        "registeredOn": "date",
        "status": "string",  # CYLINDER_STATUSES
        "lastInspection": "date",
        "nextInspection": "date",
        "scrapDate": "date",
    },
    "Household": {
        "id": "string",
        "kind": "string",  # RESIDENTIAL or COMMERCIAL (a restaurant's premises)
        "address": "string",
        "district": "string",
        "street": "string",
        "registeredOn": "date",
        "status": "string",  # ACTIVE, CLOSED, UNREGISTERED (a planted gap in real-name sale)
    },
    "Person": {
        "idNumber": "string",
        # The person's global id is `Person:<pid>`, a random surrogate: an id must not carry the
        # identity number that most roles may only see masked.
        "pid": "string",
        "name": "string",
        "phone": "string",
        "qualifications": "strings",  # DG_DRIVER, DG_ESCORT, FILLER, INSPECTOR
        "verified": "bool",  # identity verified by the police
    },
    "Vehicle": {
        "plate": "string",
        "kind": "string",  # DG_TRUCK (dangerous goods), VAN, REFRIGERATED
        "permitNo": "string",
        "permitExpiry": "date",
    },
    "Product": {
        "traceCode": "string",
        "name": "string",
        "category": "string",  # PRODUCT_CATEGORIES
        "origin": "string",
        "originCertificate": "string",
        "producedOn": "date",
        "quantityKg": "float",
    },
    "Filling": {"eventId": "string", "time": "datetime", "quantityKg": "float"},
    "Delivery": {"eventId": "string", "time": "datetime"},
    "Inspection": {"eventId": "string", "time": "datetime", "result": "string", "nextDue": "date"},
    "Shipment": {"eventId": "string", "time": "datetime", "quantityKg": "float"},
    "BatchTest": {"eventId": "string", "time": "datetime", "method": "string", "result": "string"},
    "Sale": {"eventId": "string", "time": "datetime", "quantityKg": "float", "priceYuan": "float"},
    "Incident": {
        "id": "string",
        "time": "datetime",
        "kind": "string",  # GAS_LEAK, FIRE, EXPLOSION, FOOD_POISONING, TRAFFIC
        "severity": "string",  # LOW, MEDIUM, HIGH, CRITICAL
        "location": "string",
        "district": "string",
    },
    "Tip": {
        "id": "string",
        "time": "datetime",
        "category": "string",
        "text": "string",
        "status": "string",  # RECEIVED, FILED, REWARDED, DISMISSED
        "claimCodeHash": "string",
        "rewardYuan": "float",
    },
}

ENTERPRISE_KINDS = (
    "FILLING_STATION",
    "GAS_DISTRIBUTOR",
    "CYLINDER_MANUFACTURER",
    "INSPECTION_AGENCY",
    "FOOD_PRODUCER",
    "WHOLESALE_MARKET",
    "SUPERMARKET",
    "FARMERS_MARKET",
    "RESTAURANT",
    "DELIVERY_PLATFORM",
    "LOGISTICS",
)
CYLINDER_STATUSES = ("IN_SERVICE", "DUE", "OVERDUE", "SCRAPPED", "SEIZED")
PRODUCT_CATEGORIES = (
    "GRAIN",
    "LIVESTOCK",
    "POULTRY",
    "VEGETABLES",
    "FRUIT",
    "AQUATIC",
    "BEAN_PRODUCTS",
    "DAIRY",
    "EDIBLE_OIL",
    "SALT",
    "OTHER",
)


@dataclass(frozen=True)
class Rel:
    start: str
    type: str
    end: str  # "*" where any label may stand


RELATIONSHIPS: tuple[Rel, ...] = (
    Rel("Cylinder", "MADE_BY", "Enterprise"),
    Rel("Cylinder", "OWNED_BY", "Enterprise"),
    Rel("Cylinder", "LOCATED_AT", "Household"),
    Rel("Household", "REGISTERED_TO", "Person"),
    Rel("Household", "CUSTOMER_OF", "Enterprise"),
    Rel("Person", "EMPLOYED_BY", "Enterprise"),
    Rel("Vehicle", "OPERATED_BY", "Enterprise"),
    Rel("Person", "DRIVES", "Vehicle"),
    Rel("Filling", "OF", "Cylinder"),
    Rel("Filling", "AT", "Enterprise"),
    Rel("Filling", "BY", "Person"),
    Rel("Delivery", "OF", "Cylinder"),
    Rel("Delivery", "FROM", "Enterprise"),
    Rel("Delivery", "TO", "Household"),
    Rel("Delivery", "VIA", "Vehicle"),
    Rel("Delivery", "BY", "Person"),
    Rel("Delivery", "ESCORTED_BY", "Person"),
    Rel("Inspection", "OF", "Cylinder"),
    Rel("Inspection", "BY", "Enterprise"),
    Rel("Product", "PRODUCED_BY", "Enterprise"),
    Rel("Shipment", "OF", "Product"),
    Rel("Shipment", "FROM", "Enterprise"),
    Rel("Shipment", "TO", "Enterprise"),
    Rel("BatchTest", "OF", "Product"),
    Rel("BatchTest", "AT", "Enterprise"),
    Rel("Sale", "OF", "Product"),
    Rel("Sale", "AT", "Enterprise"),
    Rel("Incident", "INVOLVES", "*"),
    Rel("Tip", "CONCERNS", "Enterprise"),
    Rel("Alert", "ABOUT", "*"),
)

LABELS = tuple(PROPERTIES)
