"""A write's audit entry, appended inside the write's own transaction.

A mutation that stores anything appends its request's entry in the same managed transaction as
its data, under the chain head's lock: the two commit together or not at all, so the log never
lacks a write that happened nor holds one that did not. The request's trail then notes that its
entry is written, and the audit middleware appends no second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from neo4j import AsyncManagedTransaction
from neo4j.exceptions import ClientError, DatabaseError

from hub.access.principal import Principal
from hub.audit import repo
from hub.audit.entry import Decision, Draft, Kind
from hub.audit.trail import AuditTrail
from hub.audit.writer import AuditUnavailable
from hub.clock import stamp


@dataclass(frozen=True)
class WriteAudit:
    chain: str
    trail: AuditTrail
    request_id: str
    principal: Principal
    operation: str | None

    def draft(self, written: int) -> Draft:
        return Draft(
            kind=Kind.GRAPHQL,
            requestId=self.request_id,
            decision=Decision.ALLOWED,
            status=200,
            client=self.principal.subject,
            role=self.principal.role.value,
            purpose=self.trail.purpose,
            operation=self.trail.operation or self.operation,
            queryHash=self.trail.query_hash,
            variablesHash=self.trail.variables_hash,
            resultCount=written,
        )

    async def append(self, tx: AsyncManagedTransaction, written: int, now: datetime) -> None:
        """Append the entry in `tx`; a retried transaction appends it afresh after the head. An
        entry the store refuses aborts the write with it (transient errors are retried)."""
        try:
            await repo.append_batch(tx, self.chain, [self.draft(written)], None, stamp(now))
        except (ClientError, DatabaseError):
            raise AuditUnavailable(
                "the audit log cannot be written; nothing was written, retry with the same "
                "eventIds and keys"
            ) from None

    def committed(self) -> None:
        self.trail.recorded = True
