"""Turning one finished HTTP exchange into an audit draft: who, what (as hashes), the decision.

Decisions: `refused` for 401/403/429 and FORBIDDEN or UNAUTHENTICATED errors, `invalid` for
other 4xx and BAD_USER_INPUT, LIMIT_EXCEEDED or document errors, `error` for 5xx and INTERNAL or
UNAVAILABLE, else `allowed`. The client of a refused token request is the id it claimed.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from urllib.parse import parse_qsl

from hub.access.principal import Principal
from hub.audit.entry import Decision, Draft, Kind, canonical, sha256_hex
from hub.audit.trail import AuditTrail
from hub.errors import ErrorCode
from hub.transport import BadPayload, graphql_payload

MAX_CLAIMED_ID = 128
REFUSED_CODES = {ErrorCode.UNAUTHENTICATED.value, ErrorCode.FORBIDDEN.value}
ERROR_CODES = {ErrorCode.INTERNAL.value, ErrorCode.UNAVAILABLE.value}
REFUSED_OAUTH = {"invalid_client", "unauthorized_client", "invalid_grant", "invalid_scope",
                 "access_denied", "too_many_attempts"}  # fmt: skip


def decide(status: int, codes: set[str]) -> Decision:
    if status in (401, 403, 429):
        return Decision.REFUSED
    if status >= 500:
        return Decision.ERROR
    if status >= 400:
        return Decision.INVALID
    if codes & REFUSED_CODES:
        return Decision.REFUSED
    if codes & ERROR_CODES:
        return Decision.ERROR
    return Decision.INVALID if codes else Decision.ALLOWED


def graphql_request(body: bytes) -> dict[str, Any]:
    """The GraphQL request fields of a JSON body; {} when it is not a well-formed one."""
    try:
        return graphql_payload(body) if body else {}
    except BadPayload:
        return {}


def stated_purpose(request: dict[str, Any]) -> str | None:
    extensions = request.get("extensions")
    purpose = extensions.get("purpose") if isinstance(extensions, dict) else None
    return purpose if isinstance(purpose, str) else None


def request_hashes(request: dict[str, Any], body: bytes) -> tuple[str | None, str | None]:
    """The hashes of the query and of the variables that an entry keeps."""
    query = request.get("query")
    variables = request.get("variables")
    if isinstance(query, str):
        query_hash: str | None = sha256_hex(query.encode("utf-8", "surrogatepass"))
    else:  # not a GraphQL request at all: the body itself is what was sent
        query_hash = sha256_hex(body) if body else None
    variables_hash = sha256_hex(canonical_bytes(variables)) if variables else None
    return query_hash, variables_hash


def canonical_bytes(value: Any) -> bytes:
    try:
        return canonical(value)
    except (ValueError, TypeError, RecursionError):  # unstorable: hash its repr instead
        return repr(value).encode("utf-8", "surrogatepass")


def graphql_draft(
    request_id: str, principal: Principal | None, trail: AuditTrail, status: int,
) -> Draft:  # fmt: skip
    anonymous = trail.anonymous  # a whistleblower's request: nothing of who sent it
    return Draft(
        kind=Kind.GRAPHQL,
        requestId=request_id,
        decision=decide(status, trail.codes),
        status=status,
        client=principal.subject if principal and not anonymous else None,
        role="public" if anonymous else principal.role.value if principal else None,
        purpose=None if anonymous else trail.purpose,
        operation=trail.operation,
        queryHash=trail.query_hash,
        variablesHash=None if anonymous else trail.variables_hash,
        entityIds=tuple(sorted(trail.refs)),
        resultCount=trail.result_count,
        time=trail.time if anonymous else "",
    )


def _jwt_claims(token: object) -> dict[str, Any]:
    """The payload of a JWT the hub has just signed (read, not checked: it is our own)."""
    if not isinstance(token, str) or token.count(".") != 2:
        return {}
    payload = token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, binascii.Error):
        return {}
    return claims if isinstance(claims, dict) else {}


def _basic_client_id(authorization: str | None) -> str | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip()).decode()
    except (ValueError, binascii.Error):
        return None
    return decoded.partition(":")[0] or None


def token_draft(
    request_id: str, authorization: str | None, body: bytes, response: bytes, status: int
) -> Draft:
    try:
        form = dict(parse_qsl(body.decode(), max_num_fields=64))
    except (ValueError, UnicodeDecodeError):
        form = {}
    grant = form.get("grant_type", "")[:40]
    try:
        answer = json.loads(response) if response else {}
    except (ValueError, UnicodeDecodeError):
        answer = {}
    answer = answer if isinstance(answer, dict) else {}
    claims = _jwt_claims(answer.get("access_token")) if status == 200 else {}
    if claims:
        decision, client, role = Decision.ALLOWED, claims.get("sub"), claims.get("role")
    else:
        claimed = _basic_client_id(authorization) or form.get("client_id")
        client, role = (claimed or "")[:MAX_CLAIMED_ID] or None, None
        error = answer.get("error")
        refused = status in (401, 403, 429) or error in REFUSED_OAUTH
        decision = Decision.REFUSED if refused else decide(status, set())
        if decision is Decision.ALLOWED:  # a 200 without a token of ours
            decision = Decision.ERROR
    return Draft(
        kind=Kind.TOKEN,
        requestId=request_id,
        decision=decision,
        status=status,
        client=str(client) if client else None,
        role=str(role) if role else None,
        operation="token:" + grant if grant else "token",
        resultCount=1 if claims else 0,
    )
