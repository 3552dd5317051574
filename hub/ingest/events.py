"""Events: what each `record*` / `report*` item writes, read from its input (no graph access).

The party an enterprise acts as (the station of a filling, the sender of a shipment...) is never
an input: it is the token's enterprise.
"""

from __future__ import annotations

from hub.access.principal import Principal
from hub.ingest.codes import Code
from hub.ingest.cylinders import add_years
from hub.ingest.fields import TEXT_MAX, Fields
from hub.ingest.item import Draft, Ref
from hub.resolvers.cursors import parse_global_id

# The types an incident may involve.
INVOLVABLE = ("Cylinder", "Household", "Person", "Vehicle", "Enterprise", "Product")


def _me(p: Principal) -> list[str]:
    return [p.enterprise] if p.enterprise else []


def filling(f: Fields, p: Principal) -> Draft | None:
    event, cylinder = f.key("eventId"), f.key("cylinder")
    time, kg = f.time(), f.number("quantityKg", 0.1, 500)
    filler = f.resident_id("filler", required=False)
    if event is None or cylinder is None or f.errors:
        return None
    refs = [Ref("cylinder", "Cylinder", cylinder)]
    if filler:
        refs.append(Ref("filler", "Person", filler))
    links = {"cylinder": [cylinder], "station": _me(p), "filler": [filler] if filler else []}
    return Draft(event, {"eventId": event, "time": time, "quantityKg": kg}, links, refs)


def delivery(f: Fields, p: Principal) -> Draft | None:
    event, cylinder, household = f.key("eventId"), f.key("cylinder"), f.key("household")
    vehicle, time = f.plate("vehicle"), f.time()
    driver, escort = f.resident_id("driver"), f.resident_id("escort")
    if None in (event, cylinder, household, vehicle, driver, escort) or f.errors:
        return None
    assert event is not None
    assert cylinder is not None
    assert household is not None
    assert vehicle is not None
    assert driver is not None
    assert escort is not None
    refs = [
        Ref("cylinder", "Cylinder", cylinder),
        Ref("household", "Household", household),
        Ref("vehicle", "Vehicle", vehicle),
        Ref("driver", "Person", driver),
        Ref("escort", "Person", escort),
    ]
    links = {
        "cylinder": [cylinder],
        "supplier": _me(p),
        "household": [household],
        "vehicle": [vehicle],
        "driver": [driver],
        "escort": [escort],
    }
    return Draft(event, {"eventId": event, "time": time}, links, refs)


def inspection(f: Fields, p: Principal) -> Draft | None:
    event, cylinder, time = f.key("eventId"), f.key("cylinder"), f.time()
    result = f.choice("result")
    next_due = f.date("nextDue", required=False, future_ok=True)
    agency = f.uscc("agency", required=False) or p.enterprise
    if agency is None:
        f.error("agency", Code.MISSING, "agency is the uscc of the inspection agency")
    if event is None or cylinder is None or time is None or agency is None or f.errors:
        return None
    props = {"eventId": event, "time": time, "result": result, "nextDue": next_due}
    refs = [Ref("cylinder", "Cylinder", cylinder), Ref("agency", "Enterprise", agency)]
    return Draft(event, props, {"cylinder": [cylinder], "agency": [agency]}, refs)


def next_due(draft: Draft, model: str | None) -> None:
    """An inspection without its next due date gets the period of docs/domain.md."""
    if draft.props["nextDue"] is None:
        years = 3 if model == "YSP118" else 4
        draft.props["nextDue"] = add_years(draft.props["time"].date(), years)


def shipment(f: Fields, p: Principal) -> Draft | None:
    event, product, receiver = f.key("eventId"), f.key("product"), f.uscc("receiver")
    time, kg = f.time(), f.number("quantityKg", 0.001, 1_000_000)
    if event is None or product is None or receiver is None or f.errors:
        return None
    if receiver == p.enterprise:
        f.error("receiver", Code.INVALID_VALUE, "a shipment goes to another enterprise")
        return None
    refs = [Ref("product", "Product", product), Ref("receiver", "Enterprise", receiver)]
    links = {"product": [product], "sender": _me(p), "receiver": [receiver]}
    return Draft(event, {"eventId": event, "time": time, "quantityKg": kg}, links, refs)


def batch_test(f: Fields, p: Principal) -> Draft | None:
    event, product, time = f.key("eventId"), f.key("product"), f.time()
    props = {
        "eventId": event,
        "time": time,
        "method": f.text("method", 64),
        "result": f.choice("result"),
    }
    if event is None or product is None or f.errors:
        return None
    links = {"product": [product], "market": _me(p)}
    return Draft(event, props, links, [Ref("product", "Product", product)])


def sale(f: Fields, p: Principal) -> Draft | None:
    event, product, time = f.key("eventId"), f.key("product"), f.time()
    props = {
        "eventId": event,
        "time": time,
        "quantityKg": f.number("quantityKg", 0.001, 1_000_000),
        "priceYuan": f.number("priceYuan", 0, 10_000_000, required=False),
    }
    if event is None or product is None or f.errors:
        return None
    links = {"product": [product], "seller": _me(p)}
    return Draft(event, props, links, [Ref("product", "Product", product)])


def incident(f: Fields, p: Principal) -> Draft | None:
    key, time = f.key("incidentId"), f.time()
    props = {
        "id": key,
        "time": time,
        "kind": f.choice("kind"),
        "severity": f.choice("severity"),
        "location": f.text("location", TEXT_MAX),
        "district": f.district(),
    }
    links: dict[str, list[str]] = {label: [] for label in INVOLVABLE}
    refs: list[Ref] = []
    raw = f.raw.get("involves") or []
    if not raw or len(raw) > 50:
        f.error("involves", Code.INVALID_VALUE, "an incident involves 1 to 50 records")
    for i, global_id in enumerate(raw):
        parsed = parse_global_id(str(global_id))
        if parsed is None or parsed[0] not in INVOLVABLE:
            f.error(f"involves[{i}]", Code.INVALID_IDENTIFIER, "not the id of an involvable record")
            continue
        links[parsed[0]].append(parsed[1])
        refs.append(Ref(f"involves[{i}]", parsed[0], parsed[1]))
    if key is None or f.errors:
        return None
    return Draft(key, props, {k: sorted(set(v)) for k, v in links.items()}, refs)
