"""An audit entry and its canonical hash.

An entry says who asked what and what the hub answered, never the personal values themselves:
the query and the variables are kept as SHA-256 hashes, the rows returned as the global ids of
the people and households among them. Each entry's hash covers every other field, the previous
entry's hash included, so changing, removing or reordering an entry breaks the chain from there.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of the first entry of a chain


class Decision(StrEnum):
    ALLOWED = "allowed"  # answered (a token issued, a query answered in full)
    REFUSED = "refused"  # who is asking may not: 401, 429, FORBIDDEN, a token refused
    INVALID = "invalid"  # the request itself is wrong: 400, validation, BAD_USER_INPUT, limits
    ERROR = "error"  # the hub failed: INTERNAL, UNAVAILABLE, 5xx


class Kind(StrEnum):
    GRAPHQL = "graphql"
    TOKEN = "token"


@dataclass(frozen=True)
class Draft:
    """What a request contributes; the writer gives it a place in the chain."""

    kind: Kind
    requestId: str
    decision: Decision
    status: int
    client: str | None = None
    role: str | None = None
    purpose: str | None = None
    operation: str | None = None
    queryHash: str | None = None
    variablesHash: str | None = None
    entityIds: tuple[str, ...] = ()
    resultCount: int = 0
    time: str = ""  # left empty, the entry takes the moment it is appended (the hub's clock)


@dataclass(frozen=True)
class Entry:
    """An entry as stored: `(:AuditEntry)` has exactly these properties (nulls are absent)."""

    chain: str
    seq: int
    time: str
    kind: str
    requestId: str
    decision: str
    status: int
    client: str | None
    role: str | None
    purpose: str | None
    operation: str | None
    queryHash: str | None
    variablesHash: str | None
    entityIds: list[str]
    resultCount: int
    prevHash: str
    hash: str

    def properties(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_properties(cls, props: dict[str, Any]) -> Entry:
        values: dict[str, Any] = {name: props.get(name) for name in cls.__dataclass_fields__}
        values["entityIds"] = list(props.get("entityIds") or [])
        return cls(**values)

    def recomputed_hash(self) -> str:
        return entry_hash({k: v for k, v in asdict(self).items() if k != "hash"})


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(fields: dict[str, Any]) -> str:
    # Absent and null are the same (the store does not keep nulls); lists compare as lists.
    present = {k: v for k, v in fields.items() if v is not None}
    present["entityIds"] = list(present.get("entityIds") or [])
    return sha256_hex(canonical(present))


def chained(chain: str, seq: int, prev_hash: str, draft: Draft, now: str) -> Entry:
    """`draft` as entry `seq` of `chain`, after the entry whose hash is `prev_hash`; `now` (the
    hub's clock, fixed-width +08:00 text, so that text order is time order) unless it has a time."""
    fields: dict[str, Any] = {
        "chain": chain,
        "seq": seq,
        "time": draft.time or now,
        "kind": draft.kind.value,
        "requestId": draft.requestId,
        "decision": draft.decision.value,
        "status": draft.status,
        "client": draft.client,
        "role": draft.role,
        "purpose": draft.purpose,
        "operation": draft.operation,
        "queryHash": draft.queryHash,
        "variablesHash": draft.variablesHash,
        "entityIds": sorted(draft.entityIds),
        "resultCount": draft.resultCount,
        "prevHash": prev_hash,
    }
    return Entry(**fields, hash=entry_hash(fields))
