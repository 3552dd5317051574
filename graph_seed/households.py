"""LPG households under real names, restaurants with their premises, and whistleblower tips."""

from __future__ import annotations

import hashlib
import random

from graph_seed.context import Ctx, Home, Station
from graph_seed.parties import enterprise, lpg_district, short
from graph_seed.rows import Chunk
from graph_seed.violations import UNREGISTERED_RATE
from graph_seed.world import SURNAMES, at, recorded_at

DISHES = (
    "沙县小吃",
    "鱼丸店",
    "锅边糊",
    "佛跳墙酒楼",
    "拌面扁肉",
    "海鲜排档",
    "福州菜馆",
    "快餐店",
)
TIP_CATEGORIES = {
    "UNLICENSED": "外卖平台上的店铺无证经营",
    "NO_HEALTH_CERTIFICATE": "后厨员工没有健康证",
    "SPOILED_FOOD": "使用过期变质食材",
    "DIRTY_PREMISES": "后厨卫生脏乱 有老鼠",
    "OUTDOOR_COOKING": "在店外占道烹饪 液化气瓶放在路边",
}


def _station_for(ctx: Ctx, rng: random.Random, district: str) -> Station:
    local = [s for s in ctx.stations if s.district == district]
    return rng.choice(local or ctx.stations)


def _home(
    ctx: Ctx,
    chunk: Chunk,
    rng: random.Random,
    district: str,
    kind: str,
    cylinders: int,
    owner: str | None,
) -> Home:
    station = _station_for(ctx, rng, district)
    registered_on = ctx.days_before(rng, 200, 3000)
    address, street = ctx.address(rng, district)
    home_id = chunk.node(
        "Household",
        recorded_at(registered_on),
        id=ctx.next_id(f"HH{district}", 6),
        kind=kind,
        address=address,
        district=district,
        street=street,
        registeredOn=registered_on,
        status="ACTIVE" if owner else "UNREGISTERED",
    )
    if owner:
        chunk.rel("Household", "REGISTERED_TO", "Person", home_id, owner)
    chunk.rel("Household", "CUSTOMER_OF", "Enterprise", home_id, station.uscc)
    home = Home(
        home_id,
        district,
        station.uscc,
        owner is not None,
        kind == "COMMERCIAL",
        cylinders,
        registered_on,
    )
    ctx.homes.append(home)
    return home


def households(ctx: Ctx, chunk: Chunk) -> None:
    rng = ctx.rng("households")
    for i in range(ctx.scale.households - ctx.scale.restaurants):
        district = lpg_district(rng)
        unregistered = rng.random() < UNREGISTERED_RATE or i == 0  # at least one, even in tiny
        owner = None if unregistered else ctx.person(chunk, rng, district)
        cylinders = rng.choices((1, 2, 3), (45, 45, 10))[0]
        _home(ctx, chunk, rng, district, "RESIDENTIAL", cylinders, owner)


def restaurants(ctx: Ctx, chunk: Chunk) -> None:
    """Restaurants: an enterprise, its operator, and its premises as a COMMERCIAL household."""
    rng = ctx.rng("restaurants")
    for i in range(ctx.scale.restaurants):
        district = lpg_district(rng)
        name = f"{rng.choice(SURNAMES)}记{DISHES[i % len(DISHES)]}({short(district)}{i + 1}店)"
        entity = "92" if rng.random() < 0.6 else "91"
        uscc = enterprise(ctx, chunk, rng, "RESTAURANT", name, district, entity)
        operator = ctx.person(chunk, rng, district, [], uscc)
        _home(ctx, chunk, rng, district, "COMMERCIAL", rng.randint(3, 10), operator)
        ctx.restaurants.append(uscc)
        ctx.retailers.append(uscc)


def tips(ctx: Ctx, chunk: Chunk) -> None:
    """Whistleblower reports about restaurants; only a claim code's hash, never the reporter."""
    rng = ctx.rng("tips")
    for _ in range(ctx.scale.tips if ctx.restaurants else 0):
        category = rng.choice(sorted(TIP_CATEGORIES))
        status = rng.choices(("RECEIVED", "FILED", "REWARDED", "DISMISSED"), (40, 30, 15, 15))[0]
        day = ctx.days_before(rng, 1, 365)
        when = at(day, rng.randint(6 * 60, 23 * 60))
        claim = f"{rng.getrandbits(64):016x}"
        tip_id = chunk.node(
            "Tip",
            when,
            id=ctx.next_id("TIP"),
            time=when,
            category=category,
            text=TIP_CATEGORIES[category],
            status=status,
            claimCodeHash=hashlib.sha256(claim.encode()).hexdigest(),
            rewardYuan=float(rng.choice((200, 500, 1000, 5000))) if status == "REWARDED" else 0.0,
        )
        chunk.rel("Tip", "CONCERNS", "Enterprise", tip_id, rng.choice(ctx.restaurants))
