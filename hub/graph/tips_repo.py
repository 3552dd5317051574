"""The whistleblower channel's statements: tips, their messages, their rewards.

A tip is found by the keyed hash of its claim code (the reporter) or by its id (market
regulation, whose reads of lists go through the read compiler). No statement reads or writes
anything about the reporter: there is nothing to read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from neo4j import AsyncManagedTransaction

from hub.graph.driver import fetch_all

# What the reporter sees of their tip and of its rewards, and nothing else.
_REPORTER_VIEW = (
    "RETURN t.id AS tipId, t.status AS status, toString(t.receivedOn) AS receivedOn, "
    "t.category AS category, coalesce(t.messageFrom, []) AS messageFrom, "
    "coalesce(t.messageOn, []) AS messageOn, coalesce(t.messageText, []) AS messageText, "
    "COLLECT { MATCH (r:Reward)-[:FOR]->(t) "
    "  RETURN {rewardId: r.id, amountYuan: r.amountYuan, status: r.status, "
    "    claimedOn: toString(r.claimedOn), paidOn: toString(r.paidOn)} "
    "  ORDER BY r.id } AS rewards"
)


async def create_tip(tx: AsyncManagedTransaction, props: dict[str, Any]) -> None:
    """A new tip, linked to the enterprise whose USCC the reporter gave when it is registered."""
    await tx.run(
        "CREATE (t:Tip) SET t = $props "
        "WITH t OPTIONAL MATCH (e:Enterprise {uscc: $props.concernsUscc}) "
        "FOREACH (_ IN CASE WHEN e IS NULL THEN [] ELSE [1] END | MERGE (t)-[:CONCERNS]->(e))",
        props=props,
    )


async def tip_for_reporter(tx: AsyncManagedTransaction, claim_hash: str) -> dict[str, Any] | None:
    rows = await fetch_all(
        tx, "MATCH (t:Tip {claimCodeHash: $h}) " + _REPORTER_VIEW + " LIMIT 1", h=claim_hash
    )
    return rows[0] if rows else None


async def add_message(
    tx: AsyncManagedTransaction, match: str, value: str, sender: str, day: date, text: str
) -> bool:
    """Appends one message to the tip found by claim hash (match "hash") or id ("id")."""
    query = (
        "MATCH (t:Tip {claimCodeHash: $v}) " if match == "hash" else "MATCH (t:Tip {id: $v}) "
    ) + (
        "SET t.messageFrom = coalesce(t.messageFrom, []) + $sender, "
        "t.messageOn = coalesce(t.messageOn, []) + $day, "
        "t.messageText = coalesce(t.messageText, []) + $text RETURN t.id AS id"
    )
    rows = await fetch_all(tx, query, v=value, sender=sender, day=day.isoformat(), text=text)
    return bool(rows)


async def triage(tx: AsyncManagedTransaction, tip_id: str, change: dict[str, Any]) -> list[str]:
    """Applies one triage item whole, or nothing: answers the links it cannot make (unknown
    USCCs and households; "tip" for an unknown tip), having then written nothing."""
    usccs = change.get("enterprises") or []
    households = change.get("households") or []
    rows = await fetch_all(
        tx,
        "OPTIONAL MATCH (t:Tip {id: $id}) "
        "RETURN t IS NULL AS noTip, "
        "[u IN $usccs WHERE NOT EXISTS { (:Enterprise {uscc: u}) }] + "
        "[h IN $households WHERE NOT EXISTS { (:Household {id: h}) }] AS missing",
        id=tip_id,
        usccs=usccs,
        households=households,
    )
    if rows[0]["noTip"]:
        return ["tip"]
    if rows[0]["missing"]:
        return list(rows[0]["missing"])
    await tx.run(
        "MATCH (t:Tip {id: $id}) "
        "SET t.status = coalesce($status, t.status), t.assignee = coalesce($assignee, t.assignee) "
        "WITH t CALL (t) { UNWIND $usccs AS u MATCH (e:Enterprise {uscc: u}) "
        "  MERGE (t)-[:CONCERNS]->(e) } "
        "CALL (t) { UNWIND $households AS hid MATCH (h:Household {id: hid}) "
        "  MERGE (t)-[:CONCERNS]->(h) }",
        id=tip_id,
        status=change.get("status"),
        assignee=change.get("assignee"),
        usccs=usccs,
        households=households,
    )
    return []


async def tip_exists(tx: AsyncManagedTransaction, tip_id: str) -> bool:
    rows = await fetch_all(tx, "MATCH (t:Tip {id: $id}) RETURN t.id AS id", id=tip_id)
    return bool(rows)


# Rewards: each transition matches the state it leaves, so a replay or a race changes nothing.


async def grant_reward(tx: AsyncManagedTransaction, props: dict[str, Any]) -> bool:
    rows = await fetch_all(
        tx,
        "MATCH (t:Tip {id: $tip}) WHERE t.status IN $eligible "
        "CREATE (r:Reward {id: $props.id, amountYuan: $props.amountYuan, reason: $props.reason, "
        "  status: 'GRANTED', grantedBy: $props.grantedBy, grantedOn: $props.day, "
        "  recordedBy: $props.grantedBy, recordedAt: $props.recordedAt})-[:FOR]->(t) "
        "RETURN r.id AS id",
        tip=props["tip"],
        eligible=["SUBSTANTIATED", "REWARDED"],
        props=props,
    )
    return bool(rows)


async def approve_reward(
    tx: AsyncManagedTransaction, reward_id: str, by: str, day: date
) -> str | None:
    """None when approved; else why not: "missing", "state" or "same_person"."""
    rows = await fetch_all(
        tx, "MATCH (r:Reward {id: $id}) RETURN r.status AS status, r.grantedBy AS by", id=reward_id
    )
    if not rows:
        return "missing"
    if rows[0]["status"] != "GRANTED":
        return "state"
    if rows[0]["by"] == by:
        return "same_person"
    await tx.run(
        "MATCH (r:Reward {id: $id, status: 'GRANTED'}) WHERE r.grantedBy <> $by "
        "SET r.status = 'APPROVED', r.approvedBy = $by, r.approvedOn = $day",
        id=reward_id,
        by=by,
        day=day,
    )
    return None


async def claim_reward(
    tx: AsyncManagedTransaction, claim_hash: str, reward_id: str, sealed: str, day: date
) -> bool:
    rows = await fetch_all(
        tx,
        "MATCH (:Tip {claimCodeHash: $h})<-[:FOR]-(r:Reward {id: $id, status: 'APPROVED'}) "
        "SET r.status = 'CLAIMED', r.payoutSealed = $sealed, r.claimedOn = $day "
        "RETURN r.id AS id",
        h=claim_hash,
        id=reward_id,
        sealed=sealed,
        day=day,
    )
    return bool(rows)


async def sealed_payout(tx: AsyncManagedTransaction, reward_id: str) -> dict[str, Any] | None:
    rows = await fetch_all(
        tx,
        "MATCH (r:Reward {id: $id, status: 'CLAIMED'}) "
        "RETURN r.payoutSealed AS sealed, r.amountYuan AS amountYuan",
        id=reward_id,
    )
    return rows[0] if rows else None


async def mark_paid(tx: AsyncManagedTransaction, reward_id: str, day: date) -> bool:
    """PAID, and the payout instruction erased; the tip becomes REWARDED with the total paid."""
    rows = await fetch_all(
        tx,
        "MATCH (r:Reward {id: $id, status: 'CLAIMED'})-[:FOR]->(t:Tip) "
        "SET r.status = 'PAID', r.paidOn = $day, t.status = 'REWARDED', "
        "t.rewardYuan = coalesce(t.rewardYuan, 0.0) + r.amountYuan "
        "REMOVE r.payoutSealed RETURN r.id AS id",
        id=reward_id,
        day=day,
    )
    return bool(rows)
