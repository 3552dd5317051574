"""The alert mutations: OPEN -> ACKNOWLEDGED -> RESOLVED or DISMISSED (and an assignee)."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from hub.access.root_access import ALERT_WORK
from hub.context import Info
from hub.errors import BadUserInput
from hub.resolvers import alerts
from hub.schema.permissions import allow

NOTE_MAX = 500


@strawberry.enum(description="How an alert ends")
class AlertResolution(Enum):
    RESOLVED = "RESOLVED"
    DISMISSED = "DISMISSED"


@strawberry.type(description="The outcome for one alert id")
class AlertTransition:
    id: strawberry.ID
    ok: bool
    status: str | None = strawberry.field(description="The alert's status now")
    code: str | None = strawberry.field(
        description="NOT_FOUND (no such alert, or not yours) or WRONG_STATUS (already past it)"
    )


def _text(name: str, value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    if len(value) > limit or any(ord(ch) < 32 for ch in value):
        raise BadUserInput(f"{name}: at most {limit} characters, no control characters", field=name)
    return value


def _out(rows: list[alerts.Outcome]) -> list[AlertTransition]:
    return [
        AlertTransition(id=strawberry.ID(r.id), ok=r.ok, status=r.status, code=r.code) for r in rows
    ]


def _doc(text: str) -> Any:
    return strawberry.mutation(extensions=allow(ALERT_WORK), description=text)


@strawberry.type
class AlertMutation:
    @_doc("Acknowledge alerts 签收预警 (OPEN -> ACKNOWLEDGED).")
    async def acknowledgeAlerts(
        self, info: Info, ids: list[strawberry.ID]
    ) -> list[AlertTransition]:
        return _out(await alerts.transition(info, [str(i) for i in ids], "ACKNOWLEDGED"))

    @_doc("Assign open alerts 指派预警 to a person or unit.")
    async def assignAlerts(
        self, info: Info, ids: list[strawberry.ID], assignee: str
    ) -> list[AlertTransition]:
        who = _text("assignee", assignee, 100)
        rows = await alerts.transition(info, [str(i) for i in ids], "ASSIGNED", assignee=who)
        return _out(rows)

    @_doc("Resolve or dismiss alerts 处置预警, with a note.")
    async def resolveAlerts(
        self, info: Info, ids: list[strawberry.ID], resolution: AlertResolution,
        note: str | None = None,
    ) -> list[AlertTransition]:  # fmt: skip
        text = _text("note", note, NOTE_MAX)
        rows = await alerts.transition(
            info, [str(i) for i in ids], resolution.value, resolution=resolution.value, note=text
        )
        return _out(rows)
