"""Platforms as sentinels 哨岗: the shops a food-delivery platform lists, and the notices market
regulation sends it (take down, rectify) with a deadline.

A platform's client is an enterprise of kind DELIVERY_PLATFORM with the platform role, bound to
its own USCC: it reads its own shops and the notices addressed to it, and nothing else.
"""

from __future__ import annotations

from hub.catalog.entry import Filter, Link, NodeType, Prop
from hub.catalog.roles import Role
from hub.catalog.scopes import MINE, out, reaches

READERS = frozenset({Role.MARKET, Role.PLATFORM})

PLATFORM_SHOP = NodeType(
    "PlatformShop",
    "id",  # the platform's USCC, ":", the platform's own shop id
    props=(
        Prop("id", "string", field="shopKey"),
        Prop("shopId", "string"),
        Prop("name", "string"),
        Prop("uscc", "string", index=True),  # the licensed business it claims to be
        Prop("licenceNo", "string"),  # the food business licence it shows
        Prop("address", "string"),
        Prop("licensed", "bool", index=True),  # checked against the registry when listed
        Prop("checkedOn", "date"),
        Prop("status", "string"),  # LISTED, TAKEN_DOWN (by the platform)
        Prop("complaints", "int"),  # complaints the platform received about it
        Prop("takenDownOn", "date"),
    ),
    links=(
        Link("platform", "ON", "out", "Enterprise"),
        Link("claims", "CLAIMS", "out", "Enterprise"),
    ),
    filters=(Filter("status", "one_of", "status"),),
    sorts=("name",),
    readers=READERS,
    by_enterprise=reaches(out("ON"), to=MINE),
)

NOTICE = NodeType(
    "Notice",
    "id",
    props=(
        Prop("id", "string", field="noticeId"),
        Prop("kind", "string"),  # TAKE_DOWN, RECTIFY
        Prop("reason", "string"),
        Prop("deadline", "date", index=True),
        Prop("status", "string", index=True),  # OPEN, ACKNOWLEDGED, ESCALATED
        Prop("issuedBy", "string"),  # an official, or rule:UNLICENSED_SHOP
        Prop("issuedOn", "date"),
        Prop("acknowledgedOn", "date"),
        Prop("acknowledgement", "string"),
        Prop("escalatedOn", "date"),
    ),
    links=(
        Link("to", "TO", "out", "Enterprise"),
        Link("about", "ABOUT", "out", "PlatformShop"),
    ),
    filters=(Filter("status", "one_of", "status"),),
    sorts=("deadline",),
    readers=READERS,
    by_enterprise=reaches(out("TO"), to=MINE),
)

ENTRIES = (PLATFORM_SHOP, NOTICE)
