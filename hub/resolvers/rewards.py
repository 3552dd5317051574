"""Faceless rewards 不露面领奖: granted by one official, approved by another, claimed by claim code
with a payout instruction that only the finance step can read, and erased once paid.

The instruction is sealed with Fernet (hub/whistle/keys.py) before it reaches the graph; no read
of the graph (the catalog gives `payoutSealed` no field) returns it. Only `rewardPayout`, which
needs market regulation's reward:pay scope, opens it, and `confirmRewardPaid` (the same scope)
removes it as the reward becomes PAID.
"""

from __future__ import annotations

import secrets
from datetime import datetime, time
from typing import Any

from cryptography.fernet import InvalidToken

from hub.audit.atomic import audited_write
from hub.clock import FUZHOU
from hub.context import Info
from hub.errors import BadUserInput, Forbidden, Unavailable
from hub.graph import tips_repo
from hub.resolvers.tips import _reporter_tip, reporter_view, text_field
from hub.whistle import keys

MAX_YUAN = 1_000_000.0
MAX_INSTRUCTION = 500


async def grant(info: Info, tip_id: str, amount_yuan: float, reason: str) -> dict[str, Any]:
    if not 0 < amount_yuan <= MAX_YUAN:
        raise BadUserInput(
            f"amountYuan is more than 0 and at most {MAX_YUAN:.0f}", field="amountYuan"
        )
    reason_text = text_field(reason, "reason", 500, required=True)
    graph = info.context.graph
    today = graph.clock.today()
    props = {
        "id": "RWD-" + secrets.token_hex(8),
        "tip": tip_id,
        "amountYuan": round(float(amount_yuan), 2),
        "reason": reason_text,
        "grantedBy": info.context.principal.subject,
        "day": today,
        "recordedAt": datetime.combine(today, time(0), FUZHOU),
    }
    if not await audited_write(info, tips_repo.grant_reward, props):
        raise BadUserInput(
            "no substantiated tip has this id (a reward needs a SUBSTANTIATED tip)", field="tip"
        )
    return {"rewardId": props["id"], "status": "GRANTED", "amountYuan": props["amountYuan"]}


async def approve(info: Info, reward_id: str) -> dict[str, Any]:
    graph = info.context.graph
    why = await audited_write(
        info,
        tips_repo.approve_reward,
        reward_id,
        info.context.principal.subject,
        graph.clock.today(),
    )
    if why == "same_person":
        raise Forbidden(
            "four eyes: the official who granted a reward cannot approve it", field="reward"
        )
    if why == "missing":
        raise BadUserInput("no such reward", field="reward")
    if why == "state":
        raise BadUserInput("only a GRANTED reward can be approved", field="reward")
    return {"rewardId": reward_id, "status": "APPROVED"}


async def claim(info: Info, claim_code: str, reward_id: str, instruction: str) -> dict[str, Any]:
    text = text_field(instruction, "payoutInstruction", MAX_INSTRUCTION, required=True) or ""
    hashed, _ = await _reporter_tip(info, claim_code)
    sealed = keys.payout_cipher(info.context.settings).encrypt(text.encode()).decode()
    graph = info.context.graph
    if not await audited_write(
        info, tips_repo.claim_reward, hashed, reward_id, sealed, graph.clock.today()
    ):
        raise BadUserInput("this tip has no approved reward with that id to claim", field="reward")
    row = await graph.read(tips_repo.tip_for_reporter, hashed)
    return reporter_view(row or {})


async def open_payout(info: Info, reward_id: str) -> dict[str, Any]:
    """The finance step reads a claimed reward's instruction, to pay it."""
    row = await info.context.graph.read(tips_repo.sealed_payout, reward_id)
    if row is None:
        raise BadUserInput("no CLAIMED reward has this id", field="reward")
    try:
        instruction = keys.payout_cipher(info.context.settings).decrypt(row["sealed"]).decode()
    except InvalidToken:
        raise Unavailable("the payout instruction cannot be opened with this hub's key") from None
    return {
        "rewardId": reward_id,
        "amountYuan": row["amountYuan"],
        "payoutInstruction": instruction,
    }


async def confirm_paid(info: Info, reward_id: str) -> dict[str, Any]:
    """The finance step says it paid: PAID, and the instruction erased in the same write."""
    graph = info.context.graph
    if not await audited_write(info, tips_repo.mark_paid, reward_id, graph.clock.today()):
        raise BadUserInput("no CLAIMED reward has this id", field="reward")
    return {"rewardId": reward_id, "status": "PAID"}
