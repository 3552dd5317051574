"""Registrations: what each `register*` item writes, read from its input (no graph access)."""

from __future__ import annotations

from hub.access.principal import Principal
from hub.ingest.codes import Code
from hub.ingest.cylinders import (
    MODEL_SHAPE,
    MODELS,
    NOMINAL_PRESSURE_MPA,
    add_years,
    inspection_years,
    scrap_date,
    status_for,
)
from hub.ingest.fields import TEXT_MAX, Fields
from hub.ingest.item import Draft, Ref


def _me(p: Principal) -> list[str]:
    return [p.enterprise] if p.enterprise else []


def enterprise(f: Fields, p: Principal) -> Draft | None:
    uscc = f.uscc("uscc")
    props = {
        "name": f.text("name"),
        "kind": f.choice("kind"),
        "district": f.district(),
        "address": f.text("address", TEXT_MAX),
        "licenceNo": f.text("licenceNo", 64, required=False),
        "licenceExpiry": f.date("licenceExpiry", required=False, future_ok=True),
        "servicePhone": f.service_phone("servicePhone", required=False),
    }
    if uscc is None or f.errors:
        return None
    return Draft(uscc, {"uscc": uscc, **props})


def cylinder(f: Fields, p: Principal) -> Draft | None:
    code, maker = f.key("code"), f.uscc("maker")
    model = f.text("model", 16)
    if model is not None and not MODEL_SHAPE.match(model):
        f.error("model", Code.INVALID_VALUE, "model is written YSP<litres>, such as YSP35.5")
        model = None
    made = f.date("madeOn")
    last = f.date("lastInspection", required=False)
    serial = f.text("serialNo", 64)
    known = MODELS.get(model or "", (None, None, None))
    volume = f.number("volumeL", 0.5, 1000, required=known[0] is None)
    fill = f.number("fillKg", 0.1, 500, required=known[1] is None)
    tare = f.number("tareKg", 0.1, 500, required=known[2] is None)
    if code is None or maker is None or model is None or made is None or f.errors:
        return None
    period = inspection_years(model)
    next_inspection = add_years(last or made, period)
    scrap = scrap_date(made)
    props = {
        "code": code,
        "serialNo": serial,
        "model": model,
        "volumeL": volume or known[0],
        "fillKg": fill or known[1],
        "tareKg": tare or known[2],
        "medium": "LPG",
        "nominalPressureMPa": NOMINAL_PRESSURE_MPA,
        "madeOn": made,
        "registeredOn": f.moment.today,
        "lastInspection": last or made,
        "nextInspection": next_inspection,
        "scrapDate": scrap,
        "status": status_for(f.moment.today, next_inspection, scrap),
    }
    links = {"maker": [maker], "owner": _me(p)}
    return Draft(code, props, links, [Ref("maker", "Enterprise", maker)])


HOUSEHOLD_KINDS = ("RESIDENTIAL", "COMMERCIAL")


def household(f: Fields, p: Principal) -> Draft | None:
    key = f.key("householdId")
    kind = f.choice("kind")
    props = {
        "id": key,
        "kind": kind,
        "address": f.text("address", TEXT_MAX),
        "district": f.district(),
        "street": f.text("street"),
        "registeredOn": f.date("registeredOn", required=False) or f.moment.today,
        "status": "ACTIVE",
    }
    person = f.nested("person")
    who = None
    if person is not None:
        who = {
            "idNumber": person.resident_id("idNumber"),
            "name": person.text("name", 64),
            "phone": person.mobile("phone"),
        }
    if key is None or who is None or f.errors:
        return None
    return Draft(key, props, {"supplier": _me(p)}, extra={"person": who})


def vehicle(f: Fields, p: Principal) -> Draft | None:
    plate = f.plate("plate")
    props = {
        "plate": plate,
        "kind": f.choice("kind"),
        "permitNo": f.text("permitNo", 64, required=False),
        "permitExpiry": f.date("permitExpiry", required=False, future_ok=True),
    }
    if plate is None or f.errors:
        return None
    return Draft(plate, props, {"operator": _me(p)})


def employee(f: Fields, p: Principal) -> Draft | None:
    id_number = f.resident_id("idNumber")
    qualifications = sorted(
        {str(getattr(q, "value", q)) for q in f.raw.get("qualifications") or []}
    )
    props = {
        "idNumber": id_number,
        "name": f.text("name", 64),
        "phone": f.mobile("phone"),
        "qualifications": qualifications,
        "verified": False,
    }
    plates = f.keys("drives", "plate")
    if id_number is None or f.errors:
        return None
    refs = [Ref("drives", "Vehicle", plate) for plate in plates]
    return Draft(id_number, props, {"employer": _me(p), "drives": plates}, refs)


def product(f: Fields, p: Principal) -> Draft | None:
    code = f.key("traceCode")
    props = {
        "traceCode": code,
        "name": f.text("name"),
        "category": f.choice("category"),
        "origin": f.text("origin"),
        "originCertificate": f.text("originCertificate", 64, required=False),
        "producedOn": f.date("producedOn"),
        "quantityKg": f.number("quantityKg", 0.001, 1_000_000),
    }
    if code is None or f.errors:
        return None
    return Draft(code, props, {"producer": _me(p)})
