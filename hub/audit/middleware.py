"""The ASGI layer that makes an audit entry for every request to /graphql and /oauth/token.

The response is held back until the entry is durable: the request body is read once (and
replayed to the app), the app's answer is buffered, the entry is written by the group-commit
writer, and only then is the answer sent. A read's intent entry is written while the read runs
(hub.audit.extension), so the answer waits for the longer of the two rather than their sum; its
outcome (decision, rows returned) then follows without holding the answer. If the entry cannot
be written, the caller gets 503 with `Retry-After` and none of the answer (fail closed); only an
HTTP-level answer (401, 400, 429, 503), which carries nothing anyway, keeps its own status.
A mutation that stored data has already appended its request's entry in the data's own
transaction (hub.audit.atomic).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.audit.drafts import (
    decide,
    graphql_draft,
    graphql_request,
    request_hashes,
    stated_purpose,
    token_draft,
)
from hub.audit.entry import Decision, Draft, Entry, Kind, Phase
from hub.audit.trail import AuditTrail
from hub.audit.writer import AuditUnavailable, AuditWriter
from hub.transport import BodyTooLarge, send_error, too_large_message

GRAPHQL_PATH = "/graphql"
TOKEN_PATH = "/oauth/token"
PURPOSE_HEADER = b"x-purpose"
RETRY_AFTER = "5"
CANCELLED = 499  # an outcome's status when the request was cancelled before it answered


class _Held:
    """The app's answer, kept until the entry is written."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.status = 500
        self.body = b""

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")
        self.messages.append(message)

    async def release(self, send: Send) -> None:
        for message in self.messages:
            await send(message)


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    chunks: list[bytes] = []
    extra: list[Message] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            extra.append(message)  # a disconnect: pass it on after the body
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks), extra


def _replay(body: bytes, extra: list[Message], receive: Receive) -> Receive:
    queue: list[Message] = [{"type": "http.request", "body": body, "more_body": False}, *extra]

    async def replayed() -> Message:
        return queue.pop(0) if queue else await receive()

    return replayed


async def _unavailable(send: Send, token: bool) -> None:
    if token:
        body: dict[str, Any] = {
            "error": "temporarily_unavailable",
            "error_description": "the audit log cannot be written; retry later",
        }
    else:
        body = {
            "errors": [
                {
                    "message": "the audit log cannot be written; no data is served",
                    "extensions": {"code": "UNAVAILABLE"},
                }
            ]
        }
    payload = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        (b"retry-after", RETRY_AFTER.encode()),
        (b"cache-control", b"no-store"),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def _carries_nothing(draft: Draft) -> bool:
    """An answer at the HTTP level (401, 400, 429, a write's own 503...) carries no data and no
    token: it keeps its own words (a write's "retry with the same eventIds") when its entry
    cannot be written. Everything else becomes 503."""
    return draft.status >= 400


class AuditMiddleware:
    def __init__(self, app: ASGIApp, writer: AuditWriter) -> None:
        self.app = app
        self.writer = writer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path") if scope["type"] == "http" else None
        if path not in (GRAPHQL_PATH, TOKEN_PATH) or not self.writer.enabled:
            await self.app(scope, receive, send)
            return
        self.writer.arrived()
        try:
            await self._audited(scope, receive, send, path)
        except asyncio.CancelledError:
            state = scope.get("state") or {}
            trail = state.get("audit")
            if isinstance(trail, AuditTrail):
                self._close_cancelled(trail, state)
            raise
        finally:
            self.writer.left()

    async def _audited(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        state = scope.setdefault("state", {})
        try:
            body, extra = await _read_body(receive)
        except BodyTooLarge:
            limit = self.writer.settings.hub_max_body_bytes
            await send_error(send, 413, too_large_message(limit))
            await self._record_quietly(self._refusal(scope, path, 413))
            return
        trail = state["audit"] = AuditTrail()
        headers = dict(scope.get("headers") or [])
        trail.state_purpose(headers.get(PURPOSE_HEADER, b"").decode("utf-8", "replace"))
        request = graphql_request(body) if path == GRAPHQL_PATH else {}
        trail.state_purpose(stated_purpose(request))
        if path == GRAPHQL_PATH:
            trail.query_hash, trail.variables_hash = request_hashes(request, body)
            trail.announce = self.writer.submit
        held = _Held()
        try:
            await self.app(scope, _replay(body, extra, receive), held.send)
        except Exception:
            # The app failed outright: the failure is recorded, then handled as before.
            await self._record_quietly(await self._outcome_of(trail, self._failure(scope, path)))
            raise
        request_id = str(state.get("request_id", "-"))
        if path == TOKEN_PATH:
            authorization = headers.get(b"authorization", b"").decode("latin-1") or None
            draft = token_draft(request_id, authorization, body, held.body, held.status)
        else:
            principal = state.get("principal")
            draft = graphql_draft(request_id, principal, trail, held.status)
            if trail.recorded:  # a write appended this request's entry with its data
                await held.release(send)
                return
        try:
            await self._record(trail, draft)
        except AuditUnavailable:
            if not _carries_nothing(draft):
                await _unavailable(send, token=path == TOKEN_PATH)
                return
        await held.release(send)

    async def _record(self, trail: AuditTrail, draft: Draft) -> None:
        """Make the request's record durable before its answer leaves: the whole entry, or, for a
        read whose intent went ahead, the intent, with the outcome queued after it. The outcome
        is waited for too when it names what the intent could not (a purpose stated in a field):
        an answer never leaves before an entry names its caller, operation and purpose."""
        if trail.intent is None:
            await self.writer.record(draft)
            return
        intent = trail.intent[0]
        outcome = await self._as_outcome(trail, draft)
        trail.closed = True
        if (outcome.client, outcome.role, outcome.purpose) != (
            intent.client,
            intent.role,
            intent.purpose,
        ):
            await self.writer.record(outcome)
        else:
            self.writer.submit(outcome, waited=False)

    async def _as_outcome(self, trail: AuditTrail, draft: Draft) -> Draft:
        """`draft` as the outcome of the request's intent, once that is durable."""
        assert trail.intent is not None
        intent, pending = trail.intent
        entry = await self.writer.durable(pending, intent)
        return replace(draft, phase=Phase.OUTCOME, intentSeq=entry.seq)

    async def _outcome_of(self, trail: AuditTrail, draft: Draft) -> Draft:
        """`draft` as the outcome of the request's intent if one was written, else whole."""
        if trail.intent is None:
            return draft
        try:
            return await self._as_outcome(trail, draft)
        except AuditUnavailable:
            return draft

    def _close_cancelled(self, trail: AuditTrail, state: dict[str, Any]) -> None:
        """A read cancelled between its intent and its outcome (its client gone, the server
        stopping) sends nothing, and its intent still gets an outcome saying so (status 499),
        queued once the intent is durable: an intent with no outcome means the hub crashed
        (`hub audit verify`). Nothing here may wait, the request's task being cancelled."""
        if trail.intent is None or trail.closed:
            return
        trail.closed = True
        draft = graphql_draft(
            str(state.get("request_id", "-")), state.get("principal"), trail, CANCELLED
        )
        operation = trail.intent[0].operation  # named as the read started; the trail's comes later
        draft = replace(draft, decision=Decision.ERROR, phase=Phase.OUTCOME, operation=operation)

        def queue(intent: asyncio.Future[Entry]) -> None:
            if intent.cancelled() or intent.exception() is not None:
                return  # no intent was written: nothing to close
            try:
                self.writer.submit(replace(draft, intentSeq=intent.result().seq), waited=False)
            except AuditUnavailable:
                pass  # the log is stopping: verify names the intent, as after a crash

        trail.intent[1].add_done_callback(queue)

    def _failure(self, scope: Scope, path: str) -> Draft:
        return self._refusal(scope, path, 500)

    def _refusal(self, scope: Scope, path: str, status: int) -> Draft:
        state = scope.get("state") or {}
        principal = state.get("principal")
        return Draft(
            kind=Kind.TOKEN if path == TOKEN_PATH else Kind.GRAPHQL,
            requestId=str(state.get("request_id", "-")),
            decision=decide(status, set()),
            status=status,
            client=principal.subject if principal else None,
            role=principal.role.value if principal else None,
        )

    async def _record_quietly(self, draft: Draft) -> None:
        try:
            await self.writer.record(draft)
        except AuditUnavailable:
            pass
