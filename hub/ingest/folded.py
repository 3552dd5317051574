"""Fillings judged inside their write statement (hub/graph/ingest_fold_repo.py).

The statement decides by the closed-loop rules which rows it writes. The rows it did not create
(replays, CONFLICTs, refusals: rare) are judged again here, exactly as the classic pipeline
judges every item (hub/ingest/judge.py), against the batch's one read made for those rows only,
so their answers and the alerts their refusals raise are the same word for word. Should the
Python judge accept a row the statement refused, the two disagree: `Disagreement` rolls the
transaction back, and the batch runs the classic way (hub/ingest/batch.py).
"""

from __future__ import annotations

from typing import Any

from neo4j import AsyncManagedTransaction

from hub.access.principal import Principal, Role
from hub.access.write_policy import Grant, Write
from hub.graph import ingest_fold_repo
from hub.graph.ingest_read_repo import Reader, read_state
from hub.ingest.fields import Moment
from hub.ingest.item import Item, Spec, State
from hub.ingest.judge import judge, state_from

FOLDED = frozenset({Write.RECORD_FILLINGS})
LABELS = ("Cylinder", "Person")  # the row rules the statement applies


class Disagreement(Exception):
    """The statement refused an item that the Python judge accepts."""


def applies(spec: Spec, principal: Principal) -> bool:
    return spec.write in FOLDED and principal.role is Role.ENTERPRISE and bool(principal.enterprise)


def _row(item: Item) -> dict[str, Any]:
    draft = item.draft
    assert draft is not None
    time = draft.props["time"]
    filler = draft.links["filler"]
    return {
        "i": item.index,
        "key": draft.key,
        "props": {**draft.props, "time": time.isoformat()},
        "hash": item.hash,
        "cylinder": draft.links["cylinder"][0],
        "filler": filler[0] if filler else None,
        "links": {"filler": filler},
        "day": time.date().isoformat(),
    }


async def write(
    tx: AsyncManagedTransaction,
    spec: Spec,
    grant: Grant,
    principal: Principal,
    moment: Moment,
    reader: Reader,
    todo: list[Item],
) -> tuple[int, State]:
    """Write `todo` (items without errors, unique keys) and judge the rows not created in place;
    (how many were written, the state those rows were judged against)."""
    kinds = sorted(grant.kinds) if grant.kinds is not None else None
    written, others = await ingest_fold_repo.record_fillings(
        tx, reader, [_row(i) for i in todo], kinds, moment.now
    )
    if not others:
        return written, State({}, {}, None)
    again = [i for i in todo if i.index in set(others)]
    refs: dict[str, set[str]] = {}
    for item in again:
        assert item.draft is not None
        for ref in item.draft.refs:
            refs.setdefault(ref.label, set()).add(ref.key)
    keys = [i.draft.key for i in again if i.draft is not None]
    read = await read_state(tx, reader, {k: sorted(v) for k, v in refs.items()}, spec.label, keys)
    state = state_from(read)
    for item in again:
        judge(spec, grant, principal, moment, state, item)
        if item.ok and not item.replayed:
            raise Disagreement(f"{spec.write.value} item {item.index}")
    return written, state
