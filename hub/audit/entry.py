"""An audit entry and its canonical hash.

An entry says who asked what and what the hub answered, never the personal values themselves:
the query and the variables are kept as SHA-256 hashes, the rows returned as the global ids of
the people and households among them. Each entry's hash covers every other field, the previous
entry's hash included, so changing, removing or reordering an entry breaks the chain from there.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of the first entry of a chain
MAX_TEXT = 256  # a text field of an entry, in characters (a request id, a client, a purpose...)
MAX_IDS = 10_000  # entity ids one entry keeps
MAX_INT = 2**62


class Decision(StrEnum):
    ALLOWED = "allowed"  # answered (a token issued, a query answered in full)
    REFUSED = "refused"  # who is asking may not: 401, 429, FORBIDDEN, a token refused
    INVALID = "invalid"  # the request itself is wrong: 400, validation, BAD_USER_INPUT, limits
    ERROR = "error"  # the hub failed: INTERNAL, UNAVAILABLE, 5xx
    PENDING = "pending"  # an intent: written while the read ran, before any data left (Phase)


class Phase(StrEnum):
    """A read is recorded in two entries: its intent (who, which operation, why), durable before
    any data leaves, and its outcome (the decision, the rows returned), which names the intent's
    seq and follows it. An entry with no phase records a request whole."""

    INTENT = "intent"
    OUTCOME = "outcome"


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
    phase: Phase | None = None
    intentSeq: int | None = None  # an outcome's intent

    def __post_init__(self) -> None:
        # Every value is made storable here, before the draft can join a group commit: what one
        # request sent (a lone surrogate, a huge number, a 20 MB purpose) cannot fail the
        # transaction that carries other requests' entries.
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, StrEnum) or value is None:
                continue
            if isinstance(value, str):
                object.__setattr__(self, f.name, storable_text(value))
            elif f.name in ("status", "resultCount", "intentSeq"):
                object.__setattr__(self, f.name, _bounded_int(value))
        ids = tuple(storable_text(str(i)) for i in self.entityIds[:MAX_IDS])
        object.__setattr__(self, "entityIds", ids)
        object.__setattr__(self, "kind", Kind(self.kind))
        object.__setattr__(self, "decision", Decision(self.decision))
        if self.phase is not None:
            object.__setattr__(self, "phase", Phase(self.phase))


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
    phase: str | None = None
    intentSeq: int | None = None

    def properties(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_properties(cls, props: dict[str, Any]) -> Entry:
        values: dict[str, Any] = {name: props.get(name) for name in cls.__dataclass_fields__}
        values["entityIds"] = list(props.get("entityIds") or [])
        return cls(**values)

    def recomputed_hash(self) -> str:
        return entry_hash({k: v for k, v in asdict(self).items() if k != "hash"})


def storable_text(value: str, limit: int = MAX_TEXT) -> str:
    """`value` as valid Unicode (a lone surrogate becomes U+FFFD), at most `limit` characters."""
    text = value[: limit * 2].encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text[:limit]


def _bounded_int(value: object) -> int:
    if not isinstance(value, int | float):
        return 0
    try:
        number = int(value)
    except (ValueError, OverflowError):
        return 0
    return max(-MAX_INT, min(MAX_INT, number))


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
        "phase": draft.phase.value if draft.phase else None,
        "intentSeq": draft.intentSeq,
    }
    return Entry(**fields, hash=entry_hash(fields))
