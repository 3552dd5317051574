"""Date and DateTime: ISO 8601 strings, checked on the way in, passed through on the way out
(the statement already renders them with `toString`)."""

from __future__ import annotations

from datetime import date
from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from hub.temporal import parse_moment


def _parse_date(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("a Date is an ISO 8601 string such as 2026-11-28")
    return date.fromisoformat(value).isoformat()


def _parse_datetime(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("a DateTime is an ISO 8601 string such as 2026-11-28T09:30:00+08:00")
    try:
        return parse_moment(value).isoformat()
    except ValueError as exc:
        raise ValueError(f"a DateTime is {exc}") from None


# The types the code annotates with; SCALARS tells the schema how each travels.
Date = NewType("Date", str)
DateTime = NewType("DateTime", str)

_date = strawberry.scalar(
    name="Date",
    description="A calendar date, ISO 8601 (2026-11-28).",
    serialize=str,
    parse_value=_parse_date,
)
_datetime = strawberry.scalar(
    name="DateTime",
    description="A moment with its zone offset, ISO 8601 (2026-11-28T09:30:00+08:00).",
    serialize=str,
    parse_value=_parse_datetime,
)

SCALARS: dict[object, ScalarDefinition] = {Date: _date, DateTime: _datetime}
