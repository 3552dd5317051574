"""Working alerts: acknowledge, assign, resolve or dismiss, for the alerts the caller may read.

An id that names no alert, or one the caller may not read, answers NOT_FOUND alike; an alert
already past the transition answers its status with `ok` false.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from neo4j import AsyncManagedTransaction

from hub.access import policy
from hub.audit.atomic import audited_write
from hub.context import Info
from hub.errors import BadUserInput
from hub.graph import alert_repo, row_scopes
from hub.resolvers.cursors import parse_global_id

MAX_IDS = 100


@dataclass(frozen=True)
class Outcome:
    id: str
    ok: bool
    status: str | None
    code: str | None


def _keys(ids: list[str]) -> list[str]:
    if not 1 <= len(ids) <= MAX_IDS:
        raise BadUserInput(f"ids: give 1 to {MAX_IDS} alert ids", field="ids")
    out = []
    for i, value in enumerate(ids):
        parsed = parse_global_id(value)
        out.append(parsed[1] if parsed is not None and parsed[0] == "Alert" else "")
        if len(value) > 200:
            raise BadUserInput(f"ids[{i}]: not an alert id", field=f"ids[{i}]")
    return out


async def transition(info: Info, ids: list[str], to: str, **values: str | None) -> list[Outcome]:
    ctx = info.context
    principal = ctx.principal
    keys = _keys(ids)
    visible = row_scopes.visible(policy.visible_scopes(principal, "Alert"), "a")
    params = {"scopeEnterprise": principal.enterprise, "scopeDistrict": principal.district}
    now = ctx.graph.clock.now()

    async def work(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
        return await alert_repo.transition(
            tx, visible, params, keys, to, principal.subject, now, **values
        )

    rows = await audited_write(info, work)
    out = []
    for given, row in zip(ids, rows, strict=True):
        if not row["found"]:
            out.append(Outcome(given, False, None, "NOT_FOUND"))
        else:
            code = None if row["moves"] else "WRONG_STATUS"
            out.append(Outcome(given, bool(row["moves"]), row["status"], code))
    return out
