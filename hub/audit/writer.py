"""The group-commit writer: one task per process appends every pending entry in one transaction.

Requests hand their draft to `record` and wait until it is durable; meanwhile other requests'
drafts pile up and go in the next transaction, so under load many entries share one commit and
one lock of the chain head. Every draft's values are made storable before it joins a group
(hub.audit.entry), and a group whose transaction fails for any reason but an outage is written
again member by member, so one request's entry can fail only that request. Group commit is
adaptive: a draft waits up to `hub_audit_batch_window_ms` for company only while other requests
are being served (the middleware counts them in and out, `arrived`/`left`), so that their
entries may join; a lone request's entry is written at once. A read's outcome, which nobody
waits for (its intent is durable already), waits up to `hub_audit_outcome_wait_ms` for the next
draft that somebody does wait for, so that one append carries both. Under load the drafts that
arrive while a group is being written form the next group anyway. If the write fails or takes
longer than `hub_audit_timeout_s`, `record` raises `AuditUnavailable` and the request is
answered 503 without its data (fail closed). An entry whose write was merely slow may still
land after that 503: the log can over-state what was served, never under-state.
"""

from __future__ import annotations

import asyncio
import logging

from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

from hub import deadline
from hub.audit import repo
from hub.audit.entry import Draft, Entry
from hub.audit.signing import Signer, load_signer
from hub.config import Settings
from hub.errors import Unavailable
from hub.graph.driver import Graph

log = logging.getLogger("hub.audit")

_Pending = tuple[Draft, "asyncio.Future[Entry]"]


class AuditUnavailable(Unavailable):
    """The entry could not be written: nothing is served."""


# The database itself is away: trying the members one by one would only wait longer.
_OUTAGE = (ServiceUnavailable, SessionExpired)


def _fail(future: asyncio.Future[Entry], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)
        future.exception()  # seen: nobody waiting (timed out, an outcome) is no error


class AuditWriter:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.chain = settings.hub_audit_chain
        self.graph: Graph | None = None
        self.signer: Signer | None = None
        self._pending: list[_Pending] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._in_flight = 0  # requests being served whose entries are still to come
        self._unwaited: set[asyncio.Future[Entry]] = set()  # outcomes nobody waits for
        # The head this writer last left: the next group is appended after it in one statement
        # (repo.append_after; a signature that is due goes in it too). When someone else moved
        # it, the statement answers the head as it is and the group is chained after that one
        # and tried once more; under the head's lock when that fails too.
        self._head: repo.Head | None = None

    @property
    def enabled(self) -> bool:
        return self.settings.hub_audit_enabled

    def bind(self, graph: Graph) -> None:
        self.graph = graph

    async def start(self) -> None:
        if not self.enabled or self._task is not None:
            return
        self.signer = load_signer(self.settings)
        self._wake = asyncio.Event()  # bound to the running loop
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="audit-writer")

    async def stop(self) -> None:
        """Write what is pending, sign the head, and end the task."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        await task  # it drains what is pending first
        await self._sign_quietly()

    def arrived(self) -> None:
        """A request that will append an entry has started (hub.audit.middleware)."""
        self._in_flight += 1

    def left(self) -> None:
        self._in_flight -= 1

    def _company(self) -> bool:
        """Whether a request still being served may add its entry to the pending group."""
        return self._in_flight > len(self._pending)

    def submit(self, draft: Draft, waited: bool = True) -> asyncio.Future[Entry]:
        """Queue `draft` for the next group. `waited=False` for one nobody waits for (a read's
        outcome, whose intent is durable already): it may wait `hub_audit_outcome_wait_ms` for
        a draft somebody waits for, so the two share one append."""
        if self._task is None or self._task.done():
            raise AuditUnavailable("the audit log is not running; no data is served")
        future: asyncio.Future[Entry] = asyncio.get_running_loop().create_future()
        if not waited:
            self._unwaited.add(future)
            future.add_done_callback(self._unwaited.discard)
        self._pending.append((draft, future))
        self._wake.set()
        return future

    async def record(self, draft: Draft) -> Entry:
        """Append `draft` and wait until it is durable; `AuditUnavailable` otherwise."""
        return await self.durable(self.submit(draft), draft)

    async def durable(self, future: asyncio.Future[Entry], draft: Draft) -> Entry:
        """Wait until the submitted `draft` is durable; `AuditUnavailable` otherwise."""
        timeout = self.settings.hub_audit_timeout_s
        left = deadline.remaining()  # the request's own deadline bounds the wait too
        if left is not None:
            timeout = max(0.0, min(timeout, left))
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout=timeout)
        except Exception:  # whatever went wrong, nothing is served without its entry
            log.error("audit entry not written", extra={"fields": {"request": draft.requestId}})
            raise AuditUnavailable("the audit log cannot be written; no data is served") from None

    async def _run(self) -> None:
        window = self.settings.hub_audit_batch_window_ms / 1000
        while not (self._stopping and not self._pending):
            try:
                await asyncio.wait_for(
                    self._wake.wait(), timeout=self.settings.hub_audit_sign_interval_s
                )
            except TimeoutError:
                await self._sign_quietly()  # a quiet log still gets its head signed
                continue
            pending = self._pending
            if pending and not self._stopping and all(f in self._unwaited for _, f in pending):
                await self._company_for_outcomes()
            if (
                window > 0
                and len(self._pending) < self.settings.hub_audit_batch_max
                and self._company()
            ):
                await asyncio.sleep(window)
            await self._flush()

    async def _company_for_outcomes(self) -> None:
        """Only outcomes are pending: wait a little for a draft somebody waits for."""
        self._wake.clear()
        try:
            await asyncio.wait_for(
                self._wake.wait(), timeout=self.settings.hub_audit_outcome_wait_ms / 1000
            )
        except TimeoutError:
            pass

    async def _flush(self) -> None:
        batch = self._pending[: self.settings.hub_audit_batch_max]
        del self._pending[: len(batch)]
        if not self._pending and not self._stopping:
            self._wake.clear()
        if not batch:
            return
        try:
            entries = await self._write([draft for draft, _ in batch])
        except Exception as exc:
            log.warning("audit batch failed", extra={"fields": {"error": type(exc).__name__}})
            if len(batch) > 1 and not isinstance(exc, _OUTAGE):
                # Something about one member: each is tried alone, so it fails only its own.
                for member in batch:
                    await self._write_alone(*member)
            else:
                for _, future in batch:
                    _fail(future, exc)
            return
        for (_, future), entry in zip(batch, entries, strict=True):
            if not future.done():
                future.set_result(entry)

    async def _write_alone(self, draft: Draft, future: asyncio.Future[Entry]) -> None:
        try:
            (entry,) = await self._write([draft])
        except Exception as exc:
            log.warning("audit entry failed", extra={"fields": {"error": type(exc).__name__}})
            _fail(future, exc)
            return
        if not future.done():
            future.set_result(entry)

    async def _write(self, drafts: list[Draft]) -> list[Entry]:
        if self.graph is None:
            raise ServiceUnavailable("the audit writer has no graph")
        # Bounded like a request: a frozen database cannot hold the writer (and every request
        # queued behind it) for longer than one audit wait.
        with deadline.bounded(self.settings.hub_audit_timeout_s):
            return await self._append(drafts)

    async def _append(self, drafts: list[Draft]) -> list[Entry]:
        assert self.graph is not None
        sign = None
        if self.signer is not None:
            sign = repo.SignPolicy(
                self.signer,
                self.settings.hub_audit_sign_every,
                self.settings.hub_audit_sign_interval_s,
            )
        now = self.graph.clock.stamp()
        head, self._head = self._head, None
        if head is None:  # the first group, or after a failure: chain after the head as it is
            head = await repo.current_head(self.graph, self.chain)
        for _ in range(2):  # after the head this writer knows, and once more after a moved one
            if head is None:
                break
            appended = await repo.append_after(self.graph, self.chain, head, drafts, sign, now)
            if appended.entries is not None:
                self._head = appended.head
                return appended.entries
            head = appended.head
        entries, self._head = await self.graph.write(
            repo.append_locked, self.chain, drafts, sign, now
        )
        return entries

    async def _sign_quietly(self) -> None:
        # Whoever appended (this writer, a mutation's own transaction, another replica): the
        # head is signed if entries came after its last signature, and left alone otherwise.
        if self.graph is None or self.signer is None:
            return
        try:
            now = self.graph.clock.stamp()
            await self.graph.write(repo.sign_head, self.chain, self.signer, now)
        except (Neo4jError, ServiceUnavailable, OSError) as exc:
            log.warning("audit head not signed", extra={"fields": {"error": type(exc).__name__}})
