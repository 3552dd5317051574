"""One deadline per request: every wait on the database (connection, retries, the audit entry)
ends within it, so a dead, refusing or frozen database is a prompt 503, never a hang.

`DeadlineMiddleware` starts the clock when a request arrives (`hub_request_deadline_s`, 5 s by
default); `remaining` tells any code on that request's path how long it may still wait. Work
outside a request (the audit writer's task) sets its own with `bounded`; administrative work
(migrations, seeding) has none but the transaction timeout.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from neo4j.exceptions import ServiceUnavailable
from starlette.types import ASGIApp, Receive, Scope, Send

_ends_at: ContextVar[float | None] = ContextVar("request_deadline", default=None)


class DeadlineExceeded(ServiceUnavailable):
    """The database did not answer within the request's deadline (it is handled as an outage)."""


def remaining() -> float | None:
    """Seconds left before the current deadline, or None where there is none."""
    ends_at = _ends_at.get()
    if ends_at is None:
        return None
    return ends_at - time.monotonic()


@contextmanager
def bounded(seconds: float) -> Iterator[None]:
    """A deadline `seconds` from now for what runs inside (the sooner one if already bounded)."""
    ends_at = time.monotonic() + seconds
    current = _ends_at.get()
    token = _ends_at.set(ends_at if current is None else min(current, ends_at))
    try:
        yield
    finally:
        _ends_at.reset(token)


class DeadlineMiddleware:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with bounded(self.seconds):
            await self.app(scope, receive, send)
