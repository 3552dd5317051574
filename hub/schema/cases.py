"""Cases 案件: the explorer's saved scenes, shared inside the saver's department
(hub/resolvers/cases.py)."""

from __future__ import annotations

import strawberry

from hub.access.root_access import EXPLORE
from hub.context import Info
from hub.resolvers import cases
from hub.schema.permissions import allow
from hub.schema.scalars import DateTime


@strawberry.type(
    name="SavedCase",
    description="A saved investigation 案件: the scene and why it was made (stored as a `Case`, "
    "which is not a node of the graph API).",
)
class Case:
    caseId: str
    department: str = strawberry.field(description="Owner: the saver's role and binding")
    title: str
    purpose: str = strawberry.field(description="Case number or reason 调查事由")
    notes: str
    scene: str = strawberry.field(description="JSON: nodes (id, type, label, position), edges")
    createdBy: str
    createdAt: DateTime
    updatedBy: str
    updatedAt: DateTime


@strawberry.input(description="A case to save; with caseId, a new version of that case.")
class CaseInput:
    caseId: str | None = None
    title: str
    purpose: str
    notes: str = ""
    scene: str


@strawberry.type
class CaseQuery:
    @strawberry.field(
        extensions=allow(EXPLORE),
        description="One of your department's cases 打开案件 (the opening is audited).",
    )
    async def case(self, info: Info, caseId: str) -> Case | None:
        return await cases.one(info, caseId)  # type: ignore[return-value]

    @strawberry.field(
        extensions=allow(EXPLORE), description="Your department's cases 案件, last saved first."
    )
    async def cases(self, info: Info) -> list[Case]:
        return await cases.of_department(info)  # type: ignore[return-value]


@strawberry.type
class CaseMutation:
    @strawberry.mutation(
        extensions=allow(EXPLORE),
        description="Save the explorer's scene as a case of your department 保存案件 "
        "(audited); not graph data, so it needs investigate rather than graph:write.",
    )
    async def saveCase(self, info: Info, input: CaseInput) -> Case:
        return await cases.save(info, strawberry.asdict(input))  # type: ignore[return-value]
