"""The whistleblower channel 吹哨人: tips 举报 and their faceless rewards 不露面领奖.

Nothing here names or locates a reporter: a tip holds the day it came (never the hour), what it
says and a keyed hash of its claim code; a reward holds amounts, states and the two officials
who granted and approved it, and the payout instruction only encrypted, only until it is paid.
"""

from __future__ import annotations

from hub.catalog.entry import Filter, Link, Mask, Masked, NodeType, Prop, related
from hub.catalog.roles import Role
from hub.catalog.scopes import IN_DISTRICT_E, out, reaches

MARKET_ONLY = frozenset({Role.MARKET})

TIP = NodeType(
    "Tip",
    "id",
    props=(
        Prop("id", "string", field="tipId"),  # random, so ids carry no order of arrival
        Prop("receivedOn", "date", index=True),  # the day only, never the hour
        Prop("category", "string", index=True),
        Prop("channel", "string"),  # PUBLIC, INSIDER, PLATFORM
        # Identity and phone numbers in what the reporter wrote are masked (textMasked, made on
        # arrival) for every reader but market regulation.
        Prop("text", "string", mask=Masked(Mask.TEXT_NUMBERS, MARKET_ONLY)),
        Prop("textMasked", "string", field=None),
        # What the reporter named: a USCC, a shop on a platform, a name and an address.
        Prop("concernsUscc", "string"),
        Prop("concernsShop", "string"),
        Prop("concernsName", "string"),
        Prop("concernsAddress", "string"),
        Prop("numbersFlagged", "bool"),  # the text held an identity or phone number
        Prop("status", "string", index=True),
        Prop("assignee", "string"),  # the official the tip is assigned to
        # The two-way channel: one entry per message, oldest first (from MARKET or REPORTER,
        # the day, the text).
        Prop("messageFrom", "strings"),
        Prop("messageOn", "strings"),
        Prop("messageText", "strings"),
        Prop("claimCodeHash", "string", field=None, unique=True),  # never leaves the graph
        Prop("rewardYuan", "float"),
    ),
    links=(
        Link("concerns", "CONCERNS", "out", "Enterprise"),
        Link("households", "CONCERNS", "out", "Household", many=True, order="id"),
    ),
    filters=(
        Filter("status", "one_of", "status"),
        Filter("category", "one_of", "category"),
        related("district", "CONCERNS", "out", "Enterprise", "district"),
        related("enterprise", "CONCERNS", "out", "Enterprise", "uscc"),
    ),
    sorts=("receivedOn",),
    readers=MARKET_ONLY,  # no other department, and never the enterprise concerned
    by_district=reaches(out("CONCERNS"), to=IN_DISTRICT_E),
)

REWARD = NodeType(
    "Reward",
    "id",
    props=(
        Prop("id", "string", field="rewardId"),
        Prop("amountYuan", "float"),
        Prop("reason", "string"),
        Prop("status", "string", index=True),  # GRANTED, APPROVED, CLAIMED, PAID
        Prop("grantedBy", "string"),  # officials, never the reporter
        Prop("approvedBy", "string"),
        Prop("grantedOn", "date"),
        Prop("approvedOn", "date"),
        Prop("claimedOn", "date"),
        Prop("paidOn", "date"),
        Prop("payoutSealed", "string", field=None),  # Fernet token until paid, then removed
    ),
    links=(Link("tip", "FOR", "out", "Tip"),),
    readers=MARKET_ONLY,
)

ENTRIES = (TIP, REWARD)
