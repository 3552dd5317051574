"""What one request leaves for its audit entry while it runs: the purpose stated, the operation,
the people and households it returned, and the error codes it met.

The read compiler tags each Person and Household row with a hidden `__ref` (its global id);
GraphQL never selects it, so it never reaches the client, and `note_rows` lifts it from the
result into the trail.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hub.audit.entry import Draft, Entry

REF_KEY = "__ref"
AUDITED_TYPES = frozenset({"Person", "Household"})  # whose ids an entry records
MAX_PURPOSE = 200


@dataclass
class AuditTrail:
    purpose: str | None = None
    # The one purpose a request's lookups by full identity number state (hub/resolvers/lookups.py).
    lookup_purpose: str | None = None
    operation: str | None = None
    refs: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    result_count: int = 0
    # Set by the whistleblower fields (hub/resolvers/tips.py): the entry then names no client,
    # no role beyond "public", no purpose and no hash of the variables (a tip's text could be
    # confirmed by hashing a guess).
    anonymous: bool = False
    time: str = ""  # an anonymous entry's time: the day only (hub.clock.stamp of its midnight)
    # The request as sent, hashed (set by the middleware before the app runs).
    query_hash: str | None = None
    variables_hash: str | None = None
    # True once a write appended this request's entry in its own transaction (hub.audit.atomic).
    recorded: bool = False
    # Set by the middleware: queues an entry with the writer. A read's intent is queued with it
    # as the read starts (hub.audit.extension), and kept here with its durable future.
    announce: Callable[[Draft], asyncio.Future[Entry]] | None = None
    intent: tuple[Draft, asyncio.Future[Entry]] | None = None
    closed: bool = False  # the intent's outcome is queued: it gets no other

    def state_purpose(self, purpose: str | None) -> None:
        """A case number or reason; a field's own `purpose` argument wins over the header."""
        cleaned = clean_purpose(purpose)
        if cleaned:
            self.purpose = cleaned

    def note_rows(self, value: Any) -> None:
        """Collect the `__ref` of every row anywhere in `value` (nested maps and lists)."""
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                ref = item.get(REF_KEY)
                if isinstance(ref, str):
                    self.refs.add(ref)
                stack.extend(v for v in item.values() if isinstance(v, dict | list))
            elif isinstance(item, list):
                stack.extend(v for v in item if isinstance(v, dict | list))


def clean_purpose(purpose: str | None) -> str | None:
    if purpose is None:
        return None
    text = " ".join(purpose.split())[:MAX_PURPOSE]
    return text or None


def result_count(data: Any) -> int:
    """Rows returned: per root field, a connection counts its edges, a list its items, an object
    or a value one, null nothing."""
    if not isinstance(data, dict):
        return 0
    count = 0
    for value in data.values():
        if value is None:
            continue
        if isinstance(value, dict) and isinstance(value.get("edges"), list):
            count += len(value["edges"])
        elif isinstance(value, list):
            count += len(value)
        else:
            count += 1
    return count
