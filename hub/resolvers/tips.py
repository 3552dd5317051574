"""What the whistleblower fields do: submit a tip, follow it by claim code, triage it.

The reporter's fields never read the principal (a token may come; it is not looked at) and mark
the request's audit entry anonymous. The only address they see is the connection's own (never a
forwarded header), and only to count it in a window that forgets it (hub/whistle/throttle.py).
"""

from __future__ import annotations

import secrets
from datetime import datetime, time
from typing import Any

from hub.audit.atomic import audited_write
from hub.clock import FUZHOU, stamp
from hub.context import Info
from hub.errors import BadUserInput, LimitExceeded
from hub.graph import tips_repo
from hub.identifiers import KEY, check_uscc
from hub.linkage import whistleblowing
from hub.whistle import claim_codes, keys, numbers
from hub.whistle.throttle import Throttles, throttles

MAX_TEXT = 4000
MAX_NAMED = 200
UNKNOWN_CODE = "no tip answers this claim code"  # the same words for a wrong and an unknown code
STATUSES = ("RECEIVED", "UNDER_REVIEW", "SUBSTANTIATED", "NOT_SUBSTANTIATED", "REWARDED", "CLOSED")


def anonymous(info: Info) -> None:
    """This request's audit entry names nobody and keeps only the day (hub/audit/drafts.py)."""
    info.context.audit.anonymous = True
    today = info.context.graph.clock.today()
    info.context.audit.time = stamp(datetime.combine(today, time(0), FUZHOU))


def _throttles(info: Info) -> Throttles:
    s = info.context.settings
    return throttles(
        info.context.request.app.state,
        s.hub_tip_submit_per_window,
        s.hub_tip_claim_failures_per_window,
        s.hub_tip_window_s,
    )


def _address(info: Info) -> str:
    client = info.context.request.client  # the connection's peer; X-Forwarded-For is not read
    return client.host if client else "-"


def _limited(info: Info, wait: int) -> LimitExceeded:
    if info.context.response is not None:
        info.context.response.headers["Retry-After"] = str(wait)
    return LimitExceeded(f"too many attempts: retry after {wait} s")


def text_field(value: str | None, field: str, limit: int, required: bool = False) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise BadUserInput(f"{field} is empty", field=field)
        return None
    if len(cleaned) > limit:
        raise BadUserInput(f"{field} is longer than {limit} characters", field=field)
    return cleaned


def claim_hash(info: Info, code: str) -> str:
    """The keyed hash to look up, or BAD_USER_INPUT for a typo (answered before any lookup)."""
    try:
        return claim_codes.claim_hash(keys.claim_key(info.context.settings), code)
    except claim_codes.ClaimCodeTypo as exc:
        raise BadUserInput(str(exc), field="claimCode") from None


async def submit(info: Info, item: dict[str, Any]) -> dict[str, Any]:
    anonymous(info)
    limits = _throttles(info)
    address = _address(info)
    if limits.submits.exceeded(address):
        raise _limited(info, limits.submits.retry_after())
    text = text_field(item["text"], "text", MAX_TEXT, required=True) or ""
    named = {
        k: text_field(item.get(k), k, MAX_NAMED)
        for k in ("concernsUscc", "concernsShop", "concernsName", "concernsAddress")
    }
    if named["concernsUscc"] is not None:
        named["concernsUscc"] = named["concernsUscc"].upper()
        problem = check_uscc(named["concernsUscc"])
        if problem:
            raise BadUserInput(f"concernsUscc: {problem}", field="concernsUscc")
    if named["concernsShop"] is not None and not KEY.match(named["concernsShop"]):
        named["concernsShop"] = named["concernsShop"][:MAX_NAMED]
    code = claim_codes.new_claim_code()
    today = info.context.graph.clock.today()
    flagged = numbers.has_numbers(text) or any(numbers.has_numbers(v or "") for v in named.values())
    props = {
        "id": "TIP-" + secrets.token_hex(8),  # random: ids carry no order of arrival
        "receivedOn": today,
        "category": item["category"],
        "channel": item["channel"],
        "text": text,
        "textMasked": numbers.masked(text),
        **{k: v for k, v in named.items() if v is not None},
        "numbersFlagged": flagged,
        "status": "RECEIVED",
        "messageFrom": [],
        "messageOn": [],
        "messageText": [],
        "claimCodeHash": claim_hash(info, code),
        "rewardYuan": 0.0,
        "recordedBy": "public",  # whoever sent it, with or without a token
        "recordedAt": datetime.combine(today, time(0), FUZHOU),  # the day, not the hour
    }
    await audited_write(info, tips_repo.create_tip, props)
    limits.submits.count(address)
    return {"claimCode": code, "numbersFlagged": flagged, "receivedOn": today}


async def _reporter_tip(info: Info, claim_code: str) -> tuple[str, dict[str, Any]]:
    """The tip behind a claim code, throttled per address; a wrong code and an unknown one are
    the same thing and get the same answer. Over the limit, even a right code is refused."""
    anonymous(info)
    hashed = claim_hash(info, claim_code)
    limits = _throttles(info)
    address = _address(info)
    if limits.claim_failures.exceeded(address):
        raise _limited(info, limits.claim_failures.retry_after())
    row = await info.context.graph.read(tips_repo.tip_for_reporter, hashed)
    if row is None:
        limits.claim_failures.count(address)
        raise BadUserInput(UNKNOWN_CODE, field="claimCode")
    return hashed, row


def reporter_view(row: dict[str, Any]) -> dict[str, Any]:
    messages = [
        {"sender": s, "on": d, "text": t}
        for s, d, t in zip(row["messageFrom"], row["messageOn"], row["messageText"], strict=False)
    ]
    return {
        "status": row["status"],
        "category": row["category"],
        "receivedOn": row["receivedOn"],
        "messages": messages,
        "rewards": row["rewards"],
    }


async def status(info: Info, claim_code: str) -> dict[str, Any]:
    _, row = await _reporter_tip(info, claim_code)
    return reporter_view(row)


async def answer(info: Info, claim_code: str, text: str) -> dict[str, Any]:
    cleaned = text_field(text, "text", MAX_TEXT, required=True) or ""
    hashed, _ = await _reporter_tip(info, claim_code)
    today = info.context.graph.clock.today()
    await audited_write(info, tips_repo.add_message, "hash", hashed, "REPORTER", today, cleaned)
    row = await info.context.graph.read(tips_repo.tip_for_reporter, hashed)
    return reporter_view(row or {})


async def triage(info: Info, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each item on its own: a missing tip or an unknown link is that item's error."""
    graph = info.context.graph
    results = []
    for index, item in enumerate(items):
        errors: list[dict[str, str]] = []
        tip_id = item["tipId"]
        question = text_field(item.get("question"), "question", MAX_TEXT)
        missing = await audited_write(
            info,
            whistleblowing.triage,
            tip_id,
            item,
            info.context.principal.subject,
            graph.clock.now(),
        )
        if missing == ["tip"]:
            errors.append({"field": "tipId", "message": "no such tip"})
        else:
            errors += [{"field": "link", "message": f"{m} is not registered"} for m in missing]
        if question and not errors:
            today = graph.clock.today()
            await audited_write(
                info, tips_repo.add_message, "id", tip_id, "MARKET", today, question
            )
        results.append({"index": index, "ok": not errors, "id": "Tip:" + tip_id, "errors": errors})
    return results
