"""verifyCylinder and publicTrace: what anyone may check without a token.

They answer with their own narrow types (hub/schema/public.py), never graph types, so the read
policy keeps refusing the public everything else.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hub.context import Info
from hub.graph import public_repo
from hub.graph.trace_repo import DUE_WITHIN_DAYS


def verdict(row: dict[str, Any], today: date) -> str:
    """VALID, DUE, OVERDUE, SCRAPPED or SEIZED, from the recorded status and the dates on `today`
    (Fuzhou's, from the hub's clock)."""
    status = row["status"]
    scrap = row["scrapDate"] and date.fromisoformat(row["scrapDate"])
    due = row["nextInspection"] and date.fromisoformat(row["nextInspection"])
    if status == "SCRAPPED" or (scrap and scrap <= today):
        return "SCRAPPED"
    if status == "SEIZED":
        return "SEIZED"
    if status == "OVERDUE" or (due and due < today):
        return "OVERDUE"
    if status == "DUE" or (due and due <= today + timedelta(days=DUE_WITHIN_DAYS)):
        return "DUE"
    return "VALID"


async def verify_cylinder(info: Info, code: str) -> dict[str, Any] | None:
    graph = info.context.graph
    row = await graph.read(public_repo.cylinder_check, code.strip())
    if row is None:
        return None
    return {
        "code": row["code"],
        "verdict": verdict(row, graph.clock.today()),
        "model": row["model"],
        "madeOn": row["madeOn"],
        "lastInspection": row["lastInspection"],
        "nextInspection": row["nextInspection"],
        "scrapDate": row["scrapDate"],
        "ownerName": row["ownerName"],
    }


async def public_trace(info: Info, trace_code: str) -> dict[str, Any] | None:
    row = await info.context.graph.read(public_repo.product_check, trace_code.strip())
    if row is None:
        return None
    entry = row.pop("entry") or {}
    test = row.pop("test")
    return {
        **row,
        "market": entry.get("market") or (test or {}).get("market"),
        "consignor": entry.get("consignor"),
        "purchaseTime": entry.get("time"),
        "test": test,
    }
