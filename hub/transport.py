"""Transport hygiene: a bounded body, and what reaches GraphQL a well-formed JSON object.

Every request body is limited (`hub_max_body_bytes`, 1 MiB by default): a declared or streamed
body past it is answered 413 before anything reads on. A GraphQL request must be UTF-8 JSON, an
object, nested at most `MAX_JSON_DEPTH` deep, with valid Unicode in every string and key (no lone
surrogate, which no store or hash can take); anything else is a 400 with `BAD_USER_INPUT`,
audited as `invalid` like any other refused document.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.errors import ErrorCode

MAX_JSON_DEPTH = 32

# The body last parsed in this request's context and its request object: the audit, the
# authentication layer and strawberry each read the request, which is parsed and checked once.
_parsed: ContextVar[tuple[bytes, dict[str, Any]] | None] = ContextVar("payload", default=None)


class BodyTooLarge(Exception):
    """The body is longer than the hub reads."""


class BadPayload(ValueError):
    """A body that is not a GraphQL request object; the message is safe to show."""


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or []:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimitMiddleware:
    """Refuses bodies past `limit` bytes: whoever reads the body past it meets `BodyTooLarge`
    (the audit middleware answers and records it); an unread one ends here as a plain 413."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        received = 0
        started = False

        async def limited() -> Message:
            nonlocal received
            if declared is not None and declared > self.limit:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, tracking)
        except BodyTooLarge:
            if started:
                raise
            await send_error(send, 413, too_large_message(self.limit))


def too_large_message(limit: int) -> str:
    return f"the request body is larger than {limit} bytes"


async def send_error(send: Send, status: int, message: str) -> None:
    """A GraphQL-shaped error answer with `BAD_USER_INPUT`."""
    code = ErrorCode.BAD_USER_INPUT.value
    payload = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})
    body = payload.encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def parsed_before(body: str | bytes) -> dict[str, Any] | None:
    """What `graphql_payload` made of this very body earlier in the request, if it did (never
    to be changed: every reader of the request shares it)."""
    known = _parsed.get()
    return known[1] if known is not None and isinstance(body, bytes) and known[0] == body else None


def graphql_payload(body: bytes) -> dict[str, Any]:
    """The GraphQL request object of a JSON body; `BadPayload` when it is not one."""
    known = parsed_before(body)
    if known is not None:
        return known
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadPayload("the request body is not UTF-8") from None
    try:
        parsed = json.loads(text)
    except RecursionError:
        raise BadPayload(f"the request nests deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError:
        raise BadPayload("the request body is not JSON") from None
    if not isinstance(parsed, dict):
        raise BadPayload('a GraphQL request is a JSON object: {"query": ..., "variables": ...}')
    _check_values(parsed)
    for name, kind in (("query", str), ("operationName", str), ("variables", dict),
                       ("extensions", dict)):  # fmt: skip
        if parsed.get(name) is not None and not isinstance(parsed[name], kind):
            shape = "a string" if kind is str else "an object"
            raise BadPayload(f"the request's {name} must be {shape} or null")
    _parsed.set((body, parsed))
    return parsed


def _check_values(value: Any) -> None:
    """Depth and Unicode of every value, without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise BadPayload(f"the request nests deeper than {MAX_JSON_DEPTH} levels")
            children = list(item.items()) if isinstance(item, dict) else [(None, v) for v in item]
            for key, child in children:
                if key is not None:
                    _check_text(key)
                stack.append((child, depth + 1))
        elif isinstance(item, str):
            _check_text(item)


def _check_text(text: str) -> None:
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadPayload("the request holds invalid Unicode (a lone surrogate)") from None
