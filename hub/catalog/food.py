"""Food traceability 食品追溯: coded batches 一品一码 and their shipments, tests and sales."""

from __future__ import annotations

from hub.catalog.entry import Filter, Link, NodeType, Prop, related
from hub.catalog.events import event_props
from hub.catalog.roles import Role
from hub.catalog.scopes import IN_DISTRICT_E, MINE, any_of, in_, out, reaches

# Food is the market regulator's: it and the enterprises in the chain read it.
FOOD_READERS = frozenset({Role.MARKET, Role.ENTERPRISE})

PRODUCT = NodeType(
    "Product",
    "traceCode",
    props=(
        Prop("traceCode", "string", search=True),
        Prop("name", "string", search=True),
        Prop("category", "string", index=True),  # PRODUCT_CATEGORIES
        Prop("origin", "string", index=True),
        Prop("originCertificate", "string"),
        Prop("producedOn", "date"),
        Prop("quantityKg", "float"),
    ),
    links=(
        Link("producer", "PRODUCED_BY", "out", "Enterprise"),
        Link("tests", "OF", "in", "BatchTest", many=True, order="time"),
        Link("shipments", "OF", "in", "Shipment", many=True, order="time"),
        Link("sales", "OF", "in", "Sale", many=True, order="time"),
    ),
    filters=(
        Filter("category", "one_of", "category"),
        Filter("origin", "equals", "origin"),
        related("producer", "PRODUCED_BY", "out", "Enterprise", "uscc"),
        related("testResult", "OF", "in", "BatchTest", "result"),
    ),
    sorts=("traceCode", "producedOn"),
    readers=FOOD_READERS,
    by_enterprise=any_of(
        reaches(out("PRODUCED_BY"), to=MINE),
        reaches(
            in_("OF", through=("Shipment", "BatchTest", "Sale")), out("FROM", "TO", "AT"), to=MINE
        ),
    ),
    by_district=reaches(out("PRODUCED_BY"), to=IN_DISTRICT_E),
)

SHIPMENT = NodeType(
    "Shipment",
    "eventId",
    props=event_props(("quantityKg", "float")),
    links=(
        Link("product", "OF", "out", "Product"),
        Link("sender", "FROM", "out", "Enterprise"),
        Link("receiver", "TO", "out", "Enterprise"),
    ),
    readers=FOOD_READERS,
    by_enterprise=reaches(out("FROM", "TO"), to=MINE),
    by_district=reaches(out("FROM", "TO"), to=IN_DISTRICT_E),
)

BATCH_TEST = NodeType(
    "BatchTest",
    "eventId",
    props=event_props(("method", "string"), ("result", "string")),
    links=(
        Link("product", "OF", "out", "Product"),
        Link("market", "AT", "out", "Enterprise"),
    ),
    readers=FOOD_READERS,
    by_enterprise=reaches(out("AT"), to=MINE),
    by_district=reaches(out("AT"), to=IN_DISTRICT_E),
)

SALE = NodeType(
    "Sale",
    "eventId",
    props=event_props(("quantityKg", "float"), ("priceYuan", "float")),
    links=(
        Link("product", "OF", "out", "Product"),
        Link("seller", "AT", "out", "Enterprise"),
    ),
    sorts=("time", "eventId"),
    readers=FOOD_READERS,
    by_enterprise=reaches(out("AT"), to=MINE),
    by_district=reaches(out("AT"), to=IN_DISTRICT_E),
)

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

ENTRIES = (PRODUCT, SHIPMENT, BATCH_TEST, SALE)
