"""A write's audit entry, appended inside the write's own transaction.

A mutation that stores anything appends its request's entry in the same managed transaction as
its data, under the chain head's lock: the two commit together or not at all, so the log never
lacks a write that happened nor holds one that did not. The request's trail then notes that its
entry is written, and the audit middleware appends no second one.

The batch mutations (hub/ingest/batch.py) append with the count they wrote; every other field
that writes (tips, rewards, platforms, cases, alerts) writes through `audited_write`, which
appends the entry in the first transaction of the request that commits. An anonymous request's
entry is built the same way as the middleware's (hub/audit/drafts.py): nobody named, the day only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from neo4j import AsyncManagedTransaction
from neo4j.exceptions import ClientError, DatabaseError

from hub.access.principal import Principal
from hub.audit import repo
from hub.audit.drafts import graphql_draft
from hub.audit.entry import Draft
from hub.audit.extension import operation_label
from hub.audit.trail import AuditTrail
from hub.audit.writer import AuditUnavailable
from hub.clock import stamp
from hub.context import Info

T = TypeVar("T")


@dataclass(frozen=True)
class WriteAudit:
    chain: str
    trail: AuditTrail
    request_id: str
    principal: Principal
    operation: str | None

    def draft(self, written: int) -> Draft:
        entry = graphql_draft(self.request_id, self.principal, self.trail, 200)
        return replace(entry, operation=self.trail.operation or self.operation, resultCount=written)

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


def request_audit(info: Info) -> WriteAudit | None:
    """The write audit of this request, or None when the audit is off or already written."""
    ctx = info.context
    if not ctx.settings.hub_audit_enabled or not ctx.request_id or ctx.audit.recorded:
        return None
    operation = operation_label(info.operation) if info.operation is not None else None
    return WriteAudit(
        ctx.settings.hub_audit_chain, ctx.audit, ctx.request_id, ctx.principal, operation
    )


async def audited_write(
    info: Info, work: Callable[..., Awaitable[T]], /, *args: Any, written: int = 1
) -> T:
    """`info.context.graph.write(work, *args)`, with the request's audit entry appended in the
    same transaction unless an earlier write of the request already appended it."""
    graph = info.context.graph
    audit = request_audit(info)
    if audit is None:
        return await graph.write(work, *args)

    async def both(tx: AsyncManagedTransaction) -> T:
        result = await work(tx, *args)
        await audit.append(tx, written, graph.clock.now())
        return result

    result = await graph.write(both)
    audit.committed()
    return result
