"""The batch pipeline behind every mutation.

Parse and check shapes in Python -> the write policy -> in ONE managed transaction: one read of
everything the batch names, idempotency, references and the closed-loop rules, then one UNWIND
write of the valid items and their derived state (fillings: the rules judged inside the write
statement itself, hub/ingest/folded.py). The transaction function is pure over its inputs, so the
driver may retry it whole; a batch is never half-written.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from neo4j import AsyncManagedTransaction
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError

from hub.access import policy
from hub.access.principal import Principal
from hub.access.write_policy import Grant, Write, grant_for
from hub.audit.atomic import WriteAudit
from hub.config import Settings
from hub.errors import LimitExceeded, Unavailable
from hub.graph import ingest_write_repo as repo
from hub.graph.driver import Graph
from hub.graph.ingest_read_repo import Reader, read_state
from hub.graph.row_scopes import visible
from hub.ingest import folded
from hub.ingest.alerts import incident_firings, raise_for, refusal_firings
from hub.ingest.codes import Code, ItemError
from hub.ingest.fields import Fields, Moment
from hub.ingest.item import Item, Spec, State
from hub.ingest.judge import check_policy, judge, state_from
from hub.ingest.specs import SPECS
from hub.linkage import bell

log = logging.getLogger("hub.ingest")

RETRY_MESSAGE = (
    "the batch could not be committed (or its outcome is unknown); retry it with the same "
    "eventIds and keys: what was recorded is recorded once"
)


@dataclass(frozen=True)
class Result:
    index: int
    ok: bool
    id: str | None
    replayed: bool
    errors: list[ItemError] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    results: list[Result]

    @property
    def written(self) -> int:
        return sum(1 for r in self.results if r.ok and not r.replayed)


def _prepare(spec: Spec, principal: Principal, moment: Moment, index: int, raw: Any) -> Item:
    fields = Fields(raw, moment)
    draft = spec.prepare(fields, principal)
    item = Item(index, draft if not fields.errors else None, fields.errors)
    if item.draft is not None:
        item.hash = item.draft.content_hash()
    return item


def _deduplicate(spec: Spec, items: list[Item]) -> dict[int, int]:
    """Later items with an earlier item's key: the same content follows the first one's outcome
    (index -> first index); other content is a CONFLICT."""
    first: dict[str, Item] = {}
    follows: dict[int, int] = {}
    for item in items:
        if item.draft is None or not item.ok:
            continue
        earlier = first.setdefault(item.draft.key, item)
        if earlier is item:
            continue
        if earlier.hash == item.hash:
            follows[item.index] = earlier.index
        else:
            item.fail(spec.key_field, Code.CONFLICT, "the batch holds this key twice, unequal")
    return follows


async def _write_batch(
    tx: AsyncManagedTransaction,
    spec: Spec,
    grant: Grant,
    principal: Principal,
    moment: Moment,
    prepared: list[Item],
    audit: WriteAudit | None,
    linkage: bool = True,
    fold: bool = True,
) -> list[Item]:
    # A fresh copy per attempt: the driver may run this function again.
    items = [Item(i.index, i.draft, list(i.errors), i.hash) for i in prepared]
    todo = [i for i in items if i.ok and i.draft is not None]
    if fold and folded.applies(spec, principal):  # judged in the write statement itself
        reader = _reader(principal, folded.LABELS)
        written, state = await folded.write(tx, spec, grant, principal, moment, reader, todo)
        fresh = [i for i in todo if i.ok and not i.replayed]
        if written != len(fresh):
            raise folded.Disagreement(f"{spec.write.value}: {written} written, {len(fresh)} valid")
    else:
        state, fresh = await _judge_and_store(tx, spec, grant, principal, moment, todo)
        written = len(fresh)
    if audit is not None and written:  # the entry commits with the data, or neither does
        await audit.append(tx, written, moment.now)
    await _global_keys(tx, spec, [i for i in todo if i.ok], principal.subject)
    # The linkage, in this same transaction: a refusal and the alert it fires commit together.
    if linkage:
        firings = refusal_firings(spec, state, principal, moment, todo)
        firings += incident_firings(spec, moment, fresh)
        await raise_for(tx, firings, principal, moment)
    return items


def _reader(principal: Principal, labels: Iterable[str]) -> Reader:
    return Reader(
        {label: visible(policy.visible_scopes(principal, label), "n") for label in labels},
        principal.enterprise,
        principal.district,
        principal.subject,
    )


async def _judge_and_store(
    tx: AsyncManagedTransaction,
    spec: Spec,
    grant: Grant,
    principal: Principal,
    moment: Moment,
    todo: list[Item],
) -> tuple[State, list[Item]]:
    """The classic way: one read of everything the batch names, the items judged in Python, then
    the valid ones written; (the state read, the items written)."""
    refs: dict[str, set[str]] = {}
    for item in todo:
        assert item.draft is not None
        for ref in item.draft.refs:
            refs.setdefault(ref.label, set()).add(ref.key)
    keys = [] if spec.updates else [i.draft.key for i in todo if i.draft]
    reader = _reader(principal, refs)
    read = await read_state(tx, reader, {k: sorted(v) for k, v in refs.items()}, spec.label, keys)
    state = state_from(read)
    for item in todo:
        judge(spec, grant, principal, moment, state, item)
    valid = [i for i in todo if i.ok and not i.replayed and i.draft is not None]
    rows = [
        {"key": i.draft.key, "props": i.draft.props, "links": i.draft.links,
         "extra": i.draft.extra, "hash": i.hash}
        for i in valid if i.draft is not None
    ]  # fmt: skip
    if rows:
        await _store(tx, spec, rows, valid, principal.subject, moment)
    return state, [i for i in valid if i.ok and not i.replayed]


async def _global_keys(
    tx: AsyncManagedTransaction, spec: Spec, written: list[Item], by: str
) -> None:
    """The key of each written or replayed item's global id, where it is not the natural key: a
    person's id is its random `pid` (or that of the writer's claim), never its identity number."""
    if not written or spec.updates or spec.label != "Person":  # the one such type (catalog)
        return
    keys = await repo.person_global_keys(tx, [i.draft.key for i in written if i.draft], by)
    for item in written:
        if item.draft is not None:
            item.global_key = keys.get(item.draft.key)


async def _store(
    tx: AsyncManagedTransaction,
    spec: Spec,
    rows: list[dict[str, Any]],
    valid: list[Item],
    by: str,
    moment: Moment,
) -> None:
    by_key = {i.draft.key: i for i in valid if i.draft is not None}
    if spec.write is Write.SET_CYLINDER_STATUS:  # an update that is an event: by its eventId
        events = await repo.set_cylinder_status(tx, rows, by, moment.now, moment.today)
        for key, (was_created, stored_hash) in events.items():
            _settle(by_key[key], was_created, stored_hash, "eventId")
        return
    if spec.updates:
        changed = await repo.update_nodes(tx, spec.label, rows, by, moment.now)
        for key, did in changed.items():
            by_key[key].replayed = not did
        return
    created = await repo.create_nodes(tx, spec.label, rows, by, moment.now)
    for key, (was_created, stored_hash) in created.items():
        _settle(by_key[key], was_created, stored_hash, spec.key_field)
    fresh = [i.draft for i in valid if i.ok and not i.replayed and i.draft is not None]
    if spec.write is Write.RECORD_DELIVERIES and fresh:
        codes = sorted({d.links["cylinder"][0] for d in fresh})
        await repo.move_cylinders(tx, codes, by, moment.now)
    if spec.write is Write.RECORD_INSPECTIONS and fresh:
        codes = sorted({d.links["cylinder"][0] for d in fresh})
        await repo.apply_inspections(tx, codes, by, moment.now, moment.today)


def _settle(item: Item, created: bool, stored_hash: str | None, key_field: str) -> None:
    """A key already stored: a replay with the same content (a resend, or a concurrent batch
    that recorded it first), else a CONFLICT."""
    if created:
        return
    if stored_hash == item.hash:
        item.replayed = True
    else:
        assert item.draft is not None
        key = item.draft.extra.get(key_field, item.draft.key)
        item.fail(key_field, Code.CONFLICT, f"{key} was recorded with other content")


async def run_batch(
    graph: Graph,
    settings: Settings,
    principal: Principal,
    write: Write,
    raw_items: list[Any],
    audit: WriteAudit | None = None,
) -> Outcome:
    """Validate and write one mutation's items; per-item results in input order. The caller
    holds graph:write (declared on every mutation: hub/access/root_access.py WRITE). With
    `audit`, a transaction that stores anything appends the request's audit entry too."""
    limit = settings.hub_write_batch_limit
    if len(raw_items) > limit:
        raise LimitExceeded(
            f"{write.value} takes at most {limit} items, not {len(raw_items)}; nothing was written",
            field=write.value,
        )
    spec, grant = SPECS[write], grant_for(write, principal.role)
    moment = Moment(graph.clock.now(), timedelta(seconds=settings.hub_write_clock_skew_s))
    items = [_prepare(spec, principal, moment, i, raw) for i, raw in enumerate(raw_items)]
    for item in items:
        check_policy(spec, grant, principal, item)
    follows = _deduplicate(spec, items)
    pending = [i for i in items if i.ok and i.index not in follows]
    if pending and grant is not None:
        try:
            try:
                judged = await graph.write(
                    _write_batch, spec, grant, principal, moment, pending, audit,
                    settings.hub_linkage_enabled,
                )  # fmt: skip
            except folded.Disagreement as exc:  # rolled back: the classic way decides
                log.error("folded write disagrees", extra={"fields": {"item": str(exc)}})
                judged = await graph.write(
                    _write_batch, spec, grant, principal, moment, pending, audit,
                    settings.hub_linkage_enabled, False,
                )  # fmt: skip
        except (ServiceUnavailable, SessionExpired, TransientError) as exc:
            log.warning("write batch failed", extra={"fields": {"error": type(exc).__name__}})
            raise Unavailable(RETRY_MESSAGE) from None
        by_index = {i.index: i for i in judged}
        items = [by_index.get(i.index, i) for i in items]
        if settings.hub_linkage_enabled and (
            write is Write.REPORT_INCIDENTS or any(not i.ok for i in judged)
        ):
            bell.ring()  # its refusals or incidents raised alerts: deliver them now
        if audit is not None and any(i.ok and not i.replayed for i in judged):
            audit.committed()
    by_index = {i.index: i for i in items}
    return Outcome([_result(spec, by_index[follows.get(i.index, i.index)], i) for i in items])


def _result(spec: Spec, decided: Item, item: Item) -> Result:
    errors = decided.errors if item.ok else item.errors
    ok = not errors
    key = item.draft.key if item.draft is not None else None
    key = decided.global_key or key
    global_id = spec.label + ":" + key if ok and key else None
    return Result(
        item.index, ok, global_id, ok and (decided.replayed or decided is not item), errors
    )
