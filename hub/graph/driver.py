"""The async driver and the small helpers every transaction function runs through."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field, replace
from typing import Any, Concatenate, LiteralString, ParamSpec, TypeVar, cast

import neo4j
from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncManagedTransaction

from hub import deadline
from hub.clock import Clock
from hub.config import Settings
from hub.neo4j_local import LocalNeo4j

P = ParamSpec("P")
T = TypeVar("T")
Work = Callable[Concatenate[AsyncManagedTransaction, P], Awaitable[T]]


@dataclass(frozen=True)
class Connection:
    uri: str
    user: str
    password: str


def connection_for(settings: Settings) -> Connection:
    """NEO4J_URI/USER/PASSWORD when given, else the project-managed local instance."""
    if settings.neo4j_uri:
        return Connection(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password or "")
    local = LocalNeo4j(settings.hub_neo4j_instance, settings.hub_state_dir)
    password = settings.neo4j_password or local.password() or ""
    return Connection(local.bolt_uri, settings.neo4j_user, password)


def open_driver(settings: Settings) -> AsyncDriver:
    conn = connection_for(settings)
    deadline = settings.hub_request_deadline_s
    return AsyncGraphDatabase.driver(
        conn.uri,
        auth=(conn.user, conn.password),
        # No wait of the driver's own outlasts a request's deadline (hub.deadline).
        connection_timeout=min(settings.neo4j_connect_timeout_s, deadline),
        connection_acquisition_timeout=deadline,
        max_transaction_retry_time=min(settings.neo4j_write_retry_s, deadline),
        notifications_min_severity="OFF",
    )


@dataclass
class TransactionCounter:
    """How many transactions this process ran; each read of a GraphQL root field is one."""

    reads: int = 0
    writes: int = 0


@dataclass(frozen=True)
class Graph:
    """One database through one driver: every read and write goes through `read` / `write`, and
    ends within the request's deadline (hub.deadline) whatever the database does."""

    driver: AsyncDriver
    database: str
    tx_timeout_s: float
    counter: TransactionCounter = field(default_factory=TransactionCounter)
    # The hub's one clock travels with its graph: whatever writes or judges by date has both.
    clock: Clock = field(default_factory=Clock)
    # Shared by this process's sessions on a cluster (neo4j://): a read after a write waits for
    # the secondary it lands on to have that write (read-your-writes within a replica).
    bookmarks: neo4j.api.AsyncBookmarkManager | None = None

    async def read(self, work: Work[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        self.counter.reads += 1
        budget = self._budget()

        async def run() -> T:
            async with self.driver.session(
                database=self.database, bookmark_manager=self.bookmarks
            ) as session:
                return await session.execute_read(self._bounded(work, budget), *args, **kwargs)

        return await _within(run(), budget)

    async def write(self, work: Work[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        self.counter.writes += 1
        budget = self._budget()

        async def run() -> T:
            async with self.driver.session(
                database=self.database, bookmark_manager=self.bookmarks
            ) as session:
                return await session.execute_write(self._bounded(work, budget), *args, **kwargs)

        return await _within(run(), budget)

    async def statement(
        self, name: str, cypher: str, params: dict[str, Any], *, write: bool
    ) -> list[neo4j.Record]:
        """One statement in an auto-commit transaction: RUN and PULL in one round trip, where a
        managed transaction adds BEGIN and COMMIT. Durable when it returns; not retried (the
        caller decides what a failure means). `name` names it in Neo4j's query log."""
        if write:
            self.counter.writes += 1
        else:
            self.counter.reads += 1
        budget = self._budget()
        timeout = self.tx_timeout_s
        if budget is not None:
            timeout = max(0.1, min(timeout, budget - SERVER_MARGIN_S))
        query = neo4j.Query(
            cast(LiteralString, cypher),  # type: ignore[redundant-cast]
            timeout=timeout,
            metadata={"app": "hub", "work": name},
        )
        mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS

        async def run() -> list[neo4j.Record]:
            async with self.driver.session(
                database=self.database, bookmark_manager=self.bookmarks, default_access_mode=mode
            ) as session:
                result = await session.run(query, params)
                return [record async for record in result]

        return await _within(run(), budget)

    def with_timeout(self, seconds: float) -> Graph:
        """The same graph with a longer bound, for bulk work (seeding, migrations, checks)."""
        return replace(self, tx_timeout_s=max(self.tx_timeout_s, seconds))

    async def ping(self) -> None:
        """One round trip, no retry: for /readyz."""
        budget = self._budget()

        async def run() -> None:
            async with self.driver.session(database=self.database) as session:
                await (await session.run("RETURN 1")).consume()

        await _within(run(), budget)

    @staticmethod
    def _budget() -> float | None:
        budget = deadline.remaining()
        if budget is not None and budget <= 0:
            raise deadline.DeadlineExceeded("the request's deadline passed before the database")
        return budget

    def _bounded(self, work: Work[P, T], budget: float | None) -> Work[P, T]:
        # The server aborts a transaction past its timeout (a little before the deadline, so a
        # slow statement is told apart from a database that does not answer); the metadata
        # names the work in Neo4j's query log and in `SHOW TRANSACTIONS`.
        timeout = self.tx_timeout_s
        if budget is not None:
            timeout = max(0.1, min(timeout, budget - SERVER_MARGIN_S))
        bounded: Work[P, T] = neo4j.unit_of_work(
            timeout=timeout, metadata={"app": "hub", "work": work.__name__}
        )(work)
        return bounded


SERVER_MARGIN_S = 0.25
# Neo4j's async driver leaks the raw socket when a cancellation lands while it opens a
# connection (its connect catches Exception, and CancelledError is not one), so the driver's
# work is never cancelled outright: a request past its deadline is answered at once, and the
# work is left this long to end by the driver's own bounds (connect, acquisition and
# transaction timeouts, each at most the request deadline), then cancelled, when it can only
# be waiting on an open connection's answer, which the driver abandons cleanly.
LINGER_S = 10.0
_lingering: set[asyncio.Task[Any]] = set()


async def _within(work: Coroutine[Any, Any, T], budget: float | None) -> T:
    task = asyncio.ensure_future(work)
    try:
        done, _ = await asyncio.wait({task}, timeout=budget)
    except asyncio.CancelledError:  # the caller gave up (shutdown, a client gone)
        _linger(task)
        raise
    if task not in done:
        _linger(task)
        raise deadline.DeadlineExceeded("the database did not answer within the deadline")
    return task.result()


def _linger(task: asyncio.Task[Any]) -> None:
    _lingering.add(task)
    cancel = asyncio.get_running_loop().call_later(LINGER_S, task.cancel)

    def forget(done: asyncio.Task[Any]) -> None:
        cancel.cancel()
        _lingering.discard(done)
        if not done.cancelled():
            done.exception()  # retrieved: nobody waits for it any more

    task.add_done_callback(forget)


async def settle() -> None:
    """Wait for the work past a deadline to end (before the driver closes)."""
    loop = asyncio.get_running_loop()
    mine = {task for task in _lingering if task.get_loop() is loop}
    if mine:
        await asyncio.wait(mine)


def graph_for(
    driver: AsyncDriver, settings: Settings, counter: TransactionCounter | None = None
) -> Graph:
    return Graph(
        driver, settings.neo4j_database, settings.neo4j_tx_timeout_s,
        counter or TransactionCounter(), settings.clock, _bookmarks_for(driver),
    )  # fmt: skip


def _bookmarks_for(driver: AsyncDriver) -> neo4j.api.AsyncBookmarkManager | None:
    """Through a routing driver (`neo4j://`, a cluster), the sessions chain their bookmarks;
    to one server (`bolt://`) they only make each transaction wait for the others to close
    (measured here: with them, 50 concurrent audited requests overran the audit's 5 s)."""
    if isinstance(driver, neo4j.AsyncNeo4jDriver):
        return AsyncGraphDatabase.bookmark_manager()
    return None


async def fetch_all(
    tx: AsyncManagedTransaction, query: neo4j.LiteralString, **params: Any
) -> list[dict[str, Any]]:
    """Run one parameterised statement and return its records as plain dicts."""
    result = await tx.run(query, params)
    return [record.data() async for record in result]
