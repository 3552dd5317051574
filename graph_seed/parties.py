"""Enterprises, their staff and the dangerous-goods fleet: the parties every event refers to."""

from __future__ import annotations

import random
from datetime import timedelta

from graph_seed.context import Ctx, Station, Vehicle
from graph_seed.rows import Chunk
from graph_seed.violations import EXPIRED_VEHICLE_RATE
from graph_seed.world import DISTRICT_BY_CODE, DISTRICTS, at, recorded_at

PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, O
LICENCE_PREFIX = {
    "FILLING_STATION": "闽燃充",
    "GAS_DISTRIBUTOR": "闽燃经",
    "CYLINDER_MANUFACTURER": "TS2210",
    "INSPECTION_AGENCY": "TS7110",
    "FOOD_PRODUCER": "SC",
    "WHOLESALE_MARKET": "JY",
    "SUPERMARKET": "JY",
    "FARMERS_MARKET": "JY",
    "RESTAURANT": "JY",
    "DELIVERY_PLATFORM": "JY",
    "LOGISTICS": "闽交运",
}


def lpg_district(rng: random.Random) -> str:
    weights = [d.population_share * d.lpg_weight for d in DISTRICTS]
    return rng.choices(DISTRICTS, weights)[0].code


def population_district(rng: random.Random) -> str:
    return rng.choices(DISTRICTS, [d.population_share for d in DISTRICTS])[0].code


def enterprise(
    ctx: Ctx,
    chunk: Chunk,
    rng: random.Random,
    kind: str,
    name: str,
    district: str,
    entity: str = "91",
) -> str:
    uscc = ctx.new_uscc(rng, district, entity)
    address, _ = ctx.address(rng, district)
    registered = ctx.days_before(rng, 800, 6000)
    return chunk.node(
        "Enterprise",
        recorded_at(registered),
        uscc=uscc,
        name=name,
        kind=kind,
        district=district,
        address=address,
        licenceNo=f"{LICENCE_PREFIX[kind]}{district}{rng.randint(0, 99_999):05d}",
        licenceExpiry=ctx.as_of + timedelta(days=rng.randint(60, 1800)),
    )


def short(district: str) -> str:
    return DISTRICT_BY_CODE[district].name[:-1]


def gas_enterprises(ctx: Ctx, chunk: Chunk) -> None:
    rng = ctx.rng("gas-enterprises")
    n = ctx.scale.filling_stations
    districts = [d.code for d in DISTRICTS] if n >= len(DISTRICTS) else []
    districts += [lpg_district(rng) for _ in range(n - len(districts))]
    for i, district in enumerate(districts):
        name = f"福州{short(district)}{'华安闽燃榕信顺达鑫源'[i % 10]}液化气充装站{i + 1}号"
        uscc = enterprise(ctx, chunk, rng, "FILLING_STATION", name, district)
        ctx.stations.append(Station(uscc, district))
    for i in range(max(2, n // 7)):
        name = f"福建{'闽宏华鑫永安'[i % 5]}钢瓶制造有限公司{i + 1}厂"
        ctx.manufacturers.append(
            enterprise(ctx, chunk, rng, "CYLINDER_MANUFACTURER", name, population_district(rng))
        )
    for i in range(max(2, n // 9)):
        name = f"福州市特种设备检验所气瓶检验站{i + 1}"
        ctx.agencies.append(
            enterprise(ctx, chunk, rng, "INSPECTION_AGENCY", name, population_district(rng), "12")
        )
    for i in range(max(1, n // 10)):
        district = lpg_district(rng)
        enterprise(
            ctx, chunk, rng, "GAS_DISTRIBUTOR", f"福州{short(district)}燃气经营{i + 1}部", district
        )
    for i, name in enumerate(("饿了么福州站", "美团外卖福州站", "福州顺捷危货运输有限公司")):
        kind = "LOGISTICS" if i == 2 else "DELIVERY_PLATFORM"
        uscc = enterprise(ctx, chunk, rng, kind, name, "350102")
        if kind == "DELIVERY_PLATFORM":
            ctx.platforms.append(uscc)


def plate(ctx: Ctx, rng: random.Random) -> str:
    while True:
        tail = "".join(rng.choice(PLATE_LETTERS + "0123456789") for _ in range(3))
        value = f"闽{rng.choice('ACK')}{rng.randint(0, 9)}{tail}挂" if rng.random() < 0.1 else ""
        value = value or f"闽A{rng.choice(PLATE_LETTERS)}{rng.randint(0, 9999):04d}"
        if value not in ctx.plates:
            ctx.plates.add(value)
            return value


def fleets(ctx: Ctx, chunk: Chunk) -> None:
    """Each station's fillers and trucks; each truck with a certified driver and escort."""
    rng = ctx.rng("fleets")
    stations = ctx.stations
    for i in range(ctx.scale.vehicles):
        station = stations[i % len(stations)]
        number = plate(ctx, rng)
        # The first truck of every station keeps a valid permit, so a legal delivery is possible.
        lapsed = bool(station.vehicles) and (
            rng.random() < EXPIRED_VEHICLE_RATE or i == len(stations)
        )
        expiry = (
            ctx.days_before(rng, 5, 100) if lapsed else ctx.as_of + timedelta(rng.randint(30, 700))
        )
        driver = ctx.person(chunk, rng, station.district, ["DG_DRIVER"], station.uscc)
        escort = ctx.person(chunk, rng, station.district, ["DG_ESCORT"], station.uscc)
        chunk.node(
            "Vehicle",
            recorded_at(ctx.days_before(rng, 400, 2000)),
            plate=number,
            kind="DG_TRUCK",
            permitNo=f"闽交危{station.district}{rng.randint(0, 999_999):06d}",
            permitExpiry=expiry,
        )
        chunk.rel("Vehicle", "OPERATED_BY", "Enterprise", number, station.uscc)
        chunk.rel("Person", "DRIVES", "Vehicle", driver, number)
        station.vehicles.append(Vehicle(number, expiry, driver, escort))
    for station in stations:
        for _ in range(rng.randint(2, 4)):
            station.fillers.append(
                ctx.person(chunk, rng, station.district, ["FILLER"], station.uscc)
            )
    for agency in ctx.agencies:
        for _ in range(2):
            ctx.person(chunk, rng, "350102", ["INSPECTOR"], agency)


def food_enterprises(ctx: Ctx, chunk: Chunk) -> None:
    rng = ctx.rng("food-enterprises")
    for name, district in (
        ("福州海峡农副产品批发市场", "350104"),
        ("福州民天农副产品批发市场", "350111"),
    ):
        ctx.markets.append(enterprise(ctx, chunk, rng, "WHOLESALE_MARKET", name, district))
    for i in range(ctx.scale.food_producers):
        district = population_district(rng)
        entity = "93" if rng.random() < 0.4 else "91"
        kind_name = "农民专业合作社" if entity == "93" else "农业发展有限公司"
        name = f"{short(district)}{'绿源丰泽闽香海鲜鸿福金禾'[i % 10]}{kind_name}{i + 1}"
        ctx.producers.append(enterprise(ctx, chunk, rng, "FOOD_PRODUCER", name, district, entity))
    for i in range(ctx.scale.supermarkets):
        district = population_district(rng)
        name = f"{'永辉新华都朴朴大润发'[i % 5 * 2 : i % 5 * 2 + 2]}超市{short(district)}{i + 1}店"
        ctx.retailers.append(enterprise(ctx, chunk, rng, "SUPERMARKET", name, district))
    for i in range(ctx.scale.farmers_markets):
        district = population_district(rng)
        name = f"{short(district)}{'东西南北中'[i % 5]}农贸市场{i + 1}"
        ctx.retailers.append(enterprise(ctx, chunk, rng, "FARMERS_MARKET", name, district))


def traffic_incidents(ctx: Ctx, chunk: Chunk) -> None:
    rng = ctx.rng("traffic")
    for _ in range(ctx.scale.incidents_traffic):
        station = rng.choice(ctx.stations)
        vehicle = rng.choice(station.vehicles)
        day = ctx.days_before(rng, 3, 365)
        when = at(day, rng.randint(6 * 60, 21 * 60))
        incident = chunk.node(
            "Incident",
            when,
            id=ctx.next_id("INC"),
            time=when,
            kind="TRAFFIC",
            severity=rng.choices(("LOW", "MEDIUM", "HIGH"), (70, 25, 5))[0],
            location=f"福州市{DISTRICT_BY_CODE[station.district].name}",
            district=station.district,
        )
        chunk.rel("Incident", "INVOLVES", "Vehicle", incident, vehicle.plate)
        chunk.rel("Incident", "INVOLVES", "Person", incident, vehicle.driver)
