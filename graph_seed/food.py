"""Food batches under "one product, one code": producer -> wholesale market (every batch tested at
entry) -> supermarkets, farmers' markets and restaurants -> sales. A failed batch is destroyed,
except the planted few that were shipped all the same."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from graph_seed.context import Ctx
from graph_seed.rows import Chunk
from graph_seed.violations import FAIL_TEST_RATE, FAILED_SHIPPED_RATE
from graph_seed.world import DISTRICT_BY_CODE, at, recorded_at
from hub.graph.model import PRODUCT_CATEGORIES

PRODUCTS_PER_CHUNK = 10_000
# category -> (weight, names)
CATALOGUE: dict[str, tuple[int, tuple[str, ...]]] = {
    "VEGETABLES": (40, ("青菜", "包菜", "芥菜", "空心菜", "白萝卜", "西兰花")),
    "FRUIT": (10, ("福橘", "龙眼", "荔枝", "橄榄", "枇杷")),
    "LIVESTOCK": (12, ("猪肉", "牛肉", "羊肉")),
    "POULTRY": (8, ("鸡", "鸭", "鸡蛋")),
    "AQUATIC": (15, ("大黄鱼", "带鱼", "鲍鱼", "虾", "海蛎")),
    "BEAN_PRODUCTS": (4, ("豆腐", "豆干", "腐竹")),
    "GRAIN": (4, ("大米", "面粉")),
    "DAIRY": (2, ("鲜牛奶", "酸奶")),
    "EDIBLE_OIL": (2, ("花生油", "茶籽油")),
    "SALT": (1, ("食盐",)),
    "OTHER": (2, ("香菇", "紫菜", "茶叶")),
}
METHODS = {
    "VEGETABLES": "农药残留 酶抑制法 GB/T 5009.199-2003",
    "FRUIT": "农药残留 酶抑制法 GB/T 5009.199-2003",
    "LIVESTOCK": "克伦特罗 胶体金试纸",
    "AQUATIC": "孔雀石绿 胶体金试纸",
}
FAR_ORIGINS = ("山东省寿光市", "云南省昆明市", "广东省湛江市", "江西省赣州市", "浙江省宁波市")


def product_chunks(ctx: Ctx) -> Iterator[Chunk]:
    total = ctx.scale.products
    for index, start in enumerate(range(0, total, PRODUCTS_PER_CHUNK)):
        chunk = Chunk(f"food {index + 1}")
        rng = ctx.rng(f"food:{index}")
        for _ in range(min(PRODUCTS_PER_CHUNK, total - start)):
            _batch(ctx, chunk, rng)
        yield chunk


def _batch(ctx: Ctx, chunk: Chunk, rng: random.Random) -> None:
    producer = rng.choice(ctx.producers)
    market_no = rng.choices(range(len(ctx.markets)), (70, 30))[0]
    market = ctx.markets[market_no]
    category = rng.choices(list(CATALOGUE), [w for w, _ in CATALOGUE.values()])[0]
    produced = ctx.days_before(rng, 4, 60)
    n = ctx.counters.get("PRODUCT", 0) + 1
    ctx.counters["PRODUCT"] = n
    trace = f"{market_no + 1:02d}{produced:%y%m%d}{PRODUCT_CATEGORIES.index(category):02d}{n:010d}"
    district = producer[2:8]
    local = district in DISTRICT_BY_CODE and rng.random() < 0.7
    origin = "福建省福州市" + DISTRICT_BY_CODE[district].name if local else rng.choice(FAR_ORIGINS)
    quantity = float(rng.randint(200, 5000))
    arrival = at(produced + timedelta(days=rng.randint(0, 1)), rng.randint(3 * 60, 6 * 60))
    chunk.node(
        "Product",
        recorded_at(produced),
        traceCode=trace,
        name=rng.choice(CATALOGUE[category][1]),
        category=category,
        origin=origin,
        originCertificate=f"HGZ{district}{rng.randint(0, 99_999_999):08d}",
        producedOn=produced,
        quantityKg=quantity,
    )
    chunk.rel("Product", "PRODUCED_BY", "Enterprise", trace, producer)
    _shipment(ctx, chunk, trace, producer, market, arrival, quantity)
    tested = arrival + timedelta(minutes=rng.randint(20, 90))
    failed = ctx.plant(rng, FAIL_TEST_RATE, "failed_batch_shipped")
    test = chunk.node(
        "BatchTest",
        tested,
        eventId=ctx.next_id("TST"),
        time=tested,
        method=METHODS.get(category, "快速检测 胶体金试纸"),
        result="FAIL" if failed else "PASS",
    )
    chunk.rel("BatchTest", "OF", "Product", test, trace)
    chunk.rel("BatchTest", "AT", "Enterprise", test, market)
    if (
        failed
        and ctx.manifest.planted["failed_batch_shipped"]
        and rng.random() >= FAILED_SHIPPED_RATE
    ):
        return  # destroyed
    outbound = rng.randint(1, 2) if failed else rng.randint(1, 4)
    for _ in range(outbound):
        retailer = rng.choice(ctx.retailers)
        leaves = tested + timedelta(minutes=rng.randint(30, 300))
        part = round(quantity / outbound, 1)
        event = _shipment(ctx, chunk, trace, market, retailer, leaves, part)
        if failed:
            ctx.manifest.plant("failed_batch_shipped", event)
        _sales(ctx, chunk, rng, trace, retailer, leaves, part)


def _shipment(
    ctx: Ctx, chunk: Chunk, trace: str, src: str, dst: str, when: datetime, kg: float
) -> str:
    event = chunk.node("Shipment", when, eventId=ctx.next_id("SHP"), time=when, quantityKg=kg)
    chunk.rel("Shipment", "OF", "Product", event, trace)
    chunk.rel("Shipment", "FROM", "Enterprise", event, src)
    chunk.rel("Shipment", "TO", "Enterprise", event, dst)
    return event


def _sales(
    ctx: Ctx,
    chunk: Chunk,
    rng: random.Random,
    trace: str,
    retailer: str,
    after: datetime,
    kg: float,
) -> None:
    for _ in range(rng.randint(0, 3)):
        when = after + timedelta(minutes=rng.randint(60, 48 * 60))
        sold = round(min(kg, rng.uniform(0.5, 20.0)), 2)
        event = chunk.node(
            "Sale",
            when,
            eventId=ctx.next_id("SAL"),
            time=when,
            quantityKg=sold,
            priceYuan=round(sold * rng.uniform(4.0, 60.0), 2),
        )
        chunk.rel("Sale", "OF", "Product", event, trace)
        chunk.rel("Sale", "AT", "Enterprise", event, retailer)
    if rng.random() < 0.001:
        when = after + timedelta(hours=rng.randint(6, 48))
        incident = chunk.node(
            "Incident",
            when,
            id=ctx.next_id("INC"),
            time=when,
            kind="FOOD_POISONING",
            severity=rng.choices(("LOW", "MEDIUM", "HIGH"), (50, 40, 10))[0],
            location="福州市",
            district=rng.choice(sorted(DISTRICT_BY_CODE)),
        )
        chunk.rel("Incident", "INVOLVES", "Product", incident, trace)
        chunk.rel("Incident", "INVOLVES", "Enterprise", incident, retailer)
