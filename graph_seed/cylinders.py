"""Cylinders and their histories: registration, periodic inspections, fillings at the owner
station, and deliveries by a permitted truck with its driver and escort; planted violations."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from graph_seed.context import Ctx, Home, Station
from graph_seed.rows import Chunk
from graph_seed.violations import (
    EXPIRED_PERMIT_RATE,
    FOREIGN_FILLING_RATE,
    OVERDUE_CYLINDER_RATE,
    OVERDUE_FILLING_RATE,
    SEIZED_RATE,
)
from graph_seed.world import DISTRICT_BY_CODE, add_years, at, recorded_at

# model -> (volume L, fill kg, tare kg)
MODELS = {
    "YSP4.7": (4.7, 1.9, 4.2),
    "YSP12": (12.0, 5.0, 7.5),
    "YSP26.2": (26.2, 11.0, 13.0),
    "YSP35.5": (35.5, 14.9, 16.5),
    "YSP118": (118.0, 49.5, 47.0),
}
GB5842_FROM = date(2007, 2, 1)  # made from then on: 8-year design life + one 4-year extension
FILL_WINDOW_DAYS = 120
DUE_SOON_DAYS = 30


def inspection_period(model: str) -> int:
    return 3 if model == "YSP118" else 4


def scrap_date(made: date) -> date:
    return add_years(made, 12 if made >= GB5842_FROM else 15)


def status_for(as_of: date, next_inspection: date, scrap: date, seized: bool) -> str:
    if scrap <= as_of:
        return "SCRAPPED"
    if seized:
        return "SEIZED"
    if next_inspection < as_of:
        return "OVERDUE"
    if next_inspection <= as_of + timedelta(days=DUE_SOON_DAYS):
        return "DUE"
    return "IN_SERVICE"


def slots(ctx: Ctx) -> list[Home | None]:
    """One entry per cylinder: the home it stands in, or None (station stock or scrapped)."""
    placed: list[Home | None] = [home for home in ctx.homes for _ in range(home.cylinders)]
    return placed + [None] * max(0, ctx.scale.cylinders - len(placed))


def cylinder_chunks(ctx: Ctx) -> Iterator[Chunk]:
    every = slots(ctx)
    size = ctx.scale.chunk_cylinders
    by_uscc = {s.uscc: s for s in ctx.stations}
    for index, start in enumerate(range(0, len(every), size)):
        chunk = Chunk(f"cylinders {index + 1}")
        rng = ctx.rng(f"cylinders:{index}")
        for n, home in enumerate(every[start : start + size], start=start + 1):
            _cylinder(ctx, chunk, rng, f"FZ{n:010d}", home, by_uscc)
        yield chunk


def _cylinder(
    ctx: Ctx,
    chunk: Chunk,
    rng: random.Random,
    code: str,
    home: Home | None,
    by_uscc: dict[str, Station],
) -> None:
    as_of = ctx.as_of
    if home is None:
        model = rng.choices(list(MODELS), (5, 10, 10, 60, 15))[0]
        made = as_of - timedelta(days=rng.randint(90, 20 * 365))
        owner = rng.choice(ctx.stations)
    else:
        weights = (0, 0, 0, 60, 40) if home.commercial else (0, 10, 5, 85, 0)
        model = rng.choices(list(MODELS), weights)[0]
        made = as_of - timedelta(days=rng.randint(90, int(11.6 * 365)))
        owner = by_uscc[home.station]
    volume, fill, tare = MODELS[model]
    registered = made + timedelta(days=rng.randint(10, 60))
    scrap = scrap_date(made)
    seized = home is None and scrap > as_of and rng.random() < SEIZED_RATE
    overdue = home is not None and rng.random() < OVERDUE_CYLINDER_RATE
    inspections = _inspections(rng, model, registered, scrap, as_of, overdue)
    last, next_inspection = inspections[-1]
    status = status_for(as_of, next_inspection, scrap, seized)
    manufacturer = rng.choice(ctx.manufacturers)
    chunk.node(
        "Cylinder",
        recorded_at(registered),
        code=code,
        serialNo=f"{manufacturer[10:14]}{made:%y%m}{rng.randint(0, 999_999):06d}",
        model=model,
        volumeL=volume,
        fillKg=fill,
        tareKg=tare,
        medium="LPG",
        nominalPressureMPa=2.1,
        madeOn=made,
        registeredOn=registered,
        status=status,
        lastInspection=last,
        nextInspection=next_inspection,
        scrapDate=scrap,
    )
    chunk.rel("Cylinder", "MADE_BY", "Enterprise", code, manufacturer)
    chunk.rel("Cylinder", "OWNED_BY", "Enterprise", code, owner.uscc)
    for day, next_due in inspections:
        when = at(day, rng.randint(9 * 60, 16 * 60))
        event = chunk.node(
            "Inspection",
            when,
            eventId=ctx.next_id("INS"),
            time=when,
            result="PASS",
            nextDue=next_due,
        )
        chunk.rel("Inspection", "OF", "Cylinder", event, code)
        chunk.rel("Inspection", "BY", "Enterprise", event, rng.choice(ctx.agencies))
    if status in ("SCRAPPED", "SEIZED"):
        return
    if home is not None:
        chunk.rel("Cylinder", "LOCATED_AT", "Household", code, home.id)
    _fillings(ctx, chunk, rng, code, fill, home, owner, registered, next_inspection)


def _inspections(
    rng: random.Random, model: str, registered: date, scrap: date, as_of: date, skip_last: bool
) -> list[tuple[date, date]]:
    """(day, next due) pairs: acceptance at registration, then each one shortly before its due
    date; a cylinder chosen to go overdue misses the last inspection that fell due."""
    period = inspection_period(model)
    done = [(registered, add_years(registered, period))]
    due = done[-1][1]
    while due <= as_of and due < scrap:
        if skip_last and add_years(due, period) > as_of:
            break
        day = due - timedelta(days=rng.randint(0, 20))
        done.append((day, add_years(day, period)))
        due = done[-1][1]
    return done


def _fillings(
    ctx: Ctx,
    chunk: Chunk,
    rng: random.Random,
    code: str,
    fill: float,
    home: Home | None,
    owner: Station,
    registered: date,
    next_inspection: date,
) -> None:
    first = max(ctx.as_of - timedelta(days=FILL_WINDOW_DAYS), registered + timedelta(days=1))
    last = min(ctx.as_of - timedelta(days=3), next_inspection)
    if home is None:
        count = 1 if rng.random() < 0.3 else 0
    elif home.commercial:  # a restaurant's cylinders go round faster
        count = rng.randint(2, 5)
    else:
        count = rng.choices((0, 1, 2, 3), (15, 45, 30, 10))[0]
    span = (last - first).days
    days = (
        sorted(first + timedelta(days=rng.randint(0, span)) for _ in range(count))
        if span >= 0
        else []
    )
    planted: set[int] = set()
    late_first = max(next_inspection + timedelta(days=1), ctx.as_of - timedelta(FILL_WINDOW_DAYS))
    if home is not None and next_inspection < ctx.as_of - timedelta(days=3):
        if ctx.plant(rng, OVERDUE_FILLING_RATE, "overdue_filling"):
            late_span = (ctx.as_of - late_first).days - 3
            days.append(late_first + timedelta(days=rng.randint(0, late_span)))
            planted.add(len(days) - 1)
    for i, day in enumerate(days):
        station = owner
        if len(ctx.stations) > 1 and ctx.plant(rng, FOREIGN_FILLING_RATE, "foreign_filling"):
            station = rng.choice([s for s in ctx.stations if s is not owner])
        when = at(day, rng.randint(7 * 60, 17 * 60))
        stamps = {"outsideOwner": True} if station is not owner else {}
        if i in planted:
            stamps["whileOverdue"] = True
        event = chunk.node(
            "Filling",
            when,
            eventId=ctx.next_id("FIL"),
            time=when,
            quantityKg=round(fill * rng.uniform(0.97, 1.0), 1),
            **stamps,
        )
        chunk.rel("Filling", "OF", "Cylinder", event, code)
        chunk.rel("Filling", "AT", "Enterprise", event, station.uscc)
        chunk.rel("Filling", "BY", "Person", event, rng.choice(station.fillers))
        if station is not owner:
            ctx.manifest.plant("foreign_filling", event)
        if i in planted:
            ctx.manifest.plant("overdue_filling", event)
        if home is not None:
            _delivery(
                ctx, chunk, rng, code, home, station, when + timedelta(minutes=rng.randint(30, 600))
            )


def _delivery(
    ctx: Ctx,
    chunk: Chunk,
    rng: random.Random,
    code: str,
    home: Home,
    station: Station,
    when: datetime,
) -> None:
    day = when.date()
    valid = [v for v in station.vehicles if v.permit_expiry >= day]
    lapsed = [v for v in station.vehicles if v.permit_expiry < day]
    planted = bool(lapsed) and ctx.plant(rng, EXPIRED_PERMIT_RATE, "expired_permit_delivery")
    vehicle = rng.choice(lapsed if planted else valid)
    stamps = {"withoutPermit": True} if planted else {}
    if not home.registered:
        stamps["toUnregistered"] = True
    event = chunk.node("Delivery", when, eventId=ctx.next_id("DEL"), time=when, **stamps)
    chunk.rel("Delivery", "OF", "Cylinder", event, code)
    chunk.rel("Delivery", "FROM", "Enterprise", event, station.uscc)
    chunk.rel("Delivery", "TO", "Household", event, home.id)
    chunk.rel("Delivery", "VIA", "Vehicle", event, vehicle.plate)
    chunk.rel("Delivery", "BY", "Person", event, vehicle.driver)
    chunk.rel("Delivery", "ESCORTED_BY", "Person", event, vehicle.escort)
    if planted:
        ctx.manifest.plant("expired_permit_delivery", event)
    if not home.registered:
        ctx.manifest.plant("unregistered_household_delivery", event)
    if rng.random() < 0.0008:
        found = when + timedelta(hours=rng.randint(1, 24))
        incident = chunk.node(
            "Incident",
            found,
            id=ctx.next_id("INC"),
            time=found,
            kind="GAS_LEAK",
            severity=rng.choices(("LOW", "MEDIUM", "HIGH", "CRITICAL"), (60, 30, 8, 2))[0],
            location=f"福州市{DISTRICT_BY_CODE[home.district].name}",
            district=home.district,
        )
        chunk.rel("Incident", "INVOLVES", "Cylinder", incident, code)
        chunk.rel("Incident", "INVOLVES", "Household", incident, home.id)
