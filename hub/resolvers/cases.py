"""case, cases and saveCase: the explorer's saved scenes, owned by a department.

A person's department is their role with the binding of their sign-in, if any (`market`,
`police@district:350102`, `enterprise@enterprise:9135...`): cases are shared inside it and do
not exist outside it (another department's case answers as a missing one). Every save and open
names the case and its purpose in the request's audit entry.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from hub.access.principal import Principal
from hub.audit.atomic import audited_write
from hub.context import Info
from hub.errors import BadUserInput
from hub.graph import case_repo

MAX_TITLE = 100
MAX_PURPOSE = 200
MAX_NOTES = 4000
MAX_SCENE = 200_000
MAX_NODES = 500
MAX_LIST = 100


def department(principal: Principal) -> str:
    out = principal.role.value
    if principal.district:
        out += "@district:" + principal.district
    if principal.enterprise:
        out += "@enterprise:" + principal.enterprise
    return out


def _text(value: str, field: str, limit: int, required: bool = True) -> str:
    text = " ".join(value.split()) if field != "notes" else value.strip()
    if (required and not text) or len(text) > limit:
        raise BadUserInput(
            f"{field}: {'required, ' if required else ''}at most {limit} characters", field=field
        )
    return text


def _scene(value: str) -> str:
    """The scene as the explorer sends it: JSON with `nodes` (each a global id with a numeric
    position) and `edges`; refused whole when it is not."""
    if len(value) > MAX_SCENE:
        raise BadUserInput(f"scene: at most {MAX_SCENE} characters", field="scene")
    try:
        data = json.loads(value)
        nodes, edges = data["nodes"], data["edges"]
        ok = isinstance(nodes, list) and isinstance(edges, list) and len(nodes) <= MAX_NODES
        for n in nodes if ok else []:
            pos = n["position"]
            ok = ok and isinstance(n["id"], str) and ":" in n["id"]
            ok = ok and all(isinstance(pos[k], int | float) for k in ("x", "y"))
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise BadUserInput(
            f"scene: JSON with nodes (at most {MAX_NODES}, each an id and a position) and edges",
            field="scene",
        )
    return value


def _audit(info: Info, case: dict[str, Any]) -> dict[str, Any]:
    trail = getattr(info.context, "audit", None)
    if trail is not None:
        trail.state_purpose(case["purpose"])
        trail.note_rows({"__ref": "Case:" + case["caseId"]})
    return case


async def save(info: Info, data: dict[str, Any]) -> dict[str, Any]:
    p = info.context.principal
    case = {
        "department": department(p),
        "title": _text(data["title"], "title", MAX_TITLE),
        "purpose": _text(data["purpose"], "purpose", MAX_PURPOSE),
        "notes": _text(data.get("notes") or "", "notes", MAX_NOTES, required=False),
        "scene": _scene(data["scene"]),
        "by": p.subject,
        "now": info.context.graph.clock.now(),
    }
    case_id = data.get("caseId") or "CASE-" + secrets.token_hex(6)
    # Named before the write: the entry is appended in the write's own transaction.
    _audit(info, {"purpose": case["purpose"], "caseId": case_id})
    if data.get("caseId"):
        saved = await audited_write(info, case_repo.update, {**case, "id": case_id})
        if saved is None:
            raise BadUserInput("caseId: no such case in your department", field="caseId")
        return saved
    return await audited_write(info, case_repo.create, {**case, "id": case_id})


async def one(info: Info, case_id: str) -> dict[str, Any] | None:
    p = info.context.principal
    found = await info.context.graph.read(case_repo.one, case_id, department(p))
    return None if found is None else _audit(info, found)


async def of_department(info: Info) -> list[dict[str, Any]]:
    p = info.context.principal
    return await info.context.graph.read(case_repo.of_department, department(p), MAX_LIST)
