"""What every mutation answers: one result per item, in input order, with field-level errors."""

from __future__ import annotations

from enum import Enum
from typing import cast

import strawberry

from hub.ingest.batch import Outcome
from hub.ingest.codes import DESCRIPTIONS, Code

# The codes of hub.ingest, with their Chinese terms, as a GraphQL enum.
_CODES: type[Enum] = Enum(  # type: ignore[misc]
    "WriteErrorCode",
    [(c.name, strawberry.enum_value(c.value, description=DESCRIPTIONS[c])) for c in Code],
)
WriteErrorCode = strawberry.enum(_CODES, description="Why an item was not written 写入错误代码")


@strawberry.type(description="One reason an item was refused.")
class ItemError:
    field: str | None = strawberry.field(description="The input field, e.g. cylinder or time")
    code: WriteErrorCode  # type: ignore[valid-type]
    message: str


@strawberry.type(description="The outcome of one item.")
class ItemResult:
    index: int = strawberry.field(description="The item's position in the input list, from 0")
    ok: bool
    id: strawberry.ID | None = strawberry.field(description="The global id written (or replayed)")
    replayed: bool = strawberry.field(
        description="Already recorded with the same content: nothing was written again"
    )
    errors: list[ItemError]


@strawberry.type(description="Per-item results of a batch; the valid items were written at once.")
class WriteResult:
    results: list[ItemResult]
    written: int = strawberry.field(description="Items written by this call")
    replayed: int = strawberry.field(description="Items found already recorded, unchanged")
    failed: int = strawberry.field(description="Items refused, none of them written")


def write_result(outcome: Outcome) -> WriteResult:
    """The outcome as a map shaped like WriteResult: the schema's default resolver reads maps
    and objects alike (hub.schema.graph.read_key), and a map is completed in one walk
    (hub.schema.shaped) instead of field by field, which for 500 items was a tenth of the
    request's CPU."""
    results = [
        {
            "index": r.index,
            "ok": r.ok,
            "id": r.id or None,
            "replayed": r.replayed,
            "errors": [
                {"field": e.field, "code": WriteErrorCode[e.code.name], "message": e.message}
                for e in r.errors
            ],
        }
        for r in outcome.results
    ]
    shaped = {
        "results": results,
        "written": outcome.written,
        "replayed": sum(1 for r in outcome.results if r.replayed),
        "failed": sum(1 for r in outcome.results if not r.ok),
    }
    return cast(WriteResult, shaped)
