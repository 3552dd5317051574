"""LPG households under real names, restaurants with their premises, and whistleblower tips."""

from __future__ import annotations

import hashlib
import random
from datetime import timedelta

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
    "UNLICENSED_KITCHEN": "外卖平台上的店铺无证经营",
    "FOOD_SAFETY": "使用过期变质食材",
    "HYGIENE": "后厨卫生脏乱 有老鼠",
    "FAKE_LISTING": "外卖平台上的店铺地址和证照是假的",
    "GAS_SAFETY": "在店外占道烹饪 液化气瓶放在路边",
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
        statuses = ("RECEIVED", "UNDER_REVIEW", "SUBSTANTIATED", "NOT_SUBSTANTIATED", "REWARDED")
        status = rng.choices(statuses, (35, 25, 15, 15, 10))[0]
        day = ctx.days_before(rng, 1, 365)
        claim = f"{rng.getrandbits(80):020x}"
        tip_id = chunk.node(
            "Tip",
            at(day, 0),  # tips keep the day only, even in their provenance
            id=ctx.next_id("TIP"),
            receivedOn=day,
            category=category,
            channel=rng.choice(("PUBLIC", "INSIDER", "PLATFORM")),
            text=TIP_CATEGORIES[category],
            textMasked=TIP_CATEGORIES[category],
            numbersFlagged=False,
            status=status,
            messageFrom=[],
            messageOn=[],
            messageText=[],
            claimCodeHash=hashlib.sha256(claim.encode()).hexdigest(),
            rewardYuan=float(rng.choice((200, 500, 1000, 5000))) if status == "REWARDED" else 0.0,
        )
        chunk.rel("Tip", "CONCERNS", "Enterprise", tip_id, rng.choice(ctx.restaurants))
        if status == "REWARDED":  # a faceless reward, paid: amounts and officials, no person
            reward = chunk.node(
                "Reward",
                at(day, 0),
                id="RWD-" + tip_id,
                amountYuan=float(rng.choice((200, 500, 1000))),
                reason="举报属实",
                status="PAID",
                grantedBy="graph_seed-official-a",
                approvedBy="graph_seed-official-b",
                grantedOn=day,
                approvedOn=day,
                claimedOn=day,
                paidOn=day,
            )
            chunk.rel("Reward", "FOR", "Tip", reward, tip_id)


def fake_listings(ctx: Ctx, chunk: Chunk) -> None:
    """On each platform one shop that claims an unregistered credit code, and the take-down
    notice the unlicensed-listing rule raised about it."""
    rng = ctx.rng("listings")
    for platform in ctx.platforms:
        day = ctx.days_before(rng, 1, 30)
        shop = chunk.node(
            "PlatformShop",
            at(day, 0),
            id=platform + ":fake-1",
            shopId="fake-1",
            name=rng.choice(DISHES),
            uscc=ctx.new_uscc(rng, "350102", "92"),
            licenceNo="JY3501020000000",
            address="福州市鼓楼区",
            licensed=False,
            checkedOn=day,
            status="LISTED",
            complaints=rng.randint(0, 9),
        )
        chunk.rel("PlatformShop", "ON", "Enterprise", shop, platform)
        notice = chunk.node(
            "Notice",
            at(day, 0),
            id="NTC-" + shop,
            kind="TAKE_DOWN",
            reason="listed without a valid food business licence 无有效食品经营许可",
            deadline=day + timedelta(days=3),
            status="OPEN",
            issuedBy="rule:UNLICENSED_SHOP",
            issuedOn=day,
        )
        chunk.rel("Notice", "TO", "Enterprise", notice, platform)
        chunk.rel("Notice", "ABOUT", "PlatformShop", notice, shop)
