"""verifyCylinder and publicTrace: what anyone may check without a token.

They answer with their own narrow types (hub/schema/public.py), never graph types, so the read
policy keeps refusing the public everything else.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hub.context import Info
from hub.errors import BadUserInput
from hub.graph import public_repo
from hub.graph.trace_repo import DUE_WITHIN_DAYS
from hub.identifiers import KEY

# Neither a cylinder code nor a trace code carries a check character (docs/pages.md): a code is
# any key a registration accepted, so what can be refused before a lookup is a value that cannot
# be a key at all. Spaces people type inside a code are dropped first.
TEST_VERDICTS = {"PASS": "PASSED", "FAIL": "FAILED"}


def normalized_code(value: str, field: str) -> str:
    """The code as registered (spaces removed), or BAD_USER_INPUT naming the field."""
    code = "".join(value.split())
    if not code:
        raise BadUserInput(f"{field} is empty", field=field)
    if not KEY.match(code):
        raise BadUserInput(
            f"{field} is 1-64 letters, digits and . _ : - starting with a letter or digit",
            field=field,
        )
    return code


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


async def verify_cylinder(info: Info, code: str) -> dict[str, Any]:
    code = normalized_code(code, "code")
    graph = info.context.graph
    row = await graph.read(public_repo.cylinder_check, code)
    if row is None:
        return {"code": code, "verdict": "NOT_REGISTERED"} | dict.fromkeys(
            (
                "model",
                "madeOn",
                "lastInspection",
                "nextInspection",
                "scrapDate",
                "ownerName",
                "ownerPhone",
            )
        )
    return {
        "code": row["code"],
        "verdict": verdict(row, graph.clock.today()),
        "model": row["model"],
        "madeOn": row["madeOn"],
        "lastInspection": row["lastInspection"],
        "nextInspection": row["nextInspection"],
        "scrapDate": row["scrapDate"],
        "ownerName": row["ownerName"],
        "ownerPhone": row["ownerPhone"],
    }


async def public_trace(info: Info, trace_code: str) -> dict[str, Any]:
    code = normalized_code(trace_code, "traceCode")
    row = await info.context.graph.read(public_repo.product_check, code)
    if row is None:
        empty = ("name", "category", "origin", "originCertificate", "producedOn", "producer")
        return {"traceCode": code, "verdict": "NOT_REGISTERED", "merchants": [], "steps": []} | (
            dict.fromkeys((*empty, "market", "consignor", "purchaseTime", "test"))
        )
    entry = row.pop("entry") or {}
    test = row.pop("test")
    return {
        **row,
        "verdict": TEST_VERDICTS.get((test or {}).get("result") or "", "UNTESTED"),
        "market": entry.get("market") or (test or {}).get("market"),
        "consignor": entry.get("consignor"),
        "purchaseTime": entry.get("time"),
        "test": test,
    }
