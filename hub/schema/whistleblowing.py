"""The whistleblower channel's GraphQL shape 吹哨人: the reporter's fields (no token needed, by
claim code only), market regulation's triage and the faceless rewards.

What each field does is hub/resolvers/tips.py and rewards.py; the walk-through is
docs/whistleblowing.md.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from hub.access.principal import Role, Scope
from hub.access.root_access import READ, Access
from hub.context import Info
from hub.resolvers import entities, rewards, tips
from hub.schema.enums import Direction
from hub.schema.graph import Connection, Tip
from hub.schema.permissions import allow
from hub.schema.scalars import Date

# The public (and anyone with a token, which is then not looked at).
REPORTER = Access(anonymous=True, names_nobody=True)
MARKET_WRITE = Access(scopes=(Scope.GRAPH_WRITE,), roles=frozenset({Role.MARKET}), what="tips")
FINANCE = Access(scopes=(Scope.REWARD_PAY,), roles=frozenset({Role.MARKET}), what="reward payouts")


@strawberry.enum(description="What a tip is about 举报类别")
class TipCategory(Enum):
    UNLICENSED_KITCHEN = strawberry.enum_value("UNLICENSED_KITCHEN", description="无证后厨")
    FOOD_SAFETY = strawberry.enum_value("FOOD_SAFETY", description="食品安全")
    HYGIENE = strawberry.enum_value("HYGIENE", description="卫生")
    FAKE_LISTING = strawberry.enum_value("FAKE_LISTING", description="虚假店铺信息")
    GAS_SAFETY = strawberry.enum_value("GAS_SAFETY", description="燃气安全")
    OTHER = strawberry.enum_value("OTHER", description="其他")


@strawberry.enum(description="How a tip came 举报渠道")
class TipChannel(Enum):
    PUBLIC = strawberry.enum_value("PUBLIC", description="公众")
    INSIDER = strawberry.enum_value("INSIDER", description="从业人员 (吹哨人)")
    PLATFORM = strawberry.enum_value("PLATFORM", description="外卖平台")


@strawberry.enum(description="Where a tip stands 处理状态")
class TipStatus(Enum):
    RECEIVED = strawberry.enum_value("RECEIVED", description="已受理")
    UNDER_REVIEW = strawberry.enum_value("UNDER_REVIEW", description="核查中")
    SUBSTANTIATED = strawberry.enum_value("SUBSTANTIATED", description="属实")
    NOT_SUBSTANTIATED = strawberry.enum_value("NOT_SUBSTANTIATED", description="不属实")
    REWARDED = strawberry.enum_value("REWARDED", description="已奖励")
    CLOSED = strawberry.enum_value("CLOSED", description="已办结")


@strawberry.input(description="A tip 举报; nothing about who sends it")
class TipInput:
    category: TipCategory
    text: str = strawberry.field(description="What happened, up to 4000 characters")
    channel: TipChannel = TipChannel.PUBLIC
    concernsUscc: str | None = strawberry.field(default=None, description="统一社会信用代码")
    concernsShop: str | None = strawberry.field(default=None, description="平台店铺名或编号")
    concernsName: str | None = strawberry.field(default=None, description="商户名称")
    concernsAddress: str | None = strawberry.field(default=None, description="地址")


@strawberry.type(description="The claim code, shown once 领奖码 (only its keyed hash is kept)")
class TipReceipt:
    claimCode: str = strawberry.field(description="Keep it: it is the only way back to the tip")
    numbersFlagged: bool = strawberry.field(
        description="The text held an identity or phone number: masked for every reader but "
        "market regulation"
    )
    receivedOn: Date


@strawberry.type(description="One message of the anonymous channel 问答")
class TipMessage:
    sender: str = strawberry.field(description="MARKET (a question) or REPORTER (an answer)")
    on: Date
    text: str


@strawberry.type(description="A reward as the reporter sees it 奖励")
class RewardState:
    rewardId: str
    amountYuan: float | None
    status: str = strawberry.field(description="GRANTED, APPROVED, CLAIMED or PAID")
    claimedOn: Date | None
    paidOn: Date | None


@strawberry.type(description="A tip as its reporter sees it, by claim code 举报进度")
class TipProgress:
    status: TipStatus
    category: str | None
    receivedOn: Date | None
    messages: list[TipMessage]
    rewards: list[RewardState]


@strawberry.input(description="One triage step on a tip 分办")
class TipTriageInput:
    tipId: str
    status: TipStatus | None = None
    assignee: str | None = None
    enterprises: list[str] | None = strawberry.field(default=None, description="USCCs to link")
    households: list[str] | None = strawberry.field(default=None, description="Household ids")
    question: str | None = strawberry.field(default=None, description="Asked of the reporter")


@strawberry.type
class TipItemError:
    field: str
    message: str


@strawberry.type
class TipItemResult:
    index: int
    ok: bool
    id: strawberry.ID | None
    errors: list[TipItemError]


@strawberry.type(description="A reward's state after a step")
class RewardStep:
    rewardId: str
    status: str
    amountYuan: float | None = None


@strawberry.type(description="What the finance step needs to pay 支付信息 (reward:pay only)")
class RewardPayout:
    rewardId: str
    amountYuan: float | None
    payoutInstruction: str


@strawberry.input
class TipFilter:
    status: list[TipStatus] | None = None
    category: list[TipCategory] | None = None
    district: str | None = None
    enterprise: str | None = strawberry.field(default=None, description="USCC of the enterprise")


@strawberry.enum
class TipSort(Enum):
    RECEIVED_ON = "receivedOn"


@strawberry.input
class TipOrder:
    field: TipSort = TipSort.RECEIVED_ON
    direction: Direction = Direction.DESC


def _values(items: list[Any] | None) -> list[str] | None:
    return None if items is None else [i.value for i in items]


def _progress(row: dict[str, Any]) -> TipProgress:
    return TipProgress(
        status=TipStatus(row["status"]),
        category=row["category"],
        receivedOn=row["receivedOn"],
        messages=[TipMessage(**m) for m in row["messages"]],
        rewards=[RewardState(**r) for r in row["rewards"]],
    )


@strawberry.type
class WhistleQuery:
    @strawberry.field(
        extensions=allow(REPORTER),
        description="A tip's progress by its claim code 举报进度, no token needed. A wrong code "
        "and an unknown one get the same answer; wrong codes are throttled per address.",
    )
    async def tipStatus(self, info: Info, claimCode: str) -> TipProgress:
        return _progress(await tips.status(info, claimCode))

    @strawberry.field(
        extensions=allow(READ),
        description="Whistleblower tips 举报线索 (market regulation only; never the enterprise "
        "concerned), newest first.",
    )
    async def tips(
        self, info: Info, filter: TipFilter | None = None, orderBy: TipOrder | None = None,
        first: int | None = None, after: str | None = None,
    ) -> Connection[Tip]:  # fmt: skip
        args: dict[str, Any] = {"first": first, "after": after}
        if filter is not None:
            args["filter"] = {
                "status": _values(filter.status),
                "category": _values(filter.category),
                "district": filter.district,
                "enterprise": filter.enterprise,
            }
        order = orderBy or TipOrder()
        args["orderBy"] = {"field": order.field, "direction": order.direction}
        return await entities.page(info, "Tip", args)  # type: ignore[no-any-return]

    @strawberry.field(
        extensions=allow(FINANCE),
        description="A claimed reward's payout instruction 支付信息, for the finance step only "
        "(market role with the reward:pay scope).",
    )
    async def rewardPayout(self, info: Info, reward: str) -> RewardPayout:
        return RewardPayout(**await rewards.open_payout(info, reward))


@strawberry.type
class WhistleMutation:
    @strawberry.mutation(
        extensions=allow(REPORTER),
        description="Submit a tip anonymously 匿名举报, no token needed: answers a claim code, "
        "shown once. Nothing about the sender is kept.",
    )
    async def submitTip(self, info: Info, tip: TipInput) -> TipReceipt:
        item = strawberry.asdict(tip)
        item["category"] = tip.category.value
        item["channel"] = tip.channel.value
        return TipReceipt(**await tips.submit(info, item))

    @strawberry.mutation(
        extensions=allow(REPORTER),
        description="Answer market regulation's question by claim code 回复 (anonymous).",
    )
    async def answerTip(self, info: Info, claimCode: str, text: str) -> TipProgress:
        return _progress(await tips.answer(info, claimCode, text))

    @strawberry.mutation(
        extensions=allow(REPORTER),
        description="Claim an approved reward by claim code 不露面领奖, with a payout instruction "
        "(sealed; only the finance step reads it, and it is erased once paid).",
    )
    async def claimReward(
        self, info: Info, claimCode: str, reward: str, payoutInstruction: str
    ) -> TipProgress:
        return _progress(await rewards.claim(info, claimCode, reward, payoutInstruction))

    @strawberry.mutation(
        extensions=allow(MARKET_WRITE),
        description="Triage tips 分办: assign, link to enterprises and households, set the "
        "status, ask the reporter a question (market regulation).",
    )
    async def triageTips(self, info: Info, items: list[TipTriageInput]) -> list[TipItemResult]:
        raw = []
        for item in items:
            d = strawberry.asdict(item)
            d["status"] = item.status.value if item.status else None
            raw.append(d)
        rows = await tips.triage(info, raw)
        return [
            TipItemResult(
                index=r["index"], ok=r["ok"], id=strawberry.ID(r["id"]),
                errors=[TipItemError(**e) for e in r["errors"]],
            )
            for r in rows
        ]  # fmt: skip

    @strawberry.mutation(
        extensions=allow(MARKET_WRITE),
        description="Grant a reward for a substantiated tip 奖励 (the first of two officials).",
    )
    async def grantReward(self, info: Info, tip: str, amountYuan: float, reason: str) -> RewardStep:
        return RewardStep(**await rewards.grant(info, tip, amountYuan, reason))

    @strawberry.mutation(
        extensions=allow(MARKET_WRITE),
        description="Approve a granted reward 审批 (a second official: four eyes).",
    )
    async def approveReward(self, info: Info, reward: str) -> RewardStep:
        return RewardStep(**await rewards.approve(info, reward))

    @strawberry.mutation(
        extensions=allow(FINANCE),
        description="The finance step: the reward is paid 已支付; its instruction is erased.",
    )
    async def confirmRewardPaid(self, info: Info, reward: str) -> RewardStep:
        return RewardStep(**await rewards.confirm_paid(info, reward))
