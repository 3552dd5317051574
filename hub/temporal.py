"""ISO 8601 moments as the graph can store them: Neo4j takes zone offsets up to +-18:00 and
instants whose UTC date lies in years 1 to 9999 as Python renders them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

MAX_OFFSET = timedelta(hours=18)


def parse_moment(value: str) -> datetime:
    """`value` as an aware datetime; ValueError, with a message for the caller, otherwise."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("an ISO 8601 moment such as 2026-11-28T09:30:00+08:00") from None
    offset = parsed.utcoffset()
    if offset is None:
        raise ValueError("a moment needs a zone offset, such as +08:00")
    if abs(offset) > MAX_OFFSET:
        raise ValueError("a zone offset lies between -18:00 and +18:00")
    try:
        parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError("a moment lies between the years 1 and 9999") from None
    return parsed
